/**
 * Okta's org authorization server for service apps, as the sandbox plays it: the token endpoint
 * (client credentials with a private_key_jwt client assertion, DPoP with Okta's nonce round trip)
 * and the checks on `Authorization: DPoP|Bearer <token>` API calls (DPoP proof, scopes, admin role).
 * Rules from RFC 7523, RFC 9449 and Okta's service-app and DPoP guides; the wording of Okta's
 * `error_description`s is the sandbox's (only `error` is a contract).
 */
import { createHash, createPublicKey, randomBytes, verify } from 'crypto';
import type { JsonWebKey, KeyObject } from 'crypto';
import * as E from './errors';
import type { Op } from './types';

export const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta accepts client assertions that expire within an hour. */
const MAX_ASSERTION_LIFETIME_S = 3600;
/** How far a DPoP proof's iat may be from the sandbox's clock. */
const PROOF_IAT_SKEW_S = 60;

export interface ServiceAppInput {
	/** The app's public key: PEM, JWK or KeyObject. */
	publicKey: string | JsonWebKey | KeyObject;
	/** The key's `kid` as Okta shows it; default random. */
	keyId?: string;
	/** Granted Okta API scopes; default okta.eventHooks.manage and okta.eventHooks.read. */
	scopes?: string[];
	/** "Require DPoP header in token requests"; default true (Okta's default for new apps). */
	dpop?: boolean;
	/** Whether the app has an admin role that may manage event hooks; default true. */
	adminRole?: boolean;
	clientId?: string;
}

export interface ServiceApp {
	clientId: string;
	keyId: string;
	key: KeyObject;
	scopes: string[];
	dpop: boolean;
	adminRole: boolean;
}

export interface IssuedAccessToken {
	clientId: string;
	scopes: string[];
	expiresAt: number;
	/** JWK SHA-256 thumbprint of the DPoP key the token is bound to; undefined for Bearer. */
	jkt?: string;
}

export interface OAuthOptions {
	/** Default 3600 (Okta's service-app tokens last an hour). */
	accessTokenLifetimeSeconds?: number;
	/**
	 * What a token request with a DPoP proof gets from an app without DPoP. Okta's behaviour is
	 * not documented: 'ignore' (default) issues a Bearer token, 'reject' answers invalid_dpop_proof.
	 */
	nonDpopAppProof?: 'ignore' | 'reject';
}

export interface Answer {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

interface Jws {
	header: Record<string, unknown>;
	payload: Record<string, unknown>;
	input: string;
	signature: Buffer;
}

function decodeJws(token: string): Jws | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		return {
			header: JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<
				string,
				unknown
			>,
			payload: JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<
				string,
				unknown
			>,
			input: `${parts[0]}.${parts[1]}`,
			signature: Buffer.from(parts[2], 'base64url'),
		};
	} catch {
		return undefined;
	}
}

const HASH_FOR: Record<string, string> = {
	RS256: 'sha256',
	ES256: 'sha256',
	ES384: 'sha384',
	ES512: 'sha512',
};
const CURVE_FOR: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** The signature checks out with this key, and `alg` fits the key (no 'none', no HMAC). */
function signatureValid(jws: Jws, key: KeyObject): boolean {
	const alg = String(jws.header.alg ?? '');
	const hash = HASH_FOR[alg];
	if (!hash) return false;
	if (alg === 'RS256' && key.asymmetricKeyType !== 'rsa') return false;
	if (alg.startsWith('ES')) {
		if (
			key.asymmetricKeyType !== 'ec' ||
			(key.export({ format: 'jwk' }) as JsonWebKey).crv !== CURVE_FOR[alg]
		)
			return false;
	}
	try {
		return verify(hash, Buffer.from(jws.input), { key, dsaEncoding: 'ieee-p1363' }, jws.signature);
	} catch {
		return false;
	}
}

