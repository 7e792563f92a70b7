/** The polling trigger's decisions that need no Okta: where a poll starts, how much it reads, what is new. */
import {
	POLL_LIMITS,
	RETENTION_DAYS,
	newEvents,
	pagesWithinBudget,
	resumeCursor,
} from '../../../nodes/events/pollLog';
import { SeenEvents } from '../../../nodes/events/seenEvents';
import { makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { MFA_PREREGISTRATION as MFA } from '../../../nodes/events/mfaPreregistration';

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
