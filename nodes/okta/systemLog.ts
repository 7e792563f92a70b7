import { NodeOperationError } from 'n8n-workflow';

import { oktaOrgUrl, oktaRequest } from './client';
import type { OktaContext } from './client';
import { oktaApiStatus } from './errors';
import type { LogEvent } from './payloads';

export type { OktaContext } from './client';

/**
 * Okta's System Log (`GET /api/v1/logs`) read the way Okta says to poll it: a polling query (no
 * `until`, ASCENDING) ordered by persistence time, then only the `rel="next"` links Okta returns.
 * Paging by `published` would skip events persisted late; an `after` built by hand is not Okta's.
 */

/** Where the next read starts: path + query (under the org URL) of the last rel="next" link Okta returned, or of the first polling query. */
export type LogCursor = string;

export interface LogRead {
	/** Okta's order (persistence time); every page read in this call. */
	events: LogEvent[];
	/** Where the next read starts (after the last page that succeeded). */
	cursor: LogCursor;
	/** The last page read was not full: nothing more to read now. */
	caughtUp: boolean;
	stoppedBy?: 'rateLimit' | 'error';
	/** The NodeApiError/NodeOperationError when stoppedBy === 'error'. */
	error?: Error;
}

const LOGS_PATH = '/api/v1/logs';
const OPERATION = 'read the System Log';
/** Okta's default page size, used when a cursor carries no `limit`. */
const DEFAULT_LIMIT = 100;
export const MAX_LOG_LIMIT = 1000;
/** Okta keeps 90 days of System Log. */
const RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** What a System Log query selects: one or several event types, and optionally more conditions. */
export interface LogSelection {
	eventTypes: string | readonly string[];
	/** More of Okta's filter syntax, joined with `and` (for example `outcome.result eq "SUCCESS"`). */
	filter?: string;
}

/**
 * The `filter` of a query: `eventType eq "<type>"` for one type (the query the trigger has always
 * stored), `eventType eq "a" or eventType eq "b"` for several, in brackets when more conditions follow.
 */
export function logFilterOf(selection: LogSelection | string): string {
	const { eventTypes, filter } =
		typeof selection === 'string' ? { eventTypes: selection, filter: undefined } : selection;
	const types = typeof eventTypes === 'string' ? [eventTypes] : [...eventTypes];
	const byType = types.map((type) => `eventType eq ${quote(type)}`).join(' or ');
	const extra = filter?.trim();
	if (!extra) return byType;
	return `${types.length > 1 ? `(${byType})` : byType} and (${extra})`;
}

/** The `filter` a stored cursor (path + query) queries with. */
export function filterOfCursor(cursor: LogCursor): string | null {
	const query = cursor.indexOf('?');
	return query < 0 ? null : new URLSearchParams(cursor.slice(query + 1)).get('filter');
}

/** The first polling query for the selection from `since`: filter, sortOrder=ASCENDING, limit, no until. Makes no call. */
export function firstLogCursor(
	selection: LogSelection | string,
	since: Date,
	limit = MAX_LOG_LIMIT,
): LogCursor {
	const query = new URLSearchParams({
		filter: logFilterOf(selection),
		since: since.toISOString(),
		sortOrder: 'ASCENDING',
		limit: String(Math.min(Math.max(Math.trunc(limit), 1), MAX_LOG_LIMIT)),
	});
	return `${LOGS_PATH}?${query.toString()}`;
}

/** Every URI of a `link` header with the given rel: two headers, one joined with commas, or an array. */
export function linksWithRel(linkHeader: unknown, rel: string): string[] {
	const values = Array.isArray(linkHeader) ? linkHeader : [linkHeader];
	const found: string[] = [];
	for (const value of values) {
		if (typeof value !== 'string') continue;
		// Each link-value starts with <URI>; its parameters run up to the next '<' (commas may sit in the URI).
		for (const [, uri, params] of value.matchAll(/<([^>]*)>([^<]*)/g)) {
			const relParam = /(?:^|;)\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
			const rels = (relParam?.[1] ?? relParam?.[2] ?? '').toLowerCase().split(/\s+/);
			if (rels.includes(rel)) found.push(uri.trim());
		}
	}
	return found;
}

function headerEntries(headers: Record<string, unknown>, name: string): unknown[] {
	return Object.entries(headers)
		.filter(([key]) => key.toLowerCase() === name)
		.flatMap(([, value]) => (Array.isArray(value) ? value : [value]));
}

/**
 * The cursor for a next link, or undefined when the link points off the org's origin: credentials
 * are only ever sent to the org. A relative link is resolved against the org URL.
 */
export function cursorFromNextLink(link: string, orgUrl: string): LogCursor | undefined {
	let base: URL;
	let next: URL;
	try {
		base = new URL(`${orgUrl}/`);
		next = new URL(link, base);
	} catch {
		return undefined;
	}
	if (next.origin !== base.origin) return undefined;
	// An org URL with a path (a proxy) prefixes every request: the cursor is what follows it.
	const prefix = base.pathname.replace(/\/$/, '');
	if (prefix && !next.pathname.startsWith(`${prefix}/`)) return undefined;
	return `${next.pathname.slice(prefix.length)}${next.search}`;
}