/** RFC 7638 thumbprint. */
export function jwkThumbprint(jwk: JsonWebKey): string {
	const members =
		jwk.kty === 'RSA'
			? { e: jwk.e, kty: jwk.kty, n: jwk.n }
			: { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
	return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

const oauthError = (
	status: number,
	error: string,
	description: string,
	headers: Record<string, string> = {},
): Answer => ({
	status,
	body: { error, error_description: description },
	headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
});
const invalidClient = (description: string) => oauthError(401, 'invalid_client', description);
const invalidProof = (description: string) => oauthError(400, 'invalid_dpop_proof', description);

/** Which scope an API call needs; `manage` implies `read`. */
function scopesFor(op: Op): string[] {
	if (op === 'list' || op === 'get') return ['okta.eventHooks.read', 'okta.eventHooks.manage'];
	if (op === 'logs') return ['okta.logs.read'];
	return ['okta.eventHooks.manage'];
}

export class OAuthServer {
	readonly apps = new Map<string, ServiceApp>();
	readonly tokens = new Map<string, IssuedAccessToken>();
	/** Current DPoP nonce of the token endpoint (Okta rotates it every 24 h). */
	nonce = randomBytes(24).toString('base64url');
	private readonly assertionJtis = new Set<string>();
	private readonly proofJtis = new Set<string>();
	private lifetimeS: number;

	constructor(
		private readonly orgUrl: () => string,
		private readonly options: OAuthOptions = {},
	) {
		this.lifetimeS = options.accessTokenLifetimeSeconds ?? 3600;
	}

	addApp(input: ServiceAppInput): ServiceApp {
		const key =
			typeof input.publicKey === 'object' && 'asymmetricKeyType' in input.publicKey
				? createPublicKey(input.publicKey as KeyObject)
				: typeof input.publicKey === 'string'
					? createPublicKey(input.publicKey)
					: createPublicKey({ key: input.publicKey as JsonWebKey, format: 'jwk' });
		const app: ServiceApp = {
			clientId: input.clientId ?? E.oktaId('0oa'),
			keyId: input.keyId ?? E.randomAlnum(43),
			key,
			scopes: input.scopes ?? ['okta.eventHooks.manage', 'okta.eventHooks.read'],
			dpop: input.dpop ?? true,
			adminRole: input.adminRole ?? true,
		};
		this.apps.set(app.clientId, app);
		return app;
	}

	/** Lifetime of tokens issued from now on. */
	setTokenLifetime(seconds: number): void {
		this.lifetimeS = seconds;
	}

	rotateNonce(): string {
		this.nonce = randomBytes(24).toString('base64url');
		return this.nonce;
	}

	/** Every token issued so far is past its expiry from now on. */
	expireTokens(): void {
		for (const token of this.tokens.values()) token.expiresAt = Date.now() - 1000;
	}

	get tokenUrl(): string {
		return `${this.orgUrl()}${TOKEN_PATH}`;
	}

	/** POST /oauth2/v1/token */
	token(headers: Record<string, string | string[] | undefined>, text: string): Answer {
		const contentType = String(headers['content-type'] ?? '');
		if (!contentType.startsWith('application/x-www-form-urlencoded')) {
			return oauthError(
				400,
				'invalid_request',
				'The request must use Content-Type application/x-www-form-urlencoded.',
			);
		}
		const form = new URLSearchParams(text);
		if (form.get('grant_type') !== 'client_credentials') {
			return oauthError(
				400,
				'unsupported_grant_type',
				`The authorization grant type is not supported by the authorization server: '${form.get('grant_type') ?? ''}'.`,
			);
		}

		// DPoP first: the nonce round trip happens before the client is authenticated.
		const proofHeader = headers['dpop'];
		const assertion = decodeJws(form.get('client_assertion') ?? '');
		const app = assertion ? this.apps.get(String(assertion.payload.sub ?? '')) : undefined;
		let jkt: string | undefined;
		if (typeof proofHeader === 'string' && proofHeader !== '' && app && !app.dpop) {
			if (this.options.nonDpopAppProof === 'reject') {
				return invalidProof(
					'DPoP proof JWT header is provided, but the client is not configured to use DPoP.',
				);
			}
			// 'ignore': the proof plays no part, the token is a Bearer token.
		} else if (typeof proofHeader === 'string' && proofHeader !== '') {
			const proof = this.checkProof(proofHeader, 'POST', this.tokenUrl);
			if ('status' in proof) return proof;
			if (proof.payload.nonce !== this.nonce) {
				return oauthError(
					400,
					'use_dpop_nonce',
					'Authorization server requires nonce in DPoP proof.',
					{ 'DPoP-Nonce': this.nonce },
				);
			}
			jkt = proof.jkt;
		} else if (app?.dpop) {
			return invalidProof('The DPoP proof JWT header is missing.');
		}

		// Client authentication: private_key_jwt.
		if (form.get('client_assertion_type') !== ASSERTION_TYPE || !form.get('client_assertion')) {
			return invalidClient(
				'Client authentication failed. Either the client or the client credentials are invalid.',
			);
		}
		if (!assertion) return invalidClient('The client_assertion token is malformed.');
		const { header, payload } = assertion;
		if (!app || payload.iss !== payload.sub) {
			return invalidClient(
				'Client authentication failed. Either the client or the client credentials are invalid.',
			);
		}
		if (header.kid !== undefined && header.kid !== app.keyId) {
			return invalidClient(
				`The client_assertion token has a kid header '${String(header.kid)}' that does not match a public key of the client.`,
			);
		}
		if (!signatureValid(assertion, app.key))
			return invalidClient('The client_assertion signature is invalid.');
		if (payload.aud !== this.tokenUrl)
			return invalidClient(
				`The audience claim for client_assertion must be the endpoint invoked for the request: ${this.tokenUrl}.`,
			);
		const now = Math.floor(Date.now() / 1000);
		if (typeof payload.exp !== 'number' || payload.exp <= now)
			return invalidClient('The client_assertion token is expired.');
		if (
			payload.exp - (typeof payload.iat === 'number' ? payload.iat : now) >
			MAX_ASSERTION_LIFETIME_S
		) {
			return invalidClient('The client_assertion token has an expiration too far into the future.');
		}
		if (typeof payload.jti !== 'string' || payload.jti === '')
			return invalidClient("The client_assertion token must contain a 'jti' claim.");
		if (this.assertionJtis.has(payload.jti))
			return invalidClient("The 'jti' claim in the client_assertion token has already been used.");
		this.assertionJtis.add(payload.jti);

		const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
		if (requested.length === 0)
			return oauthError(
				400,
				'invalid_scope',
				"The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
			);
		const notGranted = requested.filter((scope) => !app.scopes.includes(scope));
		if (notGranted.length > 0) {
			return oauthError(
				400,
				'invalid_scope',
				`The following scopes are not allowed: ${notGranted.join(', ')}`,
			);
		}

		const accessToken = `eyJ${randomBytes(48).toString('base64url')}`;
		this.tokens.set(accessToken, {
			clientId: app.clientId,
			scopes: requested,
			expiresAt: Date.now() + this.lifetimeS * 1000,
			jkt,
		});
		return {
			status: 200,
			body: {
				token_type: jkt ? 'DPoP' : 'Bearer',
				expires_in: this.lifetimeS,
				access_token: accessToken,
				scope: requested.join(' '),
			},
			headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
		};
	}

	/** A valid DPoP proof for this method and URL, or the error answer. */
	private checkProof(
		text: string,
		method: string,
		url: string,
		accessToken?: string,
	): { payload: Record<string, unknown>; jkt: string } | Answer {
		const proof = decodeJws(text);
		if (!proof) return invalidProof('The DPoP proof JWT is malformed.');
		const { header, payload } = proof;
		if (header.typ !== 'dpop+jwt')
			return invalidProof("The DPoP proof JWT 'typ' header must be 'dpop+jwt'.");
		const jwk = header.jwk as JsonWebKey | undefined;
		if (!jwk || typeof jwk !== 'object')
			return invalidProof("The DPoP proof JWT must contain a 'jwk' header.");
		if ('d' in jwk || 'p' in jwk)
			return invalidProof("The DPoP proof 'jwk' header must not contain a private key.");
		let key: KeyObject;
		try {
			key = createPublicKey({ key: jwk, format: 'jwk' });
		} catch {
			return invalidProof("The DPoP proof 'jwk' header is not a valid public key.");
		}
		if (!signatureValid(proof, key)) return invalidProof('The DPoP proof signature is invalid.');
		if (payload.htm !== method)
			return invalidProof(`The DPoP proof 'htm' claim must be '${method}'.`);
		if (payload.htu !== url) return invalidProof(`The DPoP proof 'htu' claim must be '${url}'.`);
		const now = Math.floor(Date.now() / 1000);
		if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > PROOF_IAT_SKEW_S) {
			return invalidProof("The DPoP proof 'iat' claim is too old or in the future.");
		}
		if (typeof payload.jti !== 'string' || payload.jti === '')
			return invalidProof("The DPoP proof must contain a 'jti' claim.");
		if (this.proofJtis.has(payload.jti))
			return invalidProof("The DPoP proof 'jti' claim has already been used.");
		if (accessToken !== undefined) {
			const ath = createHash('sha256').update(accessToken).digest('base64url');
			if (payload.ath !== ath)
				return invalidProof("The DPoP proof 'ath' claim does not match the access token.");
		}
		this.proofJtis.add(payload.jti);
		return { payload, jkt: jwkThumbprint(jwk) };
	}

	/**
	 * An API call with `Authorization: DPoP|Bearer <token>`: undefined when allowed, else Okta's
	 * 401 (E0000011) or 403 (E0000006) with the WWW-Authenticate challenge saying why.
	 */
	authorize(
		op: Op,
		method: string,
		url: URL,
		headers: Record<string, string | string[] | undefined>,
	): Answer | undefined {
		const authorization = String(headers.authorization ?? '');
		const match = /^(DPoP|Bearer) (.+)$/i.exec(authorization);
		const scheme = match && match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
		const challenge = (error: string, description: string, extra = '') =>
			`${scheme} realm="${this.orgUrl()}", error="${error}", error_description="${description}"${extra}`;
		const invalidToken = (description: string): Answer => ({
			status: 401,
			body: E.invalidToken(),
			headers: { 'WWW-Authenticate': challenge('invalid_token', description) },
		});
		if (!match) return invalidToken('The access token is missing.');
		const token = this.tokens.get(match[2]);
		if (!token || !this.apps.has(token.clientId))
			return invalidToken('The access token is invalid.');
		if (token.expiresAt <= Date.now()) return invalidToken('The token has expired.');
		if (token.jkt && scheme !== 'DPoP')
			return invalidToken('The access token is DPoP-bound: use the DPoP authorization scheme.');
		if (!token.jkt && scheme === 'DPoP')
			return invalidToken(
				'The access token is not DPoP-bound: use the Bearer authorization scheme.',
			);
		if (token.jkt) {
			const proofHeader = headers['dpop'];
			const htu = `${this.orgUrl()}${url.pathname}`;
			const proof =
				typeof proofHeader === 'string'
					? this.checkProof(proofHeader, method, htu, match[2])
					: invalidProof('The DPoP proof JWT header is missing.');
			const failure =
				'status' in proof
					? String((proof.body as { error_description: string }).error_description)
					: proof.jkt !== token.jkt
						? 'The DPoP proof key does not match the key the access token is bound to.'
						: undefined;
			if (failure) {
				return {
					status: 401,
					body: E.invalidToken(),
					headers: { 'WWW-Authenticate': challenge('invalid_dpop_proof', failure) },
				};
			}
		}
		const needed = scopesFor(op);
		if (op !== 'other' && !needed.some((scope) => token.scopes.includes(scope))) {
			return {
				status: 403,
				body: E.accessDenied(),
				headers: {
					'WWW-Authenticate': challenge(
						'insufficient_scope',
						'The access token provided does not contain the required scopes.',
						`, scope="${needed.at(-1)}"`,
					),
				},
			};
		}
		if (!this.apps.get(token.clientId)!.adminRole) return { status: 403, body: E.accessDenied() };
		return undefined;
	}
}
