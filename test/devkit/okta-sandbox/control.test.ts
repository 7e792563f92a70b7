import { execFile } from 'child_process';
import * as path from 'path';
import { REPO_ROOT } from '../../../devkit/paths';
import {
	startHookReceiver,
	startOktaSandbox,
	type HookReceiver,
	type OktaSandbox,
} from '../../../devkit/okta-sandbox';
import { apiClient, createBody, request } from '../../../devkit/okta-sandbox/apiClient';

let sb: OktaSandbox;
let rx: HookReceiver;

beforeAll(async () => {
	sb = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	rx = await startHookReceiver();
});
afterEach(() => {
	sb.reset();
	rx.received.length = 0;
	rx.behave(() => undefined);
});
afterAll(async () => {
	await sb.close();
	await rx.close();
});

const ctl = (method: string, p: string, body?: unknown) =>
	request(sb, method, `/__sandbox${p}`, { body });

describe('control API (no SSWS needed)', () => {
	it('POST /events delivers count events and answers the DeliveryResult[]', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/c`, secret: 'shh' });
		const r = await ctl('POST', '/events', { count: 3 });
		expect(r.status).toBe(200);
		expect(r.json).toEqual([
			expect.objectContaining({
				hookId: hook.id,
				attempts: [expect.objectContaining({ status: 200 })],
			}),
		]);
		expect((rx.received[0].json as any).data.events).toHaveLength(3);
		expect(rx.received[0].headers.authorization).toBe('shh');
	});

	it('POST /events accepts given events and a hookId', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/c`, verificationStatus: 'UNVERIFIED' });
		const event = sb.makeEventOfType('user.session.start');
		const r = await ctl('POST', '/events', { events: [event], hookId: hook.id });
		expect(r.json[0].hookId).toBe(hook.id);
		expect((rx.received[0].json as any).data.events[0].uuid).toBe(event.uuid);
		const missing = await ctl('POST', '/events', { hookId: 'whoNope' });
		expect(missing.status).toBe(400);
	});

	it('GET /hooks shows secrets; /requests and /outbound show traffic', async () => {
		await apiClient(sb)('POST', '/api/v1/eventHooks', createBody(`${rx.url}/x`));
		const hooks = await ctl('GET', '/hooks');
		expect(hooks.json[0].channel.config.authScheme.value).toBe('hook-secret-123');
		const requests = await ctl('GET', '/requests');
		expect(requests.json).toEqual([expect.objectContaining({ op: 'create', status: 200 })]);
		await sb.deliver([sb.makeEvent()], { hookId: hooks.json[0].id });
		const outbound = await ctl('GET', '/outbound');
		expect(outbound.json).toEqual([
			expect.objectContaining({ kind: 'delivery', status: 200, attempt: 1 }),
		]);
		// Control calls are not recorded as management requests.
		expect(sb.requests.every((q) => !q.path.startsWith('/__sandbox'))).toBe(true);
	});

	it('POST/PATCH/DELETE /hooks seed, drift and remove hooks', async () => {
		const seeded = await ctl('POST', '/hooks', { uri: `${rx.url}/s`, name: 'Seeded' });
		expect(seeded.json).toMatchObject({ name: 'Seeded', status: 'ACTIVE' });
		const patched = await ctl('PATCH', `/hooks/${seeded.json.id}`, { status: 'INACTIVE' });
		expect(patched.json.status).toBe('INACTIVE');
		expect((await ctl('DELETE', `/hooks/${seeded.json.id}`)).status).toBe(204);
		expect(sb.hooks()).toEqual([]);
	});

	it('POST /faults takes a regex source path and "Infinity"; DELETE /faults clears', async () => {
		expect(
			(
				await ctl('POST', '/faults', {
					path: '^/api/v1/eventHooks$',
					method: 'GET',
					status: 500,
					times: 'Infinity',
				})
			).status,
		).toBe(204);
		const api = apiClient(sb);
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(500);
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(500);
		expect((await api('GET', '/api/v1/eventHooks/whoX')).status).toBe(404);
		expect((await ctl('DELETE', '/faults')).status).toBe(204);
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
		expect((await ctl('POST', '/faults', { kind: 'bogus' })).status).toBe(400);
	});

	it('POST /rate-limit and POST /reset', async () => {
		await ctl('POST', '/rate-limit', { op: 'list', times: 1, resetInSeconds: 10 });
		const api = apiClient(sb);
		const limited = await api('GET', '/api/v1/eventHooks');
		expect(limited.status).toBe(429);
		expect(limited.headers['x-rate-limit-remaining']).toBe('0');
		sb.seedHook({ uri: `${rx.url}/r` });
		expect((await ctl('POST', '/reset')).status).toBe(204);
		expect(sb.hooks()).toEqual([]);
		expect(sb.requests).toEqual([]);
	});

	it('rejects malformed JSON and unknown routes without crashing', async () => {
		const bad = await request(sb, 'POST', '/__sandbox/events', { raw: '{' });
		expect(bad.status).toBe(400);
		expect((await ctl('GET', '/nope')).status).toBe(404);
		expect((await ctl('GET', '/info')).json).toEqual({ url: sb.url, caCertPath: sb.caCertPath });
	});
});

describe('cli.ts emit', () => {
	it('calls the control API of a running sandbox and prints the results', async () => {
		const hook = sb.seedHook({ uri: `${rx.url}/cli` });
		const tsx = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
		const out = await new Promise<string>((resolve, reject) =>
			execFile(
				tsx,
				[
					path.join(REPO_ROOT, 'devkit/okta-sandbox/cli.ts'),
					'emit',
					'--url',
					sb.url,
					'--count',
					'2',
				],
				{ timeout: 20000 },
				(err, stdout, stderr) =>
					err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
			),
		);
		const results = JSON.parse(out);
		expect(results[0].hookId).toBe(hook.id);
		expect((rx.received[0].json as any).data.events).toHaveLength(2);
	});
});
