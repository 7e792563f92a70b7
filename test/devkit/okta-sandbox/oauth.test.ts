/**
 * The sandbox's token endpoint and OAuth-protected API, driven by hand-made JWTs: each refusal
 * Okta documents happens, with Okta's OAuth error codes; a correct client gets a DPoP-bound token.
 * The sandbox verifies with jose; JWTs here are signed by the node's signer (itself checked
 * against jose in test/nodes/okta/jwt.test.ts) and, for the attacks, by jose.
 */
import { createPrivateKey, createSecretKey, randomUUID } from 'node:crypto';
import * as https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';

import { dpopProof, generateDpopKey } from '../../../nodes/okta/dpop';
import { signJwt } from '../../../nodes/okta/jwt';
import {
	EVENT_HOOK_SCOPES,
	eventHookOnlyServiceApp,
	makeKeyPair,
	serviceApp,
} from '../../../devkit/okta-sandbox/serviceApp';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { request } from '../../../devkit/okta-sandbox/apiClient';

let sandbox: OktaSandbox;
const rsa = makeKeyPair('rsa');
const ec = makeKeyPair('ec');
const stranger = makeKeyPair('rsa');

beforeAll(async () => {
	sandbox = await startOktaSandbox({ accessTokenLifetimeSeconds: 3600 });
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

const now = () => Math.floor(Date.now() / 1000);
const parsePrivateKey = (pem: string) => createPrivateKey(pem);

function assertion(
	clientId: string,
	key: KeyObject,
	overrides: Record<string, unknown> = {},
	kid?: string,
): string {
	return signJwt(
		kid ? { kid } : {},
		{
			iss: clientId,
			sub: clientId,
			aud: sandbox.tokenUrl,
			iat: now(),
			exp: now() + 300,
			jti: randomUUID(),
			...overrides,
		},
		key,
	);
}

interface TokenCall {
	clientId: string;
	key?: KeyObject;
	kid?: string;
	claims?: Record<string, unknown>;
	scope?: string;
	dpopKey?: string | null;
	nonce?: string;
	proof?: string;
	/** A whole client assertion made elsewhere (instead of key, kid and claims). */
	assertion?: string;
}

async function token(call: TokenCall) {
	const body = new URLSearchParams({
		grant_type: 'client_credentials',
		scope: call.scope ?? 'okta.eventHooks.manage okta.eventHooks.read',
		client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
		client_assertion:
			call.assertion ??
			assertion(
				call.clientId,
				call.key ?? parsePrivateKey(rsa.privateKeyPem),
				call.claims,
				call.kid,
			),
	}).toString();
	const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
	if (call.proof) headers.DPoP = call.proof;
	else if (call.dpopKey)
		headers.DPoP = dpopProof({
			key: call.dpopKey,
			method: 'POST',
			url: sandbox.tokenUrl,
			nonce: call.nonce,
		});
	return await rawPost(body, headers);
}

function rawPost(body: string, headers: Record<string, string>) {
	return new Promise<{ status: number; headers: Record<string, unknown>; json: any }>(
		(resolve, reject) => {
			const req = https.request(
				sandbox.tokenUrl,
				{ method: 'POST', headers, ca: sandbox.caCertPem, agent: false },
				(res) => {
					let text = '';
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							json: text ? JSON.parse(text) : undefined,
						}),
					);
				},
			);
			req.on('error', reject);
			req.end(body);
		},
	);
}

/** A DPoP token the correct way: proof, use_dpop_nonce, proof with the nonce. */
async function dpopToken(
	clientId: string,
	key = parsePrivateKey(rsa.privateKeyPem),
	scope?: string,
) {
	const dpopKey = generateDpopKey();
	const first = await token({ clientId, key, dpopKey, scope });
	expect(first.status).toBe(400);
	expect(first.json.error).toBe('use_dpop_nonce');
	const nonce = String(first.headers['dpop-nonce']);
	const second = await token({ clientId, key, dpopKey, nonce, scope });
	return { ...second, dpopKey };
}

