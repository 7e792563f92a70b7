/**
 * Reliability through a real n8n 2.41.1 (the built package, the Okta sandbox as Okta):
 * part 3, thousands of events in concurrent batches, some sent twice (Okta's at-least-once) and
 * some retried after Okta's delivery timeout, counted in n8n's executions: exactly once / lost /
 * duplicated; part 4, n8n's log grepped for the delivery secret and the API token; part 1, a
 * representative part of the fault matrix through n8n's own publication service.
 * Bounded: a fixed number of batches, at most CONCURRENCY in flight, loopback only.
 * Figures go to .cache/reliability/e2e-load.json for `npm run reliability -- --e2e`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8N_VERSION } from '../../devkit/n8n/runtime';
import { REPO_ROOT } from '../../devkit/paths';
import type { LogEvent } from '../../devkit/okta-sandbox';
import {
	INSTALL_TIMEOUT_MS,
	createNoOpWorkflow,
	hooksFor,
	publishAndSettle,
	sleep,
	startStack,
	waitFor,
	type Stack,
} from '../../devkit/n8n/stack';

const EVENTS = Number(process.env.RELIABILITY_E2E_EVENTS ?? 3000);
const CONCURRENCY = Number(process.env.RELIABILITY_E2E_CONCURRENCY ?? 4);
const MAX_BATCH = 25;
const RESULTS_DIR =
	process.env.RELIABILITY_RESULTS_DIR ?? path.join(REPO_ROOT, '.cache', 'reliability');

let stack: Stack;
const figures: Record<string, unknown> = { n8nVersion: N8N_VERSION };

beforeAll(async () => {
	stack = await startStack({}, 'reliability');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	fs.writeFileSync(
		path.join(RESULTS_DIR, 'e2e-load.json'),
		`${JSON.stringify({ suite: 'e2e-load', recordedAt: new Date().toISOString(), ...figures }, null, '\t')}\n`,
	);
});

/** Every execution of the workflow with its data, following the public API's cursor. */
async function allExecutions(workflowId: string): Promise<any[]> {
	const all: any[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 1000; page++) {
		const query = `/executions?workflowId=${workflowId}&includeData=true&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
		const res = await stack.http.api<any>('GET', query);
		all.push(...res.data);
		cursor = res.nextCursor ?? undefined;
		if (!cursor) break;
	}
	return all;
}

/** The trigger's items in one execution (whatever node names it). */
function triggerItems(execution: any): any[] {
	const runData = execution?.data?.resultData?.runData ?? {};
	for (const runs of Object.values(runData) as any[]) {
		const items = runs?.[0]?.data?.main?.[0]?.map((item: any) => item.json) ?? [];
		if (
			items.some((item: any) => item?.eventType === 'system.mfa.preregister.initiate' && item?.uuid)
		)
			return items;
	}
	return [];
}

/** Runs at most `limit` of the jobs at a time; the list is finite, so the loop ends by itself. */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
	const results: T[] = new Array(jobs.length);
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) {
			const index = next++;
			results[index] = await jobs[index]();
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
	return results;
}

/** The sandbox's delivery timing, set at start; shortened for the timeout phase only. */
type DeliveryTiming = { deliveryTimeoutMs: number; deliveryRetryDelayMs: number };
function deliveryTiming(): DeliveryTiming | undefined {
	const opts = (stack.sandbox as unknown as { opts?: DeliveryTiming }).opts;
	return opts && typeof opts.deliveryTimeoutMs === 'number' ? opts : undefined;
}

describe('part 3: thousands of events through real n8n', () => {
	test(
		`${EVENTS} events in concurrent batches, some sent twice, some retried after a timeout: each runs exactly once`,
		async () => {
			const started = Date.now();
			const wf = await createNoOpWorkflow(stack, 'reliability: load');
			expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });
			const [hook] = hooksFor(stack, wf.productionUrl);
			expect(hook).toBeDefined();

			// Batches of 1..MAX_BATCH events, deterministic sizes; every 5th sent twice (same eventId and body).
			const events: LogEvent[] = Array.from({ length: EVENTS }, () => stack.sandbox.makeEvent());
			const batches: Array<{
				events: LogEvent[];
				duplicate: boolean;
				phase: 'normal' | 'timeout';
			}> = [];
			for (
				let index = 0, size = 1;
				index < events.length;
				index += size, size = (size * 7) % MAX_BATCH || 1
			) {
				const n = batches.length;
				batches.push({
					events: events.slice(index, index + size),
					duplicate: n % 5 === 0,
					phase: n % 4 === 3 ? 'timeout' : 'normal',
				});
			}
			const run = (phase: 'normal' | 'timeout') =>
				pool(
					batches
						.filter((batch) => batch.phase === phase)
						.map(
							(batch) => () =>
								stack.sandbox.deliver(batch.events, {
									hookId: hook.id,
									duplicate: batch.duplicate,
								}),
						),
					CONCURRENCY,
				);

			const normal = (await run('normal')).flat();
			// Timeout phase: Okta gives up on a delivery after its timeout and retries once; a timeout
			// shorter than n8n's answer makes Okta retry deliveries n8n did receive and run.
			const timing = deliveryTiming();
			const answerTimes = normal
				.flatMap((result) =>
					result.attempts
						.filter((attempt) => attempt.status === 200)
						.map((attempt) => attempt.durationMs),
				)
				.sort((a, b) => a - b);
			const timeoutMs = Math.max(
				5,
				Math.round(answerTimes[Math.floor(answerTimes.length / 2)] ?? 20),
			);
			let timeoutResults: Awaited<ReturnType<typeof run>>[number] = [];
			if (timing) {
				const saved = { ...timing };
				// About half of n8n's answers come later than the median: those deliveries reach n8n, run,
				// and are retried by Okta all the same, like a real timeout behind a slow proxy.
				Object.assign(timing, { deliveryTimeoutMs: timeoutMs, deliveryRetryDelayMs: 10 });
				try {
					timeoutResults = (await run('timeout')).flat();
				} finally {
					Object.assign(timing, saved);
				}
			} else {
				timeoutResults = (await run('timeout')).flat();
			}
			const results = [...normal, ...timeoutResults];
			const ordered = [
				...batches.filter((b) => b.phase === 'normal'),
				...batches.filter((b) => b.phase === 'timeout'),
			];
			const attempts = results.flatMap((result) => result.attempts);
			const answered = new Set<string>();
			const gaveUp = new Set<string>();
			results.forEach((result, index) => {
				const batch = ordered[index];
				const ok = result.attempts.some(
					(attempt) => attempt.status === 200 || attempt.status === 204,
				);
				for (const event of batch.events) (ok ? answered : gaveUp).add(event.uuid);
			});

			// Wait until n8n has run everything it accepted: the execution count stops growing.
			let last = -1;
			let executions: any[] = [];
			await waitFor(
				async () => {
					executions = await allExecutions(wf.id);
					const settled =
						executions.length === last &&
						executions.every((execution) => execution.finished || execution.stoppedAt);
					last = executions.length;
					return settled;
				},
				{ timeoutMs: 180_000, intervalMs: 3_000, what: 'n8n to finish the executions' },
			);

			const counts = new Map<string, number>();
			for (const execution of executions)
				for (const item of triggerItems(execution))
					counts.set(item.uuid, (counts.get(item.uuid) ?? 0) + 1);
			const exactlyOnce = events.filter(
				(event) => answered.has(event.uuid) && counts.get(event.uuid) === 1,
			).length;
			const lost = events.filter(
				(event) => !counts.has(event.uuid) && answered.has(event.uuid),
			).length;
			const duplicated = [...counts.values()].filter((count) => count > 1).length;
			Object.assign(figures, {
				events: EVENTS,
				deliveries: batches.length,
				concurrency: CONCURRENCY,
				duplicatedDeliveries: batches.filter((batch) => batch.duplicate).length,
				// Okta retries once after a timeout or a 5xx: a delivery with such an attempt was retried.
				retried: results.filter((result) =>
					result.attempts.some((attempt) => attempt.status === undefined || attempt.status >= 500),
				).length,
				medianAnswerMs: timeoutMs,
				timeoutPhase: timing
					? `${ordered.filter((batch) => batch.phase === 'timeout').length} deliveries with Okta's delivery timeout at n8n's median answer time (${timeoutMs} ms), retry 10 ms later`
					: 'not run (sandbox timing not adjustable)',
				delivered: answered.size,
				attempts: attempts.length,
				attemptsTimedOut: attempts.filter((attempt) => attempt.status === undefined).length,
				oktaGaveUpOn: gaveUp.size,
				oktaGaveUpButN8nRan: [...gaveUp].filter((uuid) => counts.get(uuid) === 1).length,
				executions: executions.length,
				exactlyOnce,
				lost,
				duplicated,
				durationSeconds: Math.round((Date.now() - started) / 1000),
			});
			expect(duplicated).toBe(0);
			expect(lost).toBe(0);
			// Every event Okta delivered (n8n answered at least one attempt) ran exactly once.
			expect(
				events.filter((event) => answered.has(event.uuid) && counts.get(event.uuid) !== 1),
			).toEqual([]);
		},
		15 * 60_000,
	);
});

describe("part 1 (representative): faults through n8n's publication service", () => {
	test.each([
		['verify', '400 every time', { op: 'verify', status: 400, times: Infinity }, 'failed', 0],
		['create', '500 every time', { op: 'create', status: 500, times: Infinity }, 'failed', 0],
		['create', '429 once, then success', undefined, 'published', 1],
	] as const)(
		'%s failing with %s',
		async (op, kind, fault, expected, hooksLeft) => {
			const wf = await createNoOpWorkflow(stack, `reliability: ${op} ${kind}`);
			if (fault) stack.sandbox.injectFault({ ...fault });
			else stack.sandbox.rateLimit(op, 1, 1);
			const status = await publishAndSettle(stack, wf.id, 120_000);
			stack.sandbox.clearFaults();
			const hooks = hooksFor(stack, wf.productionUrl).length;
			const message = JSON.stringify(status);
			const secrets = stack.sandbox.requests
				.map((request) => (request.body as any)?.channel?.config?.authScheme?.value)
				.filter((value: unknown): value is string => typeof value === 'string');
			const rows = (figures.n8nFaultCells as unknown[] | undefined) ?? [];
			rows.push({
				op,
				kind,
				status: status?.status,
				hooksLeft: hooks,
				message: status?.triggers?.[0]?.errorMessage ?? null,
				secretInMessage: secrets.some((secret) => message.includes(secret)),
			});
			figures.n8nFaultCells = rows;
			expect(status?.status).toBe(expected);
			expect(hooks).toBe(hooksLeft);
			expect(
				secrets.some((secret) => message.includes(secret)) || message.includes(stack.sandbox.token),
			).toBe(false);
			if (expected === 'published') {
				await stack.http.unpublishWorkflow(wf.id);
				await waitFor(() => hooksFor(stack, wf.productionUrl).length === 0, {
					timeoutMs: 30_000,
					what: 'hook removal',
				});
			}
		},
		180_000,
	);
});

describe("part 4: n8n's log", () => {
	test('holds neither a delivery secret nor the API token', async () => {
		await sleep(1000);
		const log = fs.readFileSync(stack.options.logFile!, 'utf8');
		const secrets = [
			...new Set(
				stack.sandbox.requests
					.map((request) => (request.body as any)?.channel?.config?.authScheme?.value)
					.filter((value: unknown): value is string => typeof value === 'string'),
			),
		];
		figures.logBytes = log.length;
		figures.secretsChecked = secrets.length;
		figures.secretInN8nLog = secrets.filter((secret) => log.includes(secret)).length;
		figures.tokenInN8nLog = log.includes(stack.sandbox.token) ? 1 : 0;
		expect(secrets.length).toBeGreaterThan(0);
		expect(figures.secretInN8nLog).toBe(0);
		expect(figures.tokenInN8nLog).toBe(0);
	});
});
