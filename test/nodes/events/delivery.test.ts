import {
	answerVerification,
	readDelivery,
	secretMatches,
	visibleHeaders,
} from '../../../nodes/events/delivery';
import { EventClaims } from '../../../nodes/events/claims';
import { SeenEvents } from '../../../nodes/events/seenEvents';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { MFA_PREREGISTRATION } from '../../../nodes/events/mfaPreregistration';

const SECRET = 'q3Jx9-secret-value-only-okta-and-n8n-know';

function envelope(events: unknown[]) {
	return {
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: 'https://acme.okta.com/api/v1/eventHooks/who1',
		eventId: 'delivery-1',
		eventTime: '2026-11-28T10:00:00.000Z',
		contentType: 'application/json',
		data: { events },
	};
}

function deliver(body: unknown, authorization: string | null = SECRET, seen = new SeenEvents(100)) {
	const headers: Record<string, string> = {
		'content-type': 'application/json',
		'user-agent': 'Okta-Integrations',
	};
	if (authorization !== null) headers.authorization = authorization;
	return readDelivery({
		headers,
		body,
		secret: SECRET,
		eventTypes: MFA_PREREGISTRATION.eventTypes,
		seen,
	});
}

describe("Okta's verification GET", () => {
	it('echoes the challenge as {"verification": …}', () => {
		expect(answerVerification({ 'x-okta-verification-challenge': 'abc123' })).toEqual({
			status: 200,
			body: { verification: 'abc123' },
		});
	});

	it('answers 400 with an explanation when the challenge header is missing', () => {
		const verdict = answerVerification({});
		expect(verdict.status).toBe(400);
		expect(JSON.stringify(verdict)).toMatch(/Okta event hook/);
	});
});

describe('authenticating a delivery', () => {
	it.each([
		['missing', null],
		['empty', ''],
		['wrong', 'not-the-secret'],
		['a prefix of the secret', SECRET.slice(0, 10)],
		['the secret with more after it', `${SECRET}x`],
		['the secret as a Bearer token', `Bearer ${SECRET}`],
	])('rejects a %s Authorization header with 401 and no events', (_, authorization) => {
		const verdict = deliver(envelope([makeMfaPreregisterEvent()]), authorization);
		expect(verdict.status).toBe(401);
		expect('events' in verdict).toBe(false);
		expect(JSON.stringify(verdict)).not.toContain(SECRET);
	});

	it('rejects everything while the node has no secret (no hook registered)', () => {
		expect(secretMatches(SECRET, undefined)).toBe(false);
		expect(secretMatches('', '')).toBe(false);
		expect(secretMatches(SECRET, SECRET)).toBe(true);
	});

	it('checks the secret before it looks at the body', () => {
		expect(deliver('not json at all', 'wrong').status).toBe(401);
	});
});

describe('reading a delivery', () => {
	it.each([
		['a string that is not JSON', '{"data": {"events": ['],
		['a JSON array', [1, 2]],
		['null', null],
		['an object without data', { eventId: 'x' }],
		['data.events that is not an array', { data: { events: { 0: {} } } }],
		['data that is an array', { data: [] }],
	])('answers 400 and emits nothing for %s', (_, body) => {
		const verdict = deliver(body);
		expect(verdict.status).toBe(400);
		expect('events' in verdict).toBe(false);
	});

	it('accepts a JSON delivery that arrived as text', () => {
		const event = makeMfaPreregisterEvent();
		const verdict = deliver(JSON.stringify(envelope([event])));
		expect('events' in verdict && verdict.events.map((e) => e.event.uuid)).toEqual([event.uuid]);
	});

	it('emits one entry per MFA preregistration event, skipping other types and non-objects', () => {
		const wanted = [makeMfaPreregisterEvent(), makeMfaPreregisterEvent()];
		const verdict = deliver(
			envelope([makeEventOfType('user.session.start'), wanted[0], null, 'x', wanted[1]]),
		);
		expect(verdict.status).toBe(200);
		expect('events' in verdict && verdict.events.map((e) => e.event.uuid)).toEqual(
			wanted.map((e) => e.uuid),
		);
	});

	it('orders events by published, oldest first, when Okta delivers them out of order', () => {
		const early = makeMfaPreregisterEvent({ published: '2026-11-28T09:00:00.000Z' });
		const middle = makeMfaPreregisterEvent({ published: '2026-11-28T09:30:00.000Z' });
		const late = makeMfaPreregisterEvent({ published: '2026-11-28T10:00:00.000Z' });
		const undated = makeMfaPreregisterEvent({ published: null as never });
		const verdict = deliver(envelope([late, undated, early, middle]));
		expect('events' in verdict && verdict.events.map((e) => e.event.uuid)).toEqual(
			[early, middle, late, undated].map((e) => e.uuid),
		);
	});

	it('answers 200 with no events for an empty batch or a batch of other types', () => {
		for (const events of [[], [makeEventOfType('user.session.start')]]) {
			const verdict = deliver(envelope(events));
			expect(verdict).toEqual({ status: 200, events: [] });
		}
	});

	it('does not emit an event whose uuid this registration already emitted (Okta retries)', () => {
		const seen = new SeenEvents(100);
		const [a, b] = [makeMfaPreregisterEvent(), makeMfaPreregisterEvent()];
		const first = deliver(envelope([a]), SECRET, seen);
		const retry = deliver(envelope([a, b]), SECRET, seen);
		const again = deliver(envelope([a, b]), SECRET, seen);
		expect('events' in first && first.events.length).toBe(1);
		expect('events' in retry && retry.events.map((e) => e.event.uuid)).toEqual([b.uuid]);
		expect(again).toEqual({ status: 200, events: [] });
	});

	it('emits a uuid repeated inside one batch once', () => {
		const a = makeMfaPreregisterEvent();
		const verdict = deliver(envelope([a, a]));
		expect('events' in verdict && verdict.events.length).toBe(1);
	});

	it('keeps separate registrations apart: each hook gets every event once', () => {
		const a = makeMfaPreregisterEvent();
		const production = new SeenEvents(100);
		const test = new SeenEvents(100);
		expect('events' in deliver(envelope([a]), SECRET, production) && production.size).toBe(1);
		const verdict = deliver(envelope([a]), SECRET, test);
		expect('events' in verdict && verdict.events.length).toBe(1);
	});

	it('hands the envelope and the headers, without the secret, to each event', () => {
		const verdict = deliver(envelope([makeMfaPreregisterEvent()]));
		if (!('events' in verdict)) throw new Error('expected events');
		const [entry] = verdict.events;
		expect(entry.envelope.eventId).toBe('delivery-1');
		expect(entry.envelope.source).toBe('https://acme.okta.com/api/v1/eventHooks/who1');
		expect(entry.headers).toEqual({
			'content-type': 'application/json',
			'user-agent': 'Okta-Integrations',
		});
		expect(JSON.stringify(verdict)).not.toContain(SECRET);
	});
});

