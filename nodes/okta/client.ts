import { sleep } from 'n8n-workflow';
import type { IDataObject, IHookFunctions, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';

import { oktaApiError, oktaUnreachableError } from './errors';

/** The credential this client authenticates with; its `authenticate` adds the SSWS header. */
export const OKTA_CREDENTIAL = 'oktaEventHookApi';

export interface OktaRequest {
	method: IHttpRequestMethods;
	/** Path under the org URL, e.g. `/api/v1/eventHooks`. */
	path: string;
	body?: IDataObject;
	/** Said in errors: "Okta refused to <operation>". */
	operation: string;
	/** Statuses the caller handles itself (e.g. 404 on delete) instead of an error. */
	allowStatuses?: number[];
}

export interface OktaResponse<T> {
	statusCode: number;
	body: T;
}

/** Okta's Node SDK retries a 429 at most twice; so do we, waiting until the limit resets. */
const MAX_RATE_LIMIT_RETRIES = 2;
/** Longer waits than this would outlast n8n's activation; the error tells the user to retry. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export function normaliseOrgUrl(url: unknown): string {
	return String(url ?? '')
		.trim()
		.replace(/\/+$/, '');
}

/** Milliseconds until Okta's rate-limit window resets, measured against Okta's own clock, plus 1 s. */
export function rateLimitWaitMs(headers: Record<string, unknown>, now = Date.now()): number {
	const reset = Number(headers['x-rate-limit-reset']);
	if (!Number.isFinite(reset)) return 1_000;
	const serverNow = Date.parse(String(headers['date'] ?? '')) || now;
	return Math.max(0, reset * 1000 - serverNow) + 1_000;
}

/** One call to the Okta management API: base URL, auth, 429 waits, Okta errors as NodeApiError. */
export async function oktaRequest<T = unknown>(this: IHookFunctions, request: OktaRequest): Promise<OktaResponse<T>> {
	const credentials = await this.getCredentials(OKTA_CREDENTIAL);
	const orgUrl = normaliseOrgUrl(credentials.url);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${orgUrl}${request.path}`,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: REQUEST_TIMEOUT_MS,
	};
	if (request.body !== undefined) options.body = request.body;

	for (let attempt = 0; ; attempt++) {
		let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
		try {
			response = await this.helpers.httpRequestWithAuthentication.call(this, OKTA_CREDENTIAL, options);
		} catch (error) {
			// With ignoreHttpStatusErrors every HTTP answer returns; a throw means no answer came.
			throw oktaUnreachableError(this.getNode(), request.operation, orgUrl, error);
		}
		const { statusCode } = response;
		if (statusCode === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
			const waitMs = rateLimitWaitMs(response.headers ?? {});
			if (waitMs <= MAX_RATE_LIMIT_WAIT_MS) {
				await sleep(waitMs);
				continue;
			}
		}
		if ((statusCode >= 200 && statusCode < 300) || request.allowStatuses?.includes(statusCode)) {
			return { statusCode, body: response.body as T };
		}
		throw oktaApiError(this.getNode(), request.operation, statusCode, response.body);
	}
}
