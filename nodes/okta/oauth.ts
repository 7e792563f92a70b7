import { randomUUID } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { networkErrorCode } from './causeChain';
import { dpopProof, generateDpopKey } from './dpop';
import { PrivateKeyError, readPrivateKey, signJwt } from './jwt';
import type { SigningKey } from './jwt';
import { OKTA_TIMEOUT_MS, headerValue, normaliseOrgUrl } from './http';

/**
 * Okta's client credentials grant for service apps: a `private_key_jwt` client assertion, a DPoP
 * proof on every attempt, Okta's `use_dpop_nonce` round trip. Used by the credential's
 * preAuthentication, which n8n calls for a token when it has none or after a 401.
 */

/** Managing event hooks, and reading the System Log (the polling trigger, missed-event recovery). */
export const DEFAULT_SCOPES = 'okta.eventHooks.manage okta.eventHooks.read okta.logs.read';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Okta accepts assertions valid for at most an hour; five minutes is plenty for one request. */
const ASSERTION_LIFETIME_S = 300;

export interface OAuthCredential {
	url: string;
	clientId: string;
	privateKey: string;
	keyId: string;
	scopes: string;
}

/** What preAuthentication stores in the credential's hidden fields. */
export interface IssuedToken {
	accessToken: string;
	/** `DPoP` or `Bearer`. */
	scheme: string;
	/** The private JWK (JSON) the token is bound to; empty for Bearer tokens. */
	dpopPrivateKey: string;
	/** Epoch milliseconds. */
	expiresAt: number;
}

type HttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

interface TokenResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/**
 * The token endpoint said no, or the credential cannot make a request. No field holds the key,
 * the assertion or a token; and none is named like a status (n8n would replace the message).
 */
export class OktaTokenError extends Error {
	readonly isOktaTokenError = true;

	constructor(
		message: string,
		readonly description: string,
		readonly oauthError?: string,
		readonly tokenHttpStatus?: number,
	) {
		super(message);
		this.name = 'OktaTokenError';
		recentTokenErrors.set(message, this);
		for (const oldest of recentTokenErrors.keys()) {
			if (recentTokenErrors.size <= RECENT_TOKEN_ERRORS) break;
			recentTokenErrors.delete(oldest);
		}
	}
}

/**
 * The token errors raised lately, by message. n8n wraps what preAuthentication throws in a
 * NodeApiError; n8n-workflow 2.8 keeps only its message there (no `cause`), so the client finds
 * the error again by that message (ours, and specific to the refusal).
 */
const recentTokenErrors = new Map<string, OktaTokenError>();
const RECENT_TOKEN_ERRORS = 20;

export function recentTokenError(message: unknown): OktaTokenError | undefined {
	return typeof message === 'string' ? recentTokenErrors.get(message) : undefined;
}

export function isOktaTokenError(error: unknown): error is OktaTokenError {
	return (
		typeof error === 'object' &&
		error !== null &&
		(error as OktaTokenError).isOktaTokenError === true
	);
}

export const tokenUrlOf = (orgUrl: string) => `${orgUrl}/oauth2/v1/token`;

export function readOAuthCredential(data: ICredentialDataDecryptedObject): OAuthCredential {
	return {
		url: normaliseOrgUrl(data.url),
		clientId: String(data.clientId ?? '').trim(),
		privateKey: String(data.privateKey ?? ''),
		keyId: String(data.keyId ?? '').trim(),
		scopes:
			String(data.scopes ?? '')
				.trim()
				.split(/\s+/)
				.filter(Boolean)
				.join(' ') || DEFAULT_SCOPES,
	};
}

/** The signing key, or what the field holds instead and what to paste (never quoting the key). */
function signingKey(text: string): SigningKey {
	let read: SigningKey | Error;
	try {
		read = readPrivateKey(text);
	} catch (error) {
		read = error instanceof Error ? error : new Error(String(error));
	}
	if (read instanceof PrivateKeyError) {
		throw new OktaTokenError(
			`The private key in the Okta Event Hook OAuth2 API credential could not be read: the field holds ${read.found}`,
			read.advice,
		);
	}
	if (read instanceof Error) throw read;
	return read;
}

/**
 * Sends one token request. A request that got no answer becomes an error that keeps only the
 * network code: n8n's error holds the request, whose body is the client assertion.
 */
async function postToken(
	httpRequest: HttpRequest,
	options: IHttpRequestOptions,
): Promise<TokenResponse | OktaTokenError> {
	try {
		return (await httpRequest(options)) as TokenResponse;
	} catch (error) {
		const code = networkErrorCode(error);
		return new OktaTokenError(
			`Could not reach Okta's token endpoint at ${options.url}`,
			`Check the Org URL in the credential, that n8n can reach it and that its certificate is trusted.${code ? ` (${code})` : ''}`,
		);
	}
}

/**
 * The private_key_jwt client assertion. Its `kid` is the credential's Key ID, else the JWK's own
 * `kid` (the KID Okta shows for a key it generated): Okta needs it when the app has several keys.
 */
export function clientAssertion(credential: OAuthCredential, signing: SigningKey): string {
	const iat = Math.floor(Date.now() / 1000);
	const header: Record<string, unknown> = { typ: 'JWT' };
	const kid = credential.keyId || signing.kid;
	if (kid) header.kid = kid;
	return signJwt(
		header,
		{
			iss: credential.clientId,
			sub: credential.clientId,
			aud: tokenUrlOf(credential.url),
			iat,
			exp: iat + ASSERTION_LIFETIME_S,
			jti: randomUUID(),
		},
		signing.key,
		signing.alg,
	);
}

/** Okta says so in `error_description` when the app does not take DPoP proofs at all. */
const isDpopNotConfigured = (description: string) =>
	/dpop/i.test(description) && /not (configured|enabled|allowed|supported)/i.test(description);

