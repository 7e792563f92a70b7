/**
 * The sandbox plays any Okta event type, as Okta does: an event of any type of Okta's catalog is
 * recorded in the System Log with a plausible LogEvent shape and delivered to every ACTIVE,
 * VERIFIED event hook subscribed to its type, several events of mixed types in one delivery.
 * In process (emitEvents, makeEventOfType), over the control API (POST /__sandbox/emit) and
 * from the command line (emit --event-type).
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../../../devkit/paths';
import {
	startHookReceiver,
	startOktaSandbox,
	MFA_PREREGISTRATION_EVENT,
	type HookReceiver,
	type LogEvent,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { request } from '../../../devkit/okta-sandbox/apiClient';
import {
	FACTOR_DETAIL_KEYS,
	FACTOR_TARGET_TYPE,
	makeEventOfType,
	makeMfaPreregisterEvent,
} from '../../../devkit/okta-sandbox/events';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import { allEventTypes, eventHookEventTypes } from '../../../nodes/events/eventTypeCatalog';

let sb: OktaSandbox;
let rx: HookReceiver;

beforeAll(async () => {
	sb = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	rx = await startHookReceiver();
});
afterEach(() => {
	sb.reset();
	rx.received.length = 0;
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

/** Types whose displayMessage the sandbox knows from real Okta events (not the catalog's wording). */
const KNOWN_MESSAGES = new Set([
	MFA_PREREGISTRATION_EVENT,
	'user.session.start',
	'user.session.end',
	'user.lifecycle.create',
	'user.mfa.factor.activate',
	'group.user_membership.add',
]);
const targetTypes = (event: LogEvent) => (event.target ?? []).map((t) => t.type);
/** What each hook path received: one list of [eventType] per delivery. */
const deliveredTypes = () =>
	rx.received
		.filter((r) => r.method === 'POST')
		.map((r) => ({
			path: r.path,
			types: (r.json as { data: { events: LogEvent[] } }).data.events.map((e) => e.eventType),
		}));

describe('a LogEvent of any type', () => {
	it('every catalog type gives an event valid against the spec, with version "0" and its display message', () => {
		for (const { id, name } of allEventTypes()) {
			const event = makeEventOfType(id);
			expect(event).toMatchObject({ eventType: id, version: '0', outcome: { result: 'SUCCESS' } });
			expect(event.uuid).toMatch(/^[0-9a-f-]{36}$/);
			expect(Number.isNaN(Date.parse(event.published))).toBe(false);
			expect(typeof event.displayMessage).toBe('string');
			// Okta's description (the catalog's name), but for the messages the sandbox knows Okta logs.
			if (!KNOWN_MESSAGES.has(id)) expect(event.displayMessage).toBe(name);
			expectOktaSchema('LogEvent', event, { direction: 'response' });
		}
	});

	it.each([
		['user.lifecycle.create', 'Create okta user', ['User'], 'admin'],
		['user.account.lock', 'Auto-lock user account for Okta', ['User'], 'admin'],
		['group.user_membership.add', 'Add user to group membership', ['User', 'UserGroup'], 'admin'],
		['group.lifecycle.create', 'Create Okta group', ['UserGroup'], 'admin'],
		[
			'application.user_membership.add',
			'Add user to application membership',
			['User', 'AppInstance'],
			'admin',
		],
		['user.session.start', 'User login to Okta', [], 'the user'],
	])('%s: "%s", targets %j, actor %s', (type, message, targets, actor) => {
		const event = sb.makeEventOfType(type);
		expect(event.displayMessage).toBe(message);
		expect(targetTypes(event)).toEqual(targets);
		if (actor === 'admin') expect(event.actor.alternateId).toBe('admin@example.com');
		else expect(event.actor).toMatchObject({ type: 'User' });
		const user = event.target?.find((t) => t.type === 'User');
		if (user) expect(user.alternateId).toMatch(/@example\.com$/);
		const group = event.target?.find((t) => t.type === 'UserGroup');
		if (group) expect(group.id).toMatch(/^00g\w{17}$/);
		const app = event.target?.find((t) => t.type === 'AppInstance');
		if (app) expect(app.id).toMatch(/^0oa\w{17}$/);
	});

	it('takes overrides: objects merge, arrays (the targets) replace', () => {
		const event = sb.makeEventOfType('user.lifecycle.create', {
			outcome: { result: 'FAILURE', reason: 'Policy' },
			actor: { alternateId: 'hr@example.com' },
			target: [{ id: '00u1', type: 'User', alternateId: 'new@example.com' }],
		});
		expect(event.outcome).toEqual({ result: 'FAILURE', reason: 'Policy' });
		expect(event.actor).toMatchObject({ alternateId: 'hr@example.com', displayName: 'Ada Admin' });
		expect(event.target).toEqual([{ id: '00u1', type: 'User', alternateId: 'new@example.com' }]);
	});

	it('system.mfa.preregister.initiate keeps exactly the MFA preregistration shape', () => {
		for (const event of [
			sb.makeEventOfType(MFA_PREREGISTRATION_EVENT),
			makeEventOfType(MFA_PREREGISTRATION_EVENT),
		]) {
			const reference = makeMfaPreregisterEvent();
			expect(Object.keys(event)).toEqual(Object.keys(reference));
			expect(event).toMatchObject({
				eventType: MFA_PREREGISTRATION_EVENT,
				displayMessage: 'MFA Preregistration initiated',
				actor: reference.actor,
			});
			expect(targetTypes(event).sort()).toEqual([FACTOR_TARGET_TYPE, 'User'].sort());
			const factor = event.target!.find((t) => t.type === FACTOR_TARGET_TYPE)!;
			expect(Object.keys(factor.detailEntry!)).toEqual([...FACTOR_DETAIL_KEYS]);
			expect(event.debugContext?.debugData?.requestUri).toBe(
				'/webauthn-registration/api/v1/initiate-fulfillment-request',
			);
		}
	});
});

