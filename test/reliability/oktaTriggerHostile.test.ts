/**
 * Reliability, part 7 (the Okta Trigger, several event types per hook): hostile input. An Okta
 * Trigger with 3 of 6 event types chosen gets generated sessions of deliveries (fast-check) through
 * its real webhook(), the way n8n calls it: events of chosen and unchosen types, repeated within a
 * delivery and across deliveries, the same uuid under another type, types Okta does not have or
 * spelled almost right, non-string types, junk entries, Okta's retry of a delivery. Goals: every
 * authenticated valid delivery yields exactly one item per new event of a chosen type (none lost,
 * none twice, none of another type); unauthenticated or malformed requests yield none; no crash,
 * no prototype pollution.
 */
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import type { IDataObject } from 'n8n-workflow';

import { EVENT_ITEM_FIELDS } from '../../devkit/itemFields';
import { testWorkflow } from '../../devkit/n8n/core';
import type { TestWorkflow } from '../../devkit/n8n/core';
import { callWebhook } from '../../devkit/n8n/webhookServer';
import type { WebhookAnswer } from '../../devkit/n8n/webhookServer';
import { makeEventOfType } from '../../devkit/okta-sandbox/events';
import { OktaTrigger } from '../../nodes/OktaTrigger/OktaTrigger.node';
import {
	SECRET,
	envelope,
	jsonish,
	malformedBody,
	nastyKey,
	okHeaders,
	parsedJson,
	polluted,
	wrongAuthHeaders,
} from './hostile';
import { CHOSEN_TYPES, OTHER_TYPES } from './oktaTriggerHost';
import { recordFigures } from './results';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261128) + 70;
const node = new OktaTrigger();
const TYPES = [...CHOSEN_TYPES, ...OTHER_TYPES];
/** Not Okta's types, or a chosen one spelled almost right: never an item. */
const UNKNOWN_TYPES = [
	'user.lifecycle.craete',
	'USER.LIFECYCLE.CREATE',
	' user.lifecycle.create',
	'user.lifecycle.create ',
	'user.lifecycle.create\u0000',
	'user.lifecycle',
	'user.lifecycle.*',
	'*',
	'',
	'policy.evaluate_sign_on',
	'com.okta.event_hook',
];

const chosen = (type: unknown): type is string =>
	typeof type === 'string' && CHOSEN_TYPES.includes(type);
const typeOf = (entry: unknown): unknown =>
	entry !== null && typeof entry === 'object' && !Array.isArray(entry)
		? (entry as { eventType?: unknown }).eventType
		: undefined;

const tally = {
	sessions: 0,
	deliveries: 0,
	crashes: 0,
	/** Events of a chosen type that were new to the registration (each must be one item). */
	newChosenEvents: 0,
	repeatsWithinDelivery: 0,
	repeatsAcrossDeliveries: 0,
	retries: 0,
	eventsOfOtherTypes: 0,
	eventsOfUnknownTypes: 0,
	itemsFromUnauthenticated: 0,
	itemsFromMalformed: 0,
	itemsLostFromValid: 0,
	itemsDuplicatedFromValid: 0,
	itemsOfAnotherType: 0,
	prototypePollution: 0,
	byKind: {} as Record<string, number>,
};
const crashSamples: string[] = [];

let registrationCounter = 0;
/** A fresh published workflow: its own webhook and hook, so its own duplicate filter. */
function registration(stored?: IDataObject): TestWorkflow {
	registrationCounter += 1;
	return testWorkflow({
		nodeType: node,
		// Deliveries only: recovery (a System Log read per delivery) is part 6's.
		parameters: { events: [...CHOSEN_TYPES], recoverMissedEvents: false },
		node: { webhookId: `okta-hostile-${registrationCounter}` },
		nodeStaticData: stored ?? {
			hookId: `whoOktaHostile${registrationCounter}`,
			secret: SECRET,
		},
	});
}

