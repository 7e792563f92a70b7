/**
 * Reliability, part 6: System Log faults. For each fault, both triggers' real code (the event-hook
 * trigger served as n8n 2.41.1 serves a webhook, the polling trigger persisted as n8n persists a
 * poll, in default and durable mode) against the Okta sandbox over HTTPS; each cell counts the
 * events that happened in Okta, the items emitted, and the events lost or emitted twice.
 *
 * The clock: only `Date` is faked (timers, TLS and the sandbox's I/O stay real) and it runs with
 * real time, so "a minute later" (the event-hook trigger reads the log at most once a minute, and
 * leaves events younger than 30 s to their delivery) is a jump of the clock, not a wait.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, trustCertificateAuthority } from '../../devkit/n8n/core';
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { LogEvent, OktaSandbox } from '../../devkit/okta-sandbox';
import { OktaMfaPreregistrationPollTrigger } from '../../nodes/OktaMfaPreregistrationPollTrigger/OktaMfaPreregistrationPollTrigger.node';
import type { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { PollingN8n, uuidsOf } from '../nodes/OktaMfaPreregistrationPollTrigger/n8nPolling';
import type { PersistenceMode } from '../nodes/OktaMfaPreregistrationPollTrigger/n8nPolling';
import { OktaTrigger } from '../../nodes/OktaTrigger/OktaTrigger.node';
import { startN8nWebhookHost } from '../nodes/OktaMfaPreregistrationTrigger/n8nWebhookHost';
import type { N8nWebhookHost } from '../nodes/OktaMfaPreregistrationTrigger/n8nWebhookHost';
import { CHOSEN_TYPES, OTHER_TYPES } from './oktaTriggerHost';
import { recordFigures } from './results';

interface Cell {
	fault: string;
	trigger: string;
	happened: number;
	emitted: number;
	lost: number;
	twice: number;
	/** Items of a type the trigger does not listen to (the Okta Trigger's cells). */
	otherTypes?: number;
	note?: string;
}

const cells: Cell[] = [];
let sandbox: OktaSandbox;
const hosts: N8nWebhookHost[] = [];

beforeAll(async () => {
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'requestAnimationFrame',
			'cancelAnimationFrame',
			'requestIdleCallback',
			'cancelIdleCallback',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
		advanceTimers: true,
	});
	// The triggers warn about each failed read; the counts below are what this suite reports.
	jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
	sandbox = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	trustCertificateAuthority(sandbox.caCertPem);
});
beforeEach(() => {
	sandbox.reset();
	sandbox.setLogRateLimit(1000);
});
afterEach(async () => {
	for (const host of hosts.splice(0)) await host.close();
});
afterAll(async () => {
	await sandbox?.close();
	jest.useRealTimers();
	recordFigures('system-log', { cells });
});

/** The clock jumps forward (n8n down for a while, a minute between deliveries). */
const later = (ms: number) => jest.setSystemTime(Date.now() + ms);
const A_MINUTE = 61_000;
/** The faked clock moves in 20 ms steps: let it pass a step, so "before" and "after" differ. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 30));

/** Counts one cell: what happened in Okta against what was emitted. */
function measure(
	fault: string,
	trigger: string,
	happened: LogEvent[],
	emitted: string[],
	note?: string,
): Cell {
	const counts = new Map<string, number>();
	for (const uuid of emitted) counts.set(uuid, (counts.get(uuid) ?? 0) + 1);
	const cell: Cell = {
		fault,
		trigger,
		happened: happened.length,
		emitted: emitted.length,
		lost: happened.filter((event) => !counts.has(event.uuid)).length,
		twice: [...counts.values()].filter((count) => count > 1).length,
		...(note ? { note } : {}),
	};
	cells.push(cell);
	return cell;
}

// ---------- the event-hook trigger

const EVENT_HOOK = 'event hook';

