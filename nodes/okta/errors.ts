import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { networkErrorCode } from './causeChain';
import { headerValue } from './http';
import type { OktaTokenError } from './oauth';

/** The node's Authentication choice: an API token, or an OAuth 2.0 service app. */
export type OktaAuthentication = 'apiToken' | 'oAuth2';

/** Which Okta API a request was for: the rights to grant differ. */
export type OktaApiArea = 'eventHooks' | 'systemLog';

/** Okta's error body (OpenAPI schema `Error`). Only `errorCode` is stable; summaries may change. */
export interface OktaErrorBody {
	errorCode?: string;
	errorSummary?: string;
	errorLink?: string;
	errorId?: string;
	errorCauses?: Array<{ errorSummary?: string }>;
}

/** The `error="…"` of a WWW-Authenticate header (Okta names insufficient_scope and invalid_dpop_proof there). */
export function wwwAuthenticateError(headers: Record<string, unknown>): string | undefined {
	const match = /\berror="([^"]+)"/.exec(headerValue(headers, 'www-authenticate') ?? '');
	return match?.[1];
}

/** Reading the System Log: the scope, the roles that may read it, its shared rate limit. */
const SYSTEM_LOG_ROLES =
	'an admin role that can read the System Log (Super, Org, Read-only or Report Administrator)';

function systemLogAdviceFor(
	status: number,
	body: OktaErrorBody,
	authentication: OktaAuthentication,
	challenge: string | undefined,
): string | undefined {
	if (authentication === 'oAuth2' && challenge === 'insufficient_scope') {
		return "The service app lacks the scope to read the System Log: in Okta, open the app, Okta API Scopes, and grant okta.logs.read (and keep it in the credential's Scopes).";
	}
	if (status === 403 || body.errorCode === 'E0000006') {
		return authentication === 'oAuth2'
			? `The service app may not read the System Log: grant okta.logs.read under Okta API Scopes and assign the app ${SYSTEM_LOG_ROLES} on its Admin roles tab.`
			: `The token's creator may not read the System Log: use a token created by an admin with ${SYSTEM_LOG_ROLES}.`;
	}
	if (status === 429 || body.errorCode === 'E0000047') {
		return "Okta's rate limit for the System Log (/api/v1/logs, shared with every integration that reads the log) was reached. The next read resumes where this one stopped.";
	}
	if (status === 400 && body.errorCode === 'E0000053') {
		return 'Okta refused the System Log query (its filter). Check the event type.';
	}
	return undefined;
}

/** What a service app's admin should do when Okta refuses its token. */
function oauthAdviceFor(
	status: number,
	body: OktaErrorBody,
	challenge: string | undefined,
): string | undefined {
	if (challenge === 'insufficient_scope') {
		return "The service app lacks a scope: in Okta, open the app, Okta API Scopes, and grant okta.eventHooks.manage and okta.eventHooks.read (and keep both in the credential's Scopes).";
	}
	if (challenge === 'invalid_dpop_proof') {
		return "Okta refused the DPoP proof sent with the access token. Check that n8n's clock is right, then try again.";
	}
	if (status === 401 || body.errorCode === 'E0000011') {
		return "Okta rejected the access token even after n8n fetched a new one. Check that the service app is active and that the credential's client ID, key and key ID are the app's.";
	}
	if (status === 403 || body.errorCode === 'E0000006') {
		return "The service app may not manage event hooks: assign it an admin role (the app's Admin roles tab: Super Administrator, or a custom role with the event hook permissions), and grant okta.eventHooks.manage and okta.eventHooks.read under Okta API Scopes.";
	}
	return undefined;
}

const OKTA_INTERNAL =
	'Okta had an internal problem. Try again in a few minutes; if it persists, quote the Okta error ID to Okta support.';

/** What the user should do, by HTTP status and Okta error code: Okta's own words come first. */
function adviceFor(
	status: number,
	body: OktaErrorBody,
	causes: string[],
	authentication: OktaAuthentication,
	headers: Record<string, unknown>,
	area: OktaApiArea,
): string {
	const causeText = causes.join(' ').toLowerCase();
	if (area === 'systemLog') {
		const advice = systemLogAdviceFor(status, body, authentication, wwwAuthenticateError(headers));
		if (advice) return advice;
		if (status >= 500) return OKTA_INTERNAL;
		if (status === 400) return 'Okta refused the System Log query; see its words above.';
	}
	if (authentication === 'oAuth2') {
		const advice = oauthAdviceFor(status, body, wwwAuthenticateError(headers));
		if (advice) return advice;
	}
	if (status === 401 || body.errorCode === 'E0000011') {
		return 'Okta rejected the API token. Create a new token in Okta (Security > API > Tokens) and update the Okta Event Hook API credential.';
	}
	if (status === 403 || body.errorCode === 'E0000006') {
		return "The token's owner may not manage event hooks. Use a token created by a super administrator, or by an admin whose custom role includes the event hook permissions (okta.eventHooks.manage and okta.eventHooks.read).";
	}
	if (status === 429 || body.errorCode === 'E0000047') {
		return "Okta's rate limit for event hooks was reached and did not reset in time. Wait a minute, then publish the workflow again.";
	}
	if (/verif/.test(causeText)) {
		return 'Okta could not verify the webhook: it must reach n8n at the webhook URL over public HTTPS with a certificate it trusts, and get an answer within 3 seconds. Check N8N_WEBHOOK_URL, your reverse proxy and firewall.';
	}
	// The wording of the 26th-hook refusal is unpublished: words of a limit, not any text with "25" in it.
	if (/\b(limit|maximum|too many)\b/.test(causeText)) {
		return 'Your Okta org has reached its limit of 25 event hooks. Delete event hooks you no longer use (Workflow > Event Hooks in the Okta Admin Console), then publish again.';
	}
	if (/https|uri|url/.test(causeText)) {
		return 'Okta only sends events to public https:// URLs. Set N8N_WEBHOOK_URL to the public HTTPS address of your n8n and restart it.';
	}
	if (status >= 500) return OKTA_INTERNAL;
	return 'Check the Okta org URL in the credential and the details below.';
}

