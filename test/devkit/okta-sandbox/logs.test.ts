/**
 * The sandbox's System Log, rule by rule as Okta documents its System Log API; every
 * answer is checked against the spec's LogEvent / Error schemas.
 */
import { request, expectRecordedResponsesMatchSpec } from '../../../devkit/okta-sandbox/apiClient';
import type { HttpAnswer } from '../../../devkit/okta-sandbox/apiClient';
import { startOktaSandbox, MFA_PREREGISTRATION_EVENT } from '../../../devkit/okta-sandbox';
import type { LogEvent, OktaSandbox } from '../../../devkit/okta-sandbox';

let sb: OktaSandbox;
beforeAll(async () => {
	sb = await startOktaSandbox({ logRateLimitPerMinute: 1000 });
});
afterAll(async () => sb?.close());
beforeEach(() => {
	sb.reset();
	sb.setLogRateLimit(1000);
});
afterEach(() => expectRecordedResponsesMatchSpec(sb.requests));

const MFA = `eventType eq "${MFA_PREREGISTRATION_EVENT}"`;
const logs = (query: Record<string, string>) =>
	request(sb, 'GET', `/api/v1/logs?${new URLSearchParams(query).toString()}`, { token: sb.token });
const follow = (link: string) => request(sb, 'GET', link.replace(sb.url, ''), { token: sb.token });
const uuids = (answer: HttpAnswer) => (answer.json as LogEvent[]).map((event) => event.uuid);
const agoIso = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

/** The URI of the link with this rel; Node joins Okta's two link headers with a comma. */
function link(answer: HttpAnswer, rel: string): string | undefined {
	const header = String(answer.headers.link ?? '');
	return new RegExp(`<([^>]+)>;\\s*rel="${rel}"`).exec(header)?.[1];
}

describe('the System Log: polling queries', () => {
	it('orders a polling query by persistence time: a lagged event comes after later-published ones', async () => {
		const [early] = sb.addLogEvents(1);
		const [lagged] = sb.addLogEvents(1, { lagSeconds: 30 });
		expect(Date.parse(lagged.published)).toBeLessThan(Date.parse(early.published));

		const polled = await logs({ filter: MFA, since: agoIso(60) });
		expect(uuids(polled)).toEqual([early.uuid, lagged.uuid]);
		// A bounded query orders by published instead.
		const bounded = await logs({ filter: MFA, since: agoIso(60), until: agoIso(-60) });
		expect(uuids(bounded)).toEqual([lagged.uuid, early.uuid]);
	});

	it("bounds a polling query's since by persistence time, a bounded query's by published", async () => {
		const [lagged] = sb.addLogEvents(1, { lagSeconds: 120 });
		expect(uuids(await logs({ since: agoIso(60) }))).toEqual([lagged.uuid]);
		expect((await logs({ since: agoIso(60), until: agoIso(-60) })).json).toEqual([]);
		expect(uuids(await logs({ since: agoIso(180), until: agoIso(-60) }))).toEqual([lagged.uuid]);
	});

	it('always sends a next link, even with no new events, and it resumes exactly after what was returned', async () => {
		const first = await logs({ filter: MFA, since: agoIso(60), limit: '2' });
		expect(first.json).toEqual([]);
		const next = link(first, 'next');
		expect(next).toBeDefined();
		expect(link(first, 'self')).toContain('/api/v1/logs?');

		// Published before the first poll, persisted after it: a reader of next links still gets it.
		const [lagged] = sb.addLogEvents(1, { lagSeconds: 120 });
		const [fresh] = sb.addLogEvents(1);
		const [third] = sb.addLogEvents(1);
		const second = await follow(next!);
		expect(uuids(second)).toEqual([lagged.uuid, fresh.uuid]);
		const after = await follow(link(second, 'next')!);
		expect(uuids(after)).toEqual([third.uuid]);
		const empty = await follow(link(after, 'next')!);
		expect(empty.json).toEqual([]);
		expect(link(empty, 'next')).toBeDefined();
	});

	it("makes `after` opaque (no event's uuid) and drops `since` from the next link", async () => {
		const events = sb.addLogEvents(3);
		const page = await logs({ filter: MFA, since: agoIso(60), limit: '2' });
		const next = new URL(link(page, 'next')!);
		const after = next.searchParams.get('after')!;
		expect(after).toBeTruthy();
		for (const event of events) expect(after).not.toContain(event.uuid);
		expect(next.searchParams.has('since')).toBe(false);
		expect(next.searchParams.get('filter')).toBe(MFA);
		expect(next.origin).toBe(sb.url);
	});

	it('puts every delivered event in the log, whether or not a hook took it', async () => {
		const delivered = sb.makeEvent();
		expect(await sb.deliver([delivered])).toEqual([]);
		expect(sb.systemLog.map((event) => event.uuid)).toEqual([delivered.uuid]);
		expect(uuids(await logs({ filter: MFA }))).toEqual([delivered.uuid]);
	});
});

