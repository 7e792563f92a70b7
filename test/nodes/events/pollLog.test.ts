/** The polling trigger's decisions that need no Okta: where a poll starts, how much it reads, what is new. */
import {
	POLL_LIMITS,
	RETENTION_DAYS,
	newEvents,
	pagesWithinBudget,
	resumeCursor,
} from '../../../nodes/events/pollLog';
import { SeenEvents } from '../../../nodes/events/seenEvents';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { MFA_PREREGISTRATION as MFA } from '../../../nodes/events/mfaPreregistration';
import type { Subscription } from '../../../nodes/events/subscription';
import { firstLogCursor, logFilterOf } from '../../../nodes/okta/systemLog';

const DAY_MS = 86_400_000;
const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function queryOf(cursor: string) {
	const [path, query] = cursor.split('?');
	return { path, params: Object.fromEntries(new URLSearchParams(query)) };
}

describe('where a later poll continues', () => {
	it('nowhere stored on the first poll (the node makes its first cursor then)', () => {
		expect(resumeCursor({}, NOW, 1000, MFA)).toBeUndefined();
	});

	it('from the stored cursor', () => {
		const stored = '/api/v1/logs?after=abc&limit=1000';
		expect(resumeCursor({ cursor: stored, readAt: NOW - 60_000 }, NOW, 1000, MFA)).toBe(stored);
	});

	it("from the oldest event Okta keeps, when the stored position is older than Okta's retention", () => {
		const readAt = NOW - (RETENTION_DAYS + 1) * DAY_MS;
		const { path, params } = queryOf(
			resumeCursor({ cursor: '/api/v1/logs?after=old', readAt }, NOW, 1000, MFA)!,
		);
		expect(path).toBe('/api/v1/logs');
		expect(params).toEqual({
			filter: 'eventType eq "system.mfa.preregister.initiate"',
			since: new Date(NOW - RETENTION_DAYS * DAY_MS).toISOString(),
			sortOrder: 'ASCENDING',
			limit: '1000',
		});
	});
});

describe('where a poll continues after the choice of events changed', () => {
	const CREATE = 'user.lifecycle.create';
	const GROUP_ADD = 'group.user_membership.add';
	const chosen = (eventTypes: string[], logFilter?: string): Subscription => ({
		label: 'Okta Polling Trigger',
		eventTypes,
		logFilter,
		profile: 'event',
	});
	const both = chosen([CREATE, GROUP_ADD]);
	const stored = '/api/v1/logs?after=abc&limit=1000';
	const filterOf = (subscription: Subscription) =>
		logFilterOf({ eventTypes: subscription.eventTypes, filter: subscription.logFilter });

	it('keeps the stored cursor when the choice is the one it reads with', () => {
		const state = { cursor: stored, readAt: NOW - 60_000, filter: filterOf(both) };
		expect(resumeCursor(state, NOW, 1000, both)).toBe(stored);
		const withFilter = chosen([CREATE], 'outcome.result eq "SUCCESS"');
		expect(resumeCursor({ ...state, filter: filterOf(withFilter) }, NOW, 1000, withFilter)).toBe(
			stored,
		);
	});

	it('restarts from its last read with the new query when other types are chosen', () => {
		const readAt = NOW - 5 * 60_000;
		const before = { cursor: stored, readAt, filter: filterOf(chosen([CREATE])) };
		const cursor = resumeCursor(before, NOW, 1000, both)!;
		expect(cursor).toBe(
			firstLogCursor({ eventTypes: [CREATE, GROUP_ADD] }, new Date(readAt), 1000),
		);
		expect(queryOf(cursor).params).toEqual({
			filter: `eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}"`,
			since: new Date(readAt).toISOString(),
			sortOrder: 'ASCENDING',
			limit: '1000',
		});
		// Fewer types is a change too.
		const fewer = resumeCursor(
			{ ...before, filter: filterOf(both) },
			NOW,
			200,
			chosen([GROUP_ADD]),
		);
		expect(queryOf(fewer!).params).toMatchObject({
			filter: `eventType eq "${GROUP_ADD}"`,
			since: new Date(readAt).toISOString(),
			limit: '200',
		});
	});

	it('restarts from its last read when only the System Log filter changed', () => {
		const readAt = NOW - 60_000;
		const state = { cursor: stored, readAt, filter: filterOf(both) };
		const narrower = chosen([CREATE, GROUP_ADD], 'outcome.result eq "SUCCESS"');
		expect(queryOf(resumeCursor(state, NOW, 1000, narrower)!).params).toMatchObject({
			filter: `(eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}") and (outcome.result eq "SUCCESS")`,
			since: new Date(readAt).toISOString(),
		});
	});

	it("restarts no earlier than Okta's retention, and from now when it never read", () => {
		const old = { cursor: stored, readAt: NOW - (RETENTION_DAYS + 5) * DAY_MS, filter: 'x' };
		expect(queryOf(resumeCursor(old, NOW, 1000, both)!).params.since).toBe(
			new Date(NOW - RETENTION_DAYS * DAY_MS).toISOString(),
		);
		const neverRead = { cursor: stored, filter: 'x' };
		expect(queryOf(resumeCursor(neverRead, NOW, 1000, both)!).params.since).toBe(
			new Date(NOW).toISOString(),
		);
	});

	it('keeps the stored cursor of state from before event type choices (no filter stored)', () => {
		const legacy = { cursor: stored, readAt: NOW - 60_000 };
		expect(resumeCursor(legacy, NOW, 1000, MFA)).toBe(stored);
		expect(resumeCursor(legacy, NOW, 1000, both)).toBe(stored);
	});
});

