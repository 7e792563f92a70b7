/**
 * Okta's event hook filters (self-service Early Access): `events.filter` with one Okta Expression
 * Language condition per subscribed event type. Without the feature a hook with a filter is
 * refused; with it the filter is stored, returned as Okta returns it, validated on create and
 * replace, and applied when events are delivered (Preview bypasses it).
 */
import {
	apiClient,
	createBody,
	expectRecordedResponsesMatchSpec,
	request,
} from '../../../devkit/okta-sandbox/apiClient';
import {
	startHookReceiver,
	startOktaSandbox,
	type EventHookFilter,
	type HookReceiver,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { deliverPreview } from '../../../devkit/okta-sandbox/preview';

let sb: OktaSandbox;
let rx: HookReceiver;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sb = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	rx = await startHookReceiver();
	api = apiClient(sb);
});
afterEach(() => {
	expectRecordedResponsesMatchSpec(sb.requests);
	sb.reset();
	rx.received.length = 0;
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

const GROUP_ADD = 'group.user_membership.add';
const CREATE_USER = 'user.lifecycle.create';
/** Okta's example: only users added to the Sales group. */
const SALES = "event.target.?[type eq 'UserGroup' && displayName eq 'Sales'].size() > 0";
const filterOf = (...entries: Array<[event: string, expression: string]>): EventHookFilter => ({
	type: 'EXPRESSION_LANGUAGE',
	eventFilterMap: entries.map(([event, expression]) => ({ event, condition: { expression } })),
});
const hookBody = (filter: unknown, items = [GROUP_ADD, CREATE_USER], path = '/hook') =>
	createBody(`${rx.url}${path}`, { events: { type: 'EVENT_TYPE', items, filter } });
const causes = (json: { errorCauses: Array<{ errorSummary: string }> }) =>
	json.errorCauses.map((c) => c.errorSummary);
const delivered = () =>
	rx.received
		.filter((r) => r.method === 'POST')
		.map((r) => (r.json as { data: { events: Array<{ uuid: string }> } }).data.events)
		.map((events) => events.map((e) => e.uuid));

/** A group membership event whose group target is the given group. */
const addedTo = (group: string) =>
	sb.makeEventOfType(GROUP_ADD, {
		target: [
			{ id: '00ujane', type: 'User', alternateId: 'jane@example.com', displayName: 'Jane Doe' },
			{ id: '00g1', type: 'UserGroup', alternateId: 'unknown', displayName: group },
		],
	});

async function verifiedHookWith(filter: unknown, items?: string[]) {
	const created = await api('POST', '/api/v1/eventHooks', hookBody(filter, items));
	expect(created.status).toBe(200);
	const verified = await api('POST', `/api/v1/eventHooks/${created.json.id}/lifecycle/verify`);
	expect(verified.json.verificationStatus).toBe('VERIFIED');
	rx.received.length = 0;
	return created.json as { id: string; events: unknown };
}

describe('the org without the Early Access feature (Okta’s default)', () => {
	it('refuses a hook with a filter: 400 E0000001 naming events.filter; filter null is fine', async () => {
		expect(sb.eventHookFiltersEnabled).toBe(false);
		const refused = await api('POST', '/api/v1/eventHooks', hookBody(filterOf([GROUP_ADD, SALES])));
		expect(refused.status).toBe(400);
		expect(refused.json).toMatchObject({
			errorCode: 'E0000001',
			errorSummary: 'Api validation failed: eventHook',
		});
		expect(causes(refused.json)).toEqual([
			'events.filter: Event hook filters is an Early Access feature that is not enabled for this org.',
		]);
		expect(sb.hooks()).toHaveLength(0);

		const plain = await api('POST', '/api/v1/eventHooks', hookBody(null));
		expect(plain.status).toBe(200);
		expect(plain.json.events.filter).toBeNull();
		const replaced = await api(
			'PUT',
			`/api/v1/eventHooks/${plain.json.id}`,
			hookBody(filterOf([GROUP_ADD, SALES])),
		);
		expect(replaced.status).toBe(400);
		expect(sb.hook(plain.json.id)!.events.filter).toBeNull();
	});
});

describe('the org with the feature', () => {
	beforeEach(() => sb.setEventHookFilters(true));

	it('stores the filter and returns it as Okta does (condition.version null)', async () => {
		const created = await api('POST', '/api/v1/eventHooks', hookBody(filterOf([GROUP_ADD, SALES])));
		expect(created.status).toBe(200);
		const expected = {
			type: 'EXPRESSION_LANGUAGE',
			eventFilterMap: [{ event: GROUP_ADD, condition: { version: null, expression: SALES } }],
		};
		expect(created.json.events).toEqual({
			type: 'EVENT_TYPE',
			items: [GROUP_ADD, CREATE_USER],
			filter: expected,
		});
		expect((await api('GET', `/api/v1/eventHooks/${created.json.id}`)).json.events.filter).toEqual(
			expected,
		);
		expect((await api('GET', '/api/v1/eventHooks')).json[0].events.filter).toEqual(expected);
	});

	it('delivers only the events the filter lets through; types without a filter all pass', async () => {
		const hook = await verifiedHookWith(filterOf([GROUP_ADD, SALES]));
		const sales = addedTo('Sales');
		const support = addedTo('Support');
		const created = sb.makeEventOfType(CREATE_USER);
		const results = await sb.deliver([support, sales, created]);
		expect(results.map((r) => r.hookId)).toEqual([hook.id]);
		// One delivery, the filtered-out event left out of it; the System Log has all three.
		expect(delivered()).toEqual([[sales.uuid, created.uuid]]);
		expect(sb.systemLog.map((e) => e.uuid)).toEqual([support.uuid, sales.uuid, created.uuid]);

		rx.received.length = 0;
		expect(await sb.deliver([addedTo('Support')])).toEqual([]);
		expect(rx.received).toHaveLength(0);
	});

	it.each([
		[
			"a user target's alternateId",
			"event.target.?[type eq 'User' && alternateId eq 'jane@example.com'].size() > 0",
			{ target: [{ id: '00ujane', type: 'User', alternateId: 'jane@example.com' }] },
			{ target: [{ id: '00uomar', type: 'User', alternateId: 'omar@example.com' }] },
		],
		[
			"the actor's alternateId",
			"event.actor.alternateId eq 'admin@example.com'",
			{ actor: { alternateId: 'admin@example.com' } },
			{ actor: { alternateId: 'someone@example.com' } },
		],
		[
			'the outcome',
			"event.outcome.result eq 'SUCCESS'",
			{ outcome: { result: 'SUCCESS' } },
			{ outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS' } },
		],
	])('filters on %s', async (_what, expression, passing, failing) => {
		await verifiedHookWith(filterOf([CREATE_USER, expression]));
		const yes = sb.makeEventOfType(CREATE_USER, passing);
		const no = sb.makeEventOfType(CREATE_USER, failing);
		await sb.deliver([yes, no]);
		expect(delivered()).toEqual([[yes.uuid]]);
	});

	it('emitEvents goes through the filter too', async () => {
		await verifiedHookWith(filterOf([CREATE_USER, "event.actor.alternateId eq 'hr@example.com'"]));
		const { events, deliveries } = await sb.emitEvents([
			{ eventType: CREATE_USER, overrides: { actor: { alternateId: 'hr@example.com' } } },
			{ eventType: CREATE_USER },
		]);
		expect(deliveries).toHaveLength(1);
		expect(delivered()).toEqual([[events[0].uuid]]);
	});

	it('Preview bypasses the filter (Okta: "The event hook preview bypasses the event hook filter")', async () => {
		const hook = await verifiedHookWith(filterOf([GROUP_ADD, SALES]));
		const support = addedTo('Support');
		sb.addLogEvents([support]);
		const preview = await deliverPreview(sb, hook.id, GROUP_ADD);
		expect(preview).toMatchObject({ filledFrom: 'systemLog', attempt: { status: 200 } });
		expect(delivered()).toEqual([[support.uuid]]);
	});

	it('refuses an expression it cannot evaluate, at create and at replace', async () => {
		const refused = await api(
			'POST',
			'/api/v1/eventHooks',
			hookBody(filterOf([GROUP_ADD, "event.client.ipAddress eq '198.51.100.7'"])),
		);
		expect(refused.status).toBe(400);
		expect(refused.json.errorCode).toBe('E0000001');
		expect(causes(refused.json)).toEqual([
			expect.stringMatching(
				/^events\.filter\.eventFilterMap\[0\]\.condition\.expression: Invalid Okta Expression Language expression: event\.client\.ipAddress cannot be filtered/,
			),
		]);

		const hook = await api('POST', '/api/v1/eventHooks', hookBody(filterOf([GROUP_ADD, SALES])));
		const replaced = await api(
			'PUT',
			`/api/v1/eventHooks/${hook.json.id}`,
			hookBody(filterOf([GROUP_ADD, 'event.actor.alternateId'])),
		);
		expect(replaced.status).toBe(400);
		expect(causes(replaced.json)[0]).toMatch(/must be a boolean/);
		expect(sb.hook(hook.json.id)!.events.filter!.eventFilterMap[0].condition.expression).toBe(
			SALES,
		);
	});

	it('refuses a filter entry for an event type the hook does not subscribe to, or two for one type', async () => {
		const stray = await api(
			'POST',
			'/api/v1/eventHooks',
			hookBody(filterOf(['user.session.start', "event.outcome.result eq 'FAILURE'"])),
		);
		expect(stray.status).toBe(400);
		expect(causes(stray.json)).toEqual([
			"events.filter.eventFilterMap[0].event: The event type 'user.session.start' is not one of the event hook's subscribed event types.",
		]);
		const twice = await api(
			'POST',
			'/api/v1/eventHooks',
			hookBody(filterOf([GROUP_ADD, SALES], [GROUP_ADD, "event.outcome.result eq 'SUCCESS'"])),
		);
		expect(twice.status).toBe(400);
		expect(causes(twice.json)).toEqual([
			"events.filter.eventFilterMap[1].event: The event type 'group.user_membership.add' has more than one filter.",
		]);
		const shapeless = await api(
			'POST',
			'/api/v1/eventHooks',
			hookBody({ type: 'EXPRESSION_LANGUAGE' }),
		);
		expect(causes(shapeless.json)).toEqual([
			'events.filter.eventFilterMap: The field cannot be left blank.',
		]);
		expect(sb.hooks()).toHaveLength(0);
	});

	it('a PUT without the filter removes it; a PUT with one replaces it', async () => {
		const hook = await verifiedHookWith(filterOf([GROUP_ADD, SALES]));
		const support = "event.target.?[type eq 'UserGroup' && displayName eq 'Support'].size() > 0";
		await api('PUT', `/api/v1/eventHooks/${hook.id}`, hookBody(filterOf([GROUP_ADD, support])));
		const sales = addedTo('Sales');
		const supportEvent = addedTo('Support');
		await sb.deliver([sales, supportEvent]);
		expect(delivered()).toEqual([[supportEvent.uuid]]);

		rx.received.length = 0;
		const unfiltered = await api('PUT', `/api/v1/eventHooks/${hook.id}`, hookBody(undefined));
		expect(unfiltered.json.events.filter).toBeNull();
		await sb.deliver([addedTo('Sales'), addedTo('Support')]);
		expect(delivered()[0]).toHaveLength(2);
	});

	it('seedHook takes a filter too, checked like the API does', async () => {
		const hook = sb.seedHook({
			uri: `${rx.url}/seeded`,
			eventTypes: [GROUP_ADD],
			filter: filterOf([GROUP_ADD, SALES]),
		});
		expect(hook.events.filter!.eventFilterMap[0].condition).toEqual({
			version: null,
			expression: SALES,
		});
		const sales = addedTo('Sales');
		await sb.deliver([addedTo('Support'), sales]);
		expect(delivered()).toEqual([[sales.uuid]]);
		expect(() =>
			sb.seedHook({
				uri: `${rx.url}/seeded`,
				eventTypes: [GROUP_ADD],
				filter: filterOf([GROUP_ADD, 'event.nope eq 1']),
			}),
		).toThrow(/cannot be filtered/);
		sb.updateHook(hook.id, { filter: null });
		expect(sb.hook(hook.id)!.events.filter).toBeNull();
	});
});

describe('switching the feature', () => {
	it('off again: stored filters stay (GET shows them) but no longer apply; new ones are refused', async () => {
		sb.setEventHookFilters(true);
		const hook = await verifiedHookWith(filterOf([GROUP_ADD, SALES]));
		sb.setEventHookFilters(false);
		expect((await api('GET', `/api/v1/eventHooks/${hook.id}`)).json.events.filter).not.toBeNull();
		await sb.deliver([addedTo('Support')]);
		expect(delivered()).toHaveLength(1);
		const again = await api(
			'PUT',
			`/api/v1/eventHooks/${hook.id}`,
			hookBody(filterOf([GROUP_ADD, SALES])),
		);
		expect(again.status).toBe(400);
	});

	it('over the control API, from the start option, and back to it on reset()', async () => {
		const ctl = (method: string, body?: unknown) =>
			request(sb, method, '/__sandbox/features', { body });
		expect((await ctl('GET')).json).toEqual({ eventHookFilters: false });
		expect((await ctl('POST', { eventHookFilters: true })).json).toEqual({
			eventHookFilters: true,
		});
		expect(sb.eventHookFiltersEnabled).toBe(true);
		expect((await ctl('POST', { eventHookFilters: 'yes' })).status).toBe(400);
		sb.reset();
		expect(sb.eventHookFiltersEnabled).toBe(false);

		const withFeature = await startOktaSandbox({ eventHookFilters: true });
		try {
			expect(withFeature.eventHookFiltersEnabled).toBe(true);
			withFeature.setEventHookFilters(false);
			withFeature.reset();
			expect(withFeature.eventHookFiltersEnabled).toBe(true);
		} finally {
			await withFeature.close();
		}
	});
});
