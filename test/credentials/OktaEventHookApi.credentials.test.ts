import { OktaEventHookApi } from '../../credentials/OktaEventHookApi.credentials';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { evaluateCredentialExpression, sendLikeN8n } from '../../devkit/n8n/contexts';

const credential = new OktaEventHookApi();
let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

/** The connection test request as n8n builds it from the credential's definition. */
async function connectionTest(credentials: { url: string; accessToken: string }) {
	const { request } = credential.test;
	const baseUrl = evaluateCredentialExpression(String(request.baseURL), credentials);
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(credential.authenticate.properties.headers ?? {})) {
		headers[name] = evaluateCredentialExpression(String(value), credentials);
	}
	return await sendLikeN8n(
		{
			method: request.method,
			url: `${baseUrl}${request.url}`,
			headers,
			json: true,
			ignoreHttpStatusErrors: true,
		},
		sandbox.caCertPem,
	);
}

function ruleMessage(status: number): string | undefined {
	return (credential.test.rules ?? [])
		.map((rule) => rule.properties as { value?: number; message: string })
		.find((properties) => properties.value === status)?.message;
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
		const response = await connectionTest({
			url: ` ${sandbox.url}/ `,
			accessToken: ` ${sandbox.token} `,
		});
		expect(response.statusCode).toBe(200);
		const [call] = sandbox.requests;
		expect(call).toMatchObject({ op: 'list', method: 'GET' });
		expect(call.headers.authorization).toBe(`SSWS ${sandbox.token}`);
	});

	it('fails its connection test for a bad token, saying so', async () => {
		const response = await connectionTest({ url: sandbox.url, accessToken: 'not-a-token' });
		expect(response.statusCode).toBe(401);
		expect(ruleMessage(401)).toMatch(/token/);
	});

	it('fails its connection test for a token that may not manage event hooks, saying which role is needed', async () => {
		sandbox.injectFault({ op: 'list', status: 403 });
		const response = await connectionTest({ url: sandbox.url, accessToken: sandbox.token });
		expect(response.statusCode).toBe(403);
		expect(ruleMessage(403)).toMatch(/event hook/);
	});
});
