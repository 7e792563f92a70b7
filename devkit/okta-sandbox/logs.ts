/**
 * The org's System Log and `GET /api/v1/logs`, per Okta's System Log API documentation:
 * - every event has a persistence time apart from `published`: `add(…, { lagSeconds })` makes
 *   events published that long ago but persisted now, after events published later;
 * - a polling query (no `until`, ASCENDING) is ordered by persistence time and `since` bounds the
 *   persistence time; its `rel="next"` link is always present, even with no new events, and
 *   resumes exactly after what was returned (events persisted later included). Any other query
 *   is bounded: ordered by `published` (ASCENDING or DESCENDING), `since` (default 7 days before
 *   `until`) and `until` bound `published`, and a next link only when more results exist;
 * - `after` is opaque (an encoded position, never a uuid); `since` and `after` are mutually
 *   exclusive; a `since` over 180 days back is refused; nothing published over 90 days ago is
 *   returned; `limit` 0..1000 (default 100); `filter` a SCIM expression (logFilter.ts; invalid:
 *   E0000053); `q` up to 10 keywords of up to 40 characters, all of which must occur.
 * Choices where Okta is silent: `until` is exclusive; the sandbox's 400 causes are its own words
 * except the 180-day one; the next link keeps every parameter but `since` (replaced by `after`).
 */
import { oktaError, validationFailed } from './errors';
import { FilterError, parseLogFilter } from './logFilter';
import type { LogEvent } from './types';

const DAY_MS = 86_400_000;
const RETENTION_MS = 90 * DAY_MS;
const MAX_SINCE_MS = 180 * DAY_MS;
const DEFAULT_SPAN_MS = 7 * DAY_MS;
const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;

interface LogEntry {
	event: LogEvent;
	persistedAt: number;
	/** Insertion order; with persistedAt never decreasing, it is the persistence order. */
	seq: number;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string | string[]> };

/** Positions are `<kind>.<time>.<seq>`, base64url-encoded: opaque to clients, exact for the sandbox. */
function encodeAfter(kind: 'p' | 'b', time: number, seq: number): string {
	return Buffer.from(`${kind}.${time}.${seq}`).toString('base64url');
}

function decodeAfter(after: string): { kind: 'p' | 'b'; time: number; seq: number } | undefined {
	const m = /^([pb])\.(\d+)\.(\d+)$/.exec(Buffer.from(after, 'base64url').toString('utf8'));
	return m ? { kind: m[1] as 'p' | 'b', time: Number(m[2]), seq: Number(m[3]) } : undefined;
}

const badParameter = (name: string, cause: string): Answer => ({
	status: 400,
	body: validationFailed([`${name}: ${cause}`], name),
});
const invalidDate = (): Answer => ({
	status: 400,
	body: oktaError(
		'E0000030',
		"Bad request. Invalid date. Dates must be of the form yyyy-MM-dd'T'HH:mm:ss.SSSZZ, e.g. 2013-01-01T12:00:00.000-07:00.",
	),
});

export class SystemLog {
	private entries: LogEntry[] = [];
	private readonly uuids = new Set<string>();
	private seq = 0;
	private lastPersistedAt = 0;
	/** The latest `published` in the log: events made faster than one a millisecond are stamped ahead of the clock. */
	private lastPublishedAt = 0;

	/**
	 * Persists events now (those already in the log are skipped) and returns the ones added. With
	 * `lagSeconds`, each is first given `published` that long ago: it becomes visible after events
	 * published later, as Okta's delayed persistence does.
	 */
	add(events: LogEvent[], options: { lagSeconds?: number } = {}): LogEvent[] {
		const added: LogEvent[] = [];
		this.lastPersistedAt = Math.max(this.lastPersistedAt, Date.now());
		for (const event of events) {
			if (this.uuids.has(event.uuid)) continue;
			if (options.lagSeconds !== undefined)
				event.published = new Date(this.lastPersistedAt - options.lagSeconds * 1000).toISOString();
			this.uuids.add(event.uuid);
			this.lastPublishedAt = Math.max(this.lastPublishedAt, Date.parse(event.published) || 0);
			this.entries.push({ event, persistedAt: this.lastPersistedAt, seq: ++this.seq });
			added.push(event);
		}
		return added;
	}

	/** Every event, in persistence order. */
	events(): LogEvent[] {
		return this.entries.map((entry) => entry.event);
	}

	clear(): void {
		this.entries = [];
		this.uuids.clear();
		this.lastPublishedAt = 0;
	}

