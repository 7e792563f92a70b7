/**
 * `npm run bench`: the trigger inside a real n8n 2.41.1 (the e2e stack: Okta sandbox + n8n over
 * HTTPS on loopback) against the hand-built equivalent and n8n's floor, its answer times at Okta's
 * daily cap, its execution data, its Okta calls, plus bench/inProcess.ts. Writes
 * docs/BENCHMARKS.md (and the raw figures as JSON inside it). Not run in CI.
 *
 * BENCH_QUICK=1 runs a small smoke version (fewer deliveries, one round) for trying the script.
 *
 * BENCH_ONLY runs some sections alone and merges them into .cache/bench/results.json (which a full
 * run must have written before), then re-renders the report: a comma list of `rates` (§2 on n8n's
 * defaults and saving less), `settings` (all of bench/settings.ts) or its parts `sqlitePool`,
 * `postgres`, `queue`, or `systemLog` (all of bench/systemLog.ts) or its parts `pollIdle`,
 * `pollBacklog`, `recoveryAnswer`. Example: `BENCH_ONLY=settings npx tsx bench/run.ts`. Without
 * the results file, the raw figures at the end of docs/BENCHMARKS.md are the stored ones.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	createNoOpWorkflow,
	publishAndSettle,
	startStack,
	waitFor,
	type Stack,
} from '../devkit/n8n/stack';
import {
	N8N_VERSION,
	NODE24_VERSION,
	REPO_ROOT,
	RUNTIME_DIR,
	ensureN8nInstalled,
} from '../devkit/n8n/runtime';
import { NEWEST_N8N } from '../devkit/n8n/compat';
import { DRAIN_MAX_MS, FINISHED, countExecutions, drain, lastStoppedAt } from './executions';
import { measureBurst } from './burst';
import { Deliveries, oktaHeaders, percentile, runLoad, type LoadResult } from './load';
import { RATE_CONNECTION_SECONDS, RATE_SECONDS, RATES, timedRates } from './rates';
import {
	QUEUE_PUBLICATION_SERVICE,
	SETTING_SECTIONS,
	SQLITE_POOL_SIZE,
	WORKER_CONCURRENCY,
	measureSettings,
} from './settings';
import { SYSTEM_LOG_SECTIONS, measureSystemLog } from './systemLog';
import { floorWorkflow, handBuiltWorkflow, webhookPath } from './workflows';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = [1, 10, 100];
const CONCURRENCIES = [1, 5, 20];
const ROUNDS = QUICK ? 1 : 2;
/** Deliveries per load run, by events per delivery (the count bound). */
const AMOUNT: Record<number, number> = QUICK
	? { 1: 40, 10: 20, 100: 10 }
	: { 1: 150, 10: 60, 100: 30 };
/** With fewer executions saved, only the highest concurrency, one round (to keep the run short). */
const SAVE_LESS_CONCURRENCIES = [20];
/** Time bound of one load run, and of waiting for its executions to finish. */
const LOAD_MAX_MS = 15_000;
const PROBES = QUICK ? 5 : 20;

type Kind = 'A' | 'B' | 'floor';
interface Target {
	kind: Kind;
	id: string;
	url: string;
	secret: string;
}

const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const round = (value: number, digits = 1) =>
	Number.isFinite(value) ? Number(value.toFixed(digits)) : null;

/** Bytes of each stored execution (SQLite `execution_data`), read with n8n's own Node 24 and sqlite3. */
function executionBytes(userFolder: string, executionIds: string[]) {
	const script = `
const sqlite3 = require(process.argv[1]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
db.all("SELECT executionId AS id, length(CAST(data AS BLOB)) AS data, length(CAST(workflowData AS BLOB)) AS workflow FROM execution_data WHERE executionId IN (" + process.argv[3] + ")", (error, rows) => {
	if (error) { console.error(error); process.exit(1); }
	process.stdout.write(JSON.stringify(rows));
	db.close();
});`;
	const out = execFileSync(
		path.join(RUNTIME_DIR, 'node_modules', '.bin', 'node'),
		[
			'-e',
			script,
			path.join(RUNTIME_DIR, 'node_modules', 'sqlite3'),
			path.join(userFolder, '.n8n', 'database.sqlite'),
			executionIds.map((id) => Number(id)).join(','),
		],
		{ encoding: 'utf8' },
	);
	return JSON.parse(out) as Array<{ id: number; data: number; workflow: number }>;
}

