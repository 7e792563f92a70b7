import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';

import { sha256Base64url, signJwt } from './jwt';

/**
 * DPoP proofs (RFC 9449). One EC P-256 key pair per access token: generated with the token and
 * stored beside it in the credential, so every proof made while the token lives uses the same key.
 */

/** A fresh DPoP key pair, as the private JWK's JSON (it is kept in the credential's hidden field). */
export function generateDpopKey(): string {
	const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
	return JSON.stringify(privateKey.export({ format: 'jwk' }));
}

/** The `htu` claim: the request URL without query string and fragment. */
export function htuOf(url: string): string {
	const parsed = new URL(url);
	return `${parsed.origin}${parsed.pathname}`;
}

export interface ProofInput {
	/** The private JWK's JSON from generateDpopKey(). */
	key: string;
	method: string;
	url: string;
	/** For API calls: the access token, whose hash becomes `ath`. */
	accessToken?: string;
	/** The last `DPoP-Nonce` the server sent. */
	nonce?: string;
}

export function dpopProof({ key, method, url, accessToken, nonce }: ProofInput): string {
	const jwk = JSON.parse(key) as JsonWebKey;
	const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
	const publicJwk = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
	const claims: Record<string, unknown> = {
		htm: method.toUpperCase(),
		htu: htuOf(url),
		iat: Math.floor(Date.now() / 1000),
		jti: randomUUID(),
	};
	if (nonce) claims.nonce = nonce;
	if (accessToken) claims.ath = sha256Base64url(accessToken);
	return signJwt({ typ: 'dpop+jwt', jwk: publicJwk }, claims, privateKey);
}