describe('the headers an item shows', () => {
	it('lower-cases names and drops Authorization in any casing', () => {
		expect(
			visibleHeaders({
				Authorization: 's',
				AUTHORIZATION: 't',
				'X-Okta-Request-Id': 'r',
				skip: undefined,
			}),
		).toEqual({
			'x-okta-request-id': 'r',
		});
	});
});

describe("which events a delivery may emit (claims: done, or held until n8n's answer)", () => {
	const uuidOf = (event: { uuid?: unknown }) =>
		typeof event.uuid === 'string' ? event.uuid : undefined;

	it('takes new events and holds them; n8n taking the execution makes them done', async () => {
		const claims = new EventClaims(new SeenEvents(100));
		const [a, b] = [makeMfaPreregisterEvent(), makeMfaPreregisterEvent()];
		const claim = claims.open();
		expect(await claim.take([a, b], uuidOf)).toEqual([a, b]);
		expect(claims.isPending(a.uuid!)).toBe(true);
		claim.settle(true);
		expect([claims.isPending(a.uuid!), claims.isDone(a.uuid!)]).toEqual([false, true]);
		expect(await claims.open().take([a, b], uuidOf)).toEqual([]);
	});

	it('frees the events of a delivery whose execution n8n did not create', async () => {
		const claims = new EventClaims(new SeenEvents(100));
		const a = makeMfaPreregisterEvent();
		const failed = claims.open();
		await failed.take([a], uuidOf);
		failed.settle(false);
		expect([claims.isPending(a.uuid!), claims.isDone(a.uuid!)]).toEqual([false, false]);
		expect(await claims.open().take([a], uuidOf)).toEqual([a]);
	});

	it("makes a parallel delivery of a held event wait for the holder's outcome", async () => {
		const claims = new EventClaims(new SeenEvents(100));
		const [a, b] = [makeMfaPreregisterEvent(), makeMfaPreregisterEvent()];
		const first = claims.open();
		await first.take([a], uuidOf);
		const second = claims.open().take([a, b], uuidOf);
		let settled = false;
		void second.then(() => (settled = true));
		await new Promise((resolve) => setImmediate(resolve));
		expect(settled).toBe(false); // b is taken, a waits
		first.settle(false);
		expect(await second).toEqual([b, a]);
	});

	it('lets a waiting delivery drop the event once its holder ran it', async () => {
		const claims = new EventClaims(new SeenEvents(100));
		const a = makeMfaPreregisterEvent();
		const first = claims.open();
		await first.take([a], uuidOf);
		const retry = claims.open().take([a], uuidOf);
		first.settle(true);
		expect(await retry).toEqual([]);
	});

	it('always passes events without a uuid (nothing to recognise them by)', async () => {
		const claims = new EventClaims(new SeenEvents(100));
		const anonymous = makeMfaPreregisterEvent({ uuid: null as never });
		expect(await claims.open().take([anonymous, anonymous], uuidOf)).toHaveLength(2);
	});
});