// ---------- the phases ----------

async function setUp(stack: Stack) {
	const lifecycle: Record<string, unknown> = {};
	// A: the trigger. Its publish is also the lifecycle measurement.
	const a = await createNoOpWorkflow(stack, 'bench A: Okta trigger → No Operation');
	stack.sandbox.clearRequests();
	const publishStarted = Date.now();
	const status = await publishAndSettle(stack, a.id);
	const publishMs = Date.now() - publishStarted;
	if (status.status !== 'published')
		throw new Error(`workflow A did not publish: ${JSON.stringify(status)}`);
	lifecycle.publish = { wallMs: publishMs, calls: oktaCalls(stack) };
	const hook = stack.sandbox
		.hooks()
		.find((h: any) => h.channel?.config?.uri === a.productionUrl) as any;
	const secretA = hook?.channel?.config?.authScheme?.value as string | undefined;
	if (!secretA) throw new Error('no hook (or no secret) for workflow A in the sandbox');

	// B and the floor: Webhook nodes. B checks the same kind of secret with header auth.
	const secretB = randomBytes(32).toString('base64url');
	const headerAuth = await stack.http.createCredential('bench header auth', 'httpHeaderAuth', {
		name: 'Authorization',
		value: secretB,
	});
	const bPath = `bench-b-${randomBytes(6).toString('hex')}`;
	const floorPath = `bench-floor-${randomBytes(6).toString('hex')}`;
	const b = await stack.http.createWorkflow(
		handBuiltWorkflow('bench B: Webhook → Split Out → Edit Fields → No Operation', bPath, {
			id: headerAuth.id,
			name: headerAuth.name,
		}),
	);
	const floor = await stack.http.createWorkflow(
		floorWorkflow('bench floor: Webhook → No Operation', floorPath),
	);
	for (const id of [b.id, floor.id]) {
		const settled = await publishAndSettle(stack, id);
		if (settled.status !== 'published')
			throw new Error(`workflow ${id} did not publish: ${JSON.stringify(settled)}`);
	}
	const targets: Record<Kind, Target> = {
		A: { kind: 'A', id: a.id, url: a.productionUrl, secret: secretA },
		B: { kind: 'B', id: b.id, url: `${stack.n8n.baseUrl}${webhookPath(bPath)}`, secret: secretB },
		floor: {
			kind: 'floor',
			id: floor.id,
			url: `${stack.n8n.baseUrl}${webhookPath(floorPath)}`,
			secret: secretB,
		},
	};
	return { targets, lifecycle, aWebhookUrl: a.productionUrl };
}

function oktaCalls(stack: Stack) {
	const calls = stack.sandbox.requests.map(
		(r: any) => `${r.method} ${String(r.path).replace(/\/eventHooks\/[^/]+/, '/eventHooks/{id}')}`,
	);
	return { count: calls.length, calls };
}

