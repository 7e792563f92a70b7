import { startOktaSandbox, type OktaSandbox } from '../../../devkit/okta-sandbox';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import { apiClient, createBody, request } from '../../../devkit/okta-sandbox/apiClient';

let sb: OktaSandbox;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
	sb = await startOktaSandbox();
	api = apiClient(sb);
});
afterEach(() => sb.reset());
afterAll(() => sb.close());

const URI = 'https://127.0.0.1:1/hook';

describe('status faults', () => {
	it.each([
		[400, 'E0000001'],
		[401, 'E0000011'],
		[403, 'E0000006'],
		[404, 'E0000007'],
		[429, 'E0000047'],
		[500, 'E0000009'],
	])("status %i without a body gets Okta's %s error", async (status, code) => {
		sb.injectFault({ op: 'list', status });
		const r = await api('GET', '/api/v1/eventHooks');
		expect(r.status).toBe(status);
		expect(r.json.errorCode).toBe(code);
		expectOktaSchema('Error', r.json, { direction: 'response' });
		expect(r.headers['x-rate-limit-limit']).toBeDefined();
		if (status === 429) expect(r.headers['x-rate-limit-remaining']).toBe('0');
		// Used up after one match (times defaults to 1).
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
		expect(sb.requests.map((q) => q.status)).toEqual([status, 200]);
	});

	it('applies before authentication, so it hits even a request with a bad token', async () => {
		sb.injectFault({ op: 'list', status: 503 });
		expect((await request(sb, 'GET', '/api/v1/eventHooks')).status).toBe(503);
	});

	it('uses a custom body and headers, counts times, and matches by method and path', async () => {
		sb.injectFault({
			method: 'POST',
			path: '/api/v1/eventHooks',
			status: 403,
			body: { custom: true },
			headers: { 'X-Extra': 'yes' },
			times: 2,
		});
		const a = await api('POST', '/api/v1/eventHooks', createBody(URI));
		expect(a.status).toBe(403);
		expect(a.json).toEqual({ custom: true });
		expect(a.headers['x-extra']).toBe('yes');
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
		expect((await api('POST', '/api/v1/eventHooks', createBody(URI))).status).toBe(403);
		expect((await api('POST', '/api/v1/eventHooks', createBody(URI))).status).toBe(200);
	});

	it('matches a RegExp path and lasts forever with times: Infinity until cleared', async () => {
		const hook = sb.seedHook({ uri: URI });
		sb.injectFault({ path: /\/lifecycle\/deactivate$/, status: 500, times: Infinity });
		for (let i = 0; i < 3; i++)
			expect((await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`)).status).toBe(
				500,
			);
		expect((await api('GET', `/api/v1/eventHooks/${hook.id}`)).status).toBe(200);
		sb.clearFaults();
		expect((await api('POST', `/api/v1/eventHooks/${hook.id}/lifecycle/deactivate`)).status).toBe(
			200,
		);
	});
});

describe('connection faults', () => {
	it('timeout: never answers; the client gives up', async () => {
		sb.injectFault({ op: 'get', kind: 'timeout' });
		await expect(
			request(sb, 'GET', '/api/v1/eventHooks/whoX', { token: sb.token, timeoutMs: 300 }),
		).rejects.toThrow(/timeout/);
		expect(sb.requests[0]).toMatchObject({ op: 'get' });
		expect(sb.requests[0].status).toBeUndefined();
		expect((await api('GET', '/api/v1/eventHooks/whoX')).status).toBe(404);
	});

	it('reset: destroys the socket', async () => {
		sb.injectFault({ op: 'create', kind: 'reset' });
		await expect(api('POST', '/api/v1/eventHooks', createBody(URI))).rejects.toThrow(
			/socket hang up|ECONNRESET/,
		);
		expect(sb.hooks()).toHaveLength(0);
	});

	it('delay: answers normally after the delay', async () => {
		sb.injectFault({ op: 'list', kind: 'delay', delayMs: 300 });
		const started = Date.now();
		const r = await api('GET', '/api/v1/eventHooks');
		expect(r.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
	});
});

describe('rateLimit', () => {
	it('answers 429 E0000047 with Remaining 0 and Reset = now + n, no Retry-After, then recovers', async () => {
		sb.rateLimit('create', 2, 5);
		for (let i = 0; i < 2; i++) {
			const r = await api('POST', '/api/v1/eventHooks', createBody(URI));
			expect(r.status).toBe(429);
			expect(r.json.errorCode).toBe('E0000047');
			expect(r.headers['x-rate-limit-remaining']).toBe('0');
			const reset = Number(r.headers['x-rate-limit-reset']);
			const now = Date.now() / 1000;
			expect(reset).toBeGreaterThanOrEqual(Math.floor(now) + 4);
			expect(reset).toBeLessThanOrEqual(Math.ceil(now) + 5);
			expect(r.headers['retry-after']).toBeUndefined();
			expect(r.headers['x-rate-limit-limit']).toBe('100');
		}
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
		expect((await api('POST', '/api/v1/eventHooks', createBody(URI))).status).toBe(200);
	});
});

describe('robustness', () => {
	it('survives junk: huge bodies, binary, odd paths, and answers JSON', async () => {
		const big = await request(sb, 'POST', '/api/v1/eventHooks', {
			raw: 'x'.repeat(2 * 1024 * 1024),
			token: sb.token,
		});
		expect(big.status).toBe(400);
		const binary = await request(sb, 'POST', '/api/v1/eventHooks', {
			raw: '\u0000\u00ff[',
			token: sb.token,
		});
		expect(binary.json.errorCode).toBe('E0000003');
		const arrayBody = await request(sb, 'POST', '/api/v1/eventHooks', {
			raw: '[1,2]',
			token: sb.token,
		});
		expect(arrayBody.status).toBe(400);
		const odd = await api('GET', '/api/v1/eventHooks/%E0%A4%A');
		expect([400, 404]).toContain(odd.status);
		const root = await request(sb, 'GET', '/');
		expect(root.status).toBe(404);
		expect(root.json.errorCode).toBe('E0000007');
		expect((await api('GET', '/api/v1/eventHooks')).status).toBe(200);
	});
});
