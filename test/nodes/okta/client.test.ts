import { oktaRequest, rateLimitWaitMs } from '../../../nodes/okta/client';
import { normaliseOrgUrl } from '../../../nodes/okta/http';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { hookContext } from '../../../devkit/n8n/contexts';

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

function context(accessToken = sandbox.token) {
	return hookContext({
		credentials: { url: `${sandbox.url}/`, accessToken },
		ca: sandbox.caCertPem,
		webhookUrl: 'https://n8n.example.com/webhook/x/webhook',
		staticData: {},
	});
}

const list = (accessToken?: string) =>
	oktaRequest.call(context(accessToken), {
		method: 'GET',
		path: '/api/v1/eventHooks',
		operation: 'list event hooks',
	});

describe('the Okta client', () => {
	it('normalises the org URL users paste', () => {
		expect(normaliseOrgUrl('  https://acme.okta.com///  ')).toBe('https://acme.okta.com');
	});

	it("waits until Okta says the rate limit resets, by Okta's clock, plus a second", () => {
		const date = 'Sat, 28 Nov 2026 10:00:00 GMT';
		const reset = Date.parse(date) / 1000 + 5;
		expect(rateLimitWaitMs({ 'x-rate-limit-reset': String(reset), date }, 0)).toBe(6000);
		expect(rateLimitWaitMs({ 'x-rate-limit-reset': String(reset - 60), date })).toBe(1000);
		expect(rateLimitWaitMs({})).toBe(1000);
	});

	it('retries a 429 at most twice, then reports the rate limit with what to do', async () => {
		sandbox.rateLimit('list', 3, 0);
		await expect(list()).rejects.toMatchObject({
			message: expect.stringMatching(/list event hooks/),
			description: expect.stringMatching(/rate limit.*E0000047/s),
			httpCode: '429',
		});
		expect(sandbox.requests.filter((request) => request.op === 'list')).toHaveLength(3);
	});

	it('does not sit out a rate-limit window longer than a minute', async () => {
		sandbox.rateLimit('list', 1, 3600);
		const started = Date.now();
		await expect(list()).rejects.toMatchObject({ httpCode: '429' });
		expect(Date.now() - started).toBeLessThan(5000);
		expect(sandbox.requests).toHaveLength(1);
	});

	it("reports Okta's error body: summary, causes, code and error id", async () => {
		await expect(list('wrong-token')).rejects.toMatchObject({
			message: expect.stringMatching(/Okta refused to list event hooks: Invalid token provided/),
			description: expect.stringMatching(/API token.*E0000011, HTTP 401, error ID \S+/s),
		});
	});

	it('reports a timeout as Okta being unreachable', async () => {
		sandbox.injectFault({ op: 'list', kind: 'timeout' });
		const request = oktaRequest.call(context(), {
			method: 'GET',
			path: '/api/v1/eventHooks',
			operation: 'list event hooks',
		});
		await expect(request).rejects.toThrow(/Could not reach Okta/);
	}, 40_000);
});
