/**
 * The System Log reader against the sandbox over HTTPS, through n8n-core's real PollContext: it
 * polls the way Okta says (a polling query, then only Okta's next links), so lagged events are not
 * skipped; it keeps its place on 429, 5xx and bounds; it sends credentials only to the org.
 */
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import {
	CredentialStore,
	pollContext,
	testWorkflow,
	trustCertificateAuthority,
} from '../../../devkit/n8n/core';
import type { RequestAdjustment, SavedCredential } from '../../../devkit/n8n/core';
import { MFA_PREREGISTRATION_EVENT, startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { expectRecordedResponsesMatchSpec } from '../../../devkit/okta-sandbox/apiClient';
import { makeKeyPair, serviceApp } from '../../../devkit/okta-sandbox/serviceApp';
import { OKTA_CREDENTIALS } from '../../../nodes/events/authentication';
import { SeenEvents } from '../../../nodes/events/seenEvents';
import {
	cursorFromNextLink,
	filterOfCursor,
	firstLogCursor,
	latestLogEvent,
	linksWithRel,
	logFilterOf,
	readLog,
} from '../../../nodes/okta/systemLog';
import type { LogCursor, LogRead } from '../../../nodes/okta/systemLog';

/** A polling node with the package's two credentials: the reader needs nothing else of a node. */
class LogReaderNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Log Reader',
		name: 'logReader',
		group: ['trigger'],
		version: 1,
		description: 'Reads the System Log',
		defaults: { name: 'Log Reader' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: OKTA_CREDENTIALS,
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{ name: 'API Token', value: 'apiToken' },
					{ name: 'OAuth2', value: 'oAuth2' },
				],
				default: 'apiToken',
			},
		],
	};

	async poll(): Promise<INodeExecutionData[][] | null> {
		return null;
	}
}

let sb: OktaSandbox;
beforeAll(async () => {
	sb = await startOktaSandbox();
	trustCertificateAuthority(sb.caCertPem);
});
afterAll(async () => sb?.close());
beforeEach(() => {
	sb.reset();
	sb.setLogRateLimit(1000);
});
afterEach(() => expectRecordedResponsesMatchSpec(sb.requests));

function contextWith(
	credential: SavedCredential,
	authentication = 'apiToken',
	adjustRequest?: RequestAdjustment,
) {
	return pollContext(
		testWorkflow({
			nodeType: new LogReaderNode(),
			parameters: { authentication },
			credentials: [credential],
		}),
		{ adjustRequest },
	);
}

const apiToken = (url = `${sb.url}/`, adjustRequest?: RequestAdjustment) =>
	contextWith(
		new CredentialStore().save('oktaEventHookApi', { url, accessToken: sb.token }),
		'apiToken',
		adjustRequest,
	);

const start = (limit = 1000) =>
	firstLogCursor(MFA_PREREGISTRATION_EVENT, new Date(Date.now() - 60_000), limit);
const uuids = (read: LogRead) => read.events.map((event) => event.uuid);
const logRequests = () => sb.requests.filter((request) => request.op === 'logs');
const read = (cursor: LogCursor, maxPages = 10, onRateLimit: 'wait' | 'stop' = 'stop') =>
	readLog.call(apiToken(), cursor, { maxPages, onRateLimit });

describe('the first polling query', () => {
	it('asks for one event type, from `since`, ASCENDING, without `until`', () => {
		const cursor = start(500);
		const [path, query] = cursor.split('?');
		expect(path).toBe('/api/v1/logs');
		const params = new URLSearchParams(query);
		expect(params.get('filter')).toBe(`eventType eq "${MFA_PREREGISTRATION_EVENT}"`);
		expect(params.get('sortOrder')).toBe('ASCENDING');
		expect(params.get('limit')).toBe('500');
		expect(params.has('until')).toBe(false);
		expect(Date.now() - Date.parse(params.get('since')!)).toBeGreaterThanOrEqual(60_000);
		expect(new URLSearchParams(start(5000).split('?')[1]).get('limit')).toBe('1000');
	});
});

