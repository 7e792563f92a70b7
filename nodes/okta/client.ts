import { sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IPollFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';

import { findInCauseChain } from './causeChain';
import { OKTA_TIMEOUT_MS, headerValue, normaliseOrgUrl } from './http';
import { oktaApiError, oktaTokenError, oktaUnreachableError } from './errors';
import type { OktaApiArea, OktaAuthentication } from './errors';
import { isOktaTokenError, recentTokenError } from './oauth';

/** The API-token credential; its `authenticate` adds the SSWS header. */
export const OKTA_CREDENTIAL = 'oktaEventHookApi';
/** The OAuth 2.0 service-app credential; its preAuthentication gets the token, `authenticate` adds it and a DPoP proof. */
export const SERVICE_APP_CREDENTIAL = 'oktaEventHookOAuth2Api';

export const CREDENTIAL_FOR: Record<OktaAuthentication, string> = {
	apiToken: OKTA_CREDENTIAL,
	oAuth2: SERVICE_APP_CREDENTIAL,
};

/** A token this close to its expiry is replaced before use (n8n itself only replaces it after a 401). */
const TOKEN_REFRESH_MARGIN_MS = 60_000;

/** What n8n hands the nodes that call Okta: publishing (hooks), deliveries (webhook), polling. */
export type OktaContext = IHookFunctions | IWebhookFunctions | IPollFunctions;

export interface OktaRequest {
	method: IHttpRequestMethods;
	/** Path (and query) under the org URL, e.g. `/api/v1/eventHooks`. */
	path: string;
	body?: IDataObject;
	/** Said in errors: "Okta refused to <operation>". */
	operation: string;
	/** Statuses the caller handles itself (e.g. 404 on delete) instead of an error. */
	allowStatuses?: number[];
	/** Which API is called, for the advice in errors (what to grant); default event hooks. */
	area?: OktaApiArea;
	/** How often a 429 is waited out and retried; default 2. With 0, a 429 in allowStatuses is returned at once. */
	rateLimitRetries?: number;
}

export interface OktaResponse<T> {
	statusCode: number;
	body: T;
	headers: Record<string, unknown>;
}

/** Okta's Node SDK retries a 429 at most twice; so do we, waiting until the limit resets. */
const MAX_RATE_LIMIT_RETRIES = 2;
/** Longer waits than this would outlast n8n's activation; the error tells the user to retry. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/** Milliseconds until Okta's rate-limit window resets, measured against Okta's own clock, plus 1 s. */
export function rateLimitWaitMs(headers: Record<string, unknown>, now = Date.now()): number {
	const reset = Number(headerValue(headers, 'x-rate-limit-reset'));
	if (!Number.isFinite(reset)) return 1_000;
	const serverNow = Date.parse(headerValue(headers, 'date') ?? '') || now;
	return Math.max(0, reset * 1000 - serverNow) + 1_000;
}

/** The node's Authentication parameter; nodes saved before it existed use the API token. */
export function authenticationOf(context: OktaContext): OktaAuthentication {
	return context.getNodeParameter('authentication', 'apiToken') === 'oAuth2'
		? 'oAuth2'
		: 'apiToken';
}

/** The HTTP status and body of a request n8n threw for (an answer it did not return). */
function thrownResponse(
	error: unknown,
): { status: number; body: unknown; headers: Record<string, unknown> } | undefined {
	return findInCauseChain(error, ({ response }) => {
		const answer = response as { status?: unknown; data?: unknown; headers?: unknown } | undefined;
		if (typeof answer?.status !== 'number') return undefined;
		return {
			status: answer.status,
			body: answer.data,
			headers: (answer.headers ?? {}) as Record<string, unknown>,
		};
	});
}

function tokenErrorIn(error: unknown) {
	return (
		findInCauseChain(error, (link) => (isOktaTokenError(link) ? link : undefined)) ??
		recentTokenError((error as { message?: unknown } | undefined)?.message)
	);
}

/** The org URL of the node's credential, normalised (no trailing slash). */
export async function oktaOrgUrl(this: OktaContext): Promise<string> {
	const credentials = await this.getCredentials(CREDENTIAL_FOR[authenticationOf(this)]);
	return normaliseOrgUrl(credentials.url);
}

/** One call to the Okta management API: base URL, auth, 429 waits, Okta errors as NodeApiError. */
export async function oktaRequest<T = unknown>(
	this: OktaContext,
	request: OktaRequest,
): Promise<OktaResponse<T>> {
	const authentication = authenticationOf(this);
	const credentialType = CREDENTIAL_FOR[authentication];
	const credentials = await this.getCredentials(credentialType);
	const orgUrl = normaliseOrgUrl(credentials.url);
	const area = request.area ?? 'eventHooks';
	const rateLimitRetries = request.rateLimitRetries ?? MAX_RATE_LIMIT_RETRIES;
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${orgUrl}${request.path}`,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: OKTA_TIMEOUT_MS,
	};
	if (request.body !== undefined) options.body = request.body;
	// n8n fetches a new token when the expirable field is empty, and stores it in the credential.
	const withNewToken: IAdditionalCredentialOptions = {
		credentialsDecrypted: {
			id: '',
			name: '',
			type: credentialType,
			data: { ...credentials, accessToken: '' },
		},
	};
	let additional: IAdditionalCredentialOptions | undefined;
	if (authentication === 'oAuth2') {
		const expiresAt = Number(credentials.expiresAt);
		if (
			credentials.accessToken &&
			(!Number.isFinite(expiresAt) || expiresAt - Date.now() < TOKEN_REFRESH_MARGIN_MS)
		) {
			additional = withNewToken;
		}
	}
	// A 401 to an OAuth token (revoked, or expired early): once, a new token and the same request.
	// Done here rather than by n8n's own retry, which needs `ignoreHttpStatusErrors: { except }`:
	// n8n 2.8 knows only true or false there, and takes an object for true.
	let tokenRenewed = additional !== undefined;

	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
		try {
			response = await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				options,
				additional,
			);
		} catch (error) {
			const tokenError = tokenErrorIn(error);
			if (tokenError) throw oktaTokenError(this.getNode(), request.operation, tokenError);
			const answered = thrownResponse(error);
			if (answered)
				throw oktaApiError(
					this.getNode(),
					request.operation,
					answered.status,
					answered.body,
					authentication,
					answered.headers,
					area,
				);
			// Every other HTTP answer returns (ignoreHttpStatusErrors); a throw means no answer came.
			throw oktaUnreachableError(this.getNode(), request.operation, orgUrl, error);
		}
		const { statusCode } = response;
		if (statusCode === 401 && authentication === 'oAuth2' && !tokenRenewed) {
			tokenRenewed = true;
			additional = withNewToken;
			continue;
		}
		if (statusCode === 429 && attempt < rateLimitRetries) {
			const waitMs = rateLimitWaitMs(response.headers ?? {});
			if (waitMs <= MAX_RATE_LIMIT_WAIT_MS) {
				await sleep(waitMs);
				continue;
			}
		}
		if ((statusCode >= 200 && statusCode < 300) || request.allowStatuses?.includes(statusCode)) {
			return { statusCode, body: response.body as T, headers: response.headers ?? {} };
		}
		throw oktaApiError(
			this.getNode(),
			request.operation,
			statusCode,
			response.body,
			authentication,
			response.headers ?? {},
			area,
		);
	}
}
