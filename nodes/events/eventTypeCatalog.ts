/**
 * Okta's event type catalog, as the nodes see it: every event type Okta documents (internal ones
 * left out), which of them an event hook may subscribe to, and their readable names. The data is
 * vendored in eventTypeCatalog.json, written by scripts/okta-event-types.ts from Okta's own
 * event-types.json (okta-developer-docs); see EVENT_TYPE_CATALOG_SOURCE for which version.
 */
import catalogFile from './eventTypeCatalog.json';

export interface OktaEventType {
	id: string;
	/** A readable short name: the first sentence of Okta's description (the id when it has none). */
	name: string;
	/** Okta's category id, e.g. "passwordless". */
	category: string;
	/** Okta tags it `event-hook-eligible`: an event hook may subscribe to it. */
	eventHook: boolean;
	/** Okta marks it beta. */
	beta: boolean;
}

/** Bits of a row's flags, as scripts/okta-event-types.ts writes them. */
const FLAG_EVENT_HOOK = 1;
const FLAG_BETA = 2;

interface CatalogFile {
	source: { url: string; commit?: string; date?: string; release?: string };
	eventTypes: Array<[id: string, name: string, category: string, flags: number]>;
}

const file = catalogFile as unknown as CatalogFile;

/** Where the vendored catalog came from: Okta's file (url, commit, date) and its docs release. */
export const EVENT_TYPE_CATALOG_SOURCE: {
	url: string;
	commit?: string;
	date?: string;
	release?: string;
} = Object.freeze({
	url: file.source.url,
	...(file.source.commit ? { commit: file.source.commit } : {}),
	...(file.source.date ? { date: file.source.date } : {}),
	...(file.source.release ? { release: file.source.release } : {}),
});

export type EventTypeSelection = 'eventHook' | 'all';

let all: readonly OktaEventType[] | undefined;
let eventHookOnly: readonly OktaEventType[] | undefined;
let byId: Map<string, OktaEventType> | undefined;

/** Every event type of the catalog, sorted by id. */
export function allEventTypes(): readonly OktaEventType[] {
	all ??= Object.freeze(
		file.eventTypes
			.map(([id, name, category, flags]) =>
				Object.freeze({
					id,
					name,
					category,
					eventHook: (flags & FLAG_EVENT_HOOK) !== 0,
					beta: (flags & FLAG_BETA) !== 0,
				}),
			)
			.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
	);
	return all;
}

/** The event types an Okta event hook may subscribe to, sorted by id. */
export function eventHookEventTypes(): readonly OktaEventType[] {
	eventHookOnly ??= Object.freeze(allEventTypes().filter((type) => type.eventHook));
	return eventHookOnly;
}

/** The catalog's entry for an id (exact, case-sensitive, as Okta's ids are). */
export function findEventType(id: string): OktaEventType | undefined {
	byId ??= new Map(allEventTypes().map((type) => [type.id, type]));
	return byId.get(id);
}

function ofSelection(which: EventTypeSelection): readonly OktaEventType[] {
	return which === 'eventHook' ? eventHookEventTypes() : allEventTypes();
}

/**
 * Options for a multiOptions parameter: name "<readable name> (<id>)" (the id alone when Okta
 * gives no description), value the id, sorted by name the way n8n's lint rule for options lists
 * wants them (node-param-options-type-unsorted-items: `a.name.localeCompare(b.name)`).
 */
export function eventTypeOptions(
	which: EventTypeSelection,
): Array<{ name: string; value: string; description?: string }> {
	return ofSelection(which)
		.map((type) => ({
			name: type.name === type.id ? type.id : `${type.name} (${type.id})`,
			value: type.id,
			...(type.beta ? { description: 'Okta lists this event type as beta' } : {}),
		}))
		.sort((a, b) => a.name.localeCompare(b.name, 'en') || (a.value < b.value ? -1 : 1));
}

function quoted(ids: string[]): string {
	const list = ids.map((id) => `"${id}"`);
	return list.length < 2 ? list.join('') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
}

/**
 * A user's selection of event types, checked against the catalog: the ids (trimmed, each once,
 * in the order given), or an Error naming every id Okta does not have and, for an event hook,
 * every id Okta does not allow in one. Takes a multiOptions value (an array) or, from an
 * expression, a comma-separated string.
 */
export function checkEventTypes(ids: unknown, which: EventTypeSelection): string[] {
	const given = typeof ids === 'string' ? ids.split(',') : ids;
	if (given !== undefined && given !== null && !Array.isArray(given)) {
		throw new Error(`Event types must be a list of Okta event type ids, not ${typeof given}`);
	}
	const selected: string[] = [];
	for (const entry of given ?? []) {
		if (typeof entry !== 'string') {
			throw new Error(
				`Event types must be Okta event type ids (text), not ${JSON.stringify(entry)}`,
			);
		}
		const id = entry.trim();
		if (id && !selected.includes(id)) selected.push(id);
	}
	if (!selected.length) {
		throw new Error(
			which === 'eventHook'
				? 'Choose at least one Okta event type for the event hook to deliver'
				: 'Choose at least one Okta event type',
		);
	}
	const unknown = selected.filter((id) => !findEventType(id));
	const notForHooks =
		which === 'eventHook' ? selected.filter((id) => findEventType(id)?.eventHook === false) : [];
	const problems: string[] = [];
	if (unknown.length) {
		const release = EVENT_TYPE_CATALOG_SOURCE.release;
		problems.push(
			`Okta has no event type${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} (${
				unknown.length > 1 ? 'they' : 'it'
			} may have been retired, or be newer than this node's catalog${
				release ? ` of Okta ${release}` : ''
			})`,
		);
	}
	if (notForHooks.length) {
		problems.push(
			`Okta does not allow ${quoted(notForHooks)} in event hooks (only event types Okta tags event-hook-eligible can be delivered by a hook; the System Log still records ${
				notForHooks.length > 1 ? 'them' : 'it'
			})`,
		);
	}
	if (problems.length) throw new Error(`${problems.join('. ')}.`);
	return selected;
}
