/**
 * The trigger with the OAuth 2.0 service-app credential inside a real n8n 2.41.1 against the Okta
 * sandbox: n8n's own preAuthentication, credential storage, authenticate() and 401 refresh, and
 * its credentials tester. One n8n for the whole file.
 */
import * as fs from 'node:fs';
import { decodeProtectedHeader } from 'jose';

import { credentialTestRulesApply } from '../../devkit/n8n/credentialTest';
import { runtimePackage } from '../../devkit/n8n/runtime';
import type { ServiceAppInput } from '../../devkit/okta-sandbox';
import { EVENT_HOOK_SCOPES, makeKeyPair } from '../../devkit/okta-sandbox/serviceApp';
import type { TestKeyPair } from '../../devkit/okta-sandbox/serviceApp';
import {
	TRIGGER_NODE_NAME,
	createNoOpWorkflow,
	hooksFor,
	nodeItems,
	publishAndSettle,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';

const CREDENTIAL_TYPE = 'oktaEventHookOAuth2Api';

let stack: Stack;
const rsa = makeKeyPair('rsa');
const ec = makeKeyPair('ec');

beforeAll(async () => {
	stack = await startStack({}, 'oauth');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

/** A service app in the sandbox and its credential in n8n (public API). */
async function oauthCredential(
	name: string,
	options: {
		keys?: TestKeyPair;
		/** What the Private Key field holds; default the key pair's PEM. */
		privateKey?: string;
		/** Default the app's KID. */
		keyId?: string;
		/** Default the event hook scopes (a credential made before okta.logs.read); undefined: the field left out. */
		scopes?: string;
		app?: Omit<ServiceAppInput, 'publicKey'>;
	} = {},
) {
	const keys = options.keys ?? rsa;
	const app = stack.sandbox.addServiceApp({ publicKey: keys.publicKeyPem, ...options.app });
	const data: Record<string, string> = {
		url: `${stack.sandbox.url}/`,
		clientId: app.clientId,
		privateKey: options.privateKey ?? keys.privateKeyPem,
		keyId: options.keyId ?? app.keyId,
	};
	const scopes = 'scopes' in options ? options.scopes : EVENT_HOOK_SCOPES.join(' ');
	if (scopes !== undefined) data.scopes = scopes;
	const credential = await stack.http.createCredential(name, CREDENTIAL_TYPE, data);
	return { app, credential, data };
}

/** The editor's "Test" button: POST /rest/credentials/test. */
async function testCredential(
	credential: { id: string; name: string },
	data: Record<string, unknown>,
) {
	const res = await stack.http.request<any>('POST', '/rest/credentials/test', {
		headers: stack.http.sessionHeaders(),
		body: {
			credentials: { id: credential.id, name: credential.name, type: CREDENTIAL_TYPE, data },
		},
	});
	expect(res.status).toBe(200);
	return res.json.data as { status: string; message: string };
}

/** trigger → No Operation with Authentication = OAuth2 and the service-app credential. */
async function oauthWorkflow(name: string, credential: { id: string; name: string }) {
	const wf = await createNoOpWorkflow(stack, name);
	const workflow = await stack.http.getWorkflow(wf.id);
	const trigger = workflow.nodes.find((node: any) => node.name === TRIGGER_NODE_NAME);
	trigger.parameters = { ...trigger.parameters, authentication: 'oAuth2' };
	trigger.credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	const res = await stack.http.request<any>('PUT', `/api/v1/workflows/${wf.id}`, {
		headers: { 'X-N8N-API-KEY': stack.http.apiKey!, 'Content-Type': 'application/json' },
		body: {
			name: workflow.name,
			nodes: workflow.nodes,
			connections: workflow.connections,
			settings: { executionOrder: 'v1' },
		},
	});
	expect(res.status).toBe(200);
	return wf;
}

const apiOps = () =>
	stack.sandbox.requests.filter((request) => request.op !== 'token' && request.op !== 'other');

describe('a DPoP service app (RSA key)', () => {
	let app: Awaited<ReturnType<typeof oauthCredential>>;
	let wf: Awaited<ReturnType<typeof oauthWorkflow>>;

	beforeAll(async () => {
		app = await oauthCredential('Okta service app (RSA)');
	});

	test("n8n's credential test gets a token and lists event hooks: Connection successful", async () => {
		stack.sandbox.clearRequests();
		expect(await testCredential(app.credential, app.data)).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		expect(stack.sandbox.requests.map((request) => `${request.op} ${request.status}`)).toEqual([
			'token 400',
			'token 200',
			'list 200',
		]);
		expect(String(stack.sandbox.requests[2].headers.authorization)).toMatch(/^DPoP /);
	});

	test('publishing creates one ACTIVE, VERIFIED hook, every call with Authorization: DPoP and a proof', async () => {
		wf = await oauthWorkflow('e2e: OAuth publish', app.credential);
		stack.sandbox.clearRequests();
		const status = await publishAndSettle(stack, wf.id);
		expect(status).toMatchObject({ status: 'published' });
		const hooks = hooksFor(stack, wf.productionUrl);
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
		expect(apiOps().map((request) => request.op)).toEqual(
			expect.arrayContaining(['create', 'verify']),
		);
		for (const request of apiOps()) {
			expect(String(request.headers.authorization)).toMatch(/^DPoP /);
			expect(request.headers.dpop).toBeDefined();
			expect(request.status).toBeLessThan(300);
		}
	});

	test('an emitted event runs the workflow', async () => {
		await stack.sandbox.emit(2);
		const [execution] = await waitForExecutions(stack, wf.id, 1);
		expect(nodeItems(execution, 'No Operation')).toHaveLength(2);
	});

	test('with the token expired, unpublishing gets a 401, n8n fetches a new token and resends: the hook is gone', async () => {
		stack.sandbox.expireAccessTokens();
		stack.sandbox.clearRequests();
		await stack.http.unpublishWorkflow(wf.id);
		await waitFor(() => hooksFor(stack, wf.productionUrl).length === 0, {
			timeoutMs: 30000,
			what: 'hook removed',
		});
		const seen = stack.sandbox.requests.map((request) => `${request.op} ${request.status}`);
		expect(seen.slice(0, 4)).toEqual([
			'deactivate 401',
			'token 400',
			'token 200',
			'deactivate 200',
		]);
		expect(seen).toContain('delete 204');
	});
});

describe('a token about to expire', () => {
	test('is replaced before the call rather than after a 401', async () => {
		const { credential } = await oauthCredential('Okta service app (short tokens)');
		const wf = await oauthWorkflow('e2e: OAuth short tokens', credential);
		stack.sandbox.setAccessTokenLifetime(30);
		try {
			stack.sandbox.clearRequests();
			expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });
			const seen = stack.sandbox.requests.map((request) => `${request.op} ${request.status}`);
			// Each call finds a token with under a minute left, so a new one comes first: never a 401.
			expect(seen).toEqual([
				'token 400',
				'token 200',
				'create 200',
				'token 400',
				'token 200',
				'verify 200',
			]);
		} finally {
			stack.sandbox.setAccessTokenLifetime(3600);
		}
		await stack.http.unpublishWorkflow(wf.id);
		await waitFor(() => hooksFor(stack, wf.productionUrl).length === 0, {
			timeoutMs: 30000,
			what: 'hook removed',
		});
	});
});

describe('an EC key and an app without DPoP', () => {
	test('publishes with Bearer tokens', async () => {
		const { credential } = await oauthCredential('Okta service app (EC, Bearer)', {
			keys: ec,
			app: { dpop: false },
		});
		const wf = await oauthWorkflow('e2e: OAuth Bearer', credential);
		stack.sandbox.clearRequests();
		expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });
		expect(hooksFor(stack, wf.productionUrl)).toHaveLength(1);
		for (const request of apiOps())
			expect(String(request.headers.authorization)).toMatch(/^Bearer /);
		await stack.http.unpublishWorkflow(wf.id);
		await waitFor(() => hooksFor(stack, wf.productionUrl).length === 0, {
			timeoutMs: 30000,
			what: 'hook removed',
		});
	});
});

