/**
 * The System Log read for several event types at once, in Okta's filter syntax (a SCIM
 * expression: `eventType eq "a" or eventType eq "b"`, `and` binding tighter than `or`,
 * parentheses, other attributes such as `outcome.result`), for polling and bounded queries alike.
 * Every answer is checked against the spec's LogEvent / Error schemas.
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

const CREATE = 'user.lifecycle.create';
const GROUP_ADD = 'group.user_membership.add';
const logs = (query: Record<string, string>) =>
	request(sb, 'GET', `/api/v1/logs?${new URLSearchParams(query).toString()}`, { token: sb.token });
const uuids = (answer: HttpAnswer) => (answer.json as LogEvent[]).map((event) => event.uuid);
const next = (answer: HttpAnswer) =>
	/<([^>]+)>;\s*rel="next"/.exec(String(answer.headers.link ?? ''))?.[1];
const agoIso = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const anyOf = (...types: string[]) => types.map((t) => `eventType eq "${t}"`).join(' or ');

/** One event of each: a created user, a failed and a successful group add, an MFA preregistration, a sign-in. */
function seed() {
	return {
		created: sb.addLogEvents([sb.makeEventOfType(CREATE)])[0],
		failedAdd: sb.addLogEvents([
			sb.makeEventOfType(GROUP_ADD, { outcome: { result: 'FAILURE', reason: 'Group rule' } }),
		])[0],
		added: sb.addLogEvents([sb.makeEventOfType(GROUP_ADD)])[0],
		mfa: sb.addLogEvents(1)[0],
		session: sb.addLogEvents([sb.makeEventOfType('user.session.start')])[0],
	};
}

describe('several event types in one System Log filter', () => {
	it('eventType eq "a" or eventType eq "b" returns the events of either type, in log order', async () => {
		const e = seed();
		expect(uuids(await logs({ filter: anyOf(CREATE, GROUP_ADD) }))).toEqual([
			e.created.uuid,
			e.failedAdd.uuid,
			e.added.uuid,
		]);
		expect(
			uuids(await logs({ filter: anyOf(CREATE, GROUP_ADD, MFA_PREREGISTRATION_EVENT) })),
		).toEqual([e.created.uuid, e.failedAdd.uuid, e.added.uuid, e.mfa.uuid]);
	});

	it('combined with other conditions: (a or b) and outcome.result eq "SUCCESS"', async () => {
		const e = seed();
		const filter = `(${anyOf(CREATE, GROUP_ADD)}) and outcome.result eq "SUCCESS"`;
		expect(uuids(await logs({ filter }))).toEqual([e.created.uuid, e.added.uuid]);
	});

	it('and binds tighter than or, as in SCIM: a or b and c is a or (b and c)', async () => {
		const e = seed();
		const filter = `eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}" and outcome.result eq "FAILURE"`;
		expect(uuids(await logs({ filter }))).toEqual([e.created.uuid, e.failedAdd.uuid]);
	});

	it('operators and keywords are case-insensitive (SCIM); values compare exactly (the sandbox’s reading)', async () => {
		const e = seed();
		const filter = `eventType EQ "${CREATE}" OR eventType Eq "${GROUP_ADD.toUpperCase()}"`;
		expect(uuids(await logs({ filter }))).toEqual([e.created.uuid]);
	});

	it('with sw, the prefix of a family of types (Okta: eventType sw "event_hook")', async () => {
		const e = seed();
		expect(uuids(await logs({ filter: 'eventType sw "group."' }))).toEqual([
			e.failedAdd.uuid,
			e.added.uuid,
		]);
		expect(
			uuids(await logs({ filter: `eventType sw "user." and not (eventType eq "${CREATE}")` })),
		).toEqual([e.session.uuid]);
	});

	it('a polling query pages through the mixed types by its next links, and its last link waits for more', async () => {
		const filter = anyOf(CREATE, GROUP_ADD);
		const wanted = [
			...sb.addLogEvents(3, { eventType: CREATE }),
			...sb.addLogEvents(2, { eventType: 'user.session.start' }),
			...sb.addLogEvents(3, { eventType: GROUP_ADD }),
		]
			.filter((event) => event.eventType !== 'user.session.start')
			.map((event) => event.uuid);
		const seen: string[] = [];
		let page = await logs({ filter, since: agoIso(60), limit: '4' });
		for (let i = 0; i < 5 && (page.json as LogEvent[]).length; i++) {
			seen.push(...uuids(page));
			page = await request(sb, 'GET', next(page)!.replace(sb.url, ''), { token: sb.token });
		}
		expect(seen).toEqual(wanted);
		const later = sb.addLogEvents([sb.makeEventOfType(GROUP_ADD)])[0];
		const resumed = await request(sb, 'GET', next(page)!.replace(sb.url, ''), { token: sb.token });
		expect(uuids(resumed)).toEqual([later.uuid]);
	});

	it('a bounded DESCENDING query of limit 1 gives the latest event of any of the types', async () => {
		const e = seed();
		const latest = await logs({
			filter: anyOf(CREATE, GROUP_ADD),
			since: agoIso(60),
			sortOrder: 'DESCENDING',
			limit: '1',
		});
		expect(uuids(latest)).toEqual([e.added.uuid]);
	});

	it('refuses a dangling or, or an unclosed parenthesis, with E0000053', async () => {
		for (const filter of [`${anyOf(CREATE)} or`, `(${anyOf(CREATE, GROUP_ADD)}`]) {
			const answer = await logs({ filter });
			expect(answer.status).toBe(400);
			expect(answer.json).toMatchObject({ errorCode: 'E0000053' });
		}
	});
});