// test-helpers.request takes no extra headers; a small variant that does.
function apiWith(method: string, path: string, headers: Record<string, string>) {
	return new Promise<{ status: number; headers: Record<string, unknown>; json: any }>(
		(resolve, reject) => {
			const req = https.request(
				`${sandbox.url}${path}`,
				{
					method,
					headers: { Accept: 'application/json', ...headers },
					ca: sandbox.caCertPem,
					agent: false,
				},
				(res) => {
					let text = '';
					res.on('data', (chunk) => (text += chunk));
					res.on('end', () =>
						resolve({
							status: res.statusCode ?? 0,
							headers: res.headers,
							json: text ? JSON.parse(text) : undefined,
						}),
					);
				},
			);
			req.on('error', reject);
			req.end();
		},
	);
}

function dpopCall(
	method: string,
	path: string,
	accessToken: string,
	dpopKey: string,
	claims: { url?: string; ath?: string } = {},
) {
	return apiWith(method, path, {
		Authorization: `DPoP ${accessToken}`,
		DPoP: dpopProof({
			key: dpopKey,
			method,
			url: claims.url ?? `${sandbox.url}${path}`,
			accessToken: claims.ath ?? accessToken,
		}),
	});
}

describe('the token endpoint', () => {
	it('asks for a DPoP nonce first, then issues a DPoP-bound token for an RSA-signed assertion', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const answer = await dpopToken(app.clientId);
		expect(answer.status).toBe(200);
		expect(answer.json).toMatchObject({
			token_type: 'DPoP',
			expires_in: 3600,
			scope: 'okta.eventHooks.manage okta.eventHooks.read',
		});
		expect(answer.headers['cache-control']).toBe('no-store');
	});

	it('takes EC P-256 (ES256) assertions too', async () => {
		const { app } = serviceApp(sandbox, ec);
		expect((await dpopToken(app.clientId, parsePrivateKey(ec.privateKeyPem))).status).toBe(200);
	});

	it('issues a Bearer token without a proof to an app without DPoP, and by default ignores a proof it gets', async () => {
		const { app } = serviceApp(sandbox, rsa, { dpop: false });
		expect((await token({ clientId: app.clientId })).json.token_type).toBe('Bearer');
		expect(
			(await token({ clientId: app.clientId, dpopKey: generateDpopKey() })).json.token_type,
		).toBe('Bearer');
	});

	it('refuses a DPoP app a request without a proof', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const answer = await token({ clientId: app.clientId });
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe('invalid_dpop_proof');
	});

	it.each([
		[
			'a stale nonce',
			async (clientId: string, dpopKey: string) => token({ clientId, dpopKey, nonce: 'old-nonce' }),
			'use_dpop_nonce',
		],
		[
			'a proof for another URL',
			async (clientId: string, dpopKey: string) =>
				token({
					clientId,
					proof: dpopProof({
						key: dpopKey,
						method: 'POST',
						url: `${sandbox.url}/oauth2/v1/other`,
						nonce: sandbox.rotateDpopNonce(),
					}),
				}),
			'invalid_dpop_proof',
		],
		[
			'a proof for GET',
			async (clientId: string, dpopKey: string) =>
				token({
					clientId,
					proof: dpopProof({
						key: dpopKey,
						method: 'GET',
						url: sandbox.tokenUrl,
						nonce: sandbox.rotateDpopNonce(),
					}),
				}),
			'invalid_dpop_proof',
		],
		[
			'a proof with a forged signature',
			async (clientId: string, dpopKey: string) => {
				const proof = dpopProof({
					key: dpopKey,
					method: 'POST',
					url: sandbox.tokenUrl,
					nonce: sandbox.rotateDpopNonce(),
				});
				const other = dpopProof({ key: generateDpopKey(), method: 'POST', url: sandbox.tokenUrl });
				return token({
					clientId,
					proof: `${proof.split('.').slice(0, 2).join('.')}.${other.split('.')[2]}`,
				});
			},
			'invalid_dpop_proof',
		],
		[
			'a replayed proof',
			async (clientId: string, dpopKey: string) => {
				const proof = dpopProof({
					key: dpopKey,
					method: 'POST',
					url: sandbox.tokenUrl,
					nonce: sandbox.rotateDpopNonce(),
				});
				await token({ clientId, proof });
				return token({ clientId, proof });
			},
			'invalid_dpop_proof',
		],
	])('refuses %s', async (_, send, error) => {
		const { app } = serviceApp(sandbox, rsa);
		const answer = await send(app.clientId, generateDpopKey());
		expect(answer.status).toBe(400);
		expect(answer.json.error).toBe(error);
		if (error === 'use_dpop_nonce')
			expect(answer.headers['dpop-nonce']).toEqual(expect.any(String));
	});

	it('asks again after the nonce rotates', async () => {
		const { app } = serviceApp(sandbox, rsa, { dpop: true });
		const dpopKey = generateDpopKey();
		const first = await token({ clientId: app.clientId, dpopKey });
		const nonce = String(first.headers['dpop-nonce']);
		const rotated = sandbox.rotateDpopNonce();
		const answer = await token({ clientId: app.clientId, dpopKey, nonce });
		expect(answer.json.error).toBe('use_dpop_nonce');
		expect(answer.headers['dpop-nonce']).toBe(rotated);
	});

	describe('client authentication (private_key_jwt)', () => {
		async function refusal(call: Omit<TokenCall, 'dpopKey' | 'nonce'>) {
			const dpopKey = generateDpopKey();
			const nonce = String((await token({ ...call, dpopKey })).headers['dpop-nonce'] ?? '');
			const answer = await token({ ...call, dpopKey, nonce });
			return answer;
		}

		it('refuses an assertion signed with another key', async () => {
			const { app } = serviceApp(sandbox, rsa);
			const answer = await refusal({
				clientId: app.clientId,
				key: parsePrivateKey(stranger.privateKeyPem),
			});
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({
				error: 'invalid_client',
				error_description: 'The client_assertion signature is invalid.',
			});
		});

		it('refuses an unknown client', async () => {
			serviceApp(sandbox, rsa);
			const answer = await refusal({ clientId: '0oaNOSUCHCLIENT00000' });
			expect(answer.status).toBe(401);
			expect(answer.json.error).toBe('invalid_client');
		});

		it('refuses a kid that names no key of the app', async () => {
			const { app } = serviceApp(sandbox, rsa);
			const answer = await refusal({ clientId: app.clientId, kid: 'another-kid' });
			expect(answer.json).toEqual({
				error: 'invalid_client',
				error_description: 'The client_assertion JWT kid is invalid.',
			});
		});

		it('with several keys: the kid picks the key; without a kid Okta cannot tell which one signed', async () => {
			const { app } = serviceApp(sandbox, rsa, {
				dpop: false,
				otherKeys: [{ publicKey: ec.publicKeyPem, keyId: 'second-key' }],
			});
			const ecKey = parsePrivateKey(ec.privateKeyPem);
			expect((await token({ clientId: app.clientId, key: ecKey, kid: 'second-key' })).status).toBe(
				200,
			);
			expect((await token({ clientId: app.clientId, kid: app.keyId })).status).toBe(200);
			expect((await token({ clientId: app.clientId, key: ecKey })).json).toEqual({
				error: 'invalid_client',
				error_description: 'The client_assertion JWT kid is invalid.',
			});
			expect((await token({ clientId: app.clientId, key: ecKey, kid: app.keyId })).json).toEqual({
				error: 'invalid_client',
				error_description: 'The client_assertion signature is invalid.',
			});
		});

		it.each([
			['aud', { aud: 'https://elsewhere.okta.com/oauth2/v1/token' }, /audience/],
			['exp in the past', { exp: Math.floor(Date.now() / 1000) - 10 }, /expired/],
			['exp over an hour away', { exp: Math.floor(Date.now() / 1000) + 7200 }, /too far/],
			['iss other than sub', { iss: 'someone-else' }, /invalid/],
			['no jti', { jti: undefined }, /jti/],
		])('refuses a wrong %s', async (_, claims, description) => {
			const { app } = serviceApp(sandbox, rsa);
			const answer = await refusal({ clientId: app.clientId, claims });
			expect(answer.status).toBe(401);
			expect(answer.json).toMatchObject({
				error: 'invalid_client',
				error_description: expect.stringMatching(description),
			});
		});

		it('refuses a replayed assertion jti', async () => {
			const { app } = serviceApp(sandbox, rsa, { dpop: false });
			const jti = randomUUID();
			expect((await token({ clientId: app.clientId, claims: { jti } })).status).toBe(200);
			const again = await token({ clientId: app.clientId, claims: { jti } });
			expect(again.json).toMatchObject({
				error: 'invalid_client',
				error_description: expect.stringMatching(/already been used/),
			});
		});

		it.each([
			[
				"alg 'none'",
				(clientId: string) =>
					new UnsecuredJWT({ jti: randomUUID() })
						.setIssuer(clientId)
						.setSubject(clientId)
						.setAudience(sandbox.tokenUrl)
						.setIssuedAt()
						.setExpirationTime('5m')
						.encode(),
			],
			[
				'HS256 keyed with the public key (algorithm confusion)',
				(clientId: string) =>
					new SignJWT({ jti: randomUUID() })
						.setProtectedHeader({ alg: 'HS256' })
						.setIssuer(clientId)
						.setSubject(clientId)
						.setAudience(sandbox.tokenUrl)
						.setIssuedAt()
						.setExpirationTime('5m')
						.sign(createSecretKey(Buffer.from(rsa.publicKeyPem))),
			],
			[
				'PS256, which Okta does not list for private_key_jwt',
				(clientId: string) =>
					new SignJWT({ jti: randomUUID() })
						.setProtectedHeader({ alg: 'PS256' })
						.setIssuer(clientId)
						.setSubject(clientId)
						.setAudience(sandbox.tokenUrl)
						.setIssuedAt()
						.setExpirationTime('5m')
						.sign(parsePrivateKey(rsa.privateKeyPem)),
			],
		])('refuses an assertion with %s', async (_, make) => {
			const { app } = serviceApp(sandbox, rsa, { dpop: false });
			const answer = await token({
				clientId: app.clientId,
				assertion: await make(app.clientId),
			});
			expect(answer.status).toBe(401);
			expect(answer.json).toEqual({
				error: 'invalid_client',
				error_description: 'The client_assertion signature is invalid.',
			});
		});

		it('takes an ES256 assertion signed by jose and an app registered with a public JWK', async () => {
			const { kty, crv, x, y } = ec.privateJwk;
			const app = sandbox.addServiceApp({ publicKey: { kty, crv, x, y }, dpop: false });
			const answer = await token({
				clientId: app.clientId,
				assertion: await new SignJWT({ jti: randomUUID() })
					.setProtectedHeader({ alg: 'ES256', kid: app.keyId })
					.setIssuer(app.clientId)
					.setSubject(app.clientId)
					.setAudience(sandbox.tokenUrl)
					.setIssuedAt()
					.setExpirationTime('5m')
					.sign(parsePrivateKey(ec.privateKeyPem)),
			});
			expect(answer.status).toBe(200);
		});

		it('refuses scopes not granted to the app', async () => {
			const { app } = serviceApp(sandbox, rsa, { dpop: false, scopes: ['okta.eventHooks.read'] });
			const answer = await token({ clientId: app.clientId });
			expect(answer.status).toBe(400);
			expect(answer.json).toEqual({
				error: 'invalid_scope',
				error_description: 'The following scopes are not allowed: okta.eventHooks.manage',
			});
		});
	});
});

