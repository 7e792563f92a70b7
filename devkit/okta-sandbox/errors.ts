/** Okta's error bodies and id formats. Only errorCode is a stable contract; summaries mirror Okta's. */
import { randomBytes, randomInt } from 'crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
	let out = '';
	for (let i = 0; i < length; i++) out += ALNUM[randomInt(ALNUM.length)];
	return out;
}

/** Okta object ids are 20 characters: a 3-character prefix ('who' event hook, '00u' user) and 17 more. */
export const oktaId = (prefix: string) => prefix + randomAlnum(20 - prefix.length);

/** Request / transaction ids look like 'Wn4f-0RQ8D8lTSLkAmkKdQAADqo'. */
export const requestId = () => randomBytes(20).toString('base64url').slice(0, 27);

export interface OktaError {
	errorCode: string;
	errorSummary: string;
	errorLink: string;
	errorId: string;
	errorCauses: Array<{ errorSummary: string }>;
}

export function oktaError(
	errorCode: string,
	errorSummary: string,
	causes: string[] = [],
): OktaError {
	return {
		errorCode,
		errorSummary,
		errorLink: errorCode,
		errorId: `oae${randomAlnum(22)}`,
		errorCauses: causes.map((errorSummary) => ({ errorSummary })),
	};
}

export const validationFailed = (causes: string[], what = 'eventHook') =>
	oktaError('E0000001', `Api validation failed: ${what}`, causes);
export const invalidToken = () => oktaError('E0000011', 'Invalid token provided');
export const accessDenied = () =>
	oktaError('E0000006', 'You do not have permission to perform the requested action');
export const notFound = (what: string) => oktaError('E0000007', `Not found: ${what}`);
export const hookNotFound = (id: string) => notFound(`Resource not found: ${id} (EventHook)`);
export const tooManyRequests = () =>
	oktaError('E0000047', 'API call exceeded rate limit due to too many requests.');
export const internalError = () => oktaError('E0000009', 'Internal Server Error');
export const malformedBody = () => oktaError('E0000003', 'The request body was not well-formed.');
export const methodNotAllowed = () =>
	oktaError('E0000022', 'The endpoint does not support the provided HTTP method');

/** The body a fault with a status and no body gets. */
export function errorForStatus(status: number): OktaError {
	switch (status) {
		case 400:
			return validationFailed([]);
		case 401:
			return invalidToken();
		case 403:
			return accessDenied();
		case 404:
			return notFound('Resource not found');
		case 405:
			return methodNotAllowed();
		case 429:
			return tooManyRequests();
		default:
			return status >= 500 ? internalError() : oktaError(`E0000${status}`, `HTTP ${status}`);
	}
}
