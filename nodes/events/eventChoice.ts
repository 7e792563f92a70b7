import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';

import { checkEventTypes, eventTypeOptions } from './eventTypeCatalog';
import type { EventTypeSelection } from './eventTypeCatalog';
import type { EventHookFilter } from './subscription';

/** The Okta Trigger's and Okta Polling Trigger's `events` parameter: Okta's catalog, searchable. */
export function eventsProperty(which: EventTypeSelection): INodeProperties {
	return {
		displayName: 'Event Types',
		name: 'events',
		type: 'multiOptions',
		options: eventTypeOptions(which),
		default: [],
		required: true,
		description:
			which === 'eventHook'
				? "The Okta event types that start the workflow (type to search by name or id). Only types Okta allows in event hooks are listed; the Okta Polling Trigger offers every type. Choose from the list, or specify IDs using an <a href='https://docs.n8n.io/code/expressions/'>expression</a>."
				: "The Okta event types that start the workflow (type to search by name or id). Choose from the list, or specify IDs using an <a href='https://docs.n8n.io/code/expressions/'>expression</a>.",
	};
}

/** The chosen event types, checked against Okta's catalog; an error names what Okta does not have. */
export function chosenEventTypes(node: INode, value: unknown, which: EventTypeSelection): string[] {
	try {
		return checkEventTypes(value, which);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, {
			description:
				'Choose the event types from the list in the node (it holds the types Okta documents), or correct the ids your expression gives.',
		});
	}
}

/**
 * The event hook filter from the node's *Filters* (one Okta Expression Language condition per
 * event type), checked before Okta sees it: each names a chosen type once, with an expression.
 */
export function hookFilterOf(
	node: INode,
	conditions: IDataObject[] | undefined,
	eventTypes: readonly string[],
): EventHookFilter | undefined {
	const entries = (conditions ?? []).filter(
		(entry) => String(entry.event ?? '').trim() || String(entry.expression ?? '').trim(),
	);
	if (!entries.length) return undefined;
	const problem = (message: string) =>
		new NodeOperationError(node, message, {
			description:
				"Each filter names one of the chosen event types and an Okta Expression Language condition on the event, for example event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0. See Okta's event hook filters documentation.",
		});
	const eventFilterMap: EventHookFilter['eventFilterMap'] = [];
	for (const entry of entries) {
		const event = String(entry.event ?? '').trim();
		const expression = String(entry.expression ?? '').trim();
		if (!eventTypes.includes(event))
			throw problem(`The filter for "${event}" names an event type that is not chosen`);
		if (!expression) throw problem(`The filter for "${event}" has no condition`);
		if (eventFilterMap.some((filter) => filter.event === event))
			throw problem(`"${event}" has more than one filter: Okta takes one condition per event type`);
		eventFilterMap.push({ event, condition: { expression } });
	}
	return { type: 'EXPRESSION_LANGUAGE', eventFilterMap };
}

/**
 * The polling trigger's extra System Log filter, checked where Okta's rules are known: balanced
 * quotes and brackets, and no condition on `published` (Okta refuses it; the trigger sets the time).
 */
export function checkedLogFilter(node: INode, value: unknown): string | undefined {
	const filter = typeof value === 'string' ? value.trim() : '';
	if (!filter) return undefined;
	const problem = (message: string) =>
		new NodeOperationError(node, `The System Log filter ${message}`, {
			description:
				'Use Okta\'s System Log filter syntax, for example outcome.result eq "FAILURE" or actor.alternateId eq "admin@example.com"; it is joined to the chosen event types with "and".',
		});
	let depth = 0;
	let quoted = false;
	for (let i = 0; i < filter.length; i++) {
		const char = filter[i];
		if (quoted) {
			if (char === '\\') i++;
			else if (char === '"') quoted = false;
		} else if (char === '"') quoted = true;
		else if (char === '(') depth++;
		else if (char === ')' && --depth < 0) throw problem('closes a bracket it never opened');
	}
	if (quoted) throw problem('has a quote that is not closed');
	if (depth !== 0) throw problem('has a bracket that is not closed');
	if (/(^|[\s(])published\s/i.test(filter.replace(/"(?:[^"\\]|\\.)*"/g, '""')))
		throw problem('filters on published, which Okta does not allow (the trigger sets the time)');
	return filter;
}