describe('the System Log: parameters', () => {
	const refused = async (query: Record<string, string>, code: string, cause: RegExp) => {
		const answer = await logs(query);
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ errorCode: code });
		expect(JSON.stringify(answer.json)).toMatch(cause);
	};

	it('refuses since together with after, and a since over 180 days back', async () => {
		const page = await logs({ since: agoIso(60) });
		const after = new URL(link(page, 'next')!).searchParams.get('after')!;
		await refused({ since: agoIso(60), after }, 'E0000001', /since and after/);
		await refused(
			{ since: agoIso(181 * 86_400) },
			'E0000001',
			/The since parameter is over 180 days prior to the current day/,
		);
		await refused({ since: 'yesterday' }, 'E0000030', /Invalid date/);
		await refused({ after: 'not-a-cursor' }, 'E0000001', /after/);
	});

	it('returns nothing published over 90 days ago', async () => {
		const old = sb.makeEvent({ published: agoIso(91 * 86_400) });
		const recent = sb.makeEvent({ published: agoIso(89 * 86_400) });
		sb.addLogEvents([old, recent]);
		expect(uuids(await logs({ since: agoIso(100 * 86_400), until: agoIso(0) }))).toEqual([
			recent.uuid,
		]);
	});

	it('takes limit 0 to 1000 (default 100)', async () => {
		sb.addLogEvents(101);
		expect((await logs({})).json).toHaveLength(100);
		expect((await logs({ limit: '0' })).json).toEqual([]);
		await refused({ limit: '1001' }, 'E0000001', /limit/);
		await refused({ limit: '-1' }, 'E0000001', /limit/);
	});

	it('gives the latest event of a type with a bounded DESCENDING query of limit 1', async () => {
		sb.addLogEvents(3);
		const other = sb.addLogEvents(1, { eventType: 'user.session.start' });
		const latest = sb.addLogEvents(1);
		const answer = await logs({
			filter: MFA,
			since: agoIso(60),
			sortOrder: 'DESCENDING',
			limit: '1',
		});
		expect(uuids(answer)).toEqual([latest[0].uuid]);
		expect(uuids(await logs({ sortOrder: 'DESCENDING', limit: '1' }))).toEqual([latest[0].uuid]);
		expect(uuids(await logs({ filter: 'eventType eq "user.session.start"' }))).toEqual([
			other[0].uuid,
		]);
		await refused({ sortOrder: 'SIDEWAYS' }, 'E0000001', /sortOrder/);
	});

	it('filters with SCIM expressions and refuses an invalid one with E0000053', async () => {
		const [event] = sb.addLogEvents(1);
		sb.addLogEvents(1, { eventType: 'user.session.start' });
		const alternateId = event.actor.alternateId!;
		for (const filter of [
			`${MFA} and actor.alternateId eq "${alternateId}"`,
			`(actor.alternateId co "${alternateId.slice(1, 6).toUpperCase()}") and not (eventType eq "x")`,
			`target.type eq "User" and ${MFA}`,
			`uuid eq "${event.uuid}" or uuid eq "nothing"`,
		])
			expect(uuids(await logs({ filter }))).toEqual([event.uuid]);
		for (const filter of [
			'eventType eq',
			'eventType is "x"',
			'published gt "2026-01-01"',
			'(eventType pr',
		])
			await refused({ filter }, 'E0000053', /filter/);
	});

	it('searches keywords with q: every keyword must occur', async () => {
		const [event] = sb.addLogEvents(1);
		sb.addLogEvents(2);
		const name = String(event.actor.displayName).split(' ')[0];
		const found = uuids(await logs({ q: `${name} ${event.uuid}` }));
		expect(found).toEqual([event.uuid]);
		expect((await logs({ q: `${event.uuid} absent-word` })).json).toEqual([]);
		await refused({ q: 'x'.repeat(41) }, 'E0000001', /keywords/);
	});
});