/** Turns an Okta error response into a NodeApiError that carries Okta's words and what to do. */
export function oktaApiError(
	node: INode,
	operation: string,
	status: number,
	responseBody: unknown,
	authentication: OktaAuthentication = 'apiToken',
	headers: Record<string, unknown> = {},
	area: OktaApiArea = 'eventHooks',
): NodeApiError {
	const body: OktaErrorBody =
		responseBody !== null && typeof responseBody === 'object'
			? (responseBody as OktaErrorBody)
			: {};
	const causes = (Array.isArray(body.errorCauses) ? body.errorCauses : [])
		.map((cause) => cause?.errorSummary)
		.filter((summary): summary is string => typeof summary === 'string' && summary.length > 0);
	const summary = body.errorSummary ?? `HTTP ${status}`;
	const okta = [summary, ...causes].join(' — ');
	const reference = [
		body.errorCode ? `Okta error ${body.errorCode}` : undefined,
		`HTTP ${status}`,
		body.errorId ? `error ID ${body.errorId}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	const error = new NodeApiError(node, { ...body, httpCode: String(status) } as JsonObject, {
		message: `Okta refused to ${operation}: ${okta}`,
		// Okta's words again: n8n before the publication service shows only the description of a
		// NodeApiError that failed a publish (2.8: workflow.service.js).
		description: `${adviceFor(status, body, causes, authentication, headers, area)} Okta said: "${okta}" (${reference})`,
		httpCode: String(status),
	});
	error.context.oktaApiStatus = status;
	if (typeof body.errorCode === 'string') error.context.oktaErrorCode = body.errorCode;
	return error;
}

/**
 * The HTTP status of an answer from Okta's Management API behind an error from oktaApiError; undefined
 * for the token endpoint's refusals and for network failures, which merely share some status codes.
 */
/** Okta's `errorCode` (E0000…) of an error made by oktaApiError, else undefined. */
export function oktaErrorCode(error: unknown): string | undefined {
	const code = (error as { context?: { oktaErrorCode?: unknown } } | undefined)?.context
		?.oktaErrorCode;
	return typeof code === 'string' ? code : undefined;
}

export function oktaApiStatus(error: unknown): number | undefined {
	const status = (error as { context?: { oktaApiStatus?: unknown } } | undefined)?.context
		?.oktaApiStatus;
	return typeof status === 'number' ? status : undefined;
}

/** The token endpoint refused the service app (or the credential cannot sign): Okta's words and what to do. */
export function oktaTokenError(
	node: INode,
	operation: string,
	error: OktaTokenError,
): NodeApiError {
	const reference = [
		error.oauthError ? `OAuth error ${error.oauthError}` : undefined,
		error.tokenHttpStatus ? `HTTP ${error.tokenHttpStatus}` : undefined,
	]
		.filter(Boolean)
		.join(', ');
	// Only the words are kept: nothing of the key, the assertion or a token.
	return new NodeApiError(
		node,
		{ message: error.message, oauthError: error.oauthError ?? null } as JsonObject,
		{
			message: `Could not ${operation}: ${error.message}`,
			description: `${error.message}. ${error.description}${reference ? ` (${reference})` : ''}`,
			...(error.tokenHttpStatus ? { httpCode: String(error.tokenHttpStatus) } : {}),
		},
	);
}

/** Plain words for the transport failures users meet; n8n would replace a bare code with a generic text. */
const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset',
	ETIMEDOUT: 'no answer in time',
	ECONNABORTED: 'no answer in time',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	CERT_HAS_EXPIRED: 'its certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is not trusted',
	SELF_SIGNED_CERT_IN_CHAIN: 'its certificate is not trusted',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not trusted',
	ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
};

/** A request that got no HTTP answer at all (refused, reset, timed out, bad certificate). */
export function oktaUnreachableError(
	node: INode,
	operation: string,
	orgUrl: string,
	cause: unknown,
): NodeOperationError {
	const code = networkErrorCode(cause);
	const reason = (code && NETWORK_FAILURES[code]) ?? 'no answer';
	// Only the code is kept: the original error holds the request, whose body may carry the delivery secret.
	return new NodeOperationError(
		node,
		`Could not reach Okta at ${orgUrl} to ${operation}: ${reason}`,
		{
			description: `Check the Okta org URL in the credential (for example https://acme.okta.com), that n8n can reach it, and that its certificate is trusted.${code ? ` (${code})` : ''}`,
		},
	);
}
