/**
 * DPoP proofs (RFC 9449) made with node:crypto, verified with jose: the signature by the key in the
 * header, the header, and Okta's claims.
 */
import { createPublicKey, webcrypto } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import {
	EmbeddedJWK,
	base64url,
	calculateJwkThumbprint,
	decodeProtectedHeader,
	exportJWK,
	jwtVerify,
} from 'jose';

import { dpopProof, generateDpopKey, htuOf } from '../../../nodes/okta/dpop';
import { tokenUrlOf } from '../../../nodes/okta/oauth';

const ORG = 'https://acme.okta.com';
const now = () => Math.floor(Date.now() / 1000);

describe('dpopProof, verified with jose', () => {
	const key = generateDpopKey();
	const url = 'https://acme.okta.com/api/v1/eventHooks/who0abc?limit=5#part';

	async function verified(proof: string) {
		const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
			typ: 'dpop+jwt',
			algorithms: ['ES256'],
			requiredClaims: ['htm', 'htu', 'iat', 'jti'],
		});
		return { payload, protectedHeader };
	}

	it("signs with the key whose public half is in the header (RFC 9449 §4.2), with Okta's claims", async () => {
		const { payload, protectedHeader } = await verified(
			dpopProof({ key, method: 'delete', url, accessToken: 'the-token', nonce: 'n-1' }),
		);
		const publicJwk = await exportJWK(
			createPublicKey({ key: JSON.parse(key) as JsonWebKey, format: 'jwk' }),
		);
		expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk });
		expect(await calculateJwkThumbprint(protectedHeader.jwk!)).toBe(
			await calculateJwkThumbprint(publicJwk),
		);
		const tokenHash = await webcrypto.subtle.digest('SHA-256', Buffer.from('the-token'));
		expect(payload).toEqual({
			htm: 'DELETE',
			htu: 'https://acme.okta.com/api/v1/eventHooks/who0abc',
			iat: expect.any(Number),
			jti: expect.any(String),
			ath: base64url.encode(new Uint8Array(tokenHash)),
			nonce: 'n-1',
		});
		expect(Math.abs(payload.iat! - now())).toBeLessThanOrEqual(2);
	});

	it('a token request proof: no ath, no nonce until Okta sends one; a new jti each time', async () => {
		const first = await verified(dpopProof({ key, method: 'POST', url: tokenUrlOf(ORG) }));
		const second = await verified(dpopProof({ key, method: 'POST', url: tokenUrlOf(ORG) }));
		expect(first.payload).not.toHaveProperty('ath');
		expect(first.payload).not.toHaveProperty('nonce');
		expect(first.payload.htu).toBe('https://acme.okta.com/oauth2/v1/token');
		expect(second.payload.jti).not.toBe(first.payload.jti);
	});

	it('never puts the private key in the header', () => {
		const header = decodeProtectedHeader(dpopProof({ key, method: 'GET', url }));
		expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
	});

	it('htu keeps a non-default port and drops a default one', () => {
		expect(htuOf('https://127.0.0.1:8443/oauth2/v1/token?x=1')).toBe(
			'https://127.0.0.1:8443/oauth2/v1/token',
		);
		expect(htuOf('https://acme.okta.com:443/oauth2/v1/token')).toBe(
			'https://acme.okta.com/oauth2/v1/token',
		);
	});

	it('a new EC P-256 key pair each time (one per token)', () => {
		const next = JSON.parse(generateDpopKey()) as JsonWebKey;
		expect(next).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
		expect(next.x).not.toBe((JSON.parse(key) as JsonWebKey).x);
	});
});