describe('the query for several event types and more conditions', () => {
	const SINCE = new Date('2026-11-30T12:00:00.000Z');
	const [A, B, C] = ['user.lifecycle.create', 'group.user_membership.add', 'user.session.start'];

	it('is `eventType eq "x"` for one type, exactly as the trigger has always stored it', () => {
		const one = `eventType eq "${MFA_PREREGISTRATION_EVENT}"`;
		expect(logFilterOf(MFA_PREREGISTRATION_EVENT)).toBe(one);
		expect(logFilterOf({ eventTypes: MFA_PREREGISTRATION_EVENT })).toBe(one);
		expect(logFilterOf({ eventTypes: [MFA_PREREGISTRATION_EVENT] })).toBe(one);
		expect(logFilterOf({ eventTypes: [MFA_PREREGISTRATION_EVENT], filter: '  ' })).toBe(one);
		expect(firstLogCursor({ eventTypes: [MFA_PREREGISTRATION_EVENT] }, SINCE, 200)).toBe(
			firstLogCursor(MFA_PREREGISTRATION_EVENT, SINCE, 200),
		);
	});

	it('joins several types with `or`, in the order chosen', () => {
		expect(logFilterOf({ eventTypes: [A, B, C] })).toBe(
			`eventType eq "${A}" or eventType eq "${B}" or eventType eq "${C}"`,
		);
	});

	it('adds more conditions with `and`, in brackets, the types bracketed when there are several', () => {
		expect(logFilterOf({ eventTypes: [A], filter: ' outcome.result eq "SUCCESS" ' })).toBe(
			`eventType eq "${A}" and (outcome.result eq "SUCCESS")`,
		);
		// Without the brackets `a or b and x` would be `a or (b and x)`.
		expect(
			logFilterOf({
				eventTypes: [A, B],
				filter: 'outcome.result eq "SUCCESS" or outcome.result eq "ALLOW"',
			}),
		).toBe(
			`(eventType eq "${A}" or eventType eq "${B}") and (outcome.result eq "SUCCESS" or outcome.result eq "ALLOW")`,
		);
	});

	it('escapes quotes and backslashes in a type id', () => {
		expect(logFilterOf('a"b\\c')).toBe('eventType eq "a\\"b\\\\c"');
	});

	it('is what a first cursor queries, and filterOfCursor reads it back', () => {
		const selection = { eventTypes: [A, B], filter: 'actor.alternateId eq "admin@example.com"' };
		const cursor = firstLogCursor(selection, SINCE, 500);
		const params = new URLSearchParams(cursor.split('?')[1]);
		expect(cursor.startsWith('/api/v1/logs?')).toBe(true);
		expect(Object.fromEntries(params)).toEqual({
			filter: logFilterOf(selection),
			since: SINCE.toISOString(),
			sortOrder: 'ASCENDING',
			limit: '500',
		});
		expect(filterOfCursor(cursor)).toBe(logFilterOf(selection));
		expect(filterOfCursor(firstLogCursor(A, SINCE))).toBe(`eventType eq "${A}"`);
		expect(filterOfCursor('/api/v1/logs?after=abc&limit=1000')).toBeNull();
		expect(filterOfCursor('/api/v1/logs')).toBeNull();
	});

	it('reads the events of every chosen type that meet the conditions, and no other, with one request', async () => {
		const success = (type: string) => sb.makeEventOfType(type);
		const failed = (type: string) => ({
			...sb.makeEventOfType(type),
			outcome: { result: 'FAILURE', reason: 'sandbox' },
		});
		const logged = sb.addLogEvents([
			success(A),
			success(C),
			failed(B),
			success(B),
			success(MFA_PREREGISTRATION_EVENT),
			failed(A),
		]);
		const cursor = firstLogCursor(
			{ eventTypes: [A, B], filter: 'outcome.result eq "SUCCESS"' },
			new Date(Date.now() - 60_000),
		);
		const result = await read(cursor);
		expect(uuids(result)).toEqual([logged[0].uuid, logged[3].uuid]);
		expect(logRequests()).toHaveLength(1);
		expect(logRequests()[0].query.filter).toBe(
			`(eventType eq "${A}" or eventType eq "${B}") and (outcome.result eq "SUCCESS")`,
		);
		// The next links keep the query: a later event of either type is read from them.
		const [later] = sb.addLogEvents([success(B)]);
		expect(uuids(await read(result.cursor))).toEqual([later.uuid]);
	});
});