/** One delivery of each size to each workflow, then the stored bytes of its execution. */
async function executionSizes(stack: Stack, targets: Record<Kind, Target>) {
	const rows: Array<Record<string, unknown>> = [];
	for (const size of SIZES) {
		const deliveries = new Deliveries(size);
		for (const target of Object.values(targets)) {
			const base = await countExecutions(stack, target.id, FINISHED);
			const res = await stack.http.request('POST', target.url, {
				headers: oktaHeaders(target.secret),
				rawBody: deliveries.next(),
			});
			if (res.status !== 200)
				throw new Error(`${target.kind} answered ${res.status}: ${res.text.slice(0, 300)}`);
			await drain(stack, target.id, base, 1, true);
			const list = await stack.http.executions(target.id);
			const newest = list.sort((x, y) => Number(y.id) - Number(x.id))[0];
			if (newest.status !== 'success')
				throw new Error(
					`${target.kind} execution ${newest.id} ${newest.status}: ${JSON.stringify(newest.data?.resultData?.error ?? {}).slice(0, 500)}`,
				);
			const [stored] = executionBytes(stack.userFolder, [newest.id]);
			const lastNode = newest.data.resultData.lastNodeExecuted as string;
			const items = newest.data.resultData.runData[lastNode][0].data.main[0].length;
			rows.push({
				workflow: target.kind,
				events: size,
				items,
				executionDataBytes: stored.data,
				bytesPerEvent: round(stored.data / size, 0),
				workflowCopyBytes: stored.workflow,
				apiJsonBytes: Buffer.byteLength(JSON.stringify(newest.data)),
				firstItemKeys: Object.keys(newest.data.resultData.runData[lastNode][0].data.main[0][0].json)
					.length,
			});
			log(
				`size ${target.kind} ${size} events: ${stored.data} B stored (${round(stored.data / size, 0)} B/event)`,
			);
		}
	}
	return rows;
}

/**
 * Answer time of single deliveries one after another (1 event each), on a new connection each
 * time (as a caller without keep-alive) and on one kept-alive connection, without autocannon.
 */
async function probe(stack: Stack, targets: Record<Kind, Target>) {
	const rows = [];
	const deliveries = new Deliveries(1);
	for (const connection of ['close', 'keep-alive']) {
		for (const target of Object.values(targets)) {
			const base = await countExecutions(stack, target.id, FINISHED);
			const times: number[] = [];
			for (let index = 0; index < PROBES; index++) {
				const started = process.hrtime.bigint();
				const res = await stack.http.request('POST', target.url, {
					headers: { ...oktaHeaders(target.secret), connection },
					rawBody: deliveries.next(),
				});
				times.push(Number(process.hrtime.bigint() - started) / 1e6);
				if (res.status !== 200) throw new Error(`${target.kind} answered ${res.status}`);
				// One at a time: the previous run finished before the next delivery.
				await drain(stack, target.id, base, index + 1, true);
			}
			rows.push({
				workflow: target.kind,
				connection,
				deliveries: PROBES,
				p50Ms: round(percentile(times, 50)),
				p90Ms: round(percentile(times, 90)),
				maxMs: round(Math.max(...times)),
			});
			log(
				`probe ${target.kind} (${connection}): p50 ${round(percentile(times, 50))} ms, max ${round(Math.max(...times))} ms`,
			);
		}
	}
	return rows;
}

interface Cell {
	workflow: Kind;
	events: number;
	connections: number;
	rounds: LoadResult[];
	/** From the first delivery sent to all executions finished, per round. */
	completedMs: number[];
}

async function throughput(
	stack: Stack,
	targets: Record<Kind, Target>,
	saved: boolean,
	concurrencies: number[],
	rounds: number,
) {
	const cells: Cell[] = [];
	for (const size of SIZES) {
		const deliveries = new Deliveries(size);
		for (const connections of concurrencies) {
			const byKind = new Map<Kind, Cell>();
			for (let r = 0; r < rounds; r++) {
				// Alternate A, B, floor (and reverse every other round) so drift hits all alike.
				const order: Kind[] = r % 2 === 0 ? ['A', 'B', 'floor'] : ['floor', 'B', 'A'];
				for (const kind of order) {
					const target = targets[kind];
					const base = await countExecutions(stack, target.id, FINISHED);
					const started = Date.now();
					const result = await runLoad({
						url: target.url,
						headers: oktaHeaders(target.secret),
						deliveries,
						connections,
						amount: AMOUNT[size],
						maxMs: LOAD_MAX_MS,
					});
					if (result.ok !== result.sent)
						log(
							`  ${kind}: ${result.sent - result.ok} of ${result.sent} not 2xx: ${JSON.stringify(result.statuses)}`,
						);
					let finished = await drain(stack, target.id, base, result.ok, saved);
					if (saved && result.ok > 0) finished = await lastStoppedAt(stack, target.id, result.ok);
					const cell = byKind.get(kind) ?? {
						workflow: kind,
						events: size,
						connections,
						rounds: [],
						completedMs: [],
					};
					cell.rounds.push(result);
					cell.completedMs.push(finished - started);
					byKind.set(kind, cell);
					log(
						`${kind} ${size} ev × c${connections} r${r + 1}: ${result.ok} ok in ${result.elapsedMs} ms (${round((result.ok / result.elapsedMs) * 1000)}/s answered), all run after ${finished - started} ms, p50 ${percentile(result.latencies, 50)} p99 ${percentile(result.latencies, 99)} ms`,
					);
				}
			}
			cells.push(...byKind.values());
		}
	}
	return cells.map(summarizeCell);
}

