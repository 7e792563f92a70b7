/**
 * The node's JWTs as another implementation reads them: JWS and client assertions made with
 * node:crypto are verified with jose (signature with the public key, header, claims). And the
 * private key field: every form Okta's console and common tools give is read, anything else is
 * named without quoting it. (DPoP proofs: dpop.test.ts.)
 */
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify } from 'jose';

import { PrivateKeyError, algorithmFor, readPrivateKey, signJwt } from '../../../nodes/okta/jwt';
import { clientAssertion, readOAuthCredential, tokenUrlOf } from '../../../nodes/okta/oauth';
import { getTestPki } from '../../../devkit/okta-sandbox/pki';

const ORG = 'https://acme.okta.com';
const now = () => Math.floor(Date.now() / 1000);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });

const pkcs8 = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
const jwkOf = (key: KeyObject) => key.export({ format: 'jwk' });

function credential(privateKey: string, keyId = '') {
	return readOAuthCredential({ url: ORG, clientId: '0oaSERVICEAPP0000000', privateKey, keyId });
}

/** The assertion a credential makes, verified with jose as Okta would. */
async function verifiedAssertion(privateKey: string, publicKey: KeyObject, keyId = '') {
	const filled = credential(privateKey, keyId);
	const assertion = clientAssertion(filled, readPrivateKey(filled.privateKey));
	const { payload, protectedHeader } = await jwtVerify(assertion, publicKey, {
		algorithms: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
		issuer: filled.clientId,
		subject: filled.clientId,
		audience: tokenUrlOf(ORG),
		typ: 'JWT',
		requiredClaims: ['iat', 'exp', 'jti'],
	});
	return { assertion, payload, protectedHeader };
}

describe('clientAssertion, verified with jose', () => {
	it.each([
		['RSA (RS256)', rsa, 'RS256'],
		['EC P-256 (ES256)', ec, 'ES256'],
		['EC P-384 (ES384)', ec384, 'ES384'],
	])(
		'%s: signed by the key, iss = sub = client ID, aud = the token URL, five minutes, a fresh jti',
		async (_, pair, alg) => {
			const { payload, protectedHeader } = await verifiedAssertion(
				pkcs8(pair.privateKey),
				pair.publicKey,
				'kid-1',
			);
			expect(protectedHeader).toEqual({ typ: 'JWT', alg, kid: 'kid-1' });
			expect(payload.aud).toBe('https://acme.okta.com/oauth2/v1/token');
			expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(2);
			expect(payload.exp! - payload.iat!).toBe(300);
			const again = await verifiedAssertion(pkcs8(pair.privateKey), pair.publicKey);
			expect(again.payload.jti).not.toBe(payload.jti);
			expect(again.protectedHeader.kid).toBeUndefined();
		},
	);

	it('does not verify with another public key', async () => {
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
		await expect(verifiedAssertion(pkcs8(rsa.privateKey), other.publicKey)).rejects.toBeInstanceOf(
			errors.JWSSignatureVerificationFailed,
		);
	});

	it("a JWK's kid is the key ID when Key ID is empty; a filled-in Key ID wins", async () => {
		const jwk = JSON.stringify({ ...jwkOf(ec.privateKey), kid: 'okta-kid', use: 'sig' });
		expect((await verifiedAssertion(jwk, ec.publicKey)).protectedHeader.kid).toBe('okta-kid');
		expect((await verifiedAssertion(jwk, ec.publicKey, 'typed-kid')).protectedHeader.kid).toBe(
			'typed-kid',
		);
	});

	it("an RSA JWK's alg (RS384, RS512) is the algorithm it signs with", async () => {
		const jwk = JSON.stringify({ ...jwkOf(rsa.privateKey), alg: 'RS512' });
		expect((await verifiedAssertion(jwk, rsa.publicKey)).protectedHeader.alg).toBe('RS512');
	});
});

describe('signJwt', () => {
	it.each([
		['RSA', rsa, undefined, 'RS256'],
		['RSA with RS384 asked for', rsa, 'RS384', 'RS384'],
		['RSA with ES256 asked for (not its algorithm)', rsa, 'ES256', 'RS256'],
		['EC P-256', ec, undefined, 'ES256'],
		['EC P-384', ec384, 'ES256', 'ES384'],
	])('signs with %s as %s, verifiably (jose)', async (_, pair, preferred, alg) => {
		const jwt = signJwt({ kid: 'k1' }, { sub: 'x' }, pair.privateKey, preferred);
		const { protectedHeader, payload } = await jwtVerify(jwt, pair.publicKey, {
			algorithms: [alg],
		});
		expect(protectedHeader).toEqual({ kid: 'k1', alg });
		expect(payload).toEqual({ sub: 'x' });
	});

	it('refuses keys Okta does not take', () => {
		const { privateKey } = generateKeyPairSync('ed25519');
		expect(algorithmFor(privateKey)).toBeUndefined();
		expect(() => signJwt({}, {}, privateKey)).toThrow(/RSA and EC/);
	});
});