describe("how much a poll reads within n8n's time budget", () => {
	it('reads the fixed number of pages under the default 5-minute budget or without one', () => {
		expect(pagesWithinBudget(5 * 60_000, POLL_LIMITS.maxPages)).toBe(POLL_LIMITS.maxPages);
		expect(pagesWithinBudget(undefined, POLL_LIMITS.maxPages)).toBe(POLL_LIMITS.maxPages);
	});

	it("reads fewer pages when each could take Okta's 30 s, and always at least one", () => {
		expect(pagesWithinBudget(90_000, 5)).toBe(2);
		expect(pagesWithinBudget(60_000, 5)).toBe(1);
		expect(pagesWithinBudget(1_000, 5)).toBe(1);
	});
});

describe('what is new in a read', () => {
	it('keeps only unseen events of the type, oldest published first, and remembers them', () => {
		const [a, b, c] = [0, 1, 2].map(() => makeMfaPreregisterEvent());
		const other = { ...makeMfaPreregisterEvent(), eventType: 'user.session.start' };
		const seen = new SeenEvents(10);
		seen.add(a.uuid);
		// Okta's order is persistence time: c was persisted before b.
		const fresh = newEvents([a, c, other, b, c], seen, MFA);
		expect(fresh.map((e) => e.uuid)).toEqual([b.uuid, c.uuid]);
		expect(seen.toJSON()).toEqual([a.uuid, c.uuid, b.uuid]);
		expect(newEvents([b, c], seen, MFA)).toEqual([]);
	});

	it('emits an event without a uuid rather than lose it, and keeps Okta order for equal times', () => {
		const first = { ...makeMfaPreregisterEvent(), uuid: undefined };
		const second = { ...makeMfaPreregisterEvent(), published: first.published };
		const fresh = newEvents([first, second], new SeenEvents(10), MFA);
		expect(fresh).toEqual([first, second]);
	});
});

describe('what is new in a read of several types', () => {
	it('keeps only events of the chosen types, oldest first, and remembers only those', () => {
		const chosen: Subscription = {
			label: 'Okta Polling Trigger',
			eventTypes: ['user.lifecycle.create', 'group.user_membership.add'],
			profile: 'event',
		};
		const create = makeEventOfType('user.lifecycle.create');
		const session = makeEventOfType('user.session.start');
		const group = makeEventOfType('group.user_membership.add');
		const mfa = makeMfaPreregisterEvent();
		const seen = new SeenEvents(10);
		// Okta's order is persistence time: group was persisted before create.
		const fresh = newEvents([mfa, group, session, create], seen, chosen);
		expect(fresh.map((event) => event.uuid)).toEqual([create.uuid, group.uuid]);
		expect([...seen.toJSON()].sort()).toEqual([create.uuid, group.uuid].sort());
		expect(newEvents([create, group, session], seen, chosen)).toEqual([]);
		// The MFA preset, on the same read, keeps only its own type.
		expect(newEvents([mfa, group, session, create], new SeenEvents(10), MFA)).toEqual([mfa]);
	});
});