describe('what the user is told', () => {
	test('a wrong private key: the credential test and the failed publication say what to do', async () => {
		const { credential, data } = await oauthCredential('Okta service app (wrong key)', {
			privateKey: makeKeyPair('rsa').privateKeyPem,
		});
		const result = await testCredential(credential, data);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/Okta refused to issue an access token \(invalid_client: The client_assertion signature is invalid\.\)/,
		);

		const wf = await oauthWorkflow('e2e: OAuth wrong key', credential);
		const status = await publishAndSettle(stack, wf.id, 120000);
		expect(status.status).toBe('failed');
		expect(JSON.stringify(status)).toContain(
			'Okta refused to issue an access token (invalid_client: The client_assertion signature is invalid.)',
		);
		expect(JSON.stringify(status)).not.toContain(rsa.privateKeyPem.split('\n')[1]);
		expect(hooksFor(stack, wf.productionUrl)).toHaveLength(0);
	});

	test("an app without an admin role: the credential test's 403 rule", async () => {
		const { credential, data } = await oauthCredential('Okta service app (no role)', {
			app: { adminRole: false },
		});
		// An n8n whose NodeApiError keeps no cause (2.8) cannot apply the rule: its own words, still an error.
		const rulesApply = credentialTestRulesApply(runtimePackage('n8n-workflow'));
		expect(await testCredential(credential, data)).toEqual({
			status: 'Error',
			message: rulesApply
				? 'The app may not read event hooks (E0000006): grant it okta.eventHooks.read and okta.eventHooks.manage (Okta API Scopes tab) and assign it an admin role that manages event hooks, e.g. Super Administrator or a custom role (Admin roles tab).'
				: expect.any(String),
		});
	});

	test("scopes not granted: the credential test gives Okta's invalid_scope and the scope it named", async () => {
		const { credential, data } = await oauthCredential('Okta service app (no scopes)', {
			app: { scopes: ['okta.eventHooks.read'] },
		});
		expect(await testCredential(credential, data)).toEqual({
			status: 'Error',
			message:
				'Okta refused to issue an access token (invalid_scope: The following scopes are not allowed: okta.eventHooks.manage)',
		});
	});

	test('a public key pasted as the private key: the credential test says what the field holds, before any request', async () => {
		const { credential, data } = await oauthCredential('Okta service app (public key pasted)', {
			privateKey: rsa.publicKeyPem,
		});
		stack.sandbox.clearRequests();
		expect(await testCredential(credential, data)).toEqual({
			status: 'Error',
			message:
				'The private key in the Okta Event Hook OAuth2 API credential could not be read: the field holds a public key',
		});
		expect(stack.sandbox.requests).toHaveLength(0);
	});
});