describe('okta.logs.read', () => {
	it('is granted by default: a token with it reads the System Log, one without may not', async () => {
		const { app } = serviceApp(sandbox, rsa, { dpop: false });
		const logs = await token({ clientId: app.clientId, scope: 'okta.logs.read' });
		expect(logs.json.scope).toBe('okta.logs.read');
		const read = (accessToken: string) =>
			apiWith('GET', '/api/v1/logs', { Authorization: `Bearer ${accessToken}` });
		const allowed = await read(logs.json.access_token);
		expect([allowed.status, allowed.json]).toEqual([200, expect.any(Array)]);
		const hooksOnly = await token({ clientId: app.clientId, scope: EVENT_HOOK_SCOPES.join(' ') });
		const refused = await read(hooksOnly.json.access_token);
		expect(refused.status).toBe(403);
		expect(String(refused.headers['www-authenticate'])).toMatch(
			/insufficient_scope.*scope="okta.logs.read"/,
		);
	});

	it('an app registered the older way (event hook scopes only) is refused it, and its credential does not ask', async () => {
		const { app, credentials } = eventHookOnlyServiceApp(sandbox, rsa, { dpop: false });
		expect(app.scopes).toEqual(['okta.eventHooks.manage', 'okta.eventHooks.read']);
		expect(credentials.scopes).toBe('okta.eventHooks.manage okta.eventHooks.read');
		const answer = await token({ clientId: app.clientId, scope: 'okta.logs.read' });
		expect(answer.json).toEqual({
			error: 'invalid_scope',
			error_description: 'The following scopes are not allowed: okta.logs.read',
		});
		expect((await token({ clientId: app.clientId, scope: credentials.scopes })).status).toBe(200);
	});
});

