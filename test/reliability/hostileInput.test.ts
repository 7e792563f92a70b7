/**
 * Reliability, part 2: hostile input. At least 10,000 generated deliveries (fast-check) plus a corpus
 * of hand-made nasties go through the node's real webhook(), the way n8n calls it; a smaller sample
 * goes over real HTTPS through the trigger host. Goals: no crash, nothing emitted for an
 * unauthenticated or malformed request, nothing lost or duplicated from a valid one, no prototype
 * pollution.
 */
import * as https from 'node:https';
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import type { IDataObject } from 'n8n-workflow';

import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../devkit/okta-sandbox/events';
import { testWorkflow } from '../../devkit/n8n/core';
import type { TestWorkflow } from '../../devkit/n8n/core';
import { callWebhook } from '../../devkit/n8n/webhookServer';
import type { WebhookAnswer } from '../../devkit/n8n/webhookServer';
import { startTriggerHost } from '../../devkit/n8n/triggerHost';
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
	wrongSecret,
} from './hostile';
import { recordFigures } from './results';

import { MFA_PREREGISTRATION_EVENT as EVENT } from '../../nodes/events/mfaPreregistration';
const node = new OktaMfaPreregistrationTrigger();
const SEED = Number(process.env.RELIABILITY_SEED ?? 20261128);

interface Tally {
	deliveries: number;
	crashes: number;
	itemsFromUnauthenticated: number;
	itemsFromMalformed: number;
	itemsLostFromValid: number;
	itemsDuplicatedFromValid: number;
	prototypePollution: number;
	/** Items webhook() produced that JSON.stringify (as n8n does when it saves an execution) cannot serialise. */
	unserialisableItems: number;
	deepestUnserialisable?: number;
	byKind: Record<string, number>;
}
const tally: Tally = {
	deliveries: 0,
	crashes: 0,
	itemsFromUnauthenticated: 0,
	itemsFromMalformed: 0,
	itemsLostFromValid: 0,
	itemsDuplicatedFromValid: 0,
	prototypePollution: 0,
	unserialisableItems: 0,
	byKind: {},
};
const overHttps = {
	deliveries: 0,
	crashes: 0,
	itemsFromUnauthenticated: 0,
	itemsFromMalformed: 0,
	itemsLostFromValid: 0,
	statuses: {} as Record<string, number>,
};
const crashSamples: string[] = [];

