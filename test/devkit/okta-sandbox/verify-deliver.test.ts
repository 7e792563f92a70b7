import {
	startHookReceiver,
	startOktaSandbox,
	type HookReceiver,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import {
	apiClient,
	createBody,
	expectRecordedResponsesMatchSpec,
} from '../../../devkit/okta-sandbox/apiClient';

let sb: OktaSandbox;
let rx: HookReceiver;
let api: ReturnType<typeof apiClient>;

// Short timings keep the suite fast; the defaults (3 s) are checked separately below.
const T = {
	verificationTimeoutMs: 400,
	verificationRetryDelayMs: 300,
	deliveryTimeoutMs: 400,
	deliveryRetryDelayMs: 100,
};

beforeAll(async () => {
	sb = await startOktaSandbox(T);
	rx = await startHookReceiver();
	api = apiClient(sb);
});
afterEach(() => {
	expectRecordedResponsesMatchSpec(sb.requests);
	sb.reset();
	rx.received.length = 0;
	rx.behave(() => undefined);
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

async function createHook(path = '/hook', overrides: Record<string, unknown> = {}) {
	const r = await api('POST', '/api/v1/eventHooks', createBody(`${rx.url}${path}`, overrides));
	expect(r.status).toBe(200);
	return r.json as { id: string };
}

describe('verification', () => {
	it('sends one GET with the challenge and the hook headers; a correct answer verifies', async () => {
		const hook = await createHook('/verify-me?x=1');
		const r = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
		expect(r.status).toBe(200);
		expect(r.json.verificationStatus).toBe('VERIFIED');
		expect(r.json.status).toBe('ACTIVE');
		expectOktaSchema('EventHook', r.json, { direction: 'response' });
		expect(rx.received).toHaveLength(1);
		const got = rx.received[0];
		expect(got.method).toBe('GET');
		expect(got.path).toBe('/verify-me?x=1');
		expect(got.headers['x-okta-verification-challenge']).toMatch(/^\w{20,}$/);
		expect(got.headers.authorization).toBe('hook-secret-123');
		expect(got.headers['x-other-header']).toBe('other-value');
		expect(got.headers['user-agent']).toBe('Okta-Integrations');
		expect(got.headers['x-okta-request-id']).toEqual(expect.any(String));
		expect(sb.hook(hook.id)?.verificationStatus).toBe('VERIFIED');
		expect(sb.outbound).toEqual([
			expect.objectContaining({ kind: 'verification', hookId: hook.id, attempt: 1, status: 200 }),
		]);
	});

	it.each([
		['a wrong value', { body: { verification: 'wrong' } }],
		['a non-200 status', { status: 204 }],
		['a 500', { status: 500 }],
		['text instead of JSON', { body: 'not json' }],
		['no answer in time', { hang: true }],
	])(
		'fails with 400 E0000001 after one retry for %s; the hook stays ACTIVE and UNVERIFIED',
		async (_label, behaviour) => {
			rx.behave(() => behaviour);
			const hook = await createHook();
			const started = Date.now();
			const r = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
			expect(r.status).toBe(400);
			expect(r.json.errorCode).toBe('E0000001');
			expect(r.json.errorCauses).toEqual([
				{ errorSummary: `Unable to verify event hook. Hook ${hook.id} execution failed.` },
			]);
			expect(rx.received).toHaveLength(2);
			expect(rx.received[1].at - rx.received[0].at).toBeGreaterThanOrEqual(
				T.verificationRetryDelayMs - 20,
			);
			expect(Date.now() - started).toBeGreaterThanOrEqual(T.verificationRetryDelayMs);
			expect(sb.hook(hook.id)).toMatchObject({
				status: 'ACTIVE',
				verificationStatus: 'UNVERIFIED',
			});
			expect(sb.outbound.map((o) => o.attempt)).toEqual([1, 2]);
		},
	);

	it('a failure then a correct answer verifies on the retry', async () => {
		rx.behave((_req, i) => (i === 0 ? { status: 503 } : undefined));
		const hook = await createHook();
		const r = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
		expect(r.status).toBe(200);
		expect(r.json.verificationStatus).toBe('VERIFIED');
		expect(rx.received).toHaveLength(2);
	});

	it('an unreachable endpoint fails verification', async () => {
		const r0 = await api('POST', '/api/v1/eventHooks', createBody('https://127.0.0.1:1/closed'));
		const r = await api('POST', `/api/v1/eventHooks/${r0.json.id}/lifecycle/verify`);
		expect(r.status).toBe(400);
		expect(sb.outbound.every((o) => o.error)).toBe(true);
	});

	it('an INACTIVE hook cannot be verified; a missing one is 404', async () => {
		const hook = await createHook();
		await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`);
		const r = await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
		expect(r.status).toBe(400);
		expect(r.json.errorCode).toBe('E0000001');
		expect(rx.received).toHaveLength(0);
		expect(
			(await api('POST', '/api/v1/eventHooks/whoMissing0000000000/lifecycle/verify')).status,
		).toBe(404);
	});
});

describe('delivery', () => {
	async function verifiedHook(path = '/hook', overrides: Record<string, unknown> = {}) {
		const hook = await createHook(path, overrides);
		expect((await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`)).status).toBe(200);
		rx.received.length = 0;
		return hook;
	}

	it('POSTs the Okta envelope with the hook headers to ACTIVE and VERIFIED hooks', async () => {
		const hook = await verifiedHook('/deliveries');
		const results = await sb.emit(2);
		expect(results).toHaveLength(1);
		expect(results[0]).toMatchObject({
			hookId: hook.id,
			url: `${rx.url}/deliveries`,
			attempts: [{ status: 200, body: '' }],
		});
		const got = rx.received[0];
		expect(got.method).toBe('POST');
		expect(got.path).toBe('/deliveries');
		expect(got.headers['content-type']).toBe('application/json');
		expect(got.headers.authorization).toBe('hook-secret-123');
		expect(got.headers['x-other-header']).toBe('other-value');
		expect(got.headers['user-agent']).toBe('Okta-Integrations');
		const envelope = got.json as any;
		expect(envelope).toEqual({
			eventType: 'com.okta.event_hook',
			eventTypeVersion: '1.0',
			cloudEventsVersion: '0.1',
			source: `${sb.url}/api/v1/eventHooks/${hook.id}`,
			eventId: results[0].deliveryId,
			eventTime: expect.any(String),
			contentType: 'application/json',
			data: { events: expect.any(Array) },
		});
		expect(envelope.eventId).toMatch(/^[0-9a-f-]{36}$/);
		expect(Date.parse(envelope.eventTime)).not.toBeNaN();
		expect(envelope.data.events).toHaveLength(2);
		for (const e of envelope.data.events)
			expectOktaSchema('LogEvent', e, { direction: 'response' });
		expect(sb.outbound.at(-1)).toMatchObject({
			kind: 'delivery',
			hookId: hook.id,
			attempt: 1,
			status: 200,
			deliveryId: envelope.eventId,
		});
	});

	it('skips UNVERIFIED, INACTIVE and unsubscribed hooks, and sends each hook only its event types', async () => {
		const good = await verifiedHook('/good');
		await createHook('/unverified');
		const inactive = await verifiedHook('/inactive');
		await api('POST', `/api/v1/eventHooks/${inactive.id}/lifecycle/deactivate`);
		const other = await verifiedHook('/other', {
			events: { type: 'EVENT_TYPE', items: ['user.session.start'] },
		});
		const both = await verifiedHook('/both', {
			events: {
				type: 'EVENT_TYPE',
				items: ['user.session.start', 'system.mfa.preregister.initiate'],
			},
		});
		rx.received.length = 0;

		const mfa = sb.makeEvent();
		const session = sb.makeEventOfType('user.session.start');
		const results = await sb.deliver([mfa, session]);
		const byHook = Object.fromEntries(results.map((r) => [r.hookId, r]));
		expect(Object.keys(byHook).sort()).toEqual([good.id, other.id, both.id].sort());
		const bodies = Object.fromEntries(
			rx.received.map((r) => [r.path, (r.json as any).data.events.map((e: any) => e.uuid)]),
		);
		expect(bodies).toEqual({
			'/good': [mfa.uuid],
			'/other': [session.uuid],
			'/both': [mfa.uuid, session.uuid],
		});
	});

	it('with hookId delivers every event to that hook, whatever its state (e.g. "other types are skipped")', async () => {
		const hook = await createHook('/forced');
		const session = sb.makeEventOfType('user.session.start');
		const results = await sb.deliver([session], {
			hookId: hook.id,
			deliveryId: 'fixed-delivery-id',
		});
		expect(results).toHaveLength(1);
		expect((rx.received[0].json as any).eventId).toBe('fixed-delivery-id');
		expect((rx.received[0].json as any).data.events[0].eventType).toBe('user.session.start');
		await expect(sb.deliver([session], { hookId: 'whoNope' })).rejects.toThrow();
	});

	it('retries once on a 5xx with the same eventId and body', async () => {
		await verifiedHook();
		rx.behave((_r, i) => (i === 0 ? { status: 502 } : undefined));
		const [result] = await sb.emit();
		expect(result.attempts.map((a) => a.status)).toEqual([502, 200]);
		expect(rx.received).toHaveLength(2);
		expect(rx.received[0].body).toBe(rx.received[1].body);
		expect(rx.received[1].at - rx.received[0].at).toBeGreaterThanOrEqual(
			T.deliveryRetryDelayMs - 20,
		);
	});

	it('retries once on a timeout, at most twice in all', async () => {
		await verifiedHook();
		rx.behave(() => ({ hang: true }));
		const [result] = await sb.emit();
		expect(result.attempts).toHaveLength(2);
		expect(result.attempts[0].error).toMatch(/timeout/);
		expect(result.attempts[0].durationMs).toBeGreaterThanOrEqual(T.deliveryTimeoutMs - 20);
		expect(rx.received).toHaveLength(2);
	});

	it('does not retry a 4xx, nor anything with retry: false', async () => {
		await verifiedHook();
		rx.behave(() => ({ status: 401, body: { error: 'bad secret' } }));
		let [result] = await sb.emit();
		expect(result.attempts).toEqual([
			expect.objectContaining({ status: 401, body: '{"error":"bad secret"}' }),
		]);
		rx.behave(() => ({ status: 500 }));
		rx.received.length = 0;
		[result] = await sb.deliver([sb.makeEvent()], { retry: false });
		expect(result.attempts).toHaveLength(1);
		expect(rx.received).toHaveLength(1);
	});

	it('logs a delivery Okta gave up on as an event_hook.delivery FAILURE naming the hook; none for one taken', async () => {
		const hook = await verifiedHook();
		const failures = () => sb.systemLog.filter((e) => e.eventType === 'event_hook.delivery');
		rx.behave((_r, i) => (i === 0 ? { status: 502 } : undefined));
		await sb.emit();
		expect(failures()).toEqual([]);
		rx.behave(() => ({ status: 503 }));
		const [result] = await sb.emit();
		const [failure] = failures();
		expect(failures()).toHaveLength(1);
		expect(failure.outcome).toEqual({ result: 'FAILURE', reason: 'HTTP 503' });
		expect(failure.target).toEqual([expect.objectContaining({ id: hook.id, type: 'EventHook' })]);
		expect((failure.debugContext as any).debugData.eventHookDeliveryId).toBe(result.deliveryId);
		expectOktaSchema('LogEvent', failure, { direction: 'response' });
		// The events it carried are in the log before it.
		const delivered = JSON.parse(rx.received[rx.received.length - 1].body).data.events[0].uuid;
		const order = sb.systemLog.map((e) => e.uuid);
		expect(order.indexOf(delivered)).toBeLessThan(order.indexOf(failure.uuid));
	});

	it('duplicate: true sends the same delivery twice (at-least-once)', async () => {
		await verifiedHook();
		const [result] = await sb.deliver([sb.makeEvent()], { duplicate: true });
		expect(result.attempts.map((a) => a.status)).toEqual([200, 200]);
		expect(rx.received).toHaveLength(2);
		expect(rx.received[0].body).toBe(rx.received[1].body);
		expect(sb.outbound.filter((o) => o.kind === 'delivery').map((o) => o.attempt)).toEqual([1, 2]);
	});

	it('a delivery after the channel changed goes nowhere until verified again', async () => {
		const hook = await verifiedHook();
		await api('PUT', `/api/v1/eventHooks/${hook.id}`, createBody(`${rx.url}/moved`));
		expect(await sb.emit()).toEqual([]);
		expect(rx.received).toHaveLength(0);
	});

	it('GET /api/v1/logs returns delivered events filtered by type, in the order they were persisted', async () => {
		const since = new Date(Date.now() - 1000).toISOString();
		const a = sb.makeEvent();
		const b = sb.makeEventOfType('user.session.start');
		const c = sb.makeEvent();
		await sb.deliver([c, b, a]);
		const r = await api(
			'GET',
			`/api/v1/logs?filter=${encodeURIComponent('eventType eq "system.mfa.preregister.initiate"')}&since=${since}`,
		);
		expect(r.status).toBe(200);
		// A polling query: persistence order (the delivery's), not published order (System Log rules: logs.test.ts).
		expect(r.json.map((e: any) => e.uuid)).toEqual([c.uuid, a.uuid]);
		expect(sb.requests.at(-1)?.op).toBe('logs');
		const paged = await api('GET', '/api/v1/logs?limit=2');
		expect(paged.json).toHaveLength(2);
		expect(String(paged.headers.link)).toContain('rel="next"');
		const next = /<([^>]+)>; rel="next"/.exec(String(paged.headers.link))![1];
		const page2 = await api('GET', next.replace(sb.url, ''));
		expect(page2.json.map((e: any) => e.uuid)).toEqual([a.uuid]);
		expect((await api('GET', '/api/v1/logs?filter=actor.id%20eq')).status).toBe(400);
	});
});

describe('defaults', () => {
	it('uses Okta timings by default: a failed verification takes at least the 3 s pause', async () => {
		const slow = await startOktaSandbox();
		try {
			const client = apiClient(slow);
			rx.behave(() => ({ status: 500 }));
			const hook = (await client('POST', '/api/v1/eventHooks', createBody(`${rx.url}/x`))).json;
			const started = Date.now();
			const r = await client('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/verify`);
			expect(r.status).toBe(400);
			expect(Date.now() - started).toBeGreaterThanOrEqual(2950);
		} finally {
			await slow.close();
		}
	});
});
