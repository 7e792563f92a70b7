import { oktaRequest, rateLimitWaitMs } from '../../../nodes/okta/client';
import { normaliseOrgUrl } from '../../../nodes/okta/http';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { OKTA_TIMEOUT_MS } from '../../../nodes/okta/http';
import { OktaMfaPreregistrationTrigger } from '../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import {
	CredentialStore,
	hookContext,
	testWorkflow,
	trustCertificateAuthority,
} from '../../../devkit/n8n/core';
import type { RequestAdjustment } from '../../../devkit/n8n/core';

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
	trustCertificateAuthority(sandbox.caCertPem);
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

/** n8n-core's hook context for the trigger with an API-token credential. */
function context(accessToken = sandbox.token, adjustRequest?: RequestAdjustment) {
	const store = new CredentialStore();
	const credential = store.save('oktaEventHookApi', { url: `${sandbox.url}/`, accessToken });
	const target = testWorkflow({
		nodeType: new OktaMfaPreregistrationTrigger(),
		credentials: [credential],
	});
	return hookContext(target, { adjustRequest });
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

	it("asks n8n for Okta's own 30 s timeout, and reports a timeout as Okta being unreachable", async () => {
		sandbox.injectFault({ op: 'list', kind: 'timeout' });
		const asked: Array<number | undefined> = [];
		// The node's 30 s is recorded, then shortened so the real timeout fires in 300 ms.
		const request = oktaRequest.call(
			context(sandbox.token, (options) => {
				asked.push(options.timeout);
				return { ...options, timeout: 300 };
			}),
			{ method: 'GET', path: '/api/v1/eventHooks', operation: 'list event hooks' },
		);
		await expect(request).rejects.toThrow(/Could not reach Okta/);
		expect(asked).toEqual([OKTA_TIMEOUT_MS]);
		expect(OKTA_TIMEOUT_MS).toBe(30_000);
	});
});