function pageLimit(cursor: LogCursor): number {
	const text = new URLSearchParams(cursor.split('?')[1] ?? '').get('limit');
	const limit = text === null || text.trim() === '' ? NaN : Number(text);
	return Number.isInteger(limit) && limit >= 0 ? limit : DEFAULT_LIMIT;
}

/** Follows next links from `cursor`, at most `maxPages` pages. Never throws for a 429 (stops, keeps the cursor, stoppedBy 'rateLimit') when onRateLimit is 'stop'; with 'wait' waits for X-Rate-Limit-Reset like oktaRequest does. When the FIRST page fails otherwise (401/403/400/5xx/timeout/network) it throws a NodeApiError with Okta's words and what to grant; when a later page fails it returns what it has with stoppedBy 'error'. */
export async function readLog(
	this: OktaContext,
	cursor: LogCursor,
	options: { maxPages: number; onRateLimit: 'wait' | 'stop' },
): Promise<LogRead> {
	if (typeof cursor !== 'string' || !cursor.startsWith(`${LOGS_PATH}?`)) {
		throw new NodeOperationError(
			this.getNode(),
			`Cannot ${OPERATION}: the stored position is not a System Log query`,
			{
				description: `Expected a path starting with ${LOGS_PATH}?, got ${JSON.stringify(String(cursor).slice(0, 200))}.`,
			},
		);
	}
	const orgUrl = await oktaOrgUrl.call(this);
	const read: LogRead = { events: [], cursor, caughtUp: false };
	const stop = options.onRateLimit === 'stop';
	for (let page = 0; page < Math.max(1, options.maxPages); page++) {
		const requested = read.cursor;
		const response = await oktaRequest
			.call(this, {
				method: 'GET',
				path: requested,
				operation: OPERATION,
				area: 'systemLog',
				...(stop ? { rateLimitRetries: 0, allowStatuses: [429] } : {}),
			})
			.catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
		if (response instanceof Error) {
			// oktaRequest fails only with NodeApiError / NodeOperationError, with Okta's words and advice.
			if (page === 0) throw response;
			read.stoppedBy = oktaApiStatus(response) === 429 ? 'rateLimit' : 'error';
			if (read.stoppedBy === 'error') read.error = response;
			return read;
		}
		if (response.statusCode === 429) {
			read.stoppedBy = 'rateLimit';
			return read;
		}
		if (!Array.isArray(response.body)) {
			const error = new NodeOperationError(
				this.getNode(),
				`Okta's answer to ${OPERATION} is not a list of events`,
				{ description: `Check the Okta org URL in the credential (${orgUrl}).` },
			);
			if (page === 0) throw error;
			return { ...read, stoppedBy: 'error', error };
		}
		const events = response.body as LogEvent[];
		read.events.push(...events);
		const [nextLink] = linksWithRel(headerEntries(response.headers, 'link'), 'next');
		const resolved = nextLink === undefined ? undefined : cursorFromNextLink(nextLink, orgUrl);
		// A next link elsewhere on the org would be refused as a stored position at the next read.
		const next = resolved?.startsWith(`${LOGS_PATH}?`) ? resolved : undefined;
		if (nextLink !== undefined && next === undefined) {
			read.stoppedBy = 'error';
			read.error = new NodeOperationError(
				this.getNode(),
				`Okta's next System Log link is not a System Log query on the org's address; it was not followed`,
				{ description: `The org is ${orgUrl}; credentials are only sent there.` },
			);
			// The events of this page stay; without a next link of the org, re-reading this page is the only safe resume.
			return read;
		}
		// Okta always sends a next link on a polling query; without one, this page is read again next time.
		if (next !== undefined) read.cursor = next;
		const limit = pageLimit(requested);
		if (next === undefined || limit === 0 || events.length < limit) {
			read.caughtUp = true;
			return read;
		}
	}
	return read;
}

/** The latest event of the selection in the last `days` (≤ 90): a bounded query, sortOrder=DESCENDING&limit=1 with since. */
export async function latestLogEvent(
	this: OktaContext,
	selection: LogSelection | string,
	days = RETENTION_DAYS,
): Promise<LogEvent | undefined> {
	const span = Math.min(Math.max(days, 0), RETENTION_DAYS);
	const query = new URLSearchParams({
		filter: logFilterOf(selection),
		since: new Date(Date.now() - span * DAY_MS).toISOString(),
		sortOrder: 'DESCENDING',
		limit: '1',
	});
	const { body } = await oktaRequest.call(this, {
		method: 'GET',
		path: `${LOGS_PATH}?${query.toString()}`,
		operation: 'read the latest event from the System Log',
		area: 'systemLog',
	});
	return Array.isArray(body) && body.length > 0 ? (body[0] as LogEvent) : undefined;
}
