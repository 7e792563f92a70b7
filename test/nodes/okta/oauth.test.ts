/**
 * The trigger with the OAuth 2.0 service-app credential, over real HTTPS against the sandbox's
 * token endpoint and API, through contexts that run preAuthentication and authenticate the way
 * n8n 2.41.1 does: the lifecycle works as with an API token, and each failure says what to do.
 */
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox, RecordedRequest, SandboxOptions } from '../../../devkit/okta-sandbox';
import { expectRecordedResponsesMatchSpec } from '../../../devkit/okta-sandbox/apiClient';
import type { OAuthCredentials } from '../../../devkit/n8n/contexts';
import { makeKeyPair, serviceApp } from '../../../devkit/okta-sandbox/serviceApp';
import type { TestKeyPair } from '../../../devkit/okta-sandbox/serviceApp';
import { startTriggerHost } from '../../../devkit/n8n/triggerHost';
import type { TriggerHost } from '../../../devkit/n8n/triggerHost';
import { failure } from '../../support/failure';

const rsa = makeKeyPair('rsa');
const ec = makeKeyPair('ec');
const stranger = makeKeyPair('rsa');

const sandboxes: OktaSandbox[] = [];
const hosts: TriggerHost[] = [];
afterAll(async () => {
	for (const host of hosts) await host.close();
	for (const sandbox of sandboxes) await sandbox.close();
});

async function setUp(
	options: {
		keys?: TestKeyPair;
		app?: Parameters<typeof serviceApp>[2];
		credentials?: Partial<OAuthCredentials>;
		sandbox?: SandboxOptions;
	} = {},
) {
	const sandbox = await startOktaSandbox({
		verificationTimeoutMs: 1000,
		verificationRetryDelayMs: 100,
		...options.sandbox,
	});
	sandboxes.push(sandbox);
	const { app, credentials } = serviceApp(sandbox, options.keys ?? rsa, options.app);
	// Spaces and a trailing slash, as users paste them.
	const filled = { ...credentials, url: ` ${sandbox.url}/ `, ...options.credentials };
	const host = await startTriggerHost({
		credentials: filled,
		ca: sandbox.caCertPem,
		authentication: 'oAuth2',
	});
	hosts.push(host);
	const node = host.register();
	return { sandbox, app, host, node, credentials: filled };
}

const ops = (sandbox: OktaSandbox) =>
	sandbox.requests.map((request) => `${request.op} ${request.status}`);
const apiCalls = (sandbox: OktaSandbox) =>
	sandbox.requests.filter((request) => request.op !== 'token');
const proofJwk = (request: RecordedRequest) =>
	JSON.stringify(
		JSON.parse(Buffer.from(String(request.headers.dpop).split('.')[0], 'base64url').toString()).jwk,
	);

/** Nothing secret in what the user (and n8n's logs) get. */
function expectNoSecrets(error: unknown, sandbox: OktaSandbox, privateKeyPem: string) {
	const text =
		JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).stack);
	const keyBody = privateKeyPem.split('\n')[1];
	expect(text).not.toContain(keyBody);
	expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
	for (const request of sandbox.requests) {
		const assertion = new URLSearchParams(String(request.body ?? '')).get('client_assertion');
		if (assertion) expect(text).not.toContain(assertion);
	}
}

describe('publishing with a DPoP service app', () => {
	it.each([
		['RSA', rsa],
		['EC P-256', ec],
	])(
		'gets a token (proof, use_dpop_nonce, proof with nonce) and creates a verified hook, with %s keys',
		async (_, keys) => {
			const { sandbox, node, host } = await setUp({ keys });
			await node.publish();
			expect(ops(sandbox)).toEqual(['token 400', 'token 200', 'create 200', 'verify 200']);
			const [hook] = sandbox.hooks();
			expect(hook).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
			expect(node.stored.hookId).toBe(hook.id);
			// The first token request already carried a proof; the second the nonce Okta asked for.
			const [first, second] = sandbox.requests;
			const claims = (request: RecordedRequest) =>
				JSON.parse(Buffer.from(String(request.headers.dpop).split('.')[1], 'base64url').toString());
			expect(claims(first).nonce).toBeUndefined();
			expect(first.response).toMatchObject({ error: 'use_dpop_nonce' });
			expect(claims(second).nonce).toEqual(expect.any(String));
			// Every API call: Authorization DPoP and a proof of the one key the token is bound to.
			for (const call of apiCalls(sandbox)) {
				expect(String(call.headers.authorization)).toMatch(/^DPoP eyJ/);
				expect(proofJwk(call)).toBe(proofJwk(apiCalls(sandbox)[0]));
			}
			expect(host.storedCredentials).toMatchObject({
				scheme: 'DPoP',
				accessToken: expect.stringMatching(/^eyJ/),
			});

			// Okta delivers; the workflow runs, exactly as with an API token.
			await sandbox.emit(2);
			expect(host.executions).toHaveLength(1);
			expect(host.executions[0].items).toHaveLength(2);
			expectRecordedResponsesMatchSpec(sandbox.requests);
		},
	);

	it('reuses the stored token for checkExists after a restart and for unpublishing: no new token request', async () => {
		const { sandbox, node } = await setUp();
		await node.publish();
		sandbox.clearRequests();
		await node.publish();
		await node.unpublish();
		expect(ops(sandbox)).toEqual(['get 200', 'deactivate 200', 'delete 204']);
		expect(sandbox.hooks()).toHaveLength(0);
	});

	it('refreshes an expired token once on 401 and resends the call, with a new DPoP key', async () => {
		const { sandbox, node } = await setUp();
		await node.publish();
		const oldKey = proofJwk(apiCalls(sandbox)[0]);
		sandbox.expireAccessTokens();
		sandbox.clearRequests();
		await node.publish();
		expect(ops(sandbox)).toEqual(['get 401', 'token 400', 'token 200', 'get 200']);
		expect(proofJwk(apiCalls(sandbox)[1])).not.toBe(oldKey);
	});

	it('replaces a token shortly before it expires instead of waiting for a 401', async () => {
		const { sandbox, node } = await setUp({ sandbox: { accessTokenLifetimeSeconds: 30 } });
		await node.publish();
		sandbox.clearRequests();
		await node.checkExists();
		expect(ops(sandbox)).toEqual(['token 400', 'token 200', 'get 200']);
	});

	it('follows a rotated DPoP nonce', async () => {
		const { sandbox, node } = await setUp();
		await node.publish();
		sandbox.rotateDpopNonce();
		sandbox.expireAccessTokens();
		sandbox.clearRequests();
		await node.unpublish();
		expect(ops(sandbox)).toEqual([
			'deactivate 401',
			'token 400',
			'token 200',
			'deactivate 200',
			'delete 204',
		]);
	});
});