describe('the private key field', () => {
	const forms: [string, string, KeyObject][] = [
		['PKCS#8 PEM (RSA)', pkcs8(rsa.privateKey), rsa.publicKey],
		[
			'PKCS#1 PEM ("RSA PRIVATE KEY")',
			rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
			rsa.publicKey,
		],
		[
			'SEC1 PEM ("EC PRIVATE KEY")',
			ec.privateKey.export({ format: 'pem', type: 'sec1' }).toString(),
			ec.publicKey,
		],
		['PKCS#8 PEM (EC)', pkcs8(ec.privateKey), ec.publicKey],
		['PEM pasted on one line', pkcs8(rsa.privateKey).replace(/\n/g, ' '), rsa.publicKey],
		['PEM with escaped newlines', pkcs8(ec.privateKey).replace(/\n/g, '\\n'), ec.publicKey],
		[
			'PEM with CRLF and blank lines',
			`\r\n${pkcs8(rsa.privateKey).replace(/\n/g, '\r\n')}\r\n`,
			rsa.publicKey,
		],
		['an RSA private JWK', JSON.stringify(jwkOf(rsa.privateKey)), rsa.publicKey],
		[
			'an EC private JWK as Okta gives it (kid, use, alg)',
			JSON.stringify({ ...jwkOf(ec.privateKey), kid: 'k', use: 'sig', alg: 'ES256' }, null, 2),
			ec.publicKey,
		],
		['a JWK set of one key', JSON.stringify({ keys: [jwkOf(rsa.privateKey)] }), rsa.publicKey],
	];

	it.each(forms)(
		'reads %s: the assertion verifies with its public key',
		async (_, text, publicKey) => {
			const { payload } = await verifiedAssertion(text, publicKey);
			expect(payload.jti).toEqual(expect.any(String));
		},
	);

	const rsaJwk = jwkOf(rsa.privateKey);
	const ecJwk = jwkOf(ec.privateKey);
	const encrypted = (type: 'pkcs8' | 'pkcs1') =>
		rsa.privateKey
			.export({ format: 'pem', type, cipher: 'aes-256-cbc', passphrase: 'secret' })
			.toString();
	const body = (pem: string) => pem.split('\n').slice(1, -2).join('');
	const refusals: [string, string, RegExp][] = [
		['nothing', '  \n ', /nothing/],
		[
			'a public key (SPKI)',
			rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
			/a public key/,
		],
		[
			'a public key (PKCS#1)',
			rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
			/a public key/,
		],
		['a certificate', getTestPki().caCertPem, /a certificate/],
		['an encrypted PKCS#8 key', encrypted('pkcs8'), /an encrypted private key/],
		['an encrypted PKCS#1 key', encrypted('pkcs1'), /an encrypted private key/],
		[
			'an OpenSSH key',
			'-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n-----END OPENSSH PRIVATE KEY-----',
			/an OpenSSH private key/,
		],
		['words', 'my key is in the vault', /neither a PEM private key nor a JWK/],
		['base64 without its PEM lines', body(pkcs8(rsa.privateKey)), /base64 text without/],
		[
			'a damaged PEM',
			pkcs8(rsa.privateKey).replace(/\n[A-Za-z0-9+/]{64}\n/, '\n'),
			/damaged or incomplete/,
		],
		['an Ed25519 key', pkcs8(generateKeyPairSync('ed25519').privateKey), /an ed25519 key/],
		[
			'an EC key on secp256k1',
			pkcs8(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey),
			/an EC key on the curve secp256k1/,
		],
		['a public JWK', JSON.stringify(jwkOf(rsa.publicKey)), /a public JWK \(it has no "d"\)/],
		['a symmetric JWK', JSON.stringify({ kty: 'oct', k: 'c2VjcmV0LXNlY3JldA' }), /type "oct"/],
		[
			'an Ed25519 JWK',
			JSON.stringify(jwkOf(generateKeyPairSync('ed25519').privateKey)),
			/type "OKP"/,
		],
		[
			'an EC JWK on secp256k1',
			JSON.stringify(jwkOf(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)),
			/an EC JWK on the curve "secp256k1"/,
		],
		['a JWK set of two keys', JSON.stringify({ keys: [rsaJwk, ecJwk] }), /a JWK set with 2 keys/],
		['an empty JWK set', '{"keys":[]}', /a JWK set with 0 keys/],
		['broken JSON', `{"kty":"RSA","d":"${rsaJwk.d}"`, /not valid JSON/],
		['JSON that is no JWK', '{"privateKey":"x"}', /not a JWK/],
		['an encryption JWK', JSON.stringify({ ...ecJwk, use: 'enc' }), /for encryption/],
		[
			'an RSA JWK without p, q, dp, dq, qi',
			JSON.stringify({ kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e, d: rsaJwk.d }),
			/without its CRT parameters/,
		],
		[
			'an EC JWK whose d is not its x and y',
			JSON.stringify({ ...ecJwk, d: ecJwk.x }),
			/damaged or do not belong together/,
		],
	];

	it.each(refusals)('refuses %s, saying so without quoting it', (_, text, found) => {
		let error: unknown;
		try {
			readPrivateKey(text);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(PrivateKeyError);
		const { message, advice } = error as PrivateKeyError;
		expect(message).toMatch(/^The private key field holds /);
		expect(message).toMatch(found);
		expect(advice).toMatch(/\w/);
		const said = `${message} ${advice}`;
		for (const secret of [rsaJwk.d, ecJwk.d, rsaJwk.n, body(pkcs8(rsa.privateKey))])
			expect(said).not.toContain(String(secret).slice(0, 16));
		// Nothing of what was pasted, beyond a key type or PEM label, comes back.
		for (const chunk of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? [])
			expect(said).not.toContain(chunk);
	});

	it('tells a key for encryption or a public key what to paste instead', () => {
		expect(() => readPrivateKey(JSON.stringify(jwkOf(ec.publicKey)))).toThrow(
			expect.objectContaining({ advice: expect.stringMatching(/private JWK/) }),
		);
		expect(() =>
			readPrivateKey(rsa.publicKey.export({ format: 'pem', type: 'spki' }).toString()),
		).toThrow(expect.objectContaining({ advice: expect.stringMatching(/Paste the private key/) }));
	});
});