function apiTokenCredential() {
	return new CredentialStore().save('oktaEventHookApi', {
		url: sandbox.url,
		accessToken: sandbox.token,
	});
}

async function eventHookTrigger(
	options: Parameters<typeof startN8nWebhookHost>[0] = { credential: apiTokenCredential() },
) {
	const host = await startN8nWebhookHost(options);
	hosts.push(host);
	return host;
}

async function publishedEventHook() {
	const credential = apiTokenCredential();
	const host = await eventHookTrigger({ credential });
	await host.publish();
	const hook = sandbox.hooks().find((candidate) => candidate.channel.config.uri === host.url)!;
	return { host, hookId: hook.id, credential };
}

async function deliver(hookId: string, events: LogEvent[]) {
	const [result] = await sandbox.deliver(events, { hookId, retry: true });
	return result.attempts.map((attempt) => attempt.status);
}

/** How many runs after `from` it took until every one of `missed` was emitted. */
function runsToRecover(host: N8nWebhookHost, from: number, missed: LogEvent[]): string {
	const wanted = new Set(missed.map((event) => event.uuid));
	let last = -1;
	host.executions.forEach((run, index) => {
		if (run.items.some((item: IDataObject) => wanted.has(String(item.uuid)))) last = index;
	});
	return `all recovered by delivery ${last - from + 1} after the fault`;
}

const emittedBy = (host: N8nWebhookHost) =>
	host.executions.flatMap((run) => run.items.map((item: IDataObject) => String(item.uuid)));

/** Okta delivers `count` events in batches of 25 while n8n answers 502 (Okta's try and its retry). */
async function missedWhileDown(host: N8nWebhookHost, hookId: string, count: number) {
	const missed: LogEvent[] = [];
	host.down = true;
	for (let sent = 0; sent < count; sent += 25) {
		const batch = Array.from({ length: Math.min(25, count - sent) }, () => sandbox.makeEvent());
		expect(await deliver(hookId, batch)).toEqual([502, 502]);
		missed.push(...batch);
	}
	host.down = false;
	return missed;
}

/** Live deliveries of one event each, a minute apart (each may read the log once). */
async function liveDeliveries(hookId: string, count: number) {
	const live: LogEvent[] = [];
	for (let i = 0; i < count; i++) {
		later(A_MINUTE);
		const event = sandbox.makeEvent();
		expect(await deliver(hookId, [event])).toEqual([200]);
		live.push(event);
	}
	return live;
}