let registrationCounter = 0;
/** A fresh published workflow: its own webhook and hook, so its own duplicate filter. */
function registration(stored?: IDataObject): TestWorkflow {
	registrationCounter += 1;
	return testWorkflow({
		nodeType: node,
		// Deliveries only: recovery (a System Log read per delivery) has its own tests.
		parameters: { recoverMissedEvents: false },
		node: { webhookId: `hostile-${registrationCounter}` },
		nodeStaticData: stored ?? { hookId: `whoHostile${registrationCounter}`, secret: SECRET },
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
	try {
		// n8n stores the items as JSON when it saves the execution.
		JSON.stringify(answer.workflowData ?? []);
	} catch {
		tally.unserialisableItems += answer.workflowData?.[0]?.length ?? 0;
	}
	return answer;
}
const itemsOf = (answer: WebhookAnswer | undefined) => answer?.workflowData?.[0] ?? [];

// ---- generators ----

/** A valid MFA event with random field types where Okta's schema allows surprises. */
const mfaEvent = fc
	.record({
		uuid: fc.uuid(),
		published: fc
			.date({ min: new Date('2024-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
			.map((d) => d.toISOString()),
		displayMessage: fc.option(fc.string(), { nil: undefined }),
		extra: fc.dictionary(fc.oneof(nastyKey, fc.string()), jsonish, { maxKeys: 3 }),
	})
	.map(({ uuid, published, displayMessage, extra }) => {
		const event = makeMfaPreregisterEvent({ uuid, published }) as Record<string, unknown>;
		if (displayMessage !== undefined) event.displayMessage = displayMessage;
		return parsedJson({ ...extra, ...event }) as Record<string, unknown>;
	});
const otherEvent = fc
	.constantFrom('user.session.start', 'user.lifecycle.create', 'system.mfa.preregister.complete')
	.map((type) => makeEventOfType(type));

/** A delivery Okta could send: MFA events (some repeated), other events, junk entries Okta never sends but must not break anything. */
const validDelivery = fc.record({
	events: fc.array(
		fc.oneof(
			{ weight: 6, arbitrary: mfaEvent },
			{ weight: 2, arbitrary: otherEvent },
			{
				weight: 1,
				arbitrary: jsonish.filter(
					(v) =>
						!(v && typeof v === 'object' && (v as { eventType?: unknown }).eventType === EVENT),
				),
			},
		),
		{ maxLength: 12 },
	),
	repeats: fc.array(fc.nat(), { maxLength: 3 }),
	extraHeaders: fc.dictionary(
		fc
			.string({ minLength: 1, maxLength: 12 })
			.map((k) => k.toLowerCase())
			.filter((k) => k !== 'authorization'),
		fc.string(),
		{ maxKeys: 3 },
	),
	redeliver: fc.boolean(),
});

afterAll(() => {
	recordFigures('hostile-input', { seed: SEED, ...tally, overHttps, crashSamples });
});

describe('hostile input through webhook()', () => {
	it('valid deliveries: every new MFA event exactly once, oldest first; a retry emits nothing', async () => {
		await fc.assert(
			fc.asyncProperty(validDelivery, async ({ events, repeats, extraHeaders, redeliver }) => {
				const batch: unknown[] = [...events];
				const mfa = events.filter(
					(event) => (event as { eventType?: unknown })?.eventType === EVENT,
				) as Array<{ uuid: string; published: string }>;
				for (const index of repeats) if (mfa.length) batch.push(mfa[index % mfa.length]);
				const reg = registration();
				const body = parsedJson(envelope(batch));
				const answer = await deliver('valid', okHeaders(extraHeaders), body, reg);
				const items = itemsOf(answer);
				const expected = [...new Set(mfa.map((event) => event.uuid))];
				const got = items.map((item) => item.uuid as string);
				const lost = expected.filter((uuid) => !got.includes(uuid)).length;
				const duplicated = got.length - new Set(got).size;
				tally.itemsLostFromValid += lost;
				tally.itemsDuplicatedFromValid += duplicated;
				expect(answer?.status).toBe(200);
				expect(lost).toBe(0);
				expect(duplicated).toBe(0);
				const times = items.map((item) => Date.parse(String(item.dateAndTime)));
				expect(times).toEqual([...times].sort((a, b) => a - b));
				for (const item of items) expect(JSON.stringify(item.headers)).not.toContain(SECRET);
				if (redeliver) {
					const retry = await deliver('valid (Okta retry)', okHeaders(extraHeaders), body, reg);
					tally.itemsDuplicatedFromValid += itemsOf(retry).length;
					expect(itemsOf(retry)).toHaveLength(0);
				}
			}),
			{ numRuns: 4000, seed: SEED },
		);
	});

	it('unauthenticated deliveries: 401, nothing emitted', async () => {
		await fc.assert(
			fc.asyncProperty(
				wrongAuthHeaders,
				fc.oneof(
					validDelivery.map(({ events }) => parsedJson(envelope(events))),
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
					expect(answer?.body).not.toContain(SECRET);
				},
			),
			{ numRuns: 3000, seed: SEED + 1 },
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
			{ numRuns: 3000, seed: SEED + 2 },
		);
	});

	describe('hand-made nasties', () => {
		const event = () => makeMfaPreregisterEvent() as Record<string, unknown>;
		const nested = (levels: number) => {
			let value: unknown = {};
			for (let depth = 0; depth < levels; depth++) value = { deeper: value };
			return value;
		};
		const deep = nested(1000);
		const huge = 'A'.repeat(8 * 1024 * 1024);

		it.each([
			['truncated JSON text', () => JSON.stringify(envelope([event()])).slice(0, 40)],
			[
				'truncated JSON as bytes',
				() => Buffer.from(JSON.stringify(envelope([event()])).slice(0, 60)),
			],
			['non-UTF-8 bytes', () => Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0xa0, 0xa1])],
			['data.events is an object', () => ({ data: { events: { 0: event() } } })],
			['data.events is a string', () => ({ data: { events: '[]' } })],
			['data is an array', () => ({ data: [event()] })],
			['body is an array of events', () => [event()]],
			['body is null', () => null],
			['body is a number', () => 42],
			['deeply nested body without events', () => deep],
		])('%s: 400, nothing emitted', async (_, body) => {
			const answer = await deliver('corpus: malformed', okHeaders(), body());
			tally.itemsFromMalformed += itemsOf(answer).length;
			expect(answer?.status).toBe(400);
			expect(itemsOf(answer)).toHaveLength(0);
		});

		it.each([
			[
				'__proto__ and constructor keys everywhere',
				() =>
					parsedJson(
						JSON.parse(
							`{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"data":{"__proto__":{"isAdmin":true},"events":[${JSON.stringify({ ...event(), uuid: 'proto-1' }).replace(/^\{/, '{"__proto__":{"polluted":1},"constructor":{"prototype":{"isAdmin":true}},')}]}}`,
						),
					),
				1,
			],
			[
				'a target and an actor named __proto__',
				() =>
					parsedJson({
						data: {
							events: [
								{
									...event(),
									uuid: 'proto-2',
									actor: JSON.parse('{"__proto__":{"polluted":1}}'),
									target: [
										JSON.parse('{"type":"User","__proto__":{"isAdmin":true}}'),
										JSON.parse('{"detailEntry":{"__proto__":{"polluted":1}}}'),
									],
								},
							],
						},
					}),
				1,
			],
			[
				'wrong types in every field of the event',
				() => ({
					data: {
						events: [
							{
								eventType: EVENT,
								uuid: 'types-1',
								published: { not: 'a date' },
								actor: 7,
								target: 'user',
								debugContext: [],
								displayMessage: 12,
								version: null,
							},
						],
					},
				}),
				1,
			],
			[
				'deeply nested event (1,000 levels)',
				() => ({
					data: { events: [{ ...event(), uuid: 'deep-1', debugContext: { debugData: deep } }] },
				}),
				1,
			],
			[
				'an 8 MB string field',
				() => ({ data: { events: [{ ...event(), uuid: 'huge-1', displayMessage: huge }] } }),
				1,
			],
			['an empty batch', () => envelope([]), 0],
			[
				'an enormous batch (20,000 events, a quarter repeated)',
				() => {
					const events = Array.from({ length: 15_000 }, (_, index) => ({
						...event(),
						uuid: `bulk-${index}`,
					}));
					return envelope([...events, ...events.slice(0, 5_000)]);
				},
				15_000,
			],
			[
				'null and primitive events among real ones',
				() => envelope([null, 1, 'x', [], { ...event(), uuid: 'mixed-1' }]),
				1,
			],
			['an event without uuid', () => envelope([{ ...event(), uuid: undefined }]), 1],
		] as Array<[string, () => unknown, number]>)(
			'%s: accepted, every MFA event once, no pollution',
			async (_, body, count) => {
				const answer = await deliver('corpus: valid', okHeaders(), body());
				const items = itemsOf(answer);
				tally.itemsLostFromValid += Math.max(0, count - items.length);
				tally.itemsDuplicatedFromValid += Math.max(0, items.length - count);
				expect(answer?.status).toBe(200);
				expect(items).toHaveLength(count);
				expect(polluted()).toBe(false);
				for (const item of items) {
					expect(Object.getPrototypeOf(item)).toBe(Object.prototype);
					for (const value of Object.values(item))
						if (value && typeof value === 'object')
							expect([Object.prototype, Array.prototype]).toContain(Object.getPrototypeOf(value));
				}
			},
		);

		it('an event nested 20,000 levels deep: webhook() emits it without recursing (JSON.stringify itself cannot)', async () => {
			const before = tally.unserialisableItems;
			const answer = await deliver('corpus: valid', okHeaders(), {
				data: {
					events: [{ ...event(), uuid: 'deep-2', debugContext: { debugData: nested(20_000) } }],
				},
			});
			expect(answer?.status).toBe(200);
			expect(itemsOf(answer)).toHaveLength(1);
			// Recorded, not a goal: only an authenticated sender (Okta) could send it, and n8n's own
			// JSON.stringify of the execution is what fails; Okta's LogEvent is a few levels deep.
			tally.deepestUnserialisable = tally.unserialisableItems > before ? 20_000 : undefined;
		});

		it.each([
			['no Authorization header', {}],
			['an empty Authorization header', { authorization: '' }],
			['the secret plus one character', { authorization: `${SECRET}x` }],
			['the secret less its last character', { authorization: SECRET.slice(0, -1) }],
			['the first 16 characters of the secret', { authorization: SECRET.slice(0, 16) }],
			['the secret as a Bearer token', { authorization: `Bearer ${SECRET}` }],
			['a repeated header whose first value is wrong', { authorization: ['wrong', SECRET] }],
			['the secret in another header', { 'x-authorization': SECRET, 'x-okta-secret': SECRET }],
			['the secret in Latin-1 look-alikes', { authorization: SECRET.replace('a', 'à') }],
		] as Array<[string, IncomingHttpHeaders]>)('%s: 401, nothing emitted', async (_, headers) => {
			const answer = await deliver(
				'corpus: unauthenticated',
				{ 'content-type': 'application/json', ...headers },
				envelope([event()]),
			);
			tally.itemsFromUnauthenticated += itemsOf(answer).length;
			expect(answer?.status).toBe(401);
			expect(itemsOf(answer)).toHaveLength(0);
		});

		it('a registration without a secret (lost static data) refuses everything, even an empty Authorization', async () => {
			for (const authorization of ['', 'undefined', 'null', SECRET]) {
				const answer = await deliver(
					'corpus: unauthenticated',
					{ authorization },
					envelope([event()]),
					registration({}),
				);
				tally.itemsFromUnauthenticated += itemsOf(answer).length;
				expect(answer?.status).toBe(401);
			}
		});
	});
});

describe('hostile input over real HTTPS (trigger host, n8n body parsing)', () => {
	let sandbox: OktaSandbox;
	let host: Awaited<ReturnType<typeof startTriggerHost>>;

	beforeAll(async () => {
		sandbox = await startOktaSandbox({ verificationRetryDelayMs: 100 });
		host = await startTriggerHost({
			credentials: { url: sandbox.url, accessToken: sandbox.token },
			ca: sandbox.caCertPem,
		});
	});
	afterAll(async () => {
		await host?.close();
		await sandbox?.close();
	});

	function post(url: string, payload: Buffer, headers: Record<string, string>): Promise<number> {
		return new Promise((resolve, reject) => {
			const request = https.request(
				url,
				{
					method: 'POST',
					headers: { 'content-length': String(payload.length), ...headers },
					ca: sandbox.caCertPem,
				},
				(response) => {
					response.resume();
					response.on('end', () => resolve(response.statusCode ?? 0));
				},
			);
			request.on('error', reject);
			request.end(payload);
		});
	}

	it('300 generated deliveries: the same verdicts as in-process, no crash (500)', async () => {
		const trigger = host.register({ webhookId: 'hostile-https' });
		await trigger.publish();
		const secret = String(trigger.stored.secret);
		const cases = fc.sample(
			fc.oneof(
				validDelivery.map(({ events }) => ({
					kind: 'valid',
					body: Buffer.from(JSON.stringify(envelope(events))),
					auth: secret,
					events,
				})),
				wrongSecret.map((auth) => ({
					kind: 'unauthenticated',
					body: Buffer.from(JSON.stringify(envelope([makeMfaPreregisterEvent()]))),
					auth: auth.replace(/[^\x20-\x7e]/g, '?'),
					events: [] as unknown[],
				})),
				malformedBody.map((body) => ({
					kind: 'malformed',
					body: Buffer.isBuffer(body)
						? body
						: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
					auth: secret,
					events: [] as unknown[],
				})),
			),
			{ numRuns: 300, seed: SEED + 3 },
		);
		for (const sample of cases) {
			const before = host.executions.length;
			const status = await post(trigger.webhookUrl, sample.body, {
				'content-type': 'application/json',
				authorization: sample.auth,
			});
			overHttps.deliveries += 1;
			overHttps.statuses[status] = (overHttps.statuses[status] ?? 0) + 1;
			const items = host.executions.slice(before).flatMap((execution) => execution.items);
			if (status >= 500) overHttps.crashes += 1;
			if (sample.kind === 'unauthenticated') {
				overHttps.itemsFromUnauthenticated += items.length;
				expect(status).toBe(401);
			} else if (sample.kind === 'malformed') {
				overHttps.itemsFromMalformed += items.length;
				expect([400, 422]).toContain(status);
			} else {
				const expected = new Set(
					(sample.events as Array<{ eventType?: unknown; uuid?: string }>)
						.filter((e) => e?.eventType === EVENT)
						.map((e) => e.uuid),
				);
				const got = new Set(items.map((item) => item.uuid));
				overHttps.itemsLostFromValid += [...expected].filter((uuid) => !got.has(uuid)).length;
				expect(status).toBe(200);
			}
			expect(items).toEqual(sample.kind === 'valid' ? items : []);
		}
		expect(overHttps).toMatchObject({
			crashes: 0,
			itemsFromUnauthenticated: 0,
			itemsFromMalformed: 0,
			itemsLostFromValid: 0,
		});
	});
});

describe('all hostile input together', () => {
	it('meets every goal', () => {
		expect(tally.deliveries).toBeGreaterThanOrEqual(10_000);
		expect(tally).toMatchObject({
			crashes: 0,
			itemsFromUnauthenticated: 0,
			itemsFromMalformed: 0,
			itemsLostFromValid: 0,
			itemsDuplicatedFromValid: 0,
			prototypePollution: 0,
		});
	});
});