describe('publishing with a service app without DPoP', () => {
	it('uses the Bearer token Okta issues despite the proof', async () => {
		const { sandbox, node } = await setUp({ app: { dpop: false } });
		await node.publish();
		expect(ops(sandbox)).toEqual(['token 200', 'create 200', 'verify 200']);
		for (const call of apiCalls(sandbox)) {
			expect(String(call.headers.authorization)).toMatch(/^Bearer /);
			expect(call.headers.dpop).toBeUndefined();
		}
	});

	it('asks again without a proof when Okta refuses proofs from the app', async () => {
		const { sandbox, node } = await setUp({
			app: { dpop: false },
			sandbox: { nonDpopAppProof: 'reject' },
		});
		await node.publish();
		expect(ops(sandbox)).toEqual(['token 400', 'token 200', 'create 200', 'verify 200']);
		expect(sandbox.requests[1].headers.dpop).toBeUndefined();
	});
});

describe('what the user is told', () => {
	it.each([
		[
			"a private key that is not the app's",
			{ credentials: { privateKey: stranger.privateKeyPem } },
			/invalid_client.*signature is invalid/,
			/private key does not match the public key/,
		],
		[
			'a client ID Okta does not know',
			{ credentials: { clientId: '0oaUNKNOWNCLIENT0000' } },
			/invalid_client/,
			/client ID/,
		],
		[
			"a key ID that is not the app's",
			{ credentials: { keyId: 'not-the-kid' } },
			/invalid_client.*kid/,
			/key ID "not-the-kid" does not match/,
		],
		[
			'scopes not granted to the app',
			{ app: { scopes: ['okta.eventHooks.read'] } },
			/invalid_scope.*okta\.eventHooks\.manage/,
			/grant okta\.eventHooks\.manage, okta\.eventHooks\.read and okta\.logs\.read/,
		],
	])(
		"%s: the token endpoint's refusal, in Okta's words, with what to do",
		async (_, settings, message, description) => {
			const { sandbox, node, credentials } = await setUp(settings);
			const error = await failure(node.publish());
			expect(error.constructor.name).toBe('NodeApiError');
			expect(error.message).toMatch(
				/^Could not create the event hook: Okta refused to issue an access token/,
			);
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(description);
			expect(sandbox.hooks()).toHaveLength(0);
			expectNoSecrets(error, sandbox, credentials.privateKey);
		},
	);

	it('a token without okta.eventHooks.manage: Okta\'s 403 and "grant okta.eventHooks.manage"', async () => {
		const { sandbox, node, credentials } = await setUp({
			credentials: { scopes: 'okta.eventHooks.read' },
		});
		const error = await failure(node.publish());
		expect(ops(sandbox)).toEqual(['token 400', 'token 200', 'create 403']);
		expect(error.message).toMatch(
			/Okta refused to create the event hook: You do not have permission/,
		);
		expect(error.description).toMatch(/grant okta\.eventHooks\.manage.*E0000006, HTTP 403/s);
		expectNoSecrets(error, sandbox, credentials.privateKey);
	});

	it('an app without an admin role: "assign it an admin role"', async () => {
		const { node } = await setUp({ app: { adminRole: false } });
		const error = await failure(node.publish());
		expect(error.message).toMatch(/Okta refused to create the event hook/);
		expect(error.description).toMatch(/assign it an admin role/);
		expect(error.httpCode).toBe('403');
	});

	it('a token Okta still refuses after the refresh: one refresh, one resend, then the 401', async () => {
		const { sandbox, node } = await setUp();
		await node.publish();
		sandbox.clearRequests();
		sandbox.injectFault({ op: 'get', status: 401, times: 2 });
		const error = await failure(node.checkExists());
		expect(ops(sandbox)).toEqual(['get 401', 'token 400', 'token 200', 'get 401']);
		expect(error.message).toMatch(/Okta refused to read the event hook: Invalid token provided/);
		expect(error.description).toMatch(/even after n8n fetched a new one.*E0000011/s);
	});

	it('a private key that is not PEM: said before anything is sent, without quoting it', async () => {
		const { sandbox, node } = await setUp({
			credentials: { privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-not-a-pem' },
		});
		const error = await failure(node.publish());
		expect(error.message).toMatch(/private key .* could not be read/);
		expect(error.description).toMatch(/BEGIN/);
		expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain('MIIEvQ');
		expect(sandbox.requests).toHaveLength(0);
	});

	it('an unreachable token endpoint: said in plain words', async () => {
		const { sandbox, node } = await setUp();
		sandbox.injectFault({ op: 'token', kind: 'reset' });
		const error = await failure(node.publish());
		expect(error.message).toMatch(/Could not reach Okta's token endpoint/);
		expect(error.description).toMatch(/ECONNRESET/);
	});
});
