import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';

/** Compact JWS signing with node:crypto only: RSA keys sign RS256/384/512, EC keys ES256/384/512. */

export const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

const DIGEST_OF: Record<string, string> = {
	RS256: 'sha256',
	RS384: 'sha384',
	RS512: 'sha512',
	ES256: 'sha256',
	ES384: 'sha384',
	ES512: 'sha512',
};
/** The ES algorithm of each curve Okta takes, by OpenSSL name (a KeyObject's namedCurve). */
const EC_ALGORITHM_OF: Record<string, string> = {
	prime256v1: 'ES256',
	secp384r1: 'ES384',
	secp521r1: 'ES512',
};
const JWK_CURVES = ['P-256', 'P-384', 'P-521'];

const curveOf = (key: KeyObject) => key.asymmetricKeyDetails?.namedCurve;

/**
 * The JWS algorithm a private key signs with: `preferred` (a JWK's `alg`) when the key can sign
 * with it, else RS256 for RSA and the curve's ES algorithm for EC; undefined for other keys.
 */
export function algorithmFor(key: KeyObject, preferred?: string): string | undefined {
	if (key.asymmetricKeyType === 'rsa') {
		return preferred && /^RS(256|384|512)$/.test(preferred) ? preferred : 'RS256';
	}
	if (key.asymmetricKeyType === 'ec') return EC_ALGORITHM_OF[curveOf(key) ?? ''];
	return undefined;
}

/** A private key the credential can sign with, and what its JWK said about itself. */
export interface SigningKey {
	key: KeyObject;
	/** The JWK's `kid` (Okta's key ID when Okta made the key). */
	kid?: string;
	/** The JWS algorithm to sign with. */
	alg: string;
}

/**
 * The private key field held something that is not a usable private key. `found` says what it
 * was and `advice` what to paste; neither ever contains key material.
 */
export class PrivateKeyError extends Error {
	constructor(
		readonly found: string,
		readonly advice: string,
	) {
		super(`The private key field holds ${found}`);
		this.name = 'PrivateKeyError';
	}
}

const PASTE_PRIVATE_KEY =
	'Paste the private key of the service app: the whole PEM ("-----BEGIN PRIVATE KEY-----" … "-----END PRIVATE KEY-----", RSA or EC) or the private JWK in JSON, as Okta shows it when it generates the key.';
const RSA_OR_EC =
	'Okta service apps sign with RSA (2048 bits or more) or EC (P-256, P-384, P-521) keys: add such a key to the app and paste its private key.';

/** A short name from the pasted text (a kty, crv or PEM label), or a placeholder if it looks odd. */
const safeName = (value: unknown) =>
	typeof value === 'string' && /^[A-Za-z0-9 _.-]{1,32}$/.test(value) ? value : 'unknown';

function usable(key: KeyObject, preferredAlg?: string, kid?: string): SigningKey {
	const alg = algorithmFor(key, preferredAlg);
	if (!alg) {
		const found =
			key.asymmetricKeyType === 'ec'
				? `an EC key on the curve ${safeName(curveOf(key))}`
				: `an ${safeName(key.asymmetricKeyType)} key`;
		throw new PrivateKeyError(found, RSA_OR_EC);
	}
	return kid ? { key, alg, kid } : { key, alg };
}

// ---------- JWK ----------

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return NOT_JSON;
	}
}

/** node:crypto's reading of a key, or undefined (its errors may quote the input). */
function tryCreatePrivateKey(input: Parameters<typeof createPrivateKey>[0]): KeyObject | undefined {
	try {
		return createPrivateKey(input);
	} catch {
		return undefined;
	}
}

/**
 * Whether the JWK's private part signs what its public part verifies: node:crypto takes an EC
 * JWK whose "d" does not belong to its "x"/"y", and Okta would then only say "signature invalid".
 */
function matchesPublicPart(key: KeyObject, jwk: Record<string, unknown>): boolean {
	const { kty, n, e, crv, x, y } = jwk;
	const publicJwk = (kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y }) as JsonWebKey;
	try {
		const probe = Buffer.from('okta-private-key-probe');
		const signature = sign('sha256', probe, key);
		return verify('sha256', probe, createPublicKey({ key: publicJwk, format: 'jwk' }), signature);
	} catch {
		return false;
	}
}

/** The one JWK in the text: a JWK object, or a JWK set holding exactly one key. */
function singleJwk(text: string): Record<string, unknown> {
	const parsed = parseJson(text);
	if (parsed === NOT_JSON) {
		throw new PrivateKeyError(
			'text that starts like JSON but is not valid JSON',
			PASTE_PRIVATE_KEY,
		);
	}
	if (isObject(parsed) && Array.isArray(parsed.keys)) {
		if (parsed.keys.length !== 1 || !isObject(parsed.keys[0])) {
			throw new PrivateKeyError(
				`a JWK set with ${parsed.keys.length} keys`,
				'Paste the one private JWK whose public key is registered for the app (one object from "keys").',
			);
		}
		return parsed.keys[0];
	}
	if (!isObject(parsed) || typeof parsed.kty !== 'string') {
		throw new PrivateKeyError('JSON that is not a JWK (no "kty")', PASTE_PRIVATE_KEY);
	}
	return parsed;
}

