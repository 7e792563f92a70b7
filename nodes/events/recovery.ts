import { sleep } from 'n8n-workflow';
import type { IDataObject, IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { oktaApiStatus } from '../okta/errors';
import type { LogEvent } from '../okta/payloads';
import { firstLogCursor, readLog } from '../okta/systemLog';
import type { LogCursor, LogRead } from '../okta/systemLog';
import { logSelectionOf, subscribes } from './subscription';
import type { Subscription } from './subscription';
import { UUIDS_PER_REGISTRATION, seenEventsFor } from './seenEvents';
import type { SeenEvents } from './seenEvents';
import { EventClaims } from './claims';
import type { Claim } from './claims';
import { emittedKey, splitKeys } from './emittedKeys';

/**
 * Recovering what Okta recorded in its System Log but could not deliver (n8n down longer than
 * Okta's one retry, a 5xx, a timeout, a broken hook).
 *
 * Why the log is read inside webhook(), before n8n answers Okta: n8n 2.41 builds the execution from
 * what webhook() returns and answers an `onReceived` webhook only after WorkflowRunner.run has
 * created it (webhook-helpers.js, shouldDeferOnReceivedResponse); a webhook node has no way to add
 * items to that run, or to start another, once webhook() has returned. So recovered events can ride
 * in the same run as the live ones only if they are read before the answer. Reading after the
 * answer would hold them until the next delivery, which for this event can be days away. The cost
 * to Okta's 3 s is bounded instead: at most one read a minute (unless the last one found missed
 * events), one page, a 429 stops rather than waits, and a read still running after READ_BUDGET_MS
 * is left to finish on its own: the live events go on without it, and its page is used by the next
 * delivery, so nothing is read twice or lost.
 */

/** Events per System Log page. */
export const LOG_PAGE_SIZE = 200;
/** At most one read per minute per registration while nothing was missed. */
export const READ_INTERVAL_MS = 60_000;
/** Longest a read may hold up Okta's answer (Okta waits 3 s). */
export const READ_BUDGET_MS = 1_000;
/**
 * A logged event younger than this may still be on its way as a delivery (Okta waits 3 s, then
 * retries once): recovery leaves it for Okta, so that it arrives with its delivery's fields, and
 * reads it again next time.
 */
export const SETTLE_MS = 30_000;
/**
 * How many emitted events static data keeps (as keys) so a restart does not recover them again:
 * what the in-memory duplicate filter keeps, enough for every event delivered between two reads
 * of the log (up to two minutes) at 80 a second.
 */
const STORED_KEYS = UUIDS_PER_REGISTRATION;

/** What the trigger keeps in static data for recovery (next to the hook's id and secret). */
export interface StoredRecovery {
	/** Where the next System Log read starts; set when the workflow is published. */
	logCursor?: LogCursor;
	/** Keys of the events emitted that the cursor may not have passed yet (emittedKeys.ts). */
	emittedKeys?: string;
}

/** The node's *Recover Missed Events* option (on by default). */
export function recoversMissedEvents(context: IHookFunctions | IWebhookFunctions): boolean {
	return context.getNodeParameter('recoverMissedEvents', true) !== false;
}

/** The first cursor of a registration: the subscription's events in the log from `since` on (no call to Okta). */
export function recoveryStart(subscription: Subscription, since: Date): LogCursor {
	return firstLogCursor(logSelectionOf(subscription), since, LOG_PAGE_SIZE);
}

interface FetchedPage {
	read: LogRead;
	startedAt: number;
}

/**
 * One hook registration's working state in this process. Okta sends deliveries back to back and in
 * parallel, and n8n loads static data afresh for each request and saves it after its answer, so a
 * delivery can see an older copy: the state lives here, static data is the copy for a restart.
 */
export class Registration {
	cursor: LogCursor;
	lastReadAt = Number.NEGATIVE_INFINITY;
	/** The last read found missed events, or stopped before the end: read at the next delivery. */
	readSoon = false;
	/** A read is running, or waits for the outcome of the delivery that carries its events. */
	busy = false;
	/** A read that finished after its delivery's answer: the next delivery uses it. */
	prefetched?: FetchedPage;
	/** Why the log cannot be read with this credential (logged once); recovery is off. */
	cannotRead?: string;

	constructor(
		readonly subscription: Subscription,
		readonly claims: EventClaims,
		stored: StoredRecovery,
	) {
		// Published before recovery existed: start now.
		this.cursor =
			typeof stored.logCursor === 'string'
				? stored.logCursor
				: recoveryStart(subscription, new Date());
		claims.restore(splitKeys(stored.emittedKeys));
	}
}

const registrations = new WeakMap<SeenEvents, Registration>();

/**
 * The registration of one hook (key: mode, n8n webhook id, Okta hook id), from static data the
 * first time this process sees it. It hangs off the registration's duplicate filter, so the
 * filter's bounded registry decides how long it lives.
 */
export function registrationFor(
	key: string,
	subscription: Subscription,
	stored: StoredRecovery,
): Registration {
	const seen = seenEventsFor(key);
	let registration = registrations.get(seen);
	if (!registration) {
		registration = new Registration(subscription, new EventClaims(seen, STORED_KEYS), stored);
		registrations.set(seen, registration);
	}
	return registration;
}

function due(registration: Registration, now: number): boolean {
	if (registration.cannotRead !== undefined || registration.busy) return false;
	return (
		registration.prefetched !== undefined ||
		registration.readSoon ||
		now - registration.lastReadAt >= READ_INTERVAL_MS
	);
}

/** 401/403: this credential may not read the log (e.g. no okta.logs.read); anything else may pass. */
function noteReadFailure(context: IWebhookFunctions, registration: Registration, error: unknown) {
	const status = oktaApiStatus(error);
	const reason = error instanceof Error ? error.message : String(error);
	const workflow = context.getWorkflow();
	const where = `workflow "${workflow.name ?? ''}" (${workflow.id ?? ''}), node "${context.getNode().name}"`;
	if (status === 401 || status === 403) {
		registration.cannotRead = reason;
		context.logger.warn(
			`${registration.subscription.label}: missed events are not recovered for ${where}: ${reason}. Deliveries still run. Grant okta.logs.read (and an admin role that may read the System Log), then publish the workflow again.`,
		);
	} else {
		context.logger.warn(
			`${registration.subscription.label}: could not read the System Log for ${where} (tried again in a minute): ${reason}`,
		);
	}
}

const TIMED_OUT = Symbol('timed out');

async function readWithinBudget(
	context: IWebhookFunctions,
	registration: Registration,
): Promise<FetchedPage | undefined> {
	const startedAt = Date.now();
	registration.lastReadAt = startedAt;
	const reading = readLog
		.call(context, registration.cursor, { maxPages: 1, onRateLimit: 'stop' })
		.then(
			(read): FetchedPage => ({ read, startedAt }),
			(error: unknown) => {
				noteReadFailure(context, registration, error);
				return undefined;
			},
		);
	const first = await Promise.race([
		reading,
		sleep(READ_BUDGET_MS).then((): typeof TIMED_OUT => TIMED_OUT),
	]);
	if (first !== TIMED_OUT) {
		if (first === undefined) registration.busy = false;
		return first;
	}
	void reading.then((page) => {
		registration.prefetched = page;
		registration.busy = false;
	});
	return undefined;
}

function publishedTime(event: LogEvent): number {
	return Date.parse(String(event.published ?? ''));
}

/**
 * The events of a page that were not delivered, taken for this delivery's run. A logged event whose
 * delivery may still come (young, or held by a parallel delivery) is left for next time: the cursor
 * goes back to it instead of past it.
 */
function takeMissed(registration: Registration, claim: Claim, page: FetchedPage, now: number) {
	const missed: LogEvent[] = [];
	let oldestLeft: number | undefined;
	for (const event of page.read.events) {
		if (!subscribes(registration.subscription, event?.eventType) || typeof event.uuid !== 'string')
			continue;
		const { uuid } = event;
		if (claim.uuids.includes(uuid) || registration.claims.isDone(uuid)) continue;
		const published = publishedTime(event);
		const young = Number.isFinite(published) && published > now - SETTLE_MS;
		if (young || registration.claims.isPending(uuid)) {
			const from = Number.isFinite(published) ? published : now;
			oldestLeft = Math.min(oldestLeft ?? from, from);
			continue;
		}
		claim.takeNow(uuid);
		missed.push(event);
	}
	const { read } = page;
	const cursor =
		oldestLeft === undefined
			? read.cursor
			: recoveryStart(registration.subscription, new Date(oldestLeft));
	const complete = read.caughtUp && read.stoppedBy === undefined;
	return {
		missed,
		cursor,
		// Not soon when events were left: the cursor went back to them, and reading again before
		// they settle returns them again, at every delivery of a burst (a bulk preregistration).
		readSoon:
			oldestLeft === undefined &&
			(missed.length > 0 || (!read.caughtUp && read.stoppedBy === undefined)),
		// Once the cursor is past them, emitted events need no stored copy (Okta logs an event before
		// it delivers it). Our clock and Okta's differ: keep a margin.
		passedBefore: complete
			? Math.min(page.startedAt, (oldestLeft ?? Number.POSITIVE_INFINITY) - SETTLE_MS)
			: undefined,
	};
}

/**
 * Reads the log when due and takes the missed events into this delivery's claim. The cursor moves
 * on only if n8n creates the execution that carries them; otherwise they are read again.
 * Returns the events and the cursor to store with this delivery.
 */
export async function recoverMissed(
	context: IWebhookFunctions,
	registration: Registration,
	claim: Claim,
): Promise<{ events: LogEvent[]; cursor: LogCursor }> {
	const unchanged = { events: [], cursor: registration.cursor };
	if (!due(registration, Date.now())) return unchanged;
	registration.busy = true;
	const page = registration.prefetched ?? (await readWithinBudget(context, registration));
	registration.prefetched = undefined;
	if (!page) return unchanged;
	const taken = takeMissed(registration, claim, page, Date.now());
	void claim.settled.then((executionCreated) => {
		registration.busy = false;
		if (!executionCreated) {
			registration.readSoon = true;
			return;
		}
		registration.cursor = taken.cursor;
		registration.readSoon = taken.readSoon;
		if (taken.passedBefore !== undefined) registration.claims.forgetDoneBefore(taken.passedBefore);
	});
	return { events: taken.missed, cursor: taken.cursor };
}

/**
 * What static data must hold if n8n creates this delivery's execution (and not when it fails):
 * the cursor and the emitted events the cursor may not have passed. Written only when it changed;
 * returns whether it did.
 */
export function storeRecovery(
	staticData: StoredRecovery & IDataObject,
	registration: Registration,
	claim: Claim,
	cursor: LogCursor,
): boolean {
	const emittedKeys = [
		...registration.claims.doneSinceReadList(STORED_KEYS),
		...claim.uuids.map(emittedKey),
	]
		.slice(-STORED_KEYS)
		.join('');
	let changed = false;
	if (staticData.logCursor !== cursor) {
		staticData.logCursor = cursor;
		changed = true;
	}
	if (staticData.emittedKeys !== emittedKeys) {
		staticData.emittedKeys = emittedKeys;
		changed = true;
	}
	return changed;
}

/**
 * Recovery is off: nothing is kept for it, and its position moves along with the deliveries, so that
 * turning it on again later starts from then, not from a cursor that missed what ran meanwhile.
 * Returns whether static data changed (once, when recovery was on before).
 */
export function forgetRecovery(
	staticData: StoredRecovery & IDataObject,
	registration: Registration,
): boolean {
	registration.cursor = recoveryStart(registration.subscription, new Date());
	registration.claims.forgetDoneBefore(Number.POSITIVE_INFINITY);
	if (staticData.logCursor === undefined && staticData.emittedKeys === undefined) return false;
	delete staticData.logCursor;
	delete staticData.emittedKeys;
	return true;
}
