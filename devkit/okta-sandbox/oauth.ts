/**
 * Okta's org authorization server for service apps, as the sandbox plays it: the token endpoint
 * (client credentials with a private_key_jwt client assertion, DPoP with Okta's nonce round trip)
 * and the checks on `Authorization: DPoP|Bearer <token>` API calls (DPoP proof, scopes, admin role).
 * Rules from RFC 7523, RFC 9449 and Okta's service-app and DPoP guides; the wording of Okta's
 * `error_description`s is the sandbox's where Okta publishes none (only `error` is a contract).
 * Signatures, JWK headers and thumbprints are checked with `jose`, an implementation independent of
 * the node's node:crypto signing, so the node's JWTs are judged by someone else's reading of them.
 */
import { createHash, createPublicKey, randomBytes } from 'crypto';
import type { JsonWebKey, KeyObject } from 'crypto';
import {
	EmbeddedJWK,
	calculateJwkThumbprint,
	decodeJwt,
	decodeProtectedHeader,
	errors,
	jwtVerify,
} from 'jose';
import type { JWK, JWTPayload, ProtectedHeaderParameters } from 'jose';
import * as E from './errors';
import type { Op } from './types';

export const TOKEN_PATH = '/oauth2/v1/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta accepts client assertions that expire within an hour. */
const MAX_ASSERTION_LIFETIME_S = 3600;
/** How far a DPoP proof's iat may be from the sandbox's clock. */
const PROOF_IAT_SKEW_S = 60;
/** What Okta's org authorization server lists for private_key_jwt and DPoP proofs. */
const SIGNING_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** The event hook scopes: what a credential made before the System Log features asked for. */
export const EVENT_HOOK_SCOPES = ['okta.eventHooks.manage', 'okta.eventHooks.read'];
/** What addApp grants unless told otherwise: the event hook scopes and okta.logs.read. */
export const DEFAULT_APP_SCOPES = [...EVENT_HOOK_SCOPES, 'okta.logs.read'];

