import { OktaEventHookApi } from '../../credentials/OktaEventHookApi.credentials';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { trustCertificateAuthority } from '../../devkit/n8n/core';
import { credentialTestRulesApply, testCredential } from '../../devkit/n8n/credentialTest';

const credential = new OktaEventHookApi();
let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
	trustCertificateAuthority(sandbox.caCertPem);
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

/** n8n's "Test" button on a credential saved with these fields. */
const connectionTest = async (fields: { url: string; accessToken: string }) =>
	await testCredential(credential.name, { ...fields });

function ruleMessage(status: number): string | undefined {
	return (credential.test.rules ?? [])
		.map((rule) => rule.properties as { value?: number; message: string })
		.find((properties) => properties.value === status)?.message;
}

/** The rule's message; on an n8n that cannot apply rules, its own words (the test still fails). */
function expectedMessage(status: number): unknown {
	return credentialTestRulesApply() ? ruleMessage(status) : expect.any(String);
}

describe('the Okta Event Hook API credential', () => {
	it("uses the field names of n8n's built-in Okta credential, the token hidden", () => {
		const fields = Object.fromEntries(
			credential.properties.map((property) => [property.name, property]),
		);
		expect(fields.url.type).toBe('string');
		expect(fields.accessToken.typeOptions).toEqual({ password: true });
		expect(fields.accessToken.description).toMatch(/super administrator|admin role/);
	});

	it('passes its connection test by listing event hooks with an SSWS token, tolerating spaces and a trailing slash', async () => {
		const result = await connectionTest({
			url: ` ${sandbox.url}/ `,
			accessToken: ` ${sandbox.token} `,
		});
		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		const [call] = sandbox.requests;
		expect(call).toMatchObject({ op: 'list', method: 'GET' });
		expect(call.headers.authorization).toBe(`SSWS ${sandbox.token}`);
	});

	it('fails its connection test for a bad token, saying so', async () => {
		const result = await connectionTest({ url: sandbox.url, accessToken: 'not-a-token' });
		// n8n-core sends a request that got 401 once more, after preAuthentication (none here).
		expect(sandbox.requests.map((request) => request.status)).toEqual([401, 401]);
		expect(result).toEqual({ status: 'Error', message: expectedMessage(401) });
		expect(ruleMessage(401)).toMatch(/token/);
	});

	it('fails its connection test for a token that may not manage event hooks, saying which role is needed', async () => {
		sandbox.injectFault({ op: 'list', status: 403 });
		const result = await connectionTest({ url: sandbox.url, accessToken: sandbox.token });
		expect(sandbox.requests.map((request) => request.status)).toEqual([403]);
		expect(result).toEqual({ status: 'Error', message: expectedMessage(403) });
		expect(ruleMessage(403)).toMatch(/event hook/);
	});
});
