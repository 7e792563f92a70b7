/**
 * What the Okta Trigger and the Okta Polling Trigger accept as their choice of events, and what
 * they refuse before Okta sees it: the event types, the event hook filters, the System Log filter.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { INode } from 'n8n-workflow';

import {
	checkedLogFilter,
	chosenEventTypes,
	eventsProperty,
	hookFilterOf,
} from '../../../nodes/events/eventChoice';
import { allEventTypes, eventHookEventTypes } from '../../../nodes/events/eventTypeCatalog';

const node: INode = {
	id: 'a7e0c3d2-5b1f-4c8e-9d2a-0f6b3e1c7a55',
	name: 'Okta Trigger',
	type: 'n8n-nodes-okta.oktaTrigger',
	typeVersion: 1.1,
	position: [0, 0],
	parameters: {},
};

/** The error a call throws; fails the test when it returns. */
function thrown(call: () => unknown): NodeOperationError {
	try {
		call();
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('expected an error');
}

const CREATE = 'user.lifecycle.create';
const GROUP_ADD = 'group.user_membership.add';
const MFA = 'system.mfa.preregister.initiate';
/** In Okta's catalog, but not tagged event-hook-eligible. */
const NOT_FOR_HOOKS = 'policy.evaluate_sign_on';

describe('the Event Types parameter', () => {
	it('offers the event-hook-eligible types for an event hook and every type for polling', () => {
		const hook = eventsProperty('eventHook');
		const all = eventsProperty('all');
		expect(hook).toMatchObject({
			name: 'events',
			type: 'multiOptions',
			default: [],
			required: true,
		});
		expect(all).toMatchObject({
			name: 'events',
			type: 'multiOptions',
			default: [],
			required: true,
		});
		const values = (property: typeof hook) =>
			(property.options ?? []).map((option) => (option as { value: string }).value).sort();
		expect(values(hook)).toEqual(eventHookEventTypes().map((type) => type.id));
		expect(values(all)).toEqual(allEventTypes().map((type) => type.id));
		expect(values(hook)).not.toContain(NOT_FOR_HOOKS);
		expect(values(all)).toContain(NOT_FOR_HOOKS);
	});
});

describe('the chosen event types', () => {
	it('are the ids chosen, in order, for an event hook and for polling', () => {
		expect(chosenEventTypes(node, [CREATE, GROUP_ADD], 'eventHook')).toEqual([CREATE, GROUP_ADD]);
		expect(chosenEventTypes(node, [GROUP_ADD, MFA, CREATE], 'all')).toEqual([
			GROUP_ADD,
			MFA,
			CREATE,
		]);
	});

	it('may come from an expression as a comma-separated string, trimmed, each once', () => {
		expect(chosenEventTypes(node, `${CREATE}, ${GROUP_ADD}`, 'eventHook')).toEqual([
			CREATE,
			GROUP_ADD,
		]);
		expect(chosenEventTypes(node, ` ${CREATE} ,${CREATE},, `, 'all')).toEqual([CREATE]);
	});

	it('refuses an id Okta does not have with a NodeOperationError that names it', () => {
		const error = thrown(() => chosenEventTypes(node, [CREATE, 'user.lifecycle.craete'], 'all'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain('"user.lifecycle.craete"');
		expect(error.message).not.toContain(`"${CREATE}"`);
		expect(error.description).toMatch(/Choose the event types from the list/);
		expect(error.node).toBe(node);
	});

	it('refuses, for an event hook only, a type Okta does not allow in event hooks, naming it', () => {
		const error = thrown(() => chosenEventTypes(node, [CREATE, NOT_FOR_HOOKS], 'eventHook'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`"${NOT_FOR_HOOKS}"`);
		expect(error.message).toMatch(/event hooks/);
		expect(chosenEventTypes(node, [CREATE, NOT_FOR_HOOKS], 'all')).toEqual([CREATE, NOT_FOR_HOOKS]);
	});

	it('refuses an empty choice, whatever shape it has', () => {
		for (const empty of [[], '', ' , ', undefined, null]) {
			const error = thrown(() => chosenEventTypes(node, empty, 'eventHook'));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/Choose at least one Okta event type/);
		}
		expect(thrown(() => chosenEventTypes(node, [], 'all')).message).toMatch(
			/Choose at least one Okta event type/,
		);
	});
});

describe('the event hook filter from the Filters parameter', () => {
	const chosen = [CREATE, GROUP_ADD];
	const inEngineering =
		"event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0";

	it('is none without filters, or with only blank rows', () => {
		expect(hookFilterOf(node, undefined, chosen)).toBeUndefined();
		expect(hookFilterOf(node, [], chosen)).toBeUndefined();
		expect(
			hookFilterOf(
				node,
				[
					{ event: '', expression: '' },
					{ event: ' ', expression: ' ' },
				],
				chosen,
			),
		).toBeUndefined();
	});

	it("is Okta's EXPRESSION_LANGUAGE filter: one trimmed condition per event type, in order", () => {
		expect(
			hookFilterOf(
				node,
				[
					{ event: ` ${GROUP_ADD} `, expression: ` ${inEngineering} ` },
					{ event: CREATE, expression: "event.outcome.result eq 'SUCCESS'" },
					{ event: '', expression: '' },
				],
				chosen,
			),
		).toEqual({
			type: 'EXPRESSION_LANGUAGE',
			eventFilterMap: [
				{ event: GROUP_ADD, condition: { expression: inEngineering } },
				{ event: CREATE, condition: { expression: "event.outcome.result eq 'SUCCESS'" } },
			],
		});
	});

	it('refuses a filter for an event type that is not chosen, naming it', () => {
		const error = thrown(() =>
			hookFilterOf(node, [{ event: 'user.session.start', expression: inEngineering }], chosen),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			'The filter for "user.session.start" names an event type that is not chosen',
		);
		expect(error.description).toMatch(/Okta Expression Language/);
	});

	it('refuses a filter with an expression but no event type', () => {
		const error = thrown(() =>
			hookFilterOf(node, [{ event: '', expression: inEngineering }], chosen),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/not chosen/);
	});

	it('refuses a second filter for the same event type: Okta takes one condition per type', () => {
		const error = thrown(() =>
			hookFilterOf(
				node,
				[
					{ event: GROUP_ADD, expression: inEngineering },
					{ event: GROUP_ADD, expression: "event.outcome.result eq 'SUCCESS'" },
				],
				chosen,
			),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toContain(`"${GROUP_ADD}" has more than one filter`);
	});

	it('refuses a filter without an expression', () => {
		for (const expression of ['', '   ', undefined]) {
			const error = thrown(() => hookFilterOf(node, [{ event: GROUP_ADD, expression }], chosen));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toBe(`The filter for "${GROUP_ADD}" has no condition`);
		}
	});
});

describe('the System Log filter of the polling trigger', () => {
	it('is none when blank or not text', () => {
		for (const blank of [undefined, null, '', '   ', 42, {}])
			expect(checkedLogFilter(node, blank)).toBeUndefined();
	});

	it('passes a valid filter, trimmed', () => {
		expect(checkedLogFilter(node, '  outcome.result eq "SUCCESS"  ')).toBe(
			'outcome.result eq "SUCCESS"',
		);
		const nested =
			'(outcome.result eq "FAILURE" or outcome.result eq "DENY") and not (actor.alternateId sw "svc-")';
		expect(checkedLogFilter(node, nested)).toBe(nested);
	});

	it('ignores quotes and brackets inside a string, escaped quotes included', () => {
		const filter = 'displayMessage eq "a (b" and debugContext.debugData.note eq "say \\"hi\\")"';
		expect(checkedLogFilter(node, filter)).toBe(filter);
	});

	it('refuses a quote that is not closed', () => {
		const error = thrown(() => checkedLogFilter(node, 'outcome.result eq "SUCCESS'));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The System Log filter has a quote that is not closed');
		expect(error.description).toMatch(/joined to the chosen event types with "and"/);
		expect(thrown(() => checkedLogFilter(node, 'displayMessage eq "a \\"')).message).toMatch(
			/quote that is not closed/,
		);
	});

	it('refuses a bracket that is not closed, or closed before it was opened', () => {
		expect(thrown(() => checkedLogFilter(node, '(outcome.result eq "SUCCESS"')).message).toBe(
			'The System Log filter has a bracket that is not closed',
		);
		expect(thrown(() => checkedLogFilter(node, 'outcome.result eq "SUCCESS")')).message).toBe(
			'The System Log filter closes a bracket it never opened',
		);
		expect(thrown(() => checkedLogFilter(node, ')a eq "b"(')).message).toMatch(/never opened/);
	});

	it('refuses a condition on published, which Okta does not allow (the trigger sets the time)', () => {
		for (const filter of [
			'published gt "2026-01-01T00:00:00.000Z"',
			'outcome.result eq "SUCCESS" and published gt "2026-01-01T00:00:00.000Z"',
			'(PUBLISHED lt "2026-01-01T00:00:00.000Z")',
		]) {
			const error = thrown(() => checkedLogFilter(node, filter));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/filters on published/);
		}
	});

	it('allows "published" inside a quoted value and in another attribute’s name', () => {
		for (const filter of [
			'displayMessage eq "published gt yesterday"',
			'displayMessage co " published "',
			'debugContext.debugData.published eq "x"',
		])
			expect(checkedLogFilter(node, filter)).toBe(filter);
	});
});