describe("a private JWK as Okta's console gives it, Key ID empty, default scopes", () => {
	test("the credential test connects; the assertion names the key by the JWK's kid and asks for okta.logs.read", async () => {
		const privateKey = JSON.stringify(
			{ ...ec.privateJwk, kid: 'okta-console-kid', use: 'sig', alg: 'ES256' },
			null,
			2,
		);
		const { credential, data } = await oauthCredential('Okta service app (JWK)', {
			keys: ec,
			privateKey,
			keyId: '',
			scopes: undefined,
			app: { keyId: 'okta-console-kid' },
		});
		stack.sandbox.clearRequests();
		expect(await testCredential(credential, data)).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const tokenRequests = stack.sandbox.requests
			.filter((request) => request.op === 'token')
			.map((request) => new URLSearchParams(String(request.body)));
		expect(tokenRequests.length).toBeGreaterThan(0);
		for (const form of tokenRequests) {
			expect(decodeProtectedHeader(form.get('client_assertion')!).kid).toBe('okta-console-kid');
			expect(form.get('scope')).toBe('okta.eventHooks.manage okta.eventHooks.read okta.logs.read');
		}
	});
});

test("n8n's log holds no private key, client assertion or access token", () => {
	const log = fs.readFileSync(stack.options.logFile!, 'utf8');
	expect(log).not.toMatch(/PRIVATE KEY|client_assertion=|access_token|DPoP eyJ|Bearer eyJ/);
	expect(log).not.toContain(rsa.privateKeyPem.split('\n')[1]);
	expect(log).not.toContain(String(ec.privateJwk.d));
});
