import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';

import { toEventItem } from './eventItem';
import { logSelectionOf, subscribes } from './subscription';
import type { Subscription } from './subscription';
import { SeenEvents } from './seenEvents';
import { OKTA_TIMEOUT_MS } from '../okta/http';
import { firstLogCursor, latestLogEvent, logFilterOf, readLog } from '../okta/systemLog';
import type { LogCursor } from '../okta/systemLog';
import type { LogEvent } from '../okta/payloads';

/**
 * Where the trigger stands, in the node's static data. n8n (2.41) persists it in two ways:
 * - default mode: saved when a poll emits (before the execution runs) and after every activation
 *   (publish and each n8n start); a poll that emits nothing keeps its changes in memory only. So
 *   after a restart the trigger resumes from the last emit or activation: it reads some pages
 *   again, and `seen` (saved with the cursor at every emit) drops what was already emitted.
 * - durable mode (publication service with durable cursors): staged per poll and committed with
 *   the execution it starts, or alone when it emits nothing (but not for the activation poll); a
 *   poll that throws commits nothing. Hence the first cursor in global static data (firstCursor).
 */
export interface PollState extends IDataObject {
	/** Okta's last rel="next" link (path + query), or the first polling query. */
	cursor?: LogCursor;
	/** When the cursor last read successfully (ms since epoch): a position older than Okta's retention is dropped. */
	readAt?: number;
	/** The uuids emitted most recently, oldest first: Okta may return a lagged event again. */
	seen?: string[];
	/** Polls in a row that Okta's rate limit stopped before any page. */
	rateLimitedPolls?: number;
	/** The System Log filter the cursor reads with (absent in state from before event type choices). */
	filter?: string;
}

export interface PollLimits {
	/** Events per page (Okta allows 1000). */
	pageSize: number;
	/** Pages per poll; the rest is read by the next poll. */
	maxPages: number;
}

/** Up to 5 × 1000 events per poll (1 request per minute when idle): a small share of Okta's per-org log bucket. */
export const POLL_LIMITS: PollLimits = { pageSize: 1000, maxPages: 5 };
/** Okta keeps 90 days of System Log. */
export const RETENTION_DAYS = 90;
const DAY_MS = 86_400_000;
/** Re-returned events come back within minutes; 1,000 uuids (~40 kB of static data) cover far more. */
export const SEEN_CAPACITY = 1_000;
/** One rate-limited minute is normal (SIEMs share the bucket); this many polls in a row is reported. */
export const RATE_LIMITED_POLLS_BEFORE_ERROR = 5;

/** The Catch Up option (days before the first poll), clamped to what Okta keeps; 0 without it. */
function catchUpDays(context: IPollFunctions): number {
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const days = Number(options.catchUpDays ?? 0);
	return Number.isFinite(days) ? Math.min(Math.max(days, 0), RETENTION_DAYS) : 0;
}

/**
 * Where this poll continues: the stored cursor; for a position older than Okta's retention, the
 * oldest event Okta still has (everything emitted before it has left the log too); undefined on
 * the first poll.
 */
export function resumeCursor(
	state: PollState,
	now: number,
	pageSize: number,
	subscription: Subscription,
): LogCursor | undefined {
	if (typeof state.cursor !== 'string') return undefined;
	const selection = logSelectionOf(subscription);
	const oldest = now - RETENTION_DAYS * DAY_MS;
	// Other event types or filter chosen since: the new query from the last successful read on
	// (what was emitted since then is in `seen`), so no event of a type still chosen is skipped.
	if (state.filter !== undefined && state.filter !== logFilterOf(selection))
		return firstLogCursor(selection, new Date(Math.max(state.readAt ?? now, oldest)), pageSize);
	if (state.readAt === undefined || now - state.readAt <= RETENTION_DAYS * DAY_MS)
		return state.cursor;
	return firstLogCursor(selection, new Date(oldest), pageSize);
}

/** The node's first cursor, as kept in the workflow's global static data. */
export interface FirstStart extends IDataObject {
	node: string;
	at: number;
	cursor: LogCursor;
	/** The filter of the cursor (absent in state from before event type choices). */
	filter?: string;
}

const FIRST_START_KEY = 'oktaMfaPreregistrationPollStart';

/**
 * The first cursor of this node: events from its first poll on (or from the Catch Up days before),
 * made once and kept in the workflow's GLOBAL static data. Why: in durable mode n8n commits nothing
 * from the poll it runs at activation when that poll emits nothing, so the next poll would start
 * later and skip the events in between; n8n saves global static data after every activation in
 * both modes. Checked against the node's name: a renamed node (whose node static data n8n drops in
 * default mode) starts afresh instead of replaying from an old publish.
 */
function firstCursor(
	context: IPollFunctions,
	now: number,
	pageSize: number,
	subscription: Subscription,
): LogCursor {
	const selection = logSelectionOf(subscription);
	const filter = logFilterOf(selection);
	const global = context.getWorkflowStaticData('global');
	const { id, name } = context.getNode();
	const key = `${FIRST_START_KEY}:${id}`;
	const kept = global[key] as Partial<FirstStart> | undefined;
	if (
		kept?.node === name &&
		typeof kept.cursor === 'string' &&
		typeof kept.at === 'number' &&
		now - kept.at <= RETENTION_DAYS * DAY_MS &&
		(kept.filter === undefined || kept.filter === filter)
	)
		return kept.cursor;
	const since = new Date(now - catchUpDays(context) * DAY_MS);
	const first: FirstStart = {
		node: name,
		at: now,
		cursor: firstLogCursor(selection, since, pageSize),
		filter,
	};
	global[key] = first;
	return first.cursor;
}