function summarizeCell(cell: Cell) {
	const ok = cell.rounds.reduce((s, r) => s + r.ok, 0);
	const sent = cell.rounds.reduce((s, r) => s + r.sent, 0);
	const answerMs = cell.rounds.reduce((s, r) => s + r.elapsedMs, 0);
	const completedMs = cell.completedMs.reduce((s, v) => s + v, 0);
	const latencies = cell.rounds.flatMap((r) => r.latencies);
	return {
		workflow: cell.workflow,
		events: cell.events,
		connections: cell.connections,
		deliveries: ok,
		failed: sent - ok,
		answeredPerSecond: round((ok / answerMs) * 1000),
		/** Deliveries whose workflow run finished, per second (answering and running them all). */
		completedPerSecond: round((ok / completedMs) * 1000),
		eventsCompletedPerSecond: round(((ok * cell.events) / completedMs) * 1000),
		p50Ms: round(percentile(latencies, 50)),
		p99Ms: round(percentile(latencies, 99)),
		maxMs: round(Math.max(...latencies)),
		/** Answers Okta would count as timed out (over 3 s, or none within autocannon's 10 s). */
		over3s: latencies.filter((l) => l > 3000).length + (sent - latencies.length),
		timeLimited: cell.rounds.some((r) => r.stoppedByTimeLimit),
	};
}

function inProcess() {
	log('in-process: bench/inProcess.ts (node --expose-gc)');
	const out = execFileSync(
		process.execPath,
		['--expose-gc', '--import', 'tsx', path.join(__dirname, 'inProcess.ts')],
		{
			cwd: REPO_ROOT,
			encoding: 'utf8',
			maxBuffer: 16 * 1024 * 1024,
		},
	);
	return JSON.parse(out);
}

