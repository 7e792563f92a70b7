/**
 * The System Log figures (issue 11 §4), each against a baseline measured in the same run:
 * - pollIdle / pollBacklog: the polling trigger in n8n-core's real PollContext, one process per
 *   measurement (bench/systemLogDrain.ts), against the Okta sandbox run here, whose request log
 *   counts the Okta calls. The backlog drain alternates with a plain loop of the same HTTP reads.
 * - recoveryAnswer: in a real n8n, the event-hook trigger's answer time with recovery on and off
 *   (published workflows loaded at the same time, with an A/A twin of the "off" side as the noise
 *   control); the same n8n runs a
 *   published polling workflow meanwhile, whose scheduled polls are its Okta calls per idle poll.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import * as path from 'node:path';

import { REPO_ROOT } from '../devkit/n8n/runtime';
import { publishAndSettle, startStack, type Stack } from '../devkit/n8n/stack';
import { NO_OP_NODE, findTriggerType, triggerWorkflow } from '../devkit/n8n/workflows';

import { startOktaSandbox } from '../devkit/okta-sandbox';
import type { OktaSandbox } from '../devkit/okta-sandbox';
import { ONE_AT_A_TIME, answerOneAtATime } from './answerOneAtATime';
import { FINISHED, countExecutions, drain } from './executions';
import { Deliveries, oktaHeaders, percentile, runLoad, type LoadResult } from './load';
import type { DrainJob } from './systemLogDrain';

/** Marks the result line of bench/systemLogDrain.ts: n8n-core may print to stdout too. */
export const RESULT_MARK = 'SYSTEM-LOG-RESULT ';

type Log = (line: string) => void;

export const SYSTEM_LOG_SECTIONS = ['pollIdle', 'pollBacklog', 'recoveryAnswer'];
export const BACKLOG_EVENTS = 10_000;
const IDLE_POLLS = 10;
const DRAIN_ROUNDS = 5;
/** Recovery on/off: rounds, all sides loaded at once in each, after a warm-up round. */
const ANSWER_ROUNDS = 6; // a multiple of the three sides: each starts first equally often
/**
 * Per side, at two loads: three sides at once make 6 deliveries a second (above Okta's daily cap
 * spread evenly, 4.6 events/s, for the whole org), and 12 (about what this n8n runs at most).
 */
const ANSWER_LOADS = [
	{ connections: 2, overallRate: 2, amount: 80, maxMs: 60_000 },
	{ connections: 2, overallRate: 4, amount: 120, maxMs: 40_000 },
];
type AnswerLoad = (typeof ANSWER_LOADS)[number];
const POLL_NODE_NAME = 'Okta MFA Preregistration Polling Trigger';
const round = (value: number, digits = 1) =>
	Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
const median = (values: number[]) => percentile(values, 50);
const ratio = (a: number, b: number) => round(a / b, 2);

const logReads = (sandbox: OktaSandbox, limit?: number) =>
	sandbox.requests.filter(
		(r) => r.op === 'logs' && (limit === undefined || r.query.limit === String(limit)),
	);