/** Pages that fit in the poll's time budget (each may take Okta's 30 s, one is kept for a token request). */
export function pagesWithinBudget(budgetMs: number | undefined, maxPages: number): number {
	if (budgetMs === undefined || !Number.isFinite(budgetMs)) return maxPages;
	return Math.min(Math.max(Math.floor(budgetMs / OKTA_TIMEOUT_MS) - 1, 1), maxPages);
}

const publishedAt = (event: LogEvent) => {
	const time = Date.parse(String(event.published));
	return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
};

/**
 * The events of the type not emitted before, oldest `published` first (Okta returns them by
 * persistence time); each uuid is recorded in `seen`. An event without a uuid cannot be recognised
 * again: it is emitted rather than lost.
 */
export function newEvents(
	events: LogEvent[],
	seen: SeenEvents,
	subscription: Subscription,
): LogEvent[] {
	const fresh: LogEvent[] = [];
	for (const event of events) {
		if (event === null || typeof event !== 'object') continue;
		if (!subscribes(subscription, event.eventType)) continue;
		const uuid = typeof event.uuid === 'string' ? event.uuid : undefined;
		if (uuid !== undefined) {
			if (seen.has(uuid)) continue;
			seen.add(uuid);
		}
		fresh.push(event);
	}
	// Array.prototype.sort is stable: events with the same (or no) time keep Okta's order.
	return fresh.sort((a, b) => publishedAt(a) - publishedAt(b));
}

function rateLimitError(context: IPollFunctions, polls: number): NodeApiError {
	return new NodeApiError(
		context.getNode(),
		{ httpCode: '429' },
		{
			message: `Okta's rate limit for the System Log stopped the last ${polls} polls before they read anything`,
			description:
				"No event is lost: the trigger continues from where it stopped as soon as Okta allows. Every integration that reads the System Log (a SIEM, for example) shares your org's per-minute limit for /api/v1/logs: check Okta's rate-limit dashboard (Reports > Rate Limits), poll less often here, or lower the other readers' rate.",
			httpCode: '429',
		},
	);
}

/** What Fetch Test Event says when the log has no event of the subscription. */
export interface NoSampleYet {
	message: string;
	description: string;
}

/** Fetch Test Event: the latest real event of the subscription in Okta's 90 days, emitted or not. */
async function latestSample(
	this: IPollFunctions,
	subscription: Subscription,
	noSample: NoSampleYet,
): Promise<INodeExecutionData[][]> {
	const event = await latestLogEvent.call(this, logSelectionOf(subscription), RETENTION_DAYS);
	if (event === undefined) {
		throw new NodeOperationError(this.getNode(), noSample.message, {
			description: noSample.description,
		});
	}
	return [[{ json: toEventItem({ event }, subscription.profile) }]];
}

/**
 * One poll: at most `limits.maxPages` pages (fewer when n8n's time budget is short) from the stored
 * cursor, one item per new event, oldest first. A 429 stops the read and keeps the cursor without
 * an error (the next poll catches up) until it has stopped several polls in a row. Any other
 * failure keeps the cursor: an error when nothing new was read, else the new events are emitted
 * and the next poll continues after them.
 */
export async function pollEvents(
	this: IPollFunctions,
	subscription: Subscription,
	noSample: NoSampleYet,
	limits: PollLimits = POLL_LIMITS,
): Promise<INodeExecutionData[][] | null> {
	if (this.getMode() === 'manual') return await latestSample.call(this, subscription, noSample);

	const state = this.getWorkflowStaticData('node') as PollState;
	const now = Date.now();
	const cursor =
		resumeCursor(state, now, limits.pageSize, subscription) ??
		firstCursor(this, now, limits.pageSize, subscription);
	// Only n8n's durable poller gives a budget (n8n-workflow 2.8 has no such method; 2.41 has).
	const { getPollBudgetMs } = this as Partial<{ getPollBudgetMs: () => number }>;
	const budget = typeof getPollBudgetMs === 'function' ? getPollBudgetMs.call(this) : undefined;
	const read = await readLog.call(this, cursor, {
		maxPages: pagesWithinBudget(budget, limits.maxPages),
		onRateLimit: 'stop',
	});

	const seen = SeenEvents.fromList(state.seen, SEEN_CAPACITY);
	const fresh = newEvents(read.events, seen, subscription);
	const stoppedBeforeAnyPage = read.stoppedBy === 'rateLimit' && read.events.length === 0;
	state.cursor = read.cursor;
	state.filter = logFilterOf(logSelectionOf(subscription));
	if (!stoppedBeforeAnyPage) state.readAt = now;
	if (fresh.length > 0) state.seen = seen.toJSON();
	state.rateLimitedPolls = stoppedBeforeAnyPage ? (state.rateLimitedPolls ?? 0) + 1 : 0;
	if (fresh.length === 0) {
		if (state.rateLimitedPolls >= RATE_LIMITED_POLLS_BEFORE_ERROR)
			throw rateLimitError(this, state.rateLimitedPolls);
		if (read.stoppedBy === 'error' && read.error) throw read.error;
		return null;
	}
	if (read.stoppedBy === 'error')
		this.logger.warn(
			`${subscription.label}: a later System Log page failed (${read.error?.message}); the next poll continues after the ${fresh.length} new event(s) emitted now`,
		);
	return [fresh.map((event) => ({ json: toEventItem({ event }, subscription.profile) }))];
}