describe("Okta's link header", () => {
	const self = '<https://acme.okta.com/api/v1/logs?limit=2&filter=a%2Cb>; rel="self"';
	const next = '<https://acme.okta.com/api/v1/logs?limit=2&after=1,2>; rel="next"';

	it('finds the next link in two headers, one joined with a comma, or either order', () => {
		const uri = 'https://acme.okta.com/api/v1/logs?limit=2&after=1,2';
		expect(linksWithRel([self, next], 'next')).toEqual([uri]);
		expect(linksWithRel(`${self}, ${next}`, 'next')).toEqual([uri]);
		expect(linksWithRel(`${next},${self}`, 'next')).toEqual([uri]);
		expect(linksWithRel('<https://a/x>; rel=next', 'next')).toEqual(['https://a/x']);
		expect(linksWithRel('<https://a/x>; title="n"; rel="prev next"', 'next')).toEqual([
			'https://a/x',
		]);
		expect(linksWithRel(self, 'next')).toEqual([]);
		expect(linksWithRel(undefined, 'next')).toEqual([]);
		expect(linksWithRel('garbage', 'next')).toEqual([]);
	});

	it("turns a next link into a cursor only on the org's own origin", () => {
		const org = 'https://acme.okta.com';
		expect(cursorFromNextLink('https://acme.okta.com/api/v1/logs?after=x', org)).toBe(
			'/api/v1/logs?after=x',
		);
		expect(cursorFromNextLink('https://ACME.okta.com:443/api/v1/logs?after=x', org)).toBe(
			'/api/v1/logs?after=x',
		);
		expect(cursorFromNextLink('/api/v1/logs?after=x', org)).toBe('/api/v1/logs?after=x');
		for (const foreign of [
			'https://evil.example/api/v1/logs?after=x',
			'http://acme.okta.com/api/v1/logs?after=x',
			'https://acme.okta.com:8443/api/v1/logs?after=x',
			'//evil.example/api/v1/logs?after=x',
			'https://acme.okta.com.evil.example/api/v1/logs',
		])
			expect(cursorFromNextLink(foreign, org)).toBeUndefined();
		// An org URL behind a path keeps its prefix out of the cursor (oktaRequest adds it back).
		expect(
			cursorFromNextLink(
				'https://proxy.example/okta/api/v1/logs?after=x',
				'https://proxy.example/okta',
			),
		).toBe('/api/v1/logs?after=x');
		expect(
			cursorFromNextLink('https://proxy.example/other/api/v1/logs', 'https://proxy.example/okta'),
		).toBeUndefined();
	});
});