function jwkSigningKey(text: string): SigningKey {
	const jwk = singleJwk(text);
	if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') {
		throw new PrivateKeyError(`a JWK of type "${safeName(jwk.kty)}"`, RSA_OR_EC);
	}
	if (jwk.kty === 'EC' && !JWK_CURVES.includes(String(jwk.crv))) {
		throw new PrivateKeyError(`an EC JWK on the curve "${safeName(jwk.crv)}"`, RSA_OR_EC);
	}
	if (typeof jwk.d !== 'string') {
		throw new PrivateKeyError(
			'a public JWK (it has no "d")',
			'Paste the private JWK (the one with "d"); the public key is the one registered in Okta.',
		);
	}
	if (jwk.use === 'enc') {
		throw new PrivateKeyError(
			'a JWK for encryption ("use": "enc")',
			'Paste the key made for client authentication ("use": "sig"), not the one for encrypting tokens.',
		);
	}
	if (
		jwk.kty === 'RSA' &&
		['p', 'q', 'dp', 'dq', 'qi'].some((name) => typeof jwk[name] !== 'string')
	) {
		throw new PrivateKeyError(
			'an RSA JWK without its CRT parameters (p, q, dp, dq, qi)',
			'Paste the complete private JWK as Okta or your key tool exported it, or the key in PEM.',
		);
	}
	const key = tryCreatePrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
	if (!key || !matchesPublicPart(key, jwk)) {
		throw new PrivateKeyError(
			`an ${String(jwk.kty)} JWK whose key values are damaged or do not belong together`,
			PASTE_PRIVATE_KEY,
		);
	}
	return usable(
		key,
		typeof jwk.alg === 'string' ? jwk.alg : undefined,
		typeof jwk.kid === 'string' && jwk.kid.trim() ? jwk.kid.trim() : undefined,
	);
}

// ---------- PEM ----------

const PRIVATE_KEY_LABELS = ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY'];
const PUBLIC_KEY: [string, string] = [
	'a public key',
	"Paste the private key; its public key is the one registered under the app's Public Keys.",
];
const OTHER_PEM: Record<string, [found: string, advice: string]> = {
	'ENCRYPTED PRIVATE KEY': [
		'an encrypted private key',
		'Paste the key without its passphrase, e.g. from `openssl pkey -in key.pem -out key-plain.pem`.',
	],
	'PUBLIC KEY': PUBLIC_KEY,
	'RSA PUBLIC KEY': PUBLIC_KEY,
	CERTIFICATE: ['a certificate', PASTE_PRIVATE_KEY],
	'OPENSSH PRIVATE KEY': [
		'an OpenSSH private key',
		'Convert it to PEM first (`ssh-keygen -p -m PKCS8 -f <key file>`) and paste that.',
	],
};

/**
 * The first PEM block, rebuilt with clean 64-column lines: pasting often turns the newlines into
 * spaces or `\n`, which OpenSSL's reader refuses.
 */
function pemBlock(text: string): { label: string; pem: string; encrypted: boolean } | undefined {
	const match = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/.exec(
		text.replace(/\\r|\\n/g, '\n'),
	);
	if (!match) return undefined;
	const [, label, inner] = match;
	const encrypted = /Proc-Type:\s*4,\s*ENCRYPTED/i.test(inner);
	const body = inner.replace(/\s+/g, '');
	const lines = body.match(/.{1,64}/g) ?? [];
	return {
		label,
		pem: `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`,
		encrypted,
	};
}

function pemSigningKey(text: string): SigningKey {
	const block = pemBlock(text);
	if (!block) {
		const found = /^[A-Za-z0-9+/=\s]{64,}$/.test(text)
			? 'base64 text without the "-----BEGIN … PRIVATE KEY-----" and "-----END … PRIVATE KEY-----" lines'
			: 'neither a PEM private key nor a JWK';
		throw new PrivateKeyError(found, PASTE_PRIVATE_KEY);
	}
	if (block.encrypted) throw new PrivateKeyError(...OTHER_PEM['ENCRYPTED PRIVATE KEY']);
	if (!PRIVATE_KEY_LABELS.includes(block.label)) {
		const [found, advice] = OTHER_PEM[block.label] ?? [
			`a PEM "${safeName(block.label)}" block`,
			PASTE_PRIVATE_KEY,
		];
		throw new PrivateKeyError(found, advice);
	}
	const key = tryCreatePrivateKey({ key: block.pem, format: 'pem' });
	if (!key) {
		throw new PrivateKeyError(
			`a "-----BEGIN ${block.label}-----" block that is damaged or incomplete`,
			PASTE_PRIVATE_KEY,
		);
	}
	return usable(key);
}

/**
 * Reads the private key field: PEM (PKCS#8, PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY") or a
 * private JWK (or a JWK set of one key), as Okta's Admin Console offers it. Throws PrivateKeyError.
 */
export function readPrivateKey(text: string): SigningKey {
	const trimmed = text.trim();
	if (!trimmed) throw new PrivateKeyError('nothing', PASTE_PRIVATE_KEY);
	return trimmed.startsWith('{') ? jwkSigningKey(trimmed) : pemSigningKey(trimmed);
}

export function signJwt(
	header: Record<string, unknown>,
	claims: Record<string, unknown>,
	key: KeyObject,
	preferredAlg?: string,
): string {
	const alg = algorithmFor(key, preferredAlg);
	if (!alg) throw new Error('Only RSA and EC (P-256, P-384, P-521) keys can sign');
	const input = `${base64url(JSON.stringify({ ...header, alg }))}.${base64url(JSON.stringify(claims))}`;
	const signature = sign(DIGEST_OF[alg], Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
	return `${input}.${base64url(signature)}`;
}

export const sha256Base64url = (text: string) =>
	createHash('sha256').update(text).digest('base64url');
