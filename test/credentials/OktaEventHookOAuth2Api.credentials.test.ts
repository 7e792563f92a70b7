/**
 * The service-app credential: its fields, its token request and its connection test, run the way
 * n8n 2.41.1's credentials tester runs it (preAuthentication always runs under a test).
 */
import { OktaEventHookOAuth2Api } from '../../credentials/OktaEventHookOAuth2Api.credentials';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { httpRequestHelper, storedCredential } from '../../devkit/n8n/contexts';
import type { OAuthCredentials } from '../../devkit/n8n/contexts';
import { credentialTestRulesApply, testCredential } from '../../devkit/n8n/credentialTest';
import { makeKeyPair, serviceApp } from '../../devkit/okta-sandbox/serviceApp';

const credential = new OktaEventHookOAuth2Api();
const rsa = makeKeyPair('rsa');
const ec = makeKeyPair('ec');

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

/** n8n's "Test" button on a service-app credential saved with these fields. */
const credentialTestLikeN8n = async (fields: OAuthCredentials) =>
	await testCredential(credential.name, { ...fields });

describe('the Okta Event Hook OAuth2 API credential', () => {
	const fields = Object.fromEntries(
		credential.properties.map((property) => [property.name, property]),
	);

	it('asks for org URL, client ID, private key (hidden), key ID and scopes, defaulting to both event hook scopes and the System Log', () => {
		expect(credential.name).toBe('oktaEventHookOAuth2Api');
		expect(credential.displayName).toBe('Okta Event Hook OAuth2 API');
		expect(fields.privateKey.typeOptions).toMatchObject({ password: true });
		expect(fields.scopes.default).toBe(
			'okta.eventHooks.manage okta.eventHooks.read okta.logs.read',
		);
		expect(['url', 'clientId', 'keyId'].every((name) => fields[name].type === 'string')).toBe(true);
	});

	it('keeps the token in an expirable hidden field (what n8n looks for to call preAuthentication), the DPoP key beside it', () => {
		const hidden = credential.properties.filter((property) => property.type === 'hidden');
		expect(hidden.find((property) => property.typeOptions?.expirable)?.name).toBe('accessToken');
		expect(hidden.map((property) => property.name)).toEqual([
			'accessToken',
			'scheme',
			'dpopPrivateKey',
			'expiresAt',
		]);
	});

	it('preAuthentication returns a DPoP token with its key and expiry, never the client key', async () => {
		const { credentials } = serviceApp(sandbox, rsa);
		const output = await credential.preAuthentication.call(
			{ helpers: { httpRequest: httpRequestHelper(sandbox.caCertPem) } } as never,
			storedCredential('oAuth2', credentials) as never,
		);
		expect(output).toMatchObject({ scheme: 'DPoP', accessToken: expect.stringMatching(/^eyJ/) });
		expect(Number(output.expiresAt)).toBeGreaterThan(Date.now() + 3500_000);
		expect(JSON.parse(String(output.dpopPrivateKey))).toMatchObject({
			kty: 'EC',
			crv: 'P-256',
			d: expect.any(String),
		});
		expect(JSON.stringify(output)).not.toContain(rsa.privateKeyPem.split('\n')[1]);
	});

	it('authenticate() adds Authorization: DPoP and a proof for the request URL without query (baseURL + url too)', async () => {
		const { credentials } = serviceApp(sandbox, rsa);
		const data = storedCredential('oAuth2', credentials);
		Object.assign(
			data,
			await credential.preAuthentication.call(
				{ helpers: { httpRequest: httpRequestHelper(sandbox.caCertPem) } } as never,
				data as never,
			),
		);
		const options = await credential.authenticate(data as never, {
			baseURL: `${sandbox.url}/`,
			url: '/api/v1/eventHooks',
			qs: { limit: 1 },
			method: 'GET',
		});
		const claims = JSON.parse(
			Buffer.from(String(options.headers?.DPoP).split('.')[1], 'base64url').toString(),
		);
		expect(options.headers?.Authorization).toBe(`DPoP ${data.accessToken}`);
		expect(claims).toMatchObject({
			htm: 'GET',
			htu: `${sandbox.url}/api/v1/eventHooks`,
			ath: expect.any(String),
			jti: expect.any(String),
		});
	});

	it.each([
		['RSA', rsa],
		['EC', ec],
	])(
		'passes its connection test (token, then listing event hooks) with %s keys',
		async (_, keys) => {
			const { credentials } = serviceApp(sandbox, keys);
			expect(await credentialTestLikeN8n({ ...credentials, url: ` ${sandbox.url}/ ` })).toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			expect(sandbox.requests.map((request) => `${request.op} ${request.status}`)).toEqual([
				'token 400',
				'token 200',
				'list 200',
			]);
		},
	);

	it('fails its connection test for an app without an admin role, saying to assign one', async () => {
		const { credentials } = serviceApp(sandbox, rsa, { adminRole: false });
		const result = await credentialTestLikeN8n(credentials);
		expect(result.status).toBe('Error');
		// n8n 2.8 cannot apply the credential's rules (devkit/n8n/credentialTest.ts): its own words.
		if (credentialTestRulesApply()) expect(result.message).toMatch(/admin role/);
	});

	it("fails its connection test for a wrong key with Okta's refusal and what to do", async () => {
		const { credentials } = serviceApp(sandbox, rsa);
		const result = await credentialTestLikeN8n({
			...credentials,
			privateKey: makeKeyPair('ec').privateKeyPem,
		});
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(
				/Okta refused to issue an access token \(invalid_client: The client_assertion signature is invalid\.\)/,
			),
		});
	});

	it('fails its connection test when the scopes are not granted', async () => {
		const { credentials } = serviceApp(sandbox, rsa, { scopes: [] });
		const result = await credentialTestLikeN8n(credentials);
		expect(result.message).toMatch(/invalid_scope/);
	});
});
