/**
 * The service-app credential with the private key as Okta's console offers it (a private JWK,
 * with its kid) and with its default scopes, against the sandbox's token endpoint over real HTTPS
 * (which verifies the assertion with jose).
 */
import { decodeProtectedHeader } from 'jose';

import { OktaEventHookOAuth2Api } from '../../../credentials/OktaEventHookOAuth2Api.credentials';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { httpRequestHelper, storedCredential } from '../../../devkit/n8n/contexts';
import type { OAuthCredentials } from '../../../devkit/n8n/contexts';
import {
	eventHookOnlyServiceApp,
	makeKeyPair,
	serviceApp,
} from '../../../devkit/okta-sandbox/serviceApp';
import { isOktaTokenError } from '../../../nodes/okta/oauth';
import { failure } from '../../support/failure';

const credentialType = new OktaEventHookOAuth2Api();
const rsa = makeKeyPair('rsa');
const ec = makeKeyPair('ec');

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

/** n8n's preAuthentication call: the token the credential gets. */
const getToken = (credentials: OAuthCredentials) =>
	credentialType.preAuthentication.call(
		{ helpers: { httpRequest: httpRequestHelper(sandbox.caCertPem) } } as never,
		storedCredential('oAuth2', credentials) as never,
	);

/** What the token requests carried: the assertion's kid and the scope asked for. */
const tokenRequests = () =>
	sandbox.requests
		.filter((request) => request.op === 'token')
		.map((request) => {
			const form = new URLSearchParams(String(request.body));
			return {
				kid: decodeProtectedHeader(form.get('client_assertion')!).kid,
				scope: form.get('scope'),
				status: request.status,
			};
		});

describe('a private JWK in the Private Key field', () => {
	it("as Okta's console gives it (kid, use, alg), Key ID empty: the JWK's kid names the key", async () => {
		const { credentials } = serviceApp(sandbox, rsa, { keyId: 'okta-generated-kid' });
		const privateKey = JSON.stringify(
			{ ...rsa.privateJwk, kid: 'okta-generated-kid', use: 'sig', alg: 'RS256' },
			null,
			2,
		);
		const token = await getToken({ ...credentials, privateKey, keyId: '' });
		expect(token).toMatchObject({ scheme: 'DPoP', accessToken: expect.any(String) });
		expect(tokenRequests()).toEqual([
			expect.objectContaining({ kid: 'okta-generated-kid', status: 400 }),
			expect.objectContaining({ kid: 'okta-generated-kid', status: 200 }),
		]);
	});

	it('an EC key in a JWK set of one key, with the Key ID filled in', async () => {
		const { credentials } = serviceApp(sandbox, ec);
		const privateKey = JSON.stringify({ keys: [ec.privateJwk] });
		expect(await getToken({ ...credentials, privateKey })).toMatchObject({ scheme: 'DPoP' });
		expect(tokenRequests().map((request) => request.kid)).toEqual([
			credentials.keyId,
			credentials.keyId,
		]);
	});

	it("a JWK whose kid is not the app's, Key ID empty: Okta's refusal and what to fill in", async () => {
		const { credentials } = serviceApp(sandbox, rsa);
		const privateKey = JSON.stringify({ ...rsa.privateJwk, kid: 'from-another-app' });
		const error = await failure(getToken({ ...credentials, privateKey, keyId: '' }));
		expect(isOktaTokenError(error)).toBe(true);
		expect(error.message).toBe(
			'Okta refused to issue an access token (invalid_client: The client_assertion JWT kid is invalid.)',
		);
		expect(error.description).toMatch(
			/fill in Key ID with the KID shown under the app's Public Keys/,
		);
	});

	it('a PEM key, Key ID empty, for an app with two keys: Okta cannot tell which, the advice says fill in Key ID', async () => {
		const { credentials } = serviceApp(sandbox, rsa, {
			otherKeys: [{ publicKey: ec.publicKeyPem, keyId: 'second-key' }],
		});
		const error = await failure(getToken({ ...credentials, keyId: '' }));
		expect(error.message).toBe(
			'Okta refused to issue an access token (invalid_client: The client_assertion JWT kid is invalid.)',
		);
		expect(error.description).toMatch(/fill in Key ID/);
		expect(await getToken(credentials)).toMatchObject({ scheme: 'DPoP' });
	});

	it.each([
		['the public key', rsa.publicKeyPem, /holds a public key$/],
		[
			'a public JWK',
			JSON.stringify({ kty: 'EC', crv: 'P-256', x: ec.privateJwk.x, y: ec.privateJwk.y }),
			/holds a public JWK/,
		],
		[
			'two keys in a JWK set',
			JSON.stringify({ keys: [rsa.privateJwk, ec.privateJwk] }),
			/holds a JWK set with 2 keys/,
		],
	])('%s: said before anything is sent, without quoting the key', async (_, privateKey, found) => {
		const { credentials } = serviceApp(sandbox, rsa);
		const error = await failure(getToken({ ...credentials, privateKey }));
		expect(error.message).toMatch(
			/^The private key in the Okta Event Hook OAuth2 API credential could not be read: the field holds /,
		);
		expect(error.message).toMatch(found);
		expect(error.description).toMatch(/Paste/);
		const said = JSON.stringify(error, Object.getOwnPropertyNames(error));
		for (const part of [rsa.privateJwk.n, ec.privateJwk.x, rsa.publicKeyPem.split('\n')[1]])
			expect(said).not.toContain(String(part).slice(0, 16));
		expect(sandbox.requests).toHaveLength(0);
	});
});

describe('scopes', () => {
	it('a new credential asks for the event hook scopes and okta.logs.read, which a default app is granted', async () => {
		const { credentials } = serviceApp(sandbox, rsa);
		await getToken(credentials);
		expect(tokenRequests().at(-1)).toEqual(
			expect.objectContaining({
				scope: 'okta.eventHooks.manage okta.eventHooks.read okta.logs.read',
				status: 200,
			}),
		);
	});

	it('an older credential (event hook scopes only, app never granted okta.logs.read) still gets its token', async () => {
		const { credentials } = eventHookOnlyServiceApp(sandbox, ec);
		await getToken(credentials);
		expect(tokenRequests().at(-1)).toEqual(
			expect.objectContaining({
				scope: 'okta.eventHooks.manage okta.eventHooks.read',
				status: 200,
			}),
		);
	});

	it('a new credential on an app without okta.logs.read: Okta names the scope, the advice lists all three', async () => {
		const { credentials } = eventHookOnlyServiceApp(sandbox, rsa);
		const error = await failure(getToken({ ...credentials, scopes: '' }));
		expect(error.message).toBe(
			'Okta refused to issue an access token (invalid_scope: The following scopes are not allowed: okta.logs.read)',
		);
		expect(error.description).toMatch(
			/grant okta\.eventHooks\.manage, okta\.eventHooks\.read and okta\.logs\.read/,
		);
	});
});