describe('the event-hook trigger', () => {
	it.each([100, 450])(
		'n8n down while Okta logs %i events: recovered in the next deliveries, each once',
		async (count) => {
			const { host, hookId } = await publishedEventHook();
			const before = await liveDeliveries(hookId, 1);
			const missed = await missedWhileDown(host, hookId, count);
			later(5 * A_MINUTE);
			// A page of 200 per read; a read that found missed events makes the next delivery read too.
			const after = await liveDeliveries(hookId, Math.ceil(count / 200) + 2);
			const cell = measure(
				`n8n down, ${count} events missed`,
				EVENT_HOOK,
				[...before, ...missed, ...after],
				emittedBy(host),
				runsToRecover(host, before.length, missed),
			);
			expect(cell).toMatchObject({ lost: 0, twice: 0 });
		},
	);

	it('a lagged event Okta could not deliver, logged after a read that left a younger one: recovered', async () => {
		const { host, hookId } = await publishedEventHook();
		const before = await liveDeliveries(hookId, 1);
		later(A_MINUTE); // the next delivery reads the log
		await tick();
		const [young] = sandbox.addLogEvents(1); // logged, its delivery still on the way
		const live = sandbox.makeEvent();
		expect(await deliver(hookId, [live])).toEqual([200]); // `young` is left to its delivery
		// Okta persists an event published before `young` only now, and never delivers it.
		const [lagged] = sandbox.addLogEvents(1, { lagSeconds: 20 });
		expect(Date.parse(lagged.published)).toBeLessThan(Date.parse(young.published));
		expect(await deliver(hookId, [young])).toEqual([200]);
		const after = await liveDeliveries(hookId, 3);
		const cell = measure(
			'lagged event never delivered, logged after a read that left a younger event',
			EVENT_HOOK,
			[...before, young, live, lagged, ...after],
			emittedBy(host),
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it('lagged events (persisted after later-published ones): the missed recovered, the delivered not again', async () => {
		const { host, hookId } = await publishedEventHook();
		const before = await liveDeliveries(hookId, 1); // the log is read: the cursor is past it
		await tick();
		const laggedMissed = sandbox.addLogEvents(20, { lagSeconds: 45 }); // never delivered
		const laggedDelivered = sandbox.addLogEvents(20, { lagSeconds: 45 });
		expect(await deliver(hookId, laggedDelivered)).toEqual([200]);
		const after = await liveDeliveries(hookId, 3);
		for (const event of laggedMissed)
			expect(Date.parse(event.published)).toBeLessThan(Date.parse(before[0].published));
		const cell = measure(
			'lagged events (persisted 45 s late)',
			EVENT_HOOK,
			[...before, ...laggedMissed, ...laggedDelivered, ...after],
			emittedBy(host),
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it('a 429 storm: every read rate-limited 5 times, then allowed', async () => {
		const { host, hookId } = await publishedEventHook();
		const missed = await missedWhileDown(host, hookId, 50);
		sandbox.clearRequests();
		sandbox.rateLimit('logs', 5, 30);
		const live = await liveDeliveries(hookId, 8);
		const note = runsToRecover(host, 0, missed);
		const logReads = sandbox.requests.filter((request) => request.op === 'logs');
		expect(logReads.filter((request) => request.status === 429)).toHaveLength(5);
		// Deliveries during the storm still run, with their own events.
		expect(host.executions.slice(0, 5).map((run) => run.items.length)).toEqual([1, 1, 1, 1, 1]);
		const cell = measure(
			'429 storm (5 reads)',
			EVENT_HOOK,
			[...missed, ...live],
			emittedBy(host),
			`${note} (one read a minute)`,
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it.each([
		['the first page', 0, 50],
		['a later page', 1, 450],
	])('System Log 5xx on %s (3 reads in a row)', async (where, skip, count) => {
		const { host, hookId } = await publishedEventHook();
		const missed = await missedWhileDown(host, hookId, count);
		sandbox.injectFault({ op: 'logs', status: 503, skip, times: 3 });
		const live = await liveDeliveries(hookId, Math.ceil(count / 200) + 5);
		const cell = measure(
			`System Log 5xx, ${where}`,
			EVENT_HOOK,
			[...missed, ...live],
			emittedBy(host),
			runsToRecover(host, 0, missed),
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it('cursor lost (stored cursor and emitted list wiped, then n8n restarts): the gap is not recovered', async () => {
		const { host, hookId, credential } = await publishedEventHook();
		const before = await liveDeliveries(hookId, 1);
		const gap = await missedWhileDown(host, hookId, 30);
		// n8n restarts with the hook's id and secret but neither cursor nor emitted list.
		const stored = host.stored;
		delete stored.logCursor;
		delete stored.emitted;
		const { port } = host;
		await host.close();
		hosts.splice(hosts.indexOf(host), 1);
		let nodeClass!: typeof OktaMfaPreregistrationTrigger;
		jest.isolateModules(() => {
			({ OktaMfaPreregistrationTrigger: nodeClass } = jest.requireActual(
				'../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node',
			));
		});
		later(A_MINUTE);
		const restarted = await eventHookTrigger({ credential, port, nodeClass });
		restarted.stored = stored;
		const after = await liveDeliveries(hookId, 3);
		const cell = measure(
			'cursor lost (stored cursor wiped, restart)',
			EVENT_HOOK,
			[...before, ...gap, ...after],
			[...emittedBy(host), ...emittedBy(restarted)],
			'recovery restarts from the restart: events Okta failed to deliver before it are not recovered',
		);
		// What a wiped cursor costs: the undelivered events before the restart; nothing twice.
		expect(cell).toMatchObject({ lost: gap.length, twice: 0 });
	});
});

// ---------- the Okta Trigger, several event types per hook

const TYPES = [...CHOSEN_TYPES, ...OTHER_TYPES];
const OKTA_TRIGGER = `Okta Trigger (${CHOSEN_TYPES.length} of ${TYPES.length} types)`;

async function publishedOktaTrigger() {
	const host = await eventHookTrigger({
		credential: apiTokenCredential(),
		parameters: { events: [...CHOSEN_TYPES] },
		nodeClass: OktaTrigger as unknown as typeof OktaMfaPreregistrationTrigger,
	});
	await host.publish();
	expect(sandbox.hooks()).toHaveLength(1);
	return host;
}

/**
 * Okta logs `count` events, of the 6 types in turn, and delivers (try and retry) those of the
 * hook's types in batches; returns the events of the chosen types and each delivery's statuses.
 */
async function oktaEmits(count: number, batch = 24) {
	const chosen: LogEvent[] = [];
	const statuses: number[][] = [];
	for (let sent = 0; sent < count; sent += batch) {
		const types = Array.from(
			{ length: Math.min(batch, count - sent) },
			(_, index) => TYPES[(sent + index) % TYPES.length],
		);
		const { events, deliveries } = await sandbox.emitEvents(types, { retry: true });
		chosen.push(...events.filter((event) => CHOSEN_TYPES.includes(event.eventType)));
		statuses.push(...deliveries.map((delivery) => delivery.attempts.map((a) => a.status ?? 0)));
	}
	return { chosen, statuses };
}

/** Okta's live deliveries a minute apart, one event of each of the 6 types each time. */
async function liveMixed(count: number) {
	const chosen: LogEvent[] = [];
	for (let i = 0; i < count; i++) {
		later(A_MINUTE);
		const emitted = await oktaEmits(TYPES.length);
		expect(emitted.statuses).toEqual([[200]]);
		chosen.push(...emitted.chosen);
	}
	return chosen;
}

function measureOktaTrigger(fault: string, host: N8nWebhookHost, happened: LogEvent[]) {
	const items = host.executions.flatMap((run) => run.items);
	const cell = measure(
		fault,
		OKTA_TRIGGER,
		happened,
		items.map((item: IDataObject) => String(item.uuid)),
	);
	cell.otherTypes = items.filter((item) => !CHOSEN_TYPES.includes(String(item.eventType))).length;
	return cell;
}

describe(`the Okta Trigger, ${CHOSEN_TYPES.length} of ${TYPES.length} types per hook`, () => {
	it('n8n down while Okta logs 150 events of 6 types: the chosen ones recovered, each once, no other type', async () => {
		const host = await publishedOktaTrigger();
		const before = await liveMixed(1);
		const fromRun = host.executions.length;
		host.down = true;
		const missed = await oktaEmits(150);
		host.down = false;
		expect(missed.statuses.every((attempts) => attempts.join() === '502,502')).toBe(true);
		later(5 * A_MINUTE);
		const after = await liveMixed(3);
		const cell = measureOktaTrigger(
			`n8n down, ${missed.chosen.length} events of the chosen types missed (150 of 6 types logged)`,
			host,
			[...before, ...missed.chosen, ...after],
		);
		cell.note = runsToRecover(host, fromRun, missed.chosen);
		expect(cell).toMatchObject({ lost: 0, twice: 0, otherTypes: 0 });
		// One query for the chosen types: every read asks for the 3 of them, and only them.
		const reads = sandbox.requests.filter((request) => request.op === 'logs');
		expect(reads.length).toBeGreaterThan(0);
		for (const read of reads)
			expect(
				[...String(read.query.filter).matchAll(/eventType eq "([^"]+)"/g)].map((m) => m[1]).sort(),
			).toEqual([...CHOSEN_TYPES].sort());
	});

	it('System Log 5xx on 3 reads in a row while events of 6 types were missed', async () => {
		const host = await publishedOktaTrigger();
		host.down = true;
		const missed = await oktaEmits(60);
		host.down = false;
		sandbox.injectFault({ op: 'logs', status: 503, times: 3 });
		const live = await liveMixed(5);
		const cell = measureOktaTrigger('System Log 5xx, first page (events of 6 types)', host, [
			...missed.chosen,
			...live,
		]);
		cell.note = runsToRecover(host, 0, missed.chosen);
		expect(cell).toMatchObject({ lost: 0, twice: 0, otherTypes: 0 });
	});
});

describe("the event-hook trigger when Okta gives up before n8n's 200 (not a System Log fault)", () => {
	// Okta closes the connection before n8n's 200: the events stay pending until n8n ends its answer
	// (acceptedDelivery.ts), so Okta's retry waits for that outcome instead of running them again.
	let slowOkta: OktaSandbox;
	beforeAll(async () => {
		// Okta gives up after 150 ms: after the trigger has handed its items to n8n, before n8n has
		// created the execution (500 ms here). (With 5 ms against 20, a busy machine could take longer
		// than 5 ms in the trigger itself: then both attempts end before anything runs.)
		slowOkta = await startOktaSandbox({ deliveryTimeoutMs: 150, deliveryRetryDelayMs: 10 });
		trustCertificateAuthority(slowOkta.caCertPem);
	});
	afterAll(async () => slowOkta?.close());

	it("runs each event once when both attempts time out on Okta's side", async () => {
		const credential = new CredentialStore().save('oktaEventHookApi', {
			url: slowOkta.url,
			accessToken: slowOkta.token,
		});
		const host = await eventHookTrigger({
			credential,
			parameters: { recoverMissedEvents: false },
			executionCreationMs: 500,
		});
		await host.publish();
		const hook = slowOkta.hooks().find((candidate) => candidate.channel.config.uri === host.url)!;
		const event = slowOkta.makeEvent();
		const [result] = await slowOkta.deliver([event], { hookId: hook.id, retry: true });
		// Okta gave up on the first attempt and retried; the retry may time out too, or be answered in
		// time once the first attempt's outcome is known. Either way the event runs once.
		expect(result.attempts).toHaveLength(2);
		expect(result.attempts[0].status).toBeUndefined();
		await new Promise((resolve) => setTimeout(resolve, 1_500)); // n8n finishes both requests
		expect(emittedBy(host)).toEqual([event.uuid]);
	});
});

// ---------- the polling trigger

function pollingN8n(mode: PersistenceMode) {
	const credential = apiTokenCredential();
	return new PollingN8n(mode, {
		nodeType: new OktaMfaPreregistrationPollTrigger(),
		credential,
	});
}

/** Runs polls, keeping every item; a poll that throws counts as a failed poll. */
async function pollsOf(trigger: PollingN8n, runs: Array<() => Promise<unknown>>) {
	const emitted: string[] = [];
	let failed = 0;
	for (const run of runs) {
		try {
			emitted.push(...uuidsOf((await run()) as Parameters<typeof uuidsOf>[0]));
		} catch {
			failed++;
		}
		await tick();
	}
	return { emitted, failed };
}

const polls = (trigger: PollingN8n, count: number) =>
	Array.from({ length: count }, () => () => trigger.poll());

describe.each<PersistenceMode>(['default', 'durable'])('the polling trigger (%s mode)', (mode) => {
	const POLLING = `polling (${mode})`;

	it('n8n down while Okta logs 100 events: emitted after the restart, each once', async () => {
		const trigger = pollingN8n(mode);
		await trigger.publish();
		await tick();
		const before = sandbox.addLogEvents(5);
		const first = await pollsOf(trigger, polls(trigger, 1));
		const missed = sandbox.addLogEvents(100); // n8n is down: no polls
		const rest = await pollsOf(trigger, [() => trigger.restart(), ...polls(trigger, 2)]);
		const cell = measure(
			'n8n down, 100 events missed',
			POLLING,
			[...before, ...missed],
			[...first.emitted, ...rest.emitted],
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it('lagged events: emitted once, after the later-published ones', async () => {
		const trigger = pollingN8n(mode);
		await trigger.publish();
		await tick();
		const early = sandbox.addLogEvents(10);
		const first = await pollsOf(trigger, polls(trigger, 1));
		const lagged = sandbox.addLogEvents(10, { lagSeconds: 20 });
		const late = sandbox.addLogEvents(10);
		const rest = await pollsOf(trigger, polls(trigger, 2));
		const cell = measure(
			'lagged events (persisted 20 s late)',
			POLLING,
			[...early, ...lagged, ...late],
			[...first.emitted, ...rest.emitted],
		);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it.each([3, 6])('a 429 storm of %i reads, then allowed', async (reads) => {
		const trigger = pollingN8n(mode);
		await trigger.publish();
		await tick();
		const events = sandbox.addLogEvents(100);
		sandbox.rateLimit('logs', reads, 0);
		const run = await pollsOf(trigger, polls(trigger, reads + 2));
		// From the 5th rate-limited poll in a row, the poll fails with an error the user sees.
		expect(run.failed).toBe(Math.max(0, reads - 4));
		const cell = measure(`429 storm (${reads} reads)`, POLLING, events, run.emitted);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it.each([
		['the first page', 0, 100],
		['a later page', 1, 1500],
	])('System Log 5xx on %s (3 reads in a row)', async (where, skip, count) => {
		const trigger = pollingN8n(mode);
		await trigger.publish();
		await tick();
		const events = sandbox.addLogEvents(count);
		sandbox.injectFault({ op: 'logs', status: 503, skip, times: 3 });
		const run = await pollsOf(trigger, polls(trigger, 5));
		const cell = measure(`System Log 5xx, ${where}`, POLLING, events, run.emitted);
		expect(cell).toMatchObject({ lost: 0, twice: 0 });
	});

	it.each([
		['node static data wiped (workflow static data kept)', true],
		['all static data wiped', false],
	])('cursor lost: %s, then n8n restarts', async (what, keepGlobal) => {
		const trigger = pollingN8n(mode);
		await trigger.publish();
		await tick();
		const before = sandbox.addLogEvents(20);
		const first = await pollsOf(trigger, polls(trigger, 1));
		const gap = sandbox.addLogEvents(10); // after the last poll, before the wipe
		trigger.saved = keepGlobal
			? Object.fromEntries(
					Object.entries(trigger.saved).filter(([key]) => !key.startsWith('node:')),
				)
			: {};
		trigger.cursorRow = undefined;
		await tick();
		const rest = await pollsOf(trigger, [() => trigger.restart(), ...polls(trigger, 1)]);
		await tick();
		const after = sandbox.addLogEvents(10);
		const last = await pollsOf(trigger, polls(trigger, 1));
		const emitted = [...first.emitted, ...rest.emitted, ...last.emitted];
		const cell = measure(
			`cursor lost: ${what}`,
			POLLING,
			[...before, ...gap, ...after],
			emitted,
			keepGlobal
				? 'restarts from the first start kept in workflow static data: nothing lost, what was emitted since is emitted again'
				: 'restarts from now: the events between the last poll and the restart are not emitted',
		);
		if (keepGlobal) expect(cell).toMatchObject({ lost: 0, twice: before.length });
		else expect(cell).toMatchObject({ lost: gap.length, twice: 0 });
	});
});
