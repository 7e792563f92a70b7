import { createHash, createPrivateKey, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

/** Compact JWS signing with node:crypto only: RSA keys sign RS256, EC keys ES256/384/512. */

export const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

const EC_ALGORITHMS: Record<string, { alg: string; hash: string }> = {
	'P-256': { alg: 'ES256', hash: 'sha256' },
	'P-384': { alg: 'ES384', hash: 'sha384' },
	'P-521': { alg: 'ES512', hash: 'sha512' },
};

/** The JWS algorithm and digest for a private key, or undefined for key types Okta does not take. */
export function algorithmFor(key: KeyObject): { alg: string; hash: string } | undefined {
	if (key.asymmetricKeyType === 'rsa') return { alg: 'RS256', hash: 'sha256' };
	if (key.asymmetricKeyType === 'ec') {
		const crv = (key.export({ format: 'jwk' }) as JsonWebKey).crv;
		return crv ? EC_ALGORITHMS[crv] : undefined;
	}
	return undefined;
}

/** Parses a PEM private key (PKCS#8, PKCS#1 or SEC1), tolerating pasted spaces and escaped newlines. */
export function parsePrivateKey(pem: string): KeyObject {
	const text = pem.trim().replace(/\\n/g, '\n');
	return createPrivateKey({ key: text, format: 'pem' });
}

export function signJwt(
	header: Record<string, unknown>,
	claims: Record<string, unknown>,
	key: KeyObject,
): string {
	const algorithm = algorithmFor(key);
	if (!algorithm) throw new Error('Only RSA and EC (P-256, P-384, P-521) keys can sign');
	const input = `${base64url(JSON.stringify({ ...header, alg: algorithm.alg }))}.${base64url(JSON.stringify(claims))}`;
	const signature = sign(algorithm.hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
	return `${input}.${base64url(signature)}`;
}

export const sha256Base64url = (text: string) =>
	createHash('sha256').update(text).digest('base64url');