/** Asynchronously: the sandbox answering the job runs in this process's event loop. */
async function runDrainJob(job: DrainJob): Promise<any> {
	const { stdout: out } = await promisify(execFile)(
		process.execPath,
		[
			'--expose-gc',
			'--import',
			'tsx',
			path.join(__dirname, 'systemLogDrain.ts'),
			JSON.stringify(job),
		],
		{ cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
	);
	const line = out.split('\n').find((text) => text.startsWith(RESULT_MARK));
	if (!line) throw new Error(`no result from ${job.kind}: ${out.slice(0, 500)}`);
	return JSON.parse(line.slice(RESULT_MARK.length));
}

/** Okta calls per idle poll, in-process: the activation poll and IDLE_POLLS scheduled ones. */
async function pollIdle(log: Log) {
	const sandbox = await startOktaSandbox({});
	try {
		const job = { oktaUrl: sandbox.url, token: sandbox.token, caCertPem: sandbox.caCertPem };
		const result = await runDrainJob({ ...job, kind: 'idle', polls: IDLE_POLLS });
		const calls = sandbox.requests.length;
		log(`idle: ${calls} Okta calls in ${result.polls} polls (${result.emitted} events emitted)`);
		return {
			driver: 'in-process (n8n-core PollContext)',
			credential: 'API token',
			polls: result.polls,
			oktaCalls: calls,
			callsPerPoll: round(calls / result.polls, 2),
			logReadsPerPoll: round(logReads(sandbox).length / result.polls, 2),
			emitted: result.emitted,
		};
	} finally {
		await sandbox.close();
	}
}

/** 10,000 events drained by the trigger, alternating with the plain loop of the same reads. */
async function pollBacklog(log: Log) {
	// Okta's per-org limit on /api/v1/logs (the sandbox's default 60 a minute) is not what is measured.
	const sandbox = await startOktaSandbox({ logRateLimitPerMinute: 1_000_000 });
	try {
		const job = { oktaUrl: sandbox.url, token: sandbox.token, caCertPem: sandbox.caCertPem };
		const added = sandbox.addLogEvents(BACKLOG_EVENTS);
		const eventsJsonBytes = Buffer.byteLength(JSON.stringify(added));
		await new Promise((resolve) => setTimeout(resolve, 50));
		const rows: any[] = [];
		for (let r = 0; r < DRAIN_ROUNDS; r++) {
			const order: Array<'trigger' | 'baseline'> =
				r % 2 === 0 ? ['trigger', 'baseline'] : ['baseline', 'trigger'];
			for (const kind of order) {
				sandbox.clearRequests();
				const result = await runDrainJob({ ...job, kind });
				const row = { kind, round: r + 1, oktaCalls: sandbox.requests.length, ...result };
				rows.push(row);
				log(
					`backlog ${kind} r${r + 1}: ${row.oktaCalls} calls, ${round(result.wallMs, 0)} ms, heap +${round(result.heapPeakDeltaBytes / 1e6)} MB, rss +${round(result.rssPeakDeltaBytes / 1e6)} MB`,
				);
			}
		}
		const of = (kind: string) => rows.filter((row) => row.kind === kind);
		const med = (kind: string, key: string) => median(of(kind).map((row) => row[key]));
		const trigger = of('trigger');
		return {
			driver: 'in-process (n8n-core PollContext), one process per drain',
			events: BACKLOG_EVENTS,
			eventsJsonBytes,
			pollLimits: '5 pages × 1,000 events per poll',
			polls: trigger[0].polls,
			emitted: trigger.map((row) => row.emitted),
			oktaCalls: trigger[0].oktaCalls,
			baselineCalls: of('baseline')[0].oktaCalls,
			wallMs: round(med('trigger', 'wallMs'), 0),
			baselineWallMs: round(med('baseline', 'wallMs'), 0),
			wallRatio: round(med('trigger', 'wallMs') / med('baseline', 'wallMs'), 2),
			heapPeakDeltaBytes: med('trigger', 'heapPeakDeltaBytes'),
			baselineHeapPeakDeltaBytes: med('baseline', 'heapPeakDeltaBytes'),
			rssPeakDeltaBytes: med('trigger', 'rssPeakDeltaBytes'),
			baselineRssPeakDeltaBytes: med('baseline', 'rssPeakDeltaBytes'),
			heapRatioToBaseline: round(
				med('trigger', 'heapPeakDeltaBytes') / med('baseline', 'heapPeakDeltaBytes'),
				2,
			),
			heapRatioToEventsJson: round(med('trigger', 'heapPeakDeltaBytes') / eventsJsonBytes, 2),
			rows,
		};
	} finally {
		await sandbox.close();
	}
}

/** Publishes a polling workflow (every minute) on the stack; returns its id. */
async function publishPollWorkflow(stack: Stack) {
	const trigger = await findTriggerType(stack.http, 'oktaMfaPreregistrationPollTrigger');
	const { name, nodes, connections, settings } = triggerWorkflow({
		name: 'bench: polling trigger → No Operation',
		triggerType: trigger.name,
		triggerVersion: trigger.version,
		triggerName: POLL_NODE_NAME,
		credential: stack.credential,
		triggerParameters: { pollTimes: { item: [{ mode: 'everyMinute' }] } },
		downstream: [NO_OP_NODE],
	});
	delete (nodes[0] as any).webhookId;
	const workflow = await stack.http.createWorkflow({ name, nodes, connections, settings });
	const status = await publishAndSettle(stack, workflow.id);
	if (status.status !== 'published')
		throw new Error(`the polling workflow did not publish: ${JSON.stringify(status)}`);
	return workflow.id as string;
}

/**
 * The polls in the sandbox's log: reads of the polling trigger's page size, grouped when < 1 s
 * apart (a poll's pages follow each other at once; the activation poll may come seconds before the
 * first scheduled one).
 */
function pollsFromRequests(sandbox: OktaSandbox) {
	const times = logReads(sandbox, 1000).map((r) => Date.parse(r.at));
	const polls: number[][] = [];
	for (const time of times) {
		const last = polls[polls.length - 1];
		if (last && time - last[last.length - 1] < 1_000) last.push(time);
		else polls.push([time]);
	}
	return polls.map((poll) => poll.length);
}

/** Event-hook trigger → No Operation with `parameters`, published; its URL and Okta's secret. */
async function hookTarget(stack: Stack, name: string, parameters: Record<string, unknown>) {
	const { webhookId, ...body } = triggerWorkflow({
		name,
		triggerType: stack.trigger.name,
		triggerVersion: stack.trigger.version,
		credential: stack.credential,
		triggerParameters: parameters,
		downstream: [NO_OP_NODE],
	});
	const workflow = await stack.http.createWorkflow(body);
	const status = await publishAndSettle(stack, workflow.id);
	if (status.status !== 'published')
		throw new Error(`${name} did not publish: ${JSON.stringify(status)}`);
	const url = `${stack.n8n.baseUrl}/webhook/${webhookId}/webhook`;
	const hook = stack.sandbox.hooks().find((h: any) => h.channel?.config?.uri === url);
	const secret = (hook as any)?.channel?.config?.authScheme?.value as string | undefined;
	if (!secret) throw new Error(`no hook (or no secret) for ${name} in the sandbox`);
	return { id: workflow.id as string, url, secret };
}

type AnswerSide = 'on' | 'off' | 'offTwin';
const ANSWER_SIDES: AnswerSide[] = ['on', 'off', 'offTwin'];

type AnswerTargets = Record<AnswerSide, Awaited<ReturnType<typeof hookTarget>>>;

/** All sides in turn, one delivery in flight at a time (bench/answerOneAtATime.ts). */
async function answerTimesOneAtATime(stack: Stack, targets: AnswerTargets, log: Log) {
	const bases = await Promise.all(
		ANSWER_SIDES.map((side) => countExecutions(stack, targets[side].id, FINISHED)),
	);
	const readsBefore = logReads(stack.sandbox, 200).length;
	const sides = Object.fromEntries(
		ANSWER_SIDES.map((side) => [
			side,
			{ url: targets[side].url, headers: oktaHeaders(targets[side].secret) },
		]),
	) as Record<AnswerSide, { url: string; headers: Record<string, string> }>;
	const started = Date.now();
	const result = await answerOneAtATime(
		sides,
		new Deliveries(1),
		fs.readFileSync(stack.tls.caCertPath),
	);
	const sent = ONE_AT_A_TIME.warmUpTurns + ONE_AT_A_TIME.turns;
	for (const [index, side] of ANSWER_SIDES.entries()) {
		await drain(stack, targets[side].id, bases[index], sent - result[side].failed, true);
	}
	const summary = {
		plan: ONE_AT_A_TIME,
		seconds: round((Date.now() - started) / 1000, 0),
		...result,
		recoveryReads: logReads(stack.sandbox, 200).length - readsBefore,
		p50Ratio: ratio(result.on.p50Ms, result.off.p50Ms),
		meanRatio: ratio(result.on.meanMs, result.off.meanMs),
		twinP50Ratio: ratio(result.offTwin.p50Ms, result.off.p50Ms),
		twinMeanRatio: ratio(result.offTwin.meanMs, result.off.meanMs),
	};
	log(
		`recovery one at a time: ` +
			ANSWER_SIDES.map((side) => `${side} p50 ${round(result[side].p50Ms)} ms`).join('; ') +
			`; on/off p50 ${summary.p50Ratio}, twin/off ${summary.twinP50Ratio}`,
	);
	return summary;
}

/** One load: rounds in which all sides get it at the same time, after a warm-up round. */
async function answerTimes(stack: Stack, targets: AnswerTargets, load: AnswerLoad, log: Log) {
	const deliveries = new Deliveries(1);
	const results: Record<AnswerSide, LoadResult[]> = { on: [], off: [], offTwin: [] };
	let recoveryReads = 0;
	const roundRecoveryReads: number[] = [];
	for (let r = 0; r <= ANSWER_ROUNDS; r++) {
		const bases = await Promise.all(
			ANSWER_SIDES.map((side) => countExecutions(stack, targets[side].id, FINISHED)),
		);
		const readsBefore = logReads(stack.sandbox, 200).length;
		// autocannon sends a second's deliveries at its start, so the side started first is served
		// first: the order rotates every round, each side first, second and third alike.
		const order = ANSWER_SIDES.map((_, index) => ANSWER_SIDES[(index + r) % ANSWER_SIDES.length]);
		const started = await Promise.all(
			order.map((side) =>
				runLoad({
					url: targets[side].url,
					headers: oktaHeaders(targets[side].secret),
					deliveries,
					...load,
				}),
			),
		);
		const loads = ANSWER_SIDES.map((side) => started[order.indexOf(side)]);
		for (const [index, side] of ANSWER_SIDES.entries()) {
			await drain(stack, targets[side].id, bases[index], loads[index].ok, true);
		}
		const reads = logReads(stack.sandbox, 200).length - readsBefore;
		// Round 0 warms all up and is not counted.
		if (r > 0) {
			ANSWER_SIDES.forEach((side, index) => results[side].push(loads[index]));
			recoveryReads += reads;
			roundRecoveryReads.push(reads);
		}
		log(
			`recovery ${load.overallRate}/s r${r}${r === 0 ? ' (warm-up)' : ''}: ` +
				ANSWER_SIDES.map(
					(side, index) =>
						`${side} ${loads[index].ok}/${loads[index].sent} ok p50 ${percentile(loads[index].latencies, 50)} p99 ${percentile(loads[index].latencies, 99)} ms`,
				).join('; ') +
				`; ${reads} recovery reads`,
		);
	}
	const summary = (side: AnswerSide) => {
		const latencies = results[side].flatMap((r) => r.latencies);
		const sent = results[side].reduce((s, r) => s + r.sent, 0);
		const ok = results[side].reduce((s, r) => s + r.ok, 0);
		return {
			deliveries: ok,
			failed: sent - ok,
			p50Ms: percentile(latencies, 50),
			p99Ms: percentile(latencies, 99),
			maxMs: Math.max(...latencies),
			roundP50Ms: results[side].map((r) => percentile(r.latencies, 50)),
			roundP99Ms: results[side].map((r) => percentile(r.latencies, 99)),
		};
	};
	const on = summary('on');
	const off = summary('off');
	const offTwin = summary('offTwin');
	return {
		load: { ...load, rounds: ANSWER_ROUNDS, eventsPerDelivery: 1, sides: 3 },
		on: { ...on, recoveryReads, roundRecoveryReads },
		off,
		offTwin,
		p50Ratio: ratio(on.p50Ms, off.p50Ms),
		p99Ratio: ratio(on.p99Ms, off.p99Ms),
		/** The same ratio between two identical sides (both off): what noise alone gives. */
		twinP50Ratio: ratio(offTwin.p50Ms, off.p50Ms),
		twinP99Ratio: ratio(offTwin.p99Ms, off.p99Ms),
	};
}

/**
 * Answer times with recovery on and off in one n8n, plus the idle polls of a polling workflow.
 * The sides are loaded at the same time (paired), so whatever else the machine does hits both;
 * a second workflow with recovery off beside the first (A/A) shows how far two identical sides
 * differ by noise alone.
 */
async function recoveryAnswer(log: Log) {
	log('recovery on/off: starting the Okta sandbox and n8n (defaults)');
	const stack = await startStack({}, 'bench-system-log');
	try {
		stack.sandbox.clearRequests();
		const pollStarted = Date.now();
		const pollId = await publishPollWorkflow(stack);
		const targets: AnswerTargets = {
			on: await hookTarget(stack, 'bench: recovery on', {}),
			off: await hookTarget(stack, 'bench: recovery off', { recoverMissedEvents: false }),
			offTwin: await hookTarget(stack, 'bench: recovery off (twin)', {
				recoverMissedEvents: false,
			}),
		};
		const oneAtATime = await answerTimesOneAtATime(stack, targets, log);
		const loads = [];
		for (const load of ANSWER_LOADS) loads.push(await answerTimes(stack, targets, load, log));
		const pollMinutes = (Date.now() - pollStarted) / 60_000;
		const polls = pollsFromRequests(stack.sandbox);
		const pollExecutions = await countExecutions(stack, pollId);
		await stack.http.unpublishWorkflow(pollId);
		return {
			oneAtATime,
			loads,
			idlePollInN8n: {
				driver: 'real n8n 2.41.1 (everyMinute, published during the load above)',
				minutes: round(pollMinutes, 1),
				polls: polls.length,
				logReadsPerPoll: polls,
				executions: pollExecutions,
			},
		};
	} finally {
		await stack.close();
	}
}

/** The System Log sections; `only` picks some of SYSTEM_LOG_SECTIONS (default: all). */
export async function measureSystemLog(log: Log, only?: string[]) {
	const want = (name: string) => !only?.length || only.includes(name);
	const results: Record<string, any> = {};
	const runs: Record<string, (log: Log) => Promise<Record<string, any>>> = {
		pollIdle,
		pollBacklog,
		recoveryAnswer,
	};
	for (const name of SYSTEM_LOG_SECTIONS.filter(want)) {
		const started = Date.now();
		const result = await runs[name](log);
		results[name] = {
			date: new Date().toISOString(),
			seconds: Math.round((Date.now() - started) / 1000),
			...result,
		};
	}
	return results;
}
