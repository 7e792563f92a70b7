/** DPoP proofs and JWT signing with node:crypto alone, checked with node:crypto's verify. */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

import { dpopProof, generateDpopKey, htuOf } from '../../../nodes/okta/dpop';
import { algorithmFor, sha256Base64url, signJwt } from '../../../nodes/okta/jwt';

const decode = (jwt: string) => {
	const [header, payload, signature] = jwt.split('.');
	return {
		header: JSON.parse(Buffer.from(header, 'base64url').toString()),
		payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
		input: `${header}.${payload}`,
		signature: Buffer.from(signature, 'base64url'),
	};
};

const verifies = (jwt: string, key: KeyObject, hash = 'sha256') => {
	const { input, signature } = decode(jwt);
	return verify(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }, signature);
};

describe('signJwt', () => {
	it.each([
		['RSA', generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RS256', 'sha256'],
		['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ES256', 'sha256'],
		['EC P-384', generateKeyPairSync('ec', { namedCurve: 'P-384' }), 'ES384', 'sha384'],
	])('signs with %s keys (%s), verifiably', (_, pair, alg, hash) => {
		const jwt = signJwt({ kid: 'k1' }, { sub: 'x' }, pair.privateKey);
		expect(decode(jwt).header).toEqual({ kid: 'k1', alg });
		expect(verifies(jwt, pair.publicKey, hash)).toBe(true);
	});

	it('refuses keys Okta does not take', () => {
		const { privateKey } = generateKeyPairSync('ed25519');
		expect(algorithmFor(privateKey)).toBeUndefined();
		expect(() => signJwt({}, {}, privateKey)).toThrow(/RSA and EC/);
	});
});

describe('dpopProof', () => {
	const key = generateDpopKey();
	const publicKey = createPublicKey({ key: JSON.parse(key) as JsonWebKey, format: 'jwk' });

	it('carries typ dpop+jwt, ES256 and only the public jwk', () => {
		const { header } = decode(
			dpopProof({ key, method: 'get', url: 'https://acme.okta.com/api/v1/eventHooks' }),
		);
		expect(header).toMatchObject({
			typ: 'dpop+jwt',
			alg: 'ES256',
			jwk: { kty: 'EC', crv: 'P-256' },
		});
		expect(header.jwk.d).toBeUndefined();
	});

	it('claims htm, htu without query or fragment, iat now, a fresh jti, ath of the token and the nonce', () => {
		const proof = dpopProof({
			key,
			method: 'post',
			url: 'https://acme.okta.com/api/v1/eventHooks?limit=1#x',
			accessToken: 'tok',
			nonce: 'n1',
		});
		const { payload } = decode(proof);
		expect(payload).toMatchObject({
			htm: 'POST',
			htu: 'https://acme.okta.com/api/v1/eventHooks',
			ath: sha256Base64url('tok'),
			nonce: 'n1',
		});
		expect(Math.abs(payload.iat - Date.now() / 1000)).toBeLessThan(5);
		expect(verifies(proof, publicKey)).toBe(true);
		const again = decode(
			dpopProof({ key, method: 'post', url: 'https://acme.okta.com/api/v1/eventHooks' }),
		).payload;
		expect(again.jti).not.toBe(payload.jti);
		expect(again.ath).toBeUndefined();
		expect(again.nonce).toBeUndefined();
	});

	it('htu keeps a non-default port and drops a default one', () => {
		expect(htuOf('https://127.0.0.1:8443/oauth2/v1/token?x=1')).toBe(
			'https://127.0.0.1:8443/oauth2/v1/token',
		);
		expect(htuOf('https://acme.okta.com:443/oauth2/v1/token')).toBe(
			'https://acme.okta.com/oauth2/v1/token',
		);
	});

	it('a new key pair each time (one per token)', () => {
		expect(JSON.parse(generateDpopKey()).x).not.toBe(JSON.parse(key).x);
	});
});