	query(url: URL, orgUrl: string, now = Date.now()): Answer {
		const q = url.searchParams;
		const time = (name: string): number | undefined | null => {
			const value = q.get(name);
			if (value === null || value === '') return undefined;
			const t = Date.parse(value);
			return Number.isNaN(t) ? null : t;
		};
		const since = time('since');
		const until = time('until');
		if (since === null || until === null) return invalidDate();
		const afterText = q.get('after');
		if (afterText !== null && since !== undefined)
			return badParameter('since', 'The since and after parameters cannot be used together.');
		if (since !== undefined && since < now - MAX_SINCE_MS)
			return badParameter('since', 'The since parameter is over 180 days prior to the current day');

		const limitText = q.get('limit');
		const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
		if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT)
			return badParameter('limit', `The limit must be an integer from 0 to ${MAX_LIMIT}.`);
		const sortOrder = (q.get('sortOrder') ?? 'ASCENDING').toUpperCase();
		if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING')
			return badParameter('sortOrder', 'The sortOrder must be ASCENDING or DESCENDING.');
		const keywords = (q.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
		if (keywords.length > 10 || keywords.some((k) => k.length > 40))
			return badParameter('q', 'At most 10 keywords of at most 40 characters each.');

		let matches: (event: LogEvent) => boolean = () => true;
		const filter = q.get('filter');
		if (filter) {
			try {
				matches = parseLogFilter(filter);
			} catch (error) {
				if (!(error instanceof FilterError)) throw error;
				return {
					status: 400,
					body: oktaError('E0000053', 'Invalid search criteria.', [`filter: ${error.message}`]),
				};
			}
		}
		const polling = until === undefined && sortOrder === 'ASCENDING';
		const after = afterText === null ? undefined : decodeAfter(afterText);
		if (afterText !== null && (!after || after.kind !== (polling ? 'p' : 'b')))
			return badParameter('after', 'The after cursor is not valid for this query.');

		const oldest = now - RETENTION_MS;
		const wanted = (entry: LogEntry) => {
			const published = Date.parse(entry.event.published);
			if (published < oldest || !matches(entry.event)) return false;
			const text = keywords.length ? JSON.stringify(entry.event).toLowerCase() : '';
			return keywords.every((k) => text.includes(k));
		};

		let page: LogEntry[];
		let nextAfter: string | undefined;
		if (polling) {
			// Entries are kept in persistence order; a position is (persistedAt, seq).
			const from = after
				? this.entries.findIndex((e) => e.seq > after.seq)
				: this.entries.findIndex((e) => e.persistedAt >= (since ?? now - DEFAULT_SPAN_MS));
			const scan = from < 0 ? [] : this.entries.slice(from);
			page = [];
			let scanned = from < 0 ? this.entries.length : from;
			for (const entry of scan) {
				if (page.length >= limit) break;
				scanned++;
				if (wanted(entry)) page.push(entry);
			}
			// Resume after the last entry looked at (before the first one, when none was).
			const last = this.entries[scanned - 1];
			nextAfter = encodeAfter('p', last?.persistedAt ?? 0, last?.seq ?? 0);
		} else {
			// Okta's default `until` is now; an event the sandbox stamped ahead of the clock has happened too.
			const upper = until ?? Math.max(now, this.lastPublishedAt + 1);
			const lower = since ?? upper - DEFAULT_SPAN_MS;
			const sign = sortOrder === 'ASCENDING' ? 1 : -1;
			const key = (e: LogEntry) => Date.parse(e.event.published);
			const ordered = this.entries
				.filter((e) => key(e) >= lower && key(e) < upper && wanted(e))
				.sort((a, b) => sign * (key(a) - key(b) || a.seq - b.seq));
			const start = after
				? ordered.findIndex((e) => sign * (key(e) - after.time || e.seq - after.seq) > 0)
				: 0;
			const rest = start < 0 ? [] : ordered.slice(start);
			page = rest.slice(0, limit);
			const last = page.at(-1);
			if (rest.length > limit && last) nextAfter = encodeAfter('b', key(last), last.seq);
		}

		const self = `${orgUrl}${url.pathname}${url.search}`;
		const links = [`<${self}>; rel="self"`];
		if (nextAfter !== undefined) {
			const next = new URL(self);
			next.searchParams.delete('since');
			next.searchParams.set('after', nextAfter);
			links.push(`<${next.toString()}>; rel="next"`);
		}
		// Two link headers, as Okta sends them.
		return { status: 200, body: page.map((e) => e.event), headers: { Link: links } };
	}
}