/** Gets an access token; sends a DPoP proof first, then the nonce Okta asks for; falls back to Bearer. */
export async function requestToken(
	httpRequest: HttpRequest,
	data: ICredentialDataDecryptedObject,
): Promise<IssuedToken> {
	const credential = readOAuthCredential(data);
	if (!/^https?:\/\//.test(credential.url) || !credential.clientId) {
		throw new OktaTokenError(
			'The Okta Event Hook OAuth2 API credential needs the org URL and the client ID',
			"Fill in the Org URL (e.g. https://acme.okta.com) and the service app's client ID.",
		);
	}
	const key = signingKey(credential.privateKey);
	const tokenUrl = tokenUrlOf(credential.url);
	let dpopKey = generateDpopKey();
	let nonce: string | undefined;

	for (let attempt = 0; attempt < 3; attempt++) {
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			scope: credential.scopes,
			client_assertion_type: ASSERTION_TYPE,
			// A new assertion each attempt: Okta refuses a replayed jti.
			client_assertion: clientAssertion(credential, key),
		});
		const headers: Record<string, string> = {
			Accept: 'application/json',
			'Content-Type': 'application/x-www-form-urlencoded',
		};
		if (dpopKey) headers.DPoP = dpopProof({ key: dpopKey, method: 'POST', url: tokenUrl, nonce });
		const response = await postToken(httpRequest, {
			method: 'POST',
			url: tokenUrl,
			headers,
			body: form.toString(),
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: OKTA_TIMEOUT_MS,
		});
		if (isOktaTokenError(response)) throw response;
		const body = (
			response.body !== null && typeof response.body === 'object' ? response.body : {}
		) as Record<string, unknown>;
		if (
			response.statusCode >= 200 &&
			response.statusCode < 300 &&
			typeof body.access_token === 'string'
		) {
			const tokenType = String(body.token_type ?? 'Bearer');
			const isDpop = tokenType.toLowerCase() === 'dpop';
			return {
				accessToken: body.access_token,
				scheme: isDpop ? 'DPoP' : 'Bearer',
				dpopPrivateKey: isDpop ? dpopKey : '',
				expiresAt:
					Date.now() + (Number(body.expires_in) > 0 ? Number(body.expires_in) : 3600) * 1000,
			};
		}
		const error = typeof body.error === 'string' ? body.error : undefined;
		const description = typeof body.error_description === 'string' ? body.error_description : '';
		const newNonce = headerValue(response.headers ?? {}, 'dpop-nonce');
		if (error === 'use_dpop_nonce' && newNonce && newNonce !== nonce) {
			nonce = newNonce;
			continue;
		}
		if (
			dpopKey &&
			(error === 'invalid_dpop_proof' || error === 'invalid_request') &&
			isDpopNotConfigured(description)
		) {
			// The app is not DPoP-bound: ask again without a proof for a plain Bearer token.
			dpopKey = '';
			nonce = undefined;
			continue;
		}
		throw tokenEndpointError(response.statusCode, error, description, credential);
	}
	throw new OktaTokenError(
		'Okta kept asking for a new DPoP nonce',
		"Try again in a minute; if it persists, check the service app's DPoP setting in Okta.",
		'use_dpop_nonce',
	);
}

/** "a", "a and b", "a, b and c". */
const listed = (items: string[]) =>
	items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');

/** Okta's OAuth error as a message (Okta's words) and what to do. */
export function tokenEndpointError(
	status: number,
	error: string | undefined,
	description: string,
	credential: OAuthCredential,
): OktaTokenError {
	const okta = `${error ?? `HTTP ${status}`}${description ? `: ${description}` : ''}`;
	const text = description.toLowerCase();
	let advice: string;
	switch (error) {
		case 'invalid_client':
			if (/kid|key id/.test(text)) {
				advice = credential.keyId
					? `The key ID "${credential.keyId}" does not match a public key of the service app: copy the KID shown under the app's Public Keys in Okta, or leave it empty if the app has one key.`
					: "Okta could not tell which of the app's keys signed: fill in Key ID with the KID shown under the app's Public Keys in Okta (when Key ID is empty, a pasted JWK's own kid is sent).";
			} else if (/signature/.test(text)) {
				advice =
					"The private key does not match the public key registered for the service app (or the key ID names another key): paste the private key whose public key is registered under the app's Client Credentials > Public Keys.";
			} else if (/aud|audience/.test(text)) {
				advice =
					"The Org URL must be the org's own address (e.g. https://acme.okta.com, not the admin console address acme-admin.okta.com).";
			} else {
				advice =
					'Check the client ID (API Services app, General tab) and that the app authenticates with "Public key / Private key" using this private key.';
			}
			break;
		case 'invalid_scope':
			advice = `Grant the scopes to the app: in Okta, open the service app, Okta API Scopes, and grant ${listed(credential.scopes.split(' '))}.`;
			break;
		case 'unauthorized_client':
			advice =
				'The app may not use the client credentials grant: create an "API Services" app (a service app) in Okta.';
			break;
		case 'invalid_dpop_proof':
			advice =
				'Okta refused the DPoP proof; make sure n8n\'s clock is right. If the app does not use DPoP, clear "Require Demonstrating Proof of Possession (DPoP) header in token requests" in the app, or leave it on: both work.';
			break;
		case 'use_dpop_nonce':
			advice = 'Okta kept asking for a new DPoP nonce; try again in a minute.';
			break;
		default:
			advice =
				status >= 500
					? 'Okta had an internal problem; try again in a few minutes.'
					: "Check the credential's Org URL, client ID and private key.";
	}
	return new OktaTokenError(
		`Okta refused to issue an access token (${okta})`,
		advice,
		error,
		status,
	);
}