/** A service app without okta.logs.read is refused (403, insufficient_scope): test/nodes/okta/systemLog.test.ts. */
describe('the System Log: limits and faults', () => {
	it('answers 429 E0000047 over its per-minute bucket, with the rate-limit headers', async () => {
		sb.setLogRateLimit(2);
		const ok = await logs({});
		expect(ok.headers['x-rate-limit-limit']).toBe('2');
		expect(ok.headers['x-rate-limit-remaining']).toMatch(/^[01]$/);
		await logs({});
		const limited = await logs({});
		expect(limited.status).toBe(429);
		expect(limited.json).toMatchObject({ errorCode: 'E0000047' });
		expect(limited.headers['x-rate-limit-remaining']).toBe('0');
		const reset = Number(limited.headers['x-rate-limit-reset']);
		expect(reset * 1000).toBeGreaterThan(Date.now());
		expect(reset * 1000).toBeLessThanOrEqual(Date.now() + 60_000);
		// The bucket is the System Log's: event hooks still answer.
		expect((await request(sb, 'GET', '/api/v1/eventHooks', { token: sb.token })).status).toBe(200);
	});

	it('takes injected 5xx and connection faults on /api/v1/logs', async () => {
		sb.injectFault({ op: 'logs', status: 503 });
		sb.injectFault({ op: 'logs', kind: 'reset' });
		expect((await logs({})).status).toBe(503);
		await expect(logs({})).rejects.toThrow();
		expect((await logs({})).status).toBe(200);
	});
});

describe('the System Log: control routes for other processes', () => {
	it('adds lagged events, lists the log and sets the rate limit over /__sandbox', async () => {
		const [early] = sb.addLogEvents(1);
		const added = await request(sb, 'POST', '/__sandbox/logs', {
			body: { count: 2, lagSeconds: 10 },
		});
		expect(added.json).toMatchObject({ added: 2 });
		const listed = await request(sb, 'GET', '/__sandbox/logs');
		expect(listed.json.map((event: LogEvent) => event.uuid)).toEqual([
			early.uuid,
			...added.json.uuids,
		]);
		expect(Date.parse(listed.json[1].published)).toBeLessThan(Date.parse(early.published));
		expect(
			(await request(sb, 'POST', '/__sandbox/logs', { body: { count: 100_001 } })).status,
		).toBe(400);

		expect(
			(await request(sb, 'POST', '/__sandbox/logs/rate-limit', { body: { perMinute: 0 } })).status,
		).toBe(204);
		expect((await logs({})).status).toBe(429);
	});
});

/** Last: makeEvent stamps events made in a row 1 ms apart, so 10,000 run ahead of the clock. */
describe('the System Log: a backlog', () => {
	it('holds a backlog of 10,000 events and pages through it 1000 at a time', async () => {
		const backlog = sb.addLogEvents(10_000);
		let answer = await logs({ filter: MFA, since: agoIso(60), limit: '1000' });
		const read: string[] = uuids(answer);
		while (answer.json.length === 1000) {
			answer = await follow(link(answer, 'next')!);
			read.push(...uuids(answer));
		}
		expect(read).toEqual(backlog.map((event) => event.uuid));
		sb.clearRequests(); // 11 pages of 1000 events: the schema check of each is for the other tests
	}, 30_000);
});