/** One delivery through webhook(); counts a crash instead of throwing. */
async function deliver(
	kind: string,
	headers: IncomingHttpHeaders,
	body: unknown,
	reg = registration(),
): Promise<WebhookAnswer | undefined> {
	tally.deliveries += 1;
	tally.byKind[kind] = (tally.byKind[kind] ?? 0) + 1;
	const answer = await callWebhook(reg, { webhookName: 'default', headers, body });
	if (answer.error) {
		tally.crashes += 1;
		if (crashSamples.length < 5) crashSamples.push(`${kind}: ${answer.error.message}`);
		return undefined;
	}
	if (polluted()) tally.prototypePollution += 1;
	return answer;
}
const itemsOf = (answer: WebhookAnswer | undefined) => answer?.workflowData?.[0] ?? [];

// ---- generators ----

const published = fc
	.date({ min: new Date('2024-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
	.map((date) => date.toISOString());
/** An event Okta could log, of one of the 6 types, with extra fields of any kind. */
const oktaEvent = fc
	.record({
		type: fc.constantFrom(...TYPES),
		uuid: fc.uuid(),
		published,
		extra: fc.dictionary(fc.oneof(nastyKey, fc.string()), jsonish, { maxKeys: 3 }),
	})
	.map(
		({ type, uuid, published: time, extra }) =>
			parsedJson({ ...extra, ...makeEventOfType(type, { uuid, published: time }) }) as Record<
				string,
				unknown
			>,
	);
/** An event whose type is none of the chosen ones exactly: unknown, misspelt, not a string. */
const strangeEvent = fc
	.record({
		base: oktaEvent,
		eventType: fc.oneof(
			{ weight: 3, arbitrary: fc.constantFrom(...UNKNOWN_TYPES) },
			{ weight: 1, arbitrary: fc.string() },
			{ weight: 1, arbitrary: fc.constantFrom(...CHOSEN_TYPES).map((type) => [type]) },
			{ weight: 1, arbitrary: jsonish },
		),
	})
	.filter(({ eventType }) => !chosen(eventType))
	.map(({ base, eventType }) => parsedJson({ ...base, eventType }));

/**
 * One entry of a delivery: an event of the session's pool (so repeated within and across
 * deliveries), such an event under another of the 6 types (the same uuid), a strange event, or
 * junk.
 */
type Entry = { ref: number; as?: string } | { junk: unknown };
const entry: fc.Arbitrary<Entry> = fc.oneof(
	{ weight: 8, arbitrary: fc.nat().map((ref) => ({ ref })) },
	{
		weight: 1,
		arbitrary: fc.record({ ref: fc.nat(), as: fc.constantFrom(...TYPES) }),
	},
	{ weight: 2, arbitrary: strangeEvent.map((junk) => ({ junk })) },
	{
		weight: 1,
		arbitrary: jsonish
			.map(parsedJson)
			.filter((junk) => !chosen(typeOf(junk)))
			.map((junk) => ({ junk })),
	},
);
const session = fc.record({
	pool: fc.array(oktaEvent, { minLength: 1, maxLength: 12 }),
	deliveries: fc.array(
		fc.record({
			entries: fc.array(entry, { maxLength: 12 }),
			retry: fc.boolean(),
			extraHeaders: fc.dictionary(
				fc
					.string({ minLength: 1, maxLength: 12 })
					.map((key) => key.toLowerCase())
					.filter((key) => key !== 'authorization'),
				fc.string(),
				{ maxKeys: 2 },
			),
		}),
		{ minLength: 1, maxLength: 4 },
	),
});

function eventsOf(pool: Array<Record<string, unknown>>, entries: Entry[]): unknown[] {
	return entries.map((one) => {
		if ('junk' in one) return one.junk;
		const event = pool[one.ref % pool.length];
		return one.as === undefined ? event : { ...event, eventType: one.as };
	});
}

afterAll(() => {
	recordFigures('okta-trigger-hostile', {
		seed: SEED,
		chosen: CHOSEN_TYPES,
		other: OTHER_TYPES,
		unknown: UNKNOWN_TYPES,
		...tally,
		crashSamples,
	});
});

describe(`Okta Trigger with ${CHOSEN_TYPES.length} of ${TYPES.length} event types: hostile input through webhook()`, () => {
	it('sessions of valid deliveries: one item per new event of a chosen type, of its type; a retry emits nothing', async () => {
		await fc.assert(
			fc.asyncProperty(session, async ({ pool, deliveries }) => {
				tally.sessions += 1;
				const reg = registration();
				/** uuid → the type its first chosen-type occurrence had: emitted by this registration. */
				const emitted = new Map<string, string>();
				for (const { entries, retry, extraHeaders } of deliveries) {
					const events = eventsOf(pool, entries);
					const expected = new Map<string, string>();
					for (const event of events) {
						const type = typeOf(event);
						if (typeof type === 'string' && OTHER_TYPES.includes(type))
							tally.eventsOfOtherTypes += 1;
						else if (!chosen(type)) tally.eventsOfUnknownTypes += 1;
						if (!chosen(type)) continue;
						const uuid = (event as { uuid: string }).uuid;
						if (expected.has(uuid)) tally.repeatsWithinDelivery += 1;
						else if (emitted.has(uuid)) tally.repeatsAcrossDeliveries += 1;
						else expected.set(uuid, type);
					}
					tally.newChosenEvents += expected.size;
					const body = parsedJson(envelope(events));
					const answer = await deliver('valid', okHeaders(extraHeaders), body, reg);
					const items = itemsOf(answer);
					const got = items.map((item) => String(item.uuid));
					const lost = [...expected.keys()].filter((uuid) => !got.includes(uuid)).length;
					const duplicated = got.length - new Set(got).size;
					const anotherType = items.filter(
						(item) =>
							!expected.has(String(item.uuid)) ||
							expected.get(String(item.uuid)) !== item.eventType,
					).length;
					tally.itemsLostFromValid += lost;
					tally.itemsDuplicatedFromValid += duplicated;
					tally.itemsOfAnotherType += anotherType;
					expect(answer?.status).toBe(200);
					expect({ lost, duplicated, anotherType }).toEqual({
						lost: 0,
						duplicated: 0,
						anotherType: 0,
					});
					for (const item of items) {
						expect(Object.keys(item)).toEqual(expect.arrayContaining(EVENT_ITEM_FIELDS));
						expect(JSON.stringify(item.headers)).not.toContain(SECRET);
					}
					for (const [uuid, type] of expected) emitted.set(uuid, type);
					if (retry) {
						// Okta's retry: the same eventId and body.
						tally.retries += 1;
						const again = await deliver('valid (Okta retry)', okHeaders(extraHeaders), body, reg);
						tally.itemsDuplicatedFromValid += itemsOf(again).length;
						expect(again?.status).toBe(200);
						expect(itemsOf(again)).toHaveLength(0);
					}
				}
			}),
			{ numRuns: 1200, seed: SEED },
		);
	});

	it('unauthenticated deliveries of chosen types: 401, nothing emitted', async () => {
		await fc.assert(
			fc.asyncProperty(
				wrongAuthHeaders,
				fc.oneof(
					fc
						.array(oktaEvent, { minLength: 1, maxLength: 6 })
						.map((events) => parsedJson(envelope(events))),
					malformedBody,
				),
				async (headers, body) => {
					const answer = await deliver(
						'unauthenticated',
						{ 'content-type': 'application/json', ...headers },
						body,
					);
					tally.itemsFromUnauthenticated += itemsOf(answer).length;
					expect(answer?.status).toBe(401);
					expect(itemsOf(answer)).toHaveLength(0);
				},
			),
			{ numRuns: 800, seed: SEED + 1 },
		);
	});

	it('malformed deliveries with the right secret: 400, nothing emitted', async () => {
		await fc.assert(
			fc.asyncProperty(malformedBody, async (body) => {
				const answer = await deliver('malformed', okHeaders(), body);
				tally.itemsFromMalformed += itemsOf(answer).length;
				expect(answer?.status).toBe(400);
				expect(itemsOf(answer)).toHaveLength(0);
			}),
			{ numRuns: 800, seed: SEED + 2 },
		);
	});

	describe('hand-made', () => {
		const of = (type: string, uuid: string) => makeEventOfType(type, { uuid });

		it.each([
			[
				'a chosen type as an array',
				() => [{ ...of(CHOSEN_TYPES[0], 'a-1'), eventType: [CHOSEN_TYPES[0]] }],
				0,
			],
			[
				'a chosen type only under __proto__ and constructor keys',
				() => [
					JSON.parse(
						`{"__proto__":{"eventType":"${CHOSEN_TYPES[0]}"},"constructor":{"prototype":{"eventType":"${CHOSEN_TYPES[1]}"}},"uuid":"p-1"}`,
					),
				],
				0,
			],
			[
				'every one of the 6 types twice, and the unknown ones',
				() => {
					const events = TYPES.map((type, index) => of(type, `six-${index}`));
					const unknown = UNKNOWN_TYPES.map((type, index) => ({
						...of(CHOSEN_TYPES[0], `unknown-${index}`),
						eventType: type,
					}));
					return [...events, ...unknown, ...[...events].reverse()];
				},
				CHOSEN_TYPES.length,
			],
			[
				'a chosen event, then its uuid under an unchosen type and another chosen type',
				() => [
					of(CHOSEN_TYPES[0], 'same-1'),
					{ ...of(OTHER_TYPES[0], 'same-1') },
					{ ...of(CHOSEN_TYPES[1], 'same-1') },
				],
				1,
			],
			[
				'3,000 events of the 6 types, 1,000 of them repeated',
				() => {
					const events = Array.from({ length: 3_000 }, (_, index) =>
						of(TYPES[index % TYPES.length], `bulk-${index}`),
					);
					return [...events, ...events.slice(0, 1_000)];
				},
				1_500,
			],
		] as Array<[string, () => unknown[], number]>)(
			'%s: 200, one item per new event of a chosen type',
			async (_, events, count) => {
				const answer = await deliver(
					'hand-made: valid',
					okHeaders(),
					parsedJson(envelope(events())),
				);
				const items = itemsOf(answer);
				tally.itemsLostFromValid += Math.max(0, count - items.length);
				tally.itemsDuplicatedFromValid += Math.max(0, items.length - count);
				tally.itemsOfAnotherType += items.filter((item) => !chosen(item.eventType)).length;
				expect(answer?.status).toBe(200);
				expect(items).toHaveLength(count);
				expect(new Set(items.map((item) => item.uuid)).size).toBe(count);
				expect(items.every((item) => chosen(item.eventType))).toBe(true);
				expect(polluted()).toBe(false);
			},
		);

		it('a delivery that names the right hook but carries no secret, or the secret of another hook: 401', async () => {
			for (const authorization of ['', `${SECRET}x`, 'another hook secret']) {
				const answer = await deliver(
					'hand-made: unauthenticated',
					{ 'content-type': 'application/json', authorization },
					parsedJson(envelope(CHOSEN_TYPES.map((type) => of(type, `auth-${type}`)))),
				);
				tally.itemsFromUnauthenticated += itemsOf(answer).length;
				expect(answer?.status).toBe(401);
			}
		});
	});
});

describe('all of it together', () => {
	it('meets every goal', () => {
		expect(tally.repeatsAcrossDeliveries).toBeGreaterThan(0);
		expect(tally.repeatsWithinDelivery).toBeGreaterThan(0);
		expect(tally).toMatchObject({
			crashes: 0,
			itemsFromUnauthenticated: 0,
			itemsFromMalformed: 0,
			itemsLostFromValid: 0,
			itemsDuplicatedFromValid: 0,
			itemsOfAnotherType: 0,
			prototypePollution: 0,
		});
	});
});