export interface ServiceAppInput {
	/** The app's public key: PEM, JWK or KeyObject. */
	publicKey: string | JsonWebKey | KeyObject;
	/** The key's `kid` as Okta shows it; default random. */
	keyId?: string;
	/** More keys of the app (Okta allows several, e.g. while rotating). */
	otherKeys?: { publicKey: string | JsonWebKey | KeyObject; keyId: string }[];
	/** Granted Okta API scopes; default DEFAULT_APP_SCOPES (event hooks and okta.logs.read). */
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
	/** Every key of the app by kid, the first one included. */
	keys: Map<string, KeyObject>;
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

/** The unverified header and claims of a compact JWT (to find the app and key), or undefined. */
function peek(
	token: string,
): { header: ProtectedHeaderParameters; payload: JWTPayload } | undefined {
	try {
		return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
	} catch {
		return undefined;
	}
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

function publicKeyOf(input: string | JsonWebKey | KeyObject): KeyObject {
	if (typeof input === 'string') return createPublicKey(input);
	if ('asymmetricKeyType' in input) return createPublicKey(input as KeyObject);
	return createPublicKey({ key: input as JsonWebKey, format: 'jwk' });
}

/** jose's reason for refusing a client assertion, as the description Okta's endpoint gives. */
function assertionRefusal(error: unknown, tokenUrl: string): string {
	if (error instanceof errors.JWTExpired) return 'The client_assertion token is expired.';
	if (error instanceof errors.JWTClaimValidationFailed) {
		if (error.claim === 'aud')
			return `The audience claim for client_assertion must be the endpoint invoked for the request: ${tokenUrl}.`;
		if (error.claim === 'jti') return "The client_assertion token must contain a 'jti' claim.";
		if (error.claim === 'exp') return "The client_assertion token must contain an 'exp' claim.";
		return 'Client authentication failed. Either the client or the client credentials are invalid.';
	}
	if (error instanceof errors.JWTInvalid) return 'The client_assertion token is malformed.';
	// A bad signature, an alg that is not the key's (or 'none', or HMAC), a key of the wrong curve.
	return 'The client_assertion signature is invalid.';
}

/** jose's reason for refusing a DPoP proof. */
function proofRefusal(error: unknown): string {
	if (error instanceof errors.JWTClaimValidationFailed)
		return `The DPoP proof '${error.claim}' claim is missing or invalid.`;
	if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid)
		return 'The DPoP proof JWT is malformed.';
	return 'The DPoP proof signature is invalid.';
}

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
		const key = publicKeyOf(input.publicKey);
		const keyId = input.keyId ?? E.randomAlnum(43);
		const app: ServiceApp = {
			clientId: input.clientId ?? E.oktaId('0oa'),
			keyId,
			key,
			keys: new Map([
				[keyId, key],
				...(input.otherKeys ?? []).map(
					(other) => [other.keyId, publicKeyOf(other.publicKey)] as [string, KeyObject],
				),
			]),
			scopes: input.scopes ?? [...DEFAULT_APP_SCOPES],
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
	async token(
		headers: Record<string, string | string[] | undefined>,
		text: string,
	): Promise<Answer> {
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
		const assertionText = form.get('client_assertion') ?? '';
		const assertion = peek(assertionText);
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
			const proof = await this.checkProof(proofHeader, 'POST', this.tokenUrl);
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
		if (form.get('client_assertion_type') !== ASSERTION_TYPE || !assertionText) {
			return invalidClient(
				'Client authentication failed. Either the client or the client credentials are invalid.',
			);
		}
		if (!assertion) return invalidClient('The client_assertion token is malformed.');
		if (!app) {
			return invalidClient(
				'Client authentication failed. Either the client or the client credentials are invalid.',
			);
		}
		// Okta's wording (support article "Okta Client Assertion Error: Invalid Key ID"): a kid
		// that names no key of the app, or none while the app has several keys.
		const { kid } = assertion.header;
		const key =
			kid !== undefined ? app.keys.get(String(kid)) : app.keys.size === 1 ? app.key : undefined;
		if (!key) return invalidClient('The client_assertion JWT kid is invalid.');
		const refusal = await this.verifyAssertion(assertionText, app, key);
		if (refusal) return refusal;

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

	/** RFC 7523 §3 with Okta's limits, verified by jose: undefined when valid, else the refusal. */
	private async verifyAssertion(
		assertion: string,
		app: ServiceApp,
		key: KeyObject,
	): Promise<Answer | undefined> {
		let payload: JWTPayload;
		try {
			({ payload } = await jwtVerify(assertion, key, {
				algorithms: SIGNING_ALGORITHMS,
				issuer: app.clientId,
				subject: app.clientId,
				audience: this.tokenUrl,
				requiredClaims: ['exp', 'jti'],
			}));
		} catch (error) {
			return invalidClient(assertionRefusal(error, this.tokenUrl));
		}
		const exp = payload.exp as number;
		if (exp - (payload.iat ?? Math.floor(Date.now() / 1000)) > MAX_ASSERTION_LIFETIME_S)
			return invalidClient('The client_assertion token has an expiration too far into the future.');
		const jti = String(payload.jti);
		if (jti === '') return invalidClient("The client_assertion token must contain a 'jti' claim.");
		if (this.assertionJtis.has(jti))
			return invalidClient("The 'jti' claim in the client_assertion token has already been used.");
		this.assertionJtis.add(jti);
		return undefined;
	}

	/** A valid DPoP proof (RFC 9449 §4.3) for this method and URL, or the error answer. */
	private async checkProof(
		text: string,
		method: string,
		url: string,
		accessToken?: string,
	): Promise<{ payload: JWTPayload; jkt: string } | Answer> {
		const proof = peek(text);
		if (!proof) return invalidProof('The DPoP proof JWT is malformed.');
		const { header } = proof;
		if (header.typ !== 'dpop+jwt')
			return invalidProof("The DPoP proof JWT 'typ' header must be 'dpop+jwt'.");
		const jwk = header.jwk as JWK | undefined;
		if (!jwk || typeof jwk !== 'object')
			return invalidProof("The DPoP proof JWT must contain a 'jwk' header.");
		if ('d' in jwk || 'p' in jwk)
			return invalidProof("The DPoP proof 'jwk' header must not contain a private key.");
		let payload: JWTPayload;
		try {
			({ payload } = await jwtVerify(text, EmbeddedJWK, {
				typ: 'dpop+jwt',
				algorithms: SIGNING_ALGORITHMS,
				requiredClaims: ['htm', 'htu', 'iat', 'jti'],
			}));
		} catch (error) {
			return invalidProof(proofRefusal(error));
		}
		if (payload.htm !== method)
			return invalidProof(`The DPoP proof 'htm' claim must be '${method}'.`);
		if (payload.htu !== url) return invalidProof(`The DPoP proof 'htu' claim must be '${url}'.`);
		const now = Math.floor(Date.now() / 1000);
		if (Math.abs(now - (payload.iat as number)) > PROOF_IAT_SKEW_S) {
			return invalidProof("The DPoP proof 'iat' claim is too old or in the future.");
		}
		const jti = String(payload.jti);
		if (jti === '') return invalidProof("The DPoP proof must contain a 'jti' claim.");
		if (this.proofJtis.has(jti))
			return invalidProof("The DPoP proof 'jti' claim has already been used.");
		if (accessToken !== undefined) {
			const ath = createHash('sha256').update(accessToken).digest('base64url');
			if (payload.ath !== ath)
				return invalidProof("The DPoP proof 'ath' claim does not match the access token.");
		}
		this.proofJtis.add(jti);
		return { payload, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
	}

	/**
	 * An API call with `Authorization: DPoP|Bearer <token>`: undefined when allowed, else Okta's
	 * 401 (E0000011) or 403 (E0000006) with the WWW-Authenticate challenge saying why.
	 */
	async authorize(
		op: Op,
		method: string,
		url: URL,
		headers: Record<string, string | string[] | undefined>,
	): Promise<Answer | undefined> {
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
					? await this.checkProof(proofHeader, method, htu, match[2])
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
