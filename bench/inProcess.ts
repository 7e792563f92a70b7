/**
 * In-process costs of the trigger, each as a ratio against a baseline measured in the same run:
 * - the work webhook() does per delivery (authenticate, validate, dedupe, map to items) against
 *   JSON.parse of the same body, which n8n does before webhook() runs;
 * - the resident size of the duplicate filter after 1,000,000 distinct events.
 * Run with `node --expose-gc` (bench/run.ts does). Prints JSON; writes nothing itself.
 */
import { toEventItem } from '../nodes/events/eventItem';
import { readDelivery } from '../nodes/events/delivery';
import { SeenEvents, UUIDS_PER_REGISTRATION } from '../nodes/events/seenEvents';
import { makeEventOfType, makeMfaPreregisterEvent } from '../devkit/okta-sandbox/events';
import { MFA_PREREGISTRATION } from '../nodes/events/mfaPreregistration';
import type { Subscription } from '../nodes/events/subscription';

const SECRET = 'bench-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const HEADERS = {
	'content-type': 'application/json',
	'user-agent': 'Okta-Integrations',
	'x-okta-request-id': 'bench',
	authorization: SECRET,
};

/** Five event types an org sends side by side; the Okta Trigger rows choose some of them. */
const MIXED_TYPES = [
	'user.lifecycle.create',
	'group.user_membership.add',
	'user.lifecycle.deactivate',
	'user.session.start',
	'system.mfa.preregister.initiate',
];

/** What each row measures: the MFA trigger on its own event, or the Okta Trigger on a mixed delivery. */
interface Case {
	label: string;
	subscription: Subscription;
	/** The event at position `index` of the delivery. */
	event: (index: number) => unknown;
}

const MFA_CASE: Case = {
	label: 'MFA Preregistration Trigger',
	subscription: MFA_PREREGISTRATION,
	event: () => makeMfaPreregisterEvent(),
};

function mixedCase(chosen: number): Case {
	return {
		label: `Okta Trigger, ${chosen} of ${MIXED_TYPES.length} types chosen, mixed delivery`,
		subscription: {
			label: 'Okta Trigger',
			eventTypes: MIXED_TYPES.slice(0, chosen),
			profile: 'event',
		},
		event: (index) => makeEventOfType(MIXED_TYPES[index % MIXED_TYPES.length]),
	};
}

function deliveryText(eventCount: number, which: Case): string {
	return JSON.stringify({
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: 'https://acme.okta.com/api/v1/eventHooks/who1',
		eventId: 'bench-delivery',
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
		data: { events: Array.from({ length: eventCount }, (_, index) => which.event(index)) },
	});
}

/** Nanoseconds per call, the median of several timed rounds. */
function time(rounds: number, iterations: number, work: () => unknown): number {
	const samples: number[] = [];
	for (let round = 0; round < rounds; round++) {
		const start = process.hrtime.bigint();
		for (let index = 0; index < iterations; index++) work();
		samples.push(Number(process.hrtime.bigint() - start) / iterations);
	}
	return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

function deliveryCost(eventCount: number, which: Case = MFA_CASE) {
	const text = deliveryText(eventCount, which);
	const kept = JSON.parse(text).data.events.filter((event: { eventType: string }) =>
		which.subscription.eventTypes.includes(event.eventType),
	).length;
	const iterations = Math.max(20, Math.round(20_000 / eventCount));
	const parse = () => JSON.parse(text);
	// A fresh filter each call: every event is new, so every event is mapped (the worst case).
	const triggerWork = () => {
		const verdict = readDelivery({
			headers: HEADERS,
			body: JSON.parse(text),
			secret: SECRET,
			eventTypes: which.subscription.eventTypes,
			seen: new SeenEvents(UUIDS_PER_REGISTRATION),
		});
		if (!('events' in verdict) || verdict.events.length !== kept)
			throw new Error('benchmark delivery rejected');
		return verdict.events.map((source) => toEventItem(source, which.subscription.profile));
	};
	// Warm both paths up before measuring; then alternate, so drift hits both alike.
	time(3, iterations, parse);
	time(3, iterations, triggerWork);
	let parseNs = 0;
	let totalNs = 0;
	for (let pass = 0; pass < 3; pass++) {
		parseNs += time(5, iterations, parse);
		totalNs += time(5, iterations, triggerWork);
	}
	parseNs /= 3;
	totalNs /= 3;
	const triggerNs = Math.max(0, totalNs - parseNs);
	return {
		trigger: which.label,
		events: eventCount,
		items: kept,
		bodyBytes: Buffer.byteLength(text),
		jsonParseNsPerEvent: parseNs / eventCount,
		triggerNsPerEvent: triggerNs / eventCount,
		ratioTriggerToJsonParse: triggerNs / parseNs,
	};
}

const retained: unknown[] = [];
const uuidFor = (index: number) =>
	`${index.toString(16).padStart(8, '0')}-6f3a-4b1c-9d2e-0123456789ab`;

/** Heap growth (MB) while what `build` returns is kept alive. */
function heapGrowthMB(build: () => unknown): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with node --expose-gc');
	gc();
	gc();
	const before = process.memoryUsage().heapUsed;
	retained.push(build());
	gc();
	gc();
	return (process.memoryUsage().heapUsed - before) / 1e6;
}

function filterMemory(distinctEvents: number) {
	let retainedUuids = 0;
	const filterHeapMB = heapGrowthMB(() => {
		const seen = new SeenEvents(UUIDS_PER_REGISTRATION);
		for (let index = 0; index < distinctEvents; index++) seen.add(uuidFor(index));
		retainedUuids = seen.size;
		return seen;
	});
	// The baseline, in the same run: the same UUIDs kept without a bound (a tenth, scaled up).
	const sample = distinctEvents / 10;
	const unboundedHeapMB =
		heapGrowthMB(() => {
			const all = new Set<string>();
			for (let index = 0; index < sample; index++) all.add(uuidFor(index));
			return all;
		}) * 10;
	return {
		distinctEvents,
		retainedUuids,
		filterHeapMB,
		unboundedSetHeapMB: unboundedHeapMB,
		ratioFilterToUnbounded: filterHeapMB / unboundedHeapMB,
		rssMB: process.memoryUsage().rss / 1e6,
	};
}

const result = {
	deliveryCost: [
		...[1, 10, 100].map((events) => deliveryCost(events)),
		deliveryCost(100, mixedCase(2)),
		deliveryCost(100, mixedCase(MIXED_TYPES.length)),
	],
	duplicateFilter: filterMemory(1_000_000),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
