/**
 * Event hooks with several event types, validated as Okta does: every item must be an event type
 * of Okta's catalog tagged event-hook-eligible, at most 300 per hook; a refusal is Okta's
 * 400 E0000001 "Api validation failed: eventHook" with one cause per refused type, naming it.
 * Every answer is checked against the spec's EventHook / Error schemas.
 */
import {
	apiClient,
	createBody,
	expectRecordedResponsesMatchSpec,
} from '../../../devkit/okta-sandbox/apiClient';
import { startOktaSandbox, type OktaSandbox } from '../../../devkit/okta-sandbox';
import { allEventTypes, eventHookEventTypes } from '../../../nodes/events/eventTypeCatalog';

let sb: OktaSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sb = await startOktaSandbox();
	api = apiClient(sb);
});
afterEach(() => {
	expectRecordedResponsesMatchSpec(sb.requests);
	sb.reset();
});
afterAll(() => sb.close());

const URI = 'https://127.0.0.1:1/webhook/okta';
const MFA = 'system.mfa.preregister.initiate';
const withItems = (items: unknown[]) => createBody(URI, { events: { type: 'EVENT_TYPE', items } });
const causes = (json: { errorCauses: Array<{ errorSummary: string }> }) =>
	json.errorCauses.map((c) => c.errorSummary);
/** A catalog type Okta does not allow in event hooks (the System Log still records it). */
const INELIGIBLE = allEventTypes().find((t) => !t.eventHook)!.id;

describe('an event hook subscribes to several event types', () => {
	it('creates a hook for several eligible types and returns them in order, each once', async () => {
		const items = ['user.lifecycle.create', 'group.user_membership.add', MFA];
		const created = await api('POST', '/api/v1/eventHooks', withItems([...items, items[0]]));
		expect(created.status).toBe(200);
		expect(created.json.events).toEqual({ type: 'EVENT_TYPE', items, filter: null });
		const read = await api('GET', `/api/v1/eventHooks/${created.json.id}`);
		expect(read.json.events.items).toEqual(items);
	});

	it('replaces the event types with PUT, validated like create', async () => {
		const created = await api('POST', '/api/v1/eventHooks', withItems([MFA]));
		const body = { ...withItems(['user.session.start', 'user.session.end']), name: 'Sessions' };
		const replaced = await api('PUT', `/api/v1/eventHooks/${created.json.id}`, body);
		expect(replaced.status).toBe(200);
		expect(replaced.json.events.items).toEqual(['user.session.start', 'user.session.end']);

		const refused = await api('PUT', `/api/v1/eventHooks/${created.json.id}`, {
			...body,
			events: { type: 'EVENT_TYPE', items: ['user.session.start', 'user.sesion.end'] },
		});
		expect(refused.status).toBe(400);
		expect(causes(refused.json)).toEqual([
			"events.items: The event type 'user.sesion.end' is not a valid event type.",
		]);
		expect(sb.hook(created.json.id)!.events.items).toEqual([
			'user.session.start',
			'user.session.end',
		]);
	});

	it('accepts every event-hook-eligible type of the catalog (300 per hook)', async () => {
		const eligible = eventHookEventTypes().map((t) => t.id);
		expect(eligible.length).toBeGreaterThan(300);
		for (let i = 0; i < eligible.length; i += 300) {
			const r = await api('POST', '/api/v1/eventHooks', withItems(eligible.slice(i, i + 300)));
			expect(r.status).toBe(200);
		}
		expect(sb.hooks().flatMap((h) => h.events.items)).toEqual(eligible);
	});
});

describe('what Okta refuses in events.items (400 E0000001, one cause per refused type)', () => {
	const refused = async (items: unknown[]) => {
		const r = await api('POST', '/api/v1/eventHooks', withItems(items));
		expect(r.status).toBe(400);
		expect(r.json).toMatchObject({
			errorCode: 'E0000001',
			errorSummary: 'Api validation failed: eventHook',
			errorLink: 'E0000001',
		});
		expect(sb.hooks()).toHaveLength(0);
		return causes(r.json);
	};

	it('a type Okta does not have, named in the cause', async () => {
		expect(await refused(['user.lifecycle.create', 'user.lifecycle.explode'])).toEqual([
			"events.items: The event type 'user.lifecycle.explode' is not a valid event type.",
		]);
	});

	it('a catalog type that is not event-hook-eligible, named in the cause', async () => {
		expect(await refused([MFA, INELIGIBLE])).toEqual([
			`events.items: The event type '${INELIGIBLE}' is not eligible for event hooks.`,
		]);
	});

	it('ids are case-sensitive, as Okta catalogs them', async () => {
		expect(await refused(['User.Session.Start'])).toEqual([
			"events.items: The event type 'User.Session.Start' is not a valid event type.",
		]);
	});

	it('every bad type at once, and nothing about the good ones', async () => {
		expect(await refused(['nope.one', MFA, INELIGIBLE, 'nope.two'])).toEqual([
			"events.items: The event type 'nope.one' is not a valid event type.",
			`events.items: The event type '${INELIGIBLE}' is not eligible for event hooks.`,
			"events.items: The event type 'nope.two' is not a valid event type.",
		]);
	});

	it('more than 300 types, even all eligible', async () => {
		const eligible = eventHookEventTypes().map((t) => t.id);
		expect(await refused(eligible.slice(0, 301))).toEqual([
			'events.items: At most 300 event types can be subscribed to.',
		]);
	});

	it('an item that is not an event type id at all', async () => {
		expect(await refused([MFA, 42, ''])).toEqual(['events.items: Invalid event type(s): 42, "".']);
	});
});