function machine() {
	const cpus = os.cpus();
	const node24 = path.join(RUNTIME_DIR, 'node_modules', '.bin', 'node');
	const pkg = (name: string) =>
		JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8'))
			.version;
	return {
		date: new Date().toISOString(),
		commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
			cwd: REPO_ROOT,
			encoding: 'utf8',
		}).stdout.trim(),
		cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length}`,
		memoryGB: round(os.totalmem() / 1e9),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		benchNode: process.version,
		n8nNode:
			spawnSync(node24, ['--version'], { encoding: 'utf8' }).stdout.trim() || `v${NODE24_VERSION}`,
		n8n: N8N_VERSION,
		autocannon: pkg('autocannon'),
	};
}

const SAVE_LESS = {
	EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'none',
	EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'false',
	EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'false',
};

// Ctrl-C or a kill: leave through process.exit, whose hooks stop n8n, PostgreSQL and Redis (all
// started detached, in their own process groups, so the signal does not reach them).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const RESULTS_FILE = path.join(REPO_ROOT, '.cache', 'bench', 'results.json');
/** What this run records about its own parameters (merged into the stored ones by a partial run). */
function parameters() {
	return {
		QUICK,
		SIZES,
		CONCURRENCIES,
		ROUNDS,
		AMOUNT,
		LOAD_MAX_MS,
		DRAIN_MAX_MS,
		SAVE_LESS_CONCURRENCIES,
		RATES,
		RATE_SECONDS,
		RATE_CONNECTION_SECONDS,
		PROBES,
		SAVE_LESS,
		SQLITE_POOL_SIZE,
		WORKER_CONCURRENCY,
		QUEUE_PUBLICATION_SERVICE: QUEUE_PUBLICATION_SERVICE ?? null,
	};
}

/** §2 alone: A and the floor on a fresh n8n with its defaults, then restarted saving less. */
async function ratesOnly() {
	log('rates: starting the Okta sandbox and n8n (defaults: SQLite, every execution saved)');
	const stack = await startStack({ log }, 'bench');
	try {
		const { targets } = await setUp(stack);
		const ca = fs.readFileSync(stack.tls.caCertPath);
		const defaults = await timedRates(stack, targets, true, { ca, log });
		log(`restart with ${JSON.stringify(SAVE_LESS)}`);
		stack.options.env = { ...(stack.options.env ?? {}), ...SAVE_LESS };
		await stack.restart();
		return { defaults, saveLess: await timedRates(stack, targets, false, { ca, log }) };
	} finally {
		await stack.close();
	}
}

async function writeReport(results: Record<string, any>) {
	fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
	fs.writeFileSync(RESULTS_FILE, JSON.stringify(results, null, 2));
	const { renderReport, withProfiles } = await import('./report');
	fs.writeFileSync(REPORT_FILE, renderReport(withProfiles(results)));
	log(`wrote ${path.relative(REPO_ROOT, REPORT_FILE)}`);
}

function build() {
	log('build (npm run build)');
	const result = spawnSync('npm', ['run', 'build'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	if (result.status !== 0) throw new Error('npm run build failed');
	ensureN8nInstalled(log);
}

const REPORT_FILE = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
const RAW_FIGURES = /<summary>results\.json<\/summary>\s*```json\n([\s\S]*?)\n```/;

/** The stored results: .cache/bench/results.json, else the raw figures the report ends with. */
function storedResults(): Record<string, any> {
	if (fs.existsSync(RESULTS_FILE)) return JSON.parse(fs.readFileSync(RESULTS_FILE, 'utf8'));
	const raw = fs.existsSync(REPORT_FILE)
		? RAW_FIGURES.exec(fs.readFileSync(REPORT_FILE, 'utf8'))
		: null;
	if (!raw)
		throw new Error(
			`BENCH_ONLY needs ${path.relative(REPO_ROOT, RESULTS_FILE)} (or the report's raw figures) from a full \`npm run bench\``,
		);
	return JSON.parse(raw[1]);
}

/** BENCH_ONLY: the named sections, merged into the stored results. */
async function partial(only: string[]) {
	const known = [
		'core',
		'rates',
		'settings',
		...SETTING_SECTIONS,
		'systemLog',
		...SYSTEM_LOG_SECTIONS,
	];
	const unknown = only.filter((name) => !known.includes(name));
	if (unknown.length) throw new Error(`BENCH_ONLY: unknown section(s) ${unknown.join(', ')}`);
	const started = Date.now();
	const results = storedResults();
	build();
	results.settings = { ...results.settings, ...parameters() };
	if (only.includes('core')) await coreOnly(results);
	if (only.includes('rates')) {
		results.timedRates = {
			...(await ratesOnly()),
			date: new Date().toISOString(),
			machine: machine(),
		};
	}
	const settingParts = only.includes('settings')
		? SETTING_SECTIONS
		: SETTING_SECTIONS.filter((name) => only.includes(name));
	if (settingParts.length) {
		const measured = await measureSettings(log, settingParts);
		results.settingsRates = { ...(results.settingsRates ?? {}), ...measured, machine: machine() };
	}
	const systemLogParts = only.includes('systemLog')
		? SYSTEM_LOG_SECTIONS
		: SYSTEM_LOG_SECTIONS.filter((name) => only.includes(name));
	if (systemLogParts.length) {
		const measured = await measureSystemLog(log, systemLogParts);
		results.systemLog = { ...(results.systemLog ?? {}), ...measured, machine: machine() };
	}
	log(`BENCH_ONLY=${only.join(',')} took ${round((Date.now() - started) / 1000, 0)} s`);
	await writeReport(results);
}