describe('reading the System Log', () => {
	it('does not skip an event persisted after a later-published one', async () => {
		const [first] = sb.addLogEvents(1);
		const one = await read(start());
		expect(uuids(one)).toEqual([first.uuid]);
		expect(one.caughtUp).toBe(true);

		const [lagged] = sb.addLogEvents(1, { lagSeconds: 20 });
		expect(Date.parse(lagged.published)).toBeLessThan(Date.parse(first.published));
		const two = await read(one.cursor);
		expect(uuids(two)).toEqual([lagged.uuid]);
		// Only Okta's next link was followed: the reader built no `after` and no `since` of its own.
		const second = logRequests().at(-1)!;
		expect(second.query.since).toBeUndefined();
		expect(second.query.after).toBe(new URLSearchParams(one.cursor.split('?')[1]).get('after'));
	});

	it("keeps Okta's new next link after an empty poll, and reads on from it", async () => {
		const empty = await read(start());
		expect(empty).toMatchObject({ events: [], caughtUp: true });
		expect(empty.cursor).not.toBe(start());
		expect(empty.cursor).toMatch(/[?&]after=/);
		const [event] = sb.addLogEvents(1);
		expect(uuids(await read(empty.cursor))).toEqual([event.uuid]);
	});

	it("takes a page without `limit` as Okta's default 100: a full one is not the end", async () => {
		const backlog = sb.addLogEvents(150).map((event) => event.uuid);
		const query = new URLSearchParams(start().split('?')[1]);
		query.delete('limit');
		const all = await read(`/api/v1/logs?${query.toString()}`, 5);
		expect(uuids(all)).toEqual(backlog);
		expect(all.caughtUp).toBe(true);
		expect(logRequests()).toHaveLength(2);
	});

	it('pages through a backlog within maxPages, and carries on where it stopped', async () => {
		const backlog = sb.addLogEvents(25).map((event) => event.uuid);
		const first = await read(start(10), 2);
		expect(uuids(first)).toEqual(backlog.slice(0, 20));
		expect(first.caughtUp).toBe(false);
		expect(logRequests()).toHaveLength(2);
		const rest = await read(first.cursor, 2);
		expect(uuids(rest)).toEqual(backlog.slice(20));
		expect(rest.caughtUp).toBe(true);
	});

	it("leaves duplicates to the caller: an event Okta returns again is visible to the caller's SeenEvents", async () => {
		const events = sb.addLogEvents(2);
		const seen = SeenEvents.fromList([], 100);
		const first = await read(start());
		for (const event of first.events) seen.add(event.uuid!);
		// Okta may return a lagged event again; here the same page is read again from the old cursor.
		const again = await read(start());
		expect(uuids(again)).toEqual(events.map((event) => event.uuid));
		expect(again.events.filter((event) => !seen.has(event.uuid!))).toEqual([]);
		const stored = SeenEvents.fromList(JSON.parse(JSON.stringify(seen)), 100);
		expect(events.every((event) => stored.has(event.uuid))).toBe(true);
	});

	it('stops at a 429 without throwing, keeping the cursor after the last page read', async () => {
		const backlog = sb.addLogEvents(15).map((event) => event.uuid);
		const cursor = start(10);
		sb.rateLimit('logs', 1, 30);
		expect(await read(cursor)).toMatchObject({ events: [], cursor, stoppedBy: 'rateLimit' });

		sb.injectFault({ op: 'logs', status: 429, skip: 1 });
		const stopped = await read(cursor);
		expect(uuids(stopped)).toEqual(backlog.slice(0, 10));
		expect(stopped).toMatchObject({ stoppedBy: 'rateLimit', caughtUp: false });
		expect(stopped.cursor).toMatch(/[?&]after=/);
		expect(logRequests()).toHaveLength(3);
		expect(uuids(await read(stopped.cursor))).toEqual(backlog.slice(10));
	});

	it("with onRateLimit 'wait', waits for X-Rate-Limit-Reset and reads on", async () => {
		sb.addLogEvents(3);
		sb.rateLimit('logs', 1, 0);
		const waited = await read(start(), 10, 'wait');
		expect(waited.events).toHaveLength(3);
		expect(waited.stoppedBy).toBeUndefined();
	});

	it("throws Okta's words for a first page's 5xx; a later page's 5xx keeps the cursor after what was read", async () => {
		const backlog = sb.addLogEvents(15).map((event) => event.uuid);
		const cursor = start(10);
		sb.injectFault({ op: 'logs', status: 503 });
		await expect(read(cursor)).rejects.toMatchObject({
			message: expect.stringMatching(/Okta refused to read the System Log: Internal Server Error/),
			description: expect.stringMatching(/internal problem.*E0000009, HTTP 503, error ID oae/s),
		});

		sb.injectFault({ op: 'logs', status: 500, skip: 1 });
		const failed = await read(cursor);
		expect(uuids(failed)).toEqual(backlog.slice(0, 10));
		expect(failed.stoppedBy).toBe('error');
		expect(failed.error?.message).toMatch(/Internal Server Error/);
		expect(uuids(await read(failed.cursor))).toEqual(backlog.slice(10));
	});

	it('returns what it has when a later page gets no answer, with the cursor after it', async () => {
		const backlog = sb.addLogEvents(15).map((event) => event.uuid);
		sb.injectFault({ op: 'logs', kind: 'reset', skip: 1 });
		const reset = await read(start(10));
		expect(uuids(reset)).toEqual(backlog.slice(0, 10));
		expect(reset.stoppedBy).toBe('error');
		expect(reset.error?.message).toMatch(/Could not reach Okta/);
		expect(uuids(await read(reset.cursor))).toEqual(backlog.slice(10));
	});

	it('keeps the cursor after what was read when a later page times out', async () => {
		const backlog = sb.addLogEvents(15).map((event) => event.uuid);
		sb.injectFault({ op: 'logs', kind: 'timeout', skip: 1 });
		// Okta's 30 s (asked of n8n, see client.test.ts) shortened so the real timeout fires in 300 ms.
		const shortTimeout = apiToken(undefined, (options) => ({ ...options, timeout: 300 }));
		const timedOut = await readLog.call(shortTimeout, start(10), {
			maxPages: 10,
			onRateLimit: 'stop',
		});
		expect(uuids(timedOut)).toEqual(backlog.slice(0, 10));
		expect(timedOut.error?.message).toMatch(/Could not reach Okta.*no answer in time/);
		expect(uuids(await read(timedOut.cursor))).toEqual(backlog.slice(10));
	});

	it('refuses a next link on another origin: no request goes there, the cursor stays', async () => {
		sb.addLogEvents(2);
		const cursor = start();
		sb.injectFault({
			op: 'logs',
			status: 200,
			body: [],
			headers: { Link: '<https://attacker.example/api/v1/logs?after=x>; rel="next"' },
		});
		const refused = await read(cursor);
		expect(refused).toMatchObject({ cursor, stoppedBy: 'error' });
		expect(refused.error?.message).toMatch(/not a System Log query on the org's address/);
		expect(logRequests()).toHaveLength(1);

		sb.injectFault({
			op: 'logs',
			status: 200,
			body: [],
			headers: { Link: `<${sb.url}/api/v1/users?after=x>; rel="next"` },
		});
		expect(await read(cursor)).toMatchObject({ cursor, stoppedBy: 'error' });
	});

	it('refuses a stored position that is not a System Log query', async () => {
		await expect(read('https://attacker.example/api/v1/logs?x')).rejects.toThrow(
			/not a System Log query/,
		);
		expect(logRequests()).toHaveLength(0);
	});

	it('finds the latest event of a type with one bounded query', async () => {
		sb.addLogEvents(2);
		const [latest] = sb.addLogEvents(1);
		sb.addLogEvents(1, { eventType: 'user.session.start' });
		expect((await latestLogEvent.call(apiToken(), MFA_PREREGISTRATION_EVENT))?.uuid).toBe(
			latest.uuid,
		);
		const query = logRequests().at(-1)!.query;
		expect(query).toMatchObject({ sortOrder: 'DESCENDING', limit: '1' });
		expect(Date.now() - Date.parse(query.since)).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);
		expect(await latestLogEvent.call(apiToken(), 'user.account.lock', 7)).toBeUndefined();
	});
});

describe('what the errors say', () => {
	it('tells a service app without okta.logs.read to grant it', async () => {
		const keys = makeKeyPair('ec');
		const { credentials } = serviceApp(sb, keys, { scopes: ['okta.eventHooks.read'] });
		const store = new CredentialStore();
		const context = contextWith(
			store.save('oktaEventHookOAuth2Api', { ...credentials, scopes: 'okta.eventHooks.read' }),
			'oAuth2',
		);
		const failure = readLog.call(context, start(), { maxPages: 1, onRateLimit: 'stop' });
		await expect(failure).rejects.toMatchObject({
			message: expect.stringMatching(
				/Okta refused to read the System Log: You do not have permission/,
			),
			description: expect.stringMatching(
				/grant okta\.logs\.read.*E0000006, HTTP 403, error ID oae/s,
			),
		});
	});

	it('tells an API token whose creator may not read the log which roles can', async () => {
		sb.injectFault({ op: 'logs', status: 403 });
		await expect(read(start())).rejects.toMatchObject({
			description: expect.stringMatching(
				/token's creator may not read the System Log.*Read-only or Report Administrator.*E0000006/s,
			),
		});
	});
});