describe('emitEvents: Okta records the events and delivers them to the subscribed hooks', () => {
	it('batches events of mixed types into one delivery per hook, in order, only the types it subscribes to', async () => {
		const users = sb.seedHook({
			uri: `${rx.url}/users`,
			eventTypes: ['user.lifecycle.create', 'group.user_membership.add'],
		});
		const mfa = sb.seedHook({ uri: `${rx.url}/mfa` });
		sb.seedHook({
			uri: `${rx.url}/inactive`,
			eventTypes: ['user.lifecycle.create'],
			status: 'INACTIVE',
		});
		sb.seedHook({
			uri: `${rx.url}/unverified`,
			eventTypes: ['user.lifecycle.create'],
			verificationStatus: 'UNVERIFIED',
		});

		const { events, deliveries } = await sb.emitEvents([
			'group.user_membership.add',
			MFA_PREREGISTRATION_EVENT,
			{ eventType: 'user.lifecycle.create', count: 2 },
			'user.session.start',
		]);
		expect(events.map((e) => e.eventType)).toEqual([
			'group.user_membership.add',
			MFA_PREREGISTRATION_EVENT,
			'user.lifecycle.create',
			'user.lifecycle.create',
			'user.session.start',
		]);
		expect(sb.systemLog.map((e) => e.uuid)).toEqual(events.map((e) => e.uuid));
		expect(deliveries.map((d) => d.hookId).sort()).toEqual([users.id, mfa.id].sort());
		expect(deliveredTypes().sort((a, b) => a.path.localeCompare(b.path))).toEqual([
			{ path: '/mfa', types: [MFA_PREREGISTRATION_EVENT] },
			{
				path: '/users',
				types: ['group.user_membership.add', 'user.lifecycle.create', 'user.lifecycle.create'],
			},
		]);
		for (const r of rx.received)
			for (const e of (r.json as { data: { events: LogEvent[] } }).data.events)
				expectOktaSchema('LogEvent', e, { direction: 'response' });
	});

	it('records a type no hook subscribes to (or none may: not event-hook-eligible) without delivering it', async () => {
		sb.seedHook({ uri: `${rx.url}/mfa` });
		const ineligible = allEventTypes().find((t) => !t.eventHook)!.id;
		const { events, deliveries } = await sb.emitEvents([ineligible, 'user.lifecycle.create']);
		expect(deliveries).toEqual([]);
		expect(rx.received).toHaveLength(0);
		expect(sb.systemLog.map((e) => e.eventType)).toEqual([ineligible, 'user.lifecycle.create']);
		const logged = await request(
			sb,
			'GET',
			`/api/v1/logs?filter=${encodeURIComponent(`eventType eq "${ineligible}"`)}`,
			{ token: sb.token },
		);
		expect(logged.json.map((e: LogEvent) => e.uuid)).toEqual([events[0].uuid]);
	});

	it('applies overrides to every event of a spec', async () => {
		const { events } = await sb.emitEvents([
			{ eventType: 'user.lifecycle.deactivate', count: 3, overrides: { severity: 'WARN' } },
		]);
		expect(events.map((e) => e.severity)).toEqual(['WARN', 'WARN', 'WARN']);
		expect(new Set(events.map((e) => e.uuid)).size).toBe(3);
	});

	it('refuses a type Okta does not have, logging nothing', async () => {
		await expect(
			sb.emitEvents(['user.lifecycle.create', 'user.lifecycle.explode']),
		).rejects.toThrow(/"user\.lifecycle\.explode" is not an event type of Okta's catalog/);
		expect(sb.systemLog).toEqual([]);
	});

	it('every event-hook-eligible type reaches a hook subscribed to it', async () => {
		const eligible = eventHookEventTypes().map((t) => t.id);
		sb.seedHook({ uri: `${rx.url}/a`, eventTypes: eligible.slice(0, 300) });
		sb.seedHook({ uri: `${rx.url}/b`, eventTypes: eligible.slice(300) });
		const { deliveries } = await sb.emitEvents(eligible);
		expect(deliveries).toHaveLength(2);
		expect(
			deliveredTypes()
				.flatMap((d) => d.types)
				.sort(),
		).toEqual([...eligible].sort());
	});
});

describe('POST /__sandbox/emit and `npm run sandbox -- emit --event-type`', () => {
	const ctl = (body: unknown) => request(sb, 'POST', '/__sandbox/emit', { body });

	it('emits count events of each type and answers { events, deliveries }', async () => {
		const hook = sb.seedHook({
			uri: `${rx.url}/ctl`,
			eventTypes: ['user.lifecycle.create', 'user.lifecycle.activate'],
		});
		const r = await ctl({
			eventTypes: ['user.lifecycle.create', 'user.lifecycle.activate'],
			count: 2,
			overrides: { actor: { alternateId: 'hr@example.com' } },
		});
		expect(r.status).toBe(200);
		expect(r.json.events.map((e: LogEvent) => e.eventType)).toEqual([
			'user.lifecycle.create',
			'user.lifecycle.create',
			'user.lifecycle.activate',
			'user.lifecycle.activate',
		]);
		expect(r.json.events.every((e: LogEvent) => e.actor.alternateId === 'hr@example.com')).toBe(
			true,
		);
		expect(r.json.deliveries).toEqual([
			expect.objectContaining({
				hookId: hook.id,
				attempts: [expect.objectContaining({ status: 200 })],
			}),
		]);
		const one = await ctl({ eventType: 'user.lifecycle.create' });
		expect(one.json.events).toHaveLength(1);
	});

	it('answers 400 for an unknown type, no type, or too many events', async () => {
		expect((await ctl({ eventType: 'nope.nothing' })).json.error).toMatch(/not an event type/);
		expect((await ctl({})).status).toBe(400);
		expect((await ctl({ eventTypes: ['user.lifecycle.create', 7] })).status).toBe(400);
		expect(
			(await ctl({ eventTypes: ['user.lifecycle.create', 'user.lifecycle.activate'], count: 501 }))
				.status,
		).toBe(400);
		expect(sb.systemLog).toEqual([]);
	});

	it('the CLI emits the given types through a running sandbox', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/cli`, eventTypes: ['group.user_membership.add'] });
		const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
		const out = await new Promise<string>((resolve, reject) =>
			execFile(
				tsx,
				[
					path.join(REPO_ROOT, 'devkit/okta-sandbox/cli.ts'),
					'emit',
					'--url',
					sb.url,
					'--event-type',
					'group.user_membership.add,user.lifecycle.create',
				],
				{ timeout: 20000 },
				(err, stdout, stderr) =>
					err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
			),
		);
		const printed = JSON.parse(out);
		expect(printed.events.map((e: LogEvent) => e.eventType)).toEqual([
			'group.user_membership.add',
			'user.lifecycle.create',
		]);
		expect(printed.deliveries[0].hookId).toBe(hook.id);
		expect(deliveredTypes()).toEqual([{ path: '/cli', types: ['group.user_membership.add'] }]);
	});
});