/**
 * §1, §2 (n8n's defaults, a burst, saving less), §4 and §5 on one n8n: the measurements that depend
 * on the n8n release, which `BENCH_ONLY=core` repeats per release (N8N_TEST_VERSION).
 */
async function measureCore(): Promise<Record<string, any>> {
	const core: Record<string, any> = {};
	log(`starting the Okta sandbox and n8n ${N8N_VERSION} (defaults: SQLite, every execution saved)`);
	const stack = await startStack({ log }, 'bench');
	try {
		const { targets, lifecycle } = await setUp(stack);
		const ca = fs.readFileSync(stack.tls.caCertPath);
		core.lifecycle = lifecycle;
		log(`published A in ${(lifecycle.publish as any).wallMs} ms`);
		core.executionSizes = await executionSizes(stack, targets);
		core.probe = await probe(stack, targets);
		core.throughput = await throughput(stack, targets, true, CONCURRENCIES, ROUNDS);
		core.timedRates = { defaults: await timedRates(stack, targets, true, { ca, log }) };
		core.burst = await measureBurst(stack, [targets.A, targets.floor], log);

		log(`restart with ${JSON.stringify(SAVE_LESS)}`);
		stack.options.env = { ...(stack.options.env ?? {}), ...SAVE_LESS };
		stack.sandbox.clearRequests();
		const restartStarted = Date.now();
		await stack.restart();
		// Under the default publication service the webhooks are served again once n8n is up.
		(core.lifecycle as any).restart = {
			wallMs: Date.now() - restartStarted,
			calls: oktaCalls(stack),
		};
		core.timedRates.saveLess = await timedRates(stack, targets, false, { ca, log });
		core.throughputSaveLess = await throughput(stack, targets, false, SAVE_LESS_CONCURRENCIES, 1);

		stack.sandbox.clearRequests();
		const unpublishStarted = Date.now();
		await stack.http.unpublishWorkflow(targets.A.id);
		await waitFor(
			() => !stack.sandbox.hooks().some((h: any) => h.channel?.config?.uri === targets.A.url),
			{
				timeoutMs: 60_000,
				what: 'the hook of A to be deleted',
			},
		);
		(core.lifecycle as any).unpublish = {
			wallMs: Date.now() - unpublishStarted,
			calls: oktaCalls(stack),
		};
	} finally {
		await stack.close();
	}
	return core;
}

/**
 * BENCH_ONLY=core: §1–§6 on N8N_TEST_VERSION's n8n, kept per release in `byVersion` (the report's
 * table across releases). On the newest supported release they also become §1–§6 themselves.
 */
async function coreOnly(results: Record<string, any>) {
	const started = Date.now();
	const measured: Record<string, any> = {
		...(await measureCore()),
		inProcess: inProcess(),
		machine: machine(),
	};
	measured.totalSeconds = round((Date.now() - started) / 1000, 0);
	results.byVersion = { ...(results.byVersion ?? {}), [N8N_VERSION]: measured };
	if (N8N_VERSION === NEWEST_N8N) {
		const sections = { ...measured };
		delete sections.totalSeconds;
		Object.assign(results, sections, {
			timedRates: { ...results.timedRates, ...measured.timedRates },
		});
	}
}

async function main() {
	const only = (process.env.BENCH_ONLY ?? '')
		.split(',')
		.map((name) => name.trim())
		.filter(Boolean);
	if (only.length) return await partial(only);
	const started = Date.now();
	build();
	const results: Record<string, any> = { machine: machine(), settings: parameters() };
	results.inProcess = inProcess();
	const core = await measureCore();
	Object.assign(results, core);
	results.byVersion = {
		[N8N_VERSION]: { ...core, inProcess: results.inProcess, machine: machine() },
	};
	results.settingsRates = await measureSettings(log);
	results.systemLog = { ...(await measureSystemLog(log)), machine: machine() };
	results.totalSeconds = round((Date.now() - started) / 1000, 0);
	await writeReport(results);
	log(`whole run: ${results.totalSeconds} s`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