describe('API calls with an access token', () => {
	it('lets a DPoP token with a fresh proof list, create and delete event hooks', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const { json, dpopKey } = await dpopToken(app.clientId);
		expect((await dpopCall('GET', '/api/v1/eventHooks', json.access_token, dpopKey)).status).toBe(
			200,
		);
		// The query string is not part of htu.
		expect(
			(
				await dpopCall('GET', '/api/v1/eventHooks?limit=5', json.access_token, dpopKey, {
					url: `${sandbox.url}/api/v1/eventHooks`,
				})
			).status,
		).toBe(200);
	});

	it.each([
		['no proof', (t: string) => ({ Authorization: `DPoP ${t}` })],
		[
			'the Bearer scheme',
			(t: string, k: string) => ({
				Authorization: `Bearer ${t}`,
				DPoP: dpopProof({
					key: k,
					method: 'GET',
					url: `${sandbox.url}/api/v1/eventHooks`,
					accessToken: t,
				}),
			}),
		],
		[
			'a proof for another URL',
			(t: string, k: string) => ({
				Authorization: `DPoP ${t}`,
				DPoP: dpopProof({
					key: k,
					method: 'GET',
					url: `${sandbox.url}/api/v1/logs`,
					accessToken: t,
				}),
			}),
		],
		[
			'a proof for POST',
			(t: string, k: string) => ({
				Authorization: `DPoP ${t}`,
				DPoP: dpopProof({
					key: k,
					method: 'POST',
					url: `${sandbox.url}/api/v1/eventHooks`,
					accessToken: t,
				}),
			}),
		],
		[
			'a proof without ath',
			(t: string, k: string) => ({
				Authorization: `DPoP ${t}`,
				DPoP: dpopProof({ key: k, method: 'GET', url: `${sandbox.url}/api/v1/eventHooks` }),
			}),
		],
		[
			'a proof by another key',
			(t: string) => ({
				Authorization: `DPoP ${t}`,
				DPoP: dpopProof({
					key: generateDpopKey(),
					method: 'GET',
					url: `${sandbox.url}/api/v1/eventHooks`,
					accessToken: t,
				}),
			}),
		],
	])('refuses %s with 401 E0000011 and a WWW-Authenticate challenge', async (_, headers) => {
		const { app } = serviceApp(sandbox, rsa);
		const { json, dpopKey } = await dpopToken(app.clientId);
		const answer = await apiWith('GET', '/api/v1/eventHooks', headers(json.access_token, dpopKey));
		expect(answer.status).toBe(401);
		expect(answer.json.errorCode).toBe('E0000011');
		expect(String(answer.headers['www-authenticate'])).toMatch(
			/error="(invalid_dpop_proof|invalid_token)"/,
		);
	});

	it('refuses a replayed proof', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const { json, dpopKey } = await dpopToken(app.clientId);
		const headers = {
			Authorization: `DPoP ${json.access_token}`,
			DPoP: dpopProof({
				key: dpopKey,
				method: 'GET',
				url: `${sandbox.url}/api/v1/eventHooks`,
				accessToken: json.access_token,
			}),
		};
		expect((await apiWith('GET', '/api/v1/eventHooks', headers)).status).toBe(200);
		const again = await apiWith('GET', '/api/v1/eventHooks', headers);
		expect(again.status).toBe(401);
		expect(String(again.headers['www-authenticate'])).toMatch(
			/invalid_dpop_proof.*already been used/,
		);
	});

	it('refuses an expired token', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const { json, dpopKey } = await dpopToken(app.clientId);
		sandbox.expireAccessTokens();
		const answer = await dpopCall('GET', '/api/v1/eventHooks', json.access_token, dpopKey);
		expect(answer.status).toBe(401);
		expect(String(answer.headers['www-authenticate'])).toMatch(/invalid_token.*expired/);
	});

	it('enforces scopes per endpoint: read may list, not create (403 E0000006, insufficient_scope)', async () => {
		const { app } = serviceApp(sandbox, rsa);
		const { json, dpopKey } = await dpopToken(app.clientId, undefined, 'okta.eventHooks.read');
		expect((await dpopCall('GET', '/api/v1/eventHooks', json.access_token, dpopKey)).status).toBe(
			200,
		);
		const create = await dpopCall('POST', '/api/v1/eventHooks', json.access_token, dpopKey);
		expect(create.status).toBe(403);
		expect(create.json.errorCode).toBe('E0000006');
		expect(String(create.headers['www-authenticate'])).toMatch(
			/insufficient_scope.*scope="okta.eventHooks.manage"/,
		);
	});

	it('refuses an app without an admin role (403 E0000006, no scope challenge)', async () => {
		const { app } = serviceApp(sandbox, rsa, { adminRole: false });
		const { json, dpopKey } = await dpopToken(app.clientId);
		const answer = await dpopCall('GET', '/api/v1/eventHooks', json.access_token, dpopKey);
		expect(answer.status).toBe(403);
		expect(answer.headers['www-authenticate']).toBeUndefined();
	});

	it('lets a Bearer token of an app without DPoP in, with no proof', async () => {
		const { app } = serviceApp(sandbox, rsa, { dpop: false });
		const { json } = await token({ clientId: app.clientId });
		expect(
			(await apiWith('GET', '/api/v1/eventHooks', { Authorization: `Bearer ${json.access_token}` }))
				.status,
		).toBe(200);
		expect(
			(await apiWith('GET', '/api/v1/eventHooks', { Authorization: `DPoP ${json.access_token}` }))
				.status,
		).toBe(401);
	});

	it('keeps SSWS tokens working beside OAuth', async () => {
		expect(
			(await request(sandbox, 'GET', '/api/v1/eventHooks', { token: sandbox.token })).status,
		).toBe(200);
	});
});
