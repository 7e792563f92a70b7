/**
 * Renders docs/BENCHMARKS.md from bench/run.ts's results. `npx tsx bench/report.ts [results.json]`
 * re-renders from .cache/bench/results.json without running anything.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { SETTING_SECTIONS } from './settings';
import { SYSTEM_LOG_SECTIONS } from './systemLog';
import { burstSection } from './burst';
import { systemLogSection } from './systemLogReport';

const fmt = (value: unknown, digits = 1) =>
	typeof value === 'number' && Number.isFinite(value)
		? Number(value.toFixed(digits)).toLocaleString('en-US')
		: '–';
const ratio = (a: number, b: number) =>
	b > 0 && Number.isFinite(a / b) ? (a / b).toFixed(2) : '–';
const mark = (ok: boolean) => (ok ? '**met**' : '**missed**');

function table(head: string[], rows: unknown[][]): string {
	return [
		`| ${head.join(' | ')} |`,
		`|${head.map(() => '---').join('|')}|`,
		...rows.map((r) => `| ${r.join(' | ')} |`),
	].join('\n');
}

function cellsBy(cells: any[]) {
	const key = (c: any) => `${c.events}/${c.connections}`;
	const groups = new Map<string, Record<string, any>>();
	for (const cell of cells) {
		const group = groups.get(key(cell)) ?? {};
		group[cell.workflow] = cell;
		groups.set(key(cell), group);
	}
	return [...groups.values()];
}

function comparison(cells: any[]) {
	const groups = cellsBy(cells);
	const throughputRows = groups.map(({ A, B, floor }) => [
		A.events,
		A.connections,
		fmt(A.completedPerSecond),
		fmt(B.completedPerSecond),
		fmt(floor.completedPerSecond),
		fmt(A.eventsCompletedPerSecond, 0),
		fmt(B.eventsCompletedPerSecond, 0),
		fmt(floor.eventsCompletedPerSecond, 0),
		`**${ratio(A.completedPerSecond, B.completedPerSecond)}**`,
		ratio(A.answeredPerSecond, B.answeredPerSecond),
		ratio(A.completedPerSecond, floor.completedPerSecond),
	]);
	const latencyRows = groups.map(({ A, B, floor }) => [
		A.events,
		A.connections,
		`${fmt(A.p50Ms, 0)} / ${fmt(A.p99Ms, 0)}`,
		`${fmt(B.p50Ms, 0)} / ${fmt(B.p99Ms, 0)}`,
		`${fmt(floor.p50Ms, 0)} / ${fmt(floor.p99Ms, 0)}`,
		`${A.over3s} / ${B.over3s} / ${floor.over3s}`,
		`${A.deliveries} / ${B.deliveries} / ${floor.deliveries}`,
	]);
	return {
		groups,
		throughput: table(
			[
				'events / delivery',
				'concurrency',
				'A deliveries/s',
				'B deliveries/s',
				'floor deliveries/s',
				'A events/s',
				'B events/s',
				'floor events/s',
				'A/B (run)',
				'A/B (answered)',
				'A/floor (run)',
			],
			throughputRows,
		),
		latency: table(
			[
				'events / delivery',
				'concurrency',
				'A p50 / p99 ms',
				'B p50 / p99 ms',
				'floor p50 / p99 ms',
				'answers > 3 s or none (A / B / floor)',
				'deliveries answered 2xx (A / B / floor)',
			],
			latencyRows,
		),
	};
}

/** Deliveries per second actually sent and answered (autocannon waits for an answer per connection). */
const achieved = (r: any) => r.deliveries / r.seconds;
const offered = (r: any) => r.eventsPerSecond / r.eventsPerDelivery;
/** The offered rate was kept up (within 5 %): otherwise the answer times hide the queue (coordinated omission). */
const sustained = (r: any) => achieved(r) >= 0.95 * offered(r);

function rates(rows: any[]) {
	// Rows from before the open-loop generator have no connection count or run rate.
	const openLoop = rows.some((r) => r.connections !== undefined);
	return table(
		[
			'workflow',
			'events/s',
			'events / delivery',
			...(openLoop ? ['connections'] : []),
			'deliveries/s offered → achieved',
			'deliveries',
			'p50 ms',
			'p99 ms',
			'max ms',
			'answers > 1 s',
			'answers > 3 s or none',
			'runs still going after the last answer',
			...(openLoop ? ['runs finished/s'] : []),
		],
		rows.map((r) => [
			r.workflow,
			r.eventsPerSecond,
			r.eventsPerDelivery,
			...(openLoop ? [r.connections] : []),
			`${fmt(offered(r))} → ${sustained(r) ? fmt(achieved(r)) : `**${fmt(achieved(r))}**`}`,
			r.deliveries,
			fmt(r.p50Ms, 0),
			`**${fmt(r.p99Ms, 0)}**`,
			fmt(r.maxMs, 0),
			r.over1s,
			r.over3s,
			`${fmt(r.lastRunFinishedAfterLastAnswerMs / 1000)} s`,
			...(openLoop ? [fmt(r.runPerSecond)] : []),
		]),
	);
}

/** What each settings section is, for its heading and the goals table. */
const SETTING_LABELS: Record<string, (s: any) => string> = {
	sqlitePool: (s) =>
		`SQLite, pool of ${s.SQLITE_POOL_SIZE} (\`DB_SQLITE_POOL_SIZE=${s.SQLITE_POOL_SIZE}\`)`,
	lazyIsolate: () =>
		'SQLite (defaults), expression isolates taken only when needed (`N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true`)',
	postgres: () => 'PostgreSQL 15, regular mode',
	queue: (s) =>
		`queue mode (PostgreSQL, Redis, main + worker (concurrency ${s.WORKER_CONCURRENCY}) + webhook process)`,
	queueLazyIsolate: () =>
		'queue mode as above, with `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` in every process',
	queueLazyIsolateRecoveryOff: () =>
		'queue mode with `N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true` as above, A with *Recover Missed Events* off (no static-data write per delivery)',
};

/** The §2 cells under other n8n settings (bench/settings.ts), when measured. */
function settingsSection(results: any): string {
	const measured = results.settingsRates;
	const s = results.settings;
	if (!measured) {
		return `Not measured here: **PostgreSQL** and **queue mode** (Redis, separate webhook and worker processes). On a 2-core machine
that already runs the load generator, more processes would compete for the same cores; they are the settings to try
when one n8n process is the limit (queue mode moves the workflow runs off the process that answers Okta, which is what
the answer time depends on). Note for queue mode: the duplicate filter is per process (see the README).`;
	}
	const parts = Object.keys(SETTING_LABELS).filter((name) => measured[name]);
	const checks = measured.queue?.checks;
	const queueNotes = checks
		? `

Queue mode with this trigger (checked before the load, in the same run): main publishes the workflow and calls Okta
(\`create\` + verify) and stores the workflow's webhooks in the database; the webhook process finds a request's webhook
there (through n8n's cache, Redis in queue mode) and loads the published workflow with its static data from the
database on every request. With \`N8N_WEBHOOK_URL\` set to the webhook process, the hook Okta got is on the webhook process
(\`${String(checks.hookUri).replace(/\/webhook\/.*$/, '/webhook/…')}\`), so Okta's verification GET was answered by the webhook process: the hook
is ${checks.hookVerificationStatus}. The trigger's secret, which main stores in the workflow's static data after \`create\`, is
seen by the webhook process: a delivery with the right secret got ${checks.rightSecret.status} and ran ${checks.rightSecret.executionsRun} execution
(on the worker), one with a wrong secret got ${checks.wrongSecret.status} and ran ${checks.wrongSecret.executionsRun}. Publication service:
${measured.queue.publicationService === null ? "n8n's default (on); `N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false` is not needed" : `\`N8N_USE_WORKFLOW_PUBLICATION_SERVICE=${measured.queue.publicationService}\``}.
Main answers the same production URL too (${checks.sameUrlOnMain.status}, ${checks.sameUrlOnMain.executionsRun ?? '?'} execution run); Okta only calls the URL it was given. The duplicate filter
is per process: with more than one webhook process, a retried delivery that lands on another process is not recognised.
"Runs still going after the last answer" is the worker's backlog: the webhook process answers once the execution is
queued, the worker runs it later.`
		: '';
	return `### Other n8n settings

The same cells (A and the floor) on a fresh n8n per setting (started before each), every successful execution saved.
In n8n 2.41 SQLite always runs pooled in WAL mode (\`sqlite-pooled\`, default pool 3), so "SQLite pool" only enlarges
the pool. PostgreSQL 15 and Redis run on the same machine with their default settings (n8n's PostgreSQL pool: its
default of 2 connections). **Every process shares the same ${String(results.machine.cpu).split('×').pop()?.trim()} CPU cores** with the load generator and the
Okta sandbox: PostgreSQL and its backends, and in queue mode Redis and three n8n processes (main, worker, webhook),
each with its own task runner. The figures show what the settings do on this machine, not what they do on the
separate machines they are meant for.

${parts
	.map((name) => {
		const { date, seconds, rows } = measured[name];
		const beyond = rows
			.filter((r: any) => r.eventsPerSecond > 50)
			.map((r: any) => r.eventsPerSecond);
		const headroom = beyond.length
			? `\n\nThe rows at ${beyond.join(' and ')} events/s go beyond the goal, to show how far one n8n process goes with this setting.`
			: '';
		return `**${SETTING_LABELS[name](s)}** (measured ${String(date).slice(0, 16).replace('T', ' ')} UTC, ${fmt(seconds / 60)} min with start-up):\n\n${rates(rows)}${headroom}`;
	})
	.join('\n\n')}${queueNotes}`;
}

/** One row per n8n release measured with `BENCH_ONLY=core` (or the full run's own release). */
function byVersionSection(byVersion: Record<string, any> | undefined): string {
	const releases = Object.keys(byVersion ?? {}).sort((a, b) =>
		a.localeCompare(b, 'en', { numeric: true }),
	);
	if (!releases.length) return '';
	const cellA = (v: any, events: number, connections: number) =>
		cellsBy(v.throughput).find(({ A }) => A.events === events && A.connections === connections);
	const answer = (v: any, events: number, connections: number) => {
		const g = cellA(v, events, connections);
		return g ? `${fmt(g.A.p50Ms, 0)} / ${fmt(g.A.p99Ms, 0)}` : '–';
	};
	const ab = (v: any, events: number, connections: number) => {
		const g = cellA(v, events, connections);
		return g ? ratio(g.A.completedPerSecond, g.B.completedPerSecond) : '–';
	};
	const rows = releases.map((release) => {
		const v = byVersion![release];
		const groups = cellsBy(v.throughput);
		const lowest = Math.min(
			...groups.map(({ A, B }) => A.completedPerSecond / B.completedPerSecond),
		);
		const rate = (rows: any[], eps: number, epd: number) =>
			rows.find(
				(r: any) => r.workflow === 'A' && r.eventsPerSecond === eps && r.eventsPerDelivery === epd,
			);
		const alone = (v.probe as any[]).find(
			(r) => r.workflow === 'A' && r.connection === 'keep-alive',
		);
		const burstA = v.burst?.rows?.find((r: any) => r.workflow === 'A');
		const size = (v.executionSizes as any[]).find((r) => r.workflow === 'A' && r.events === 100);
		const lc = v.lifecycle;
		return [
			`**${release}**`,
			String(v.machine?.date ?? '').slice(0, 10),
			`**${lowest.toFixed(2)}**`,
			ab(v, 1, 1),
			ab(v, 100, 20),
			fmt(alone?.p50Ms),
			answer(v, 1, 1),
			answer(v, 1, 20),
			answer(v, 100, 20),
			rateVerdict(rate(v.timedRates.defaults, 5, 1)),
			burstA
				? `${fmt(burstA.p99Ms, 0)} ms; ${burstA.okWithoutExecution} 200s without execution`
				: '–',
			fmt(size?.bytesPerEvent, 0),
			`${lc.publish.calls.count} / ${lc.restart.calls.count} / ${lc.unpublish.calls.count}`,
		];
	});
	return `## Across n8n releases

§1, §2 (n8n's defaults and the burst), §4 and §5 measured on each release of the supported range's ends
(\`BENCH_ONLY=core N8N_TEST_VERSION=<release> npm run bench\`, same machine, same parameters as §1–§5 below; §3 and
§6 run outside n8n). A/B is deliveries run to completion per second, this trigger against the hand-built workflow, in
the same run on the same n8n; answer times are what Okta waits for (A, p50 / p99 ms).

${table(
	[
		'n8n',
		'measured',
		'lowest A/B',
		'A/B 1 ev × c1',
		'A/B 100 ev × c20',
		'one at a time p50 ms',
		'answer 1 ev × c1',
		'answer 1 ev × c20',
		'answer 100 ev × c20',
		'§2 5 events/s',
		'§2 burst p99 (A)',
		'§4 bytes/event (A, 100)',
		'§5 calls publish / restart / unpublish',
	],
	rows,
)}

`;
}

function rateVerdict(r: any): string {
	if (!r) return '–';
	if (!sustained(r)) {
		// Closed-loop rows (no connection count) only measured the deliveries the generator managed to send.
		const of = r.connections === undefined ? ' of those' : `, ${r.over3s} answers > 3 s or none`;
		return `**missed**: n8n kept up with only ${fmt(achieved(r))} of ${fmt(offered(r))} deliveries/s (p99 ${fmt(r.p99Ms, 0)} ms${of})`;
	}
	return `${mark(r.p99Ms <= 1000)} (p99 ${fmt(r.p99Ms, 0)} ms)`;
}

const busy = (p: any, name: string) =>
	p.packages.find((x: any) => x.name === name)?.msPerDelivery ?? 0;

/** Optional: CPU profiles from `npx tsx bench/profile.ts <kind>`, attached by the CLI below when present. */
function profiles(list: any[] | undefined): string {
	if (!list?.length) return '';
	const pkgs = (p: any) =>
		p.packages
			.slice(0, 6)
			.map((x: any) => `${x.name} ${x.msPerDelivery}`)
			.join('; ');
	return `## Where the time goes: CPU profiles of n8n (bench/profile.ts)

Run separately (\`npx tsx bench/profile.ts A|floor|floorAuth|B 300\`, not part of \`npm run bench\`; these on
${[...new Set(list.map((p) => String(p.date ?? '').slice(0, 10)))].join(', ')}, same machine): one n8n under
\`--cpu-prof\` per workflow, 1-event deliveries back to back (concurrency 1), n8n defaults. **floor+auth** is the floor
with the Webhook node's header auth (**floorAuth**), i.e. a workflow with a credential, like A and B. CPU is n8n's main process, self
time over the load only, per delivery.

${table(
	[
		'workflow',
		'deliveries',
		'deliveries/s',
		'answer p50 ms',
		'busy CPU ms / delivery',
		'expression runtime ms / delivery',
		'top self time by package (ms / delivery)',
	],
	list.map((p) => [
		p.kind,
		p.deliveries,
		fmt((p.deliveries / p.elapsedMs) * 1000),
		fmt(p.answerP50Ms),
		fmt(p.totalMsPerDelivery - busy(p, '((idle))'), 1),
		fmt(busy(p, '@n8n/expression-runtime'), 1),
		pkgs(p),
	]),
)}

**A-lazy** is A with \`N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true\` (\`BENCH_PROFILE_LABEL=A-lazy BENCH_N8N_ENV='{"N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE":"true"}'\`).
What n8n 2.41 does per delivery for A and not for the floor, with n8n's function names, and the two things that came out
of it (the trigger is version 1.1, because n8n evaluates an expression per request for any webhook node at version 1;
and the lazy-isolate setting): docs/PROFILE-NOTES.md.

`;
}

/** How §2's load was generated: the open-loop generator (bench/openLoad.ts) or, in older results, autocannon. */
function rateMethod(results: any): string {
	if (!results.timedRates.defaults.some((r: any) => r.connections !== undefined)) {
		return '(autocannon `overallRate`, up to 10 connections: closed loop, so at ~280 ms per answer it offered at most ~36 deliveries/s; re-run for open-loop figures.)';
	}
	return `One delivery is sent every 1/rate s whether or not earlier ones were answered (open loop, bench/openLoad.ts), over
up to rate × ${results.settings.RATE_CONNECTION_SECONDS} s kept-alive connections (at least 10), as Okta opens more connections when answers are slow;
an answer time counts from when its delivery was due, so a delivery that waited for a free connection counts that wait.
A delivery not answered within 10 s counts as none. "Achieved" is the deliveries answered 2xx per second from the first
delivery to the last answer (in bold when below 95 % of the offered rate); "runs finished/s" counts until the last
execution stopped (both with the last delivery's own 1/rate s slot added, so that keeping up reads as the offered rate).
(Reports before this used autocannon's \`overallRate\` with up to 10
connections: closed loop, each connection sending its share of a second at the second's start, so at ~280 ms per answer it
could not offer more than ~36 deliveries/s, and at 5/s the five deliveries of a second arrived together.)`;
}

export function renderReport(results: any): string {
	const m = results.machine;
	const s = results.settings;
	const cmp = comparison(results.throughput);
	const minAB = Math.min(
		...cmp.groups.map(({ A, B }) => A.completedPerSecond / B.completedPerSecond),
	);
	const minABAnswered = Math.min(
		...cmp.groups.map(({ A, B }) => A.answeredPerSecond / B.answeredPerSecond),
	);
	const rateA = (rows: any[], eps: number, epd: number) =>
		rows.find(
			(r) => r.workflow === 'A' && r.eventsPerSecond === eps && r.eventsPerDelivery === epd,
		);
	const d5 = rateA(results.timedRates.defaults, 5, 1);
	const d50 = rateA(results.timedRates.defaults, 50, 1);
	const d50b = rateA(results.timedRates.defaults, 50, 10);
	const l5 = rateA(results.timedRates.saveLess, 5, 1);
	const l50 = rateA(results.timedRates.saveLess, 50, 1);
	const l50b = rateA(results.timedRates.saveLess, 50, 10);
	const inProc = results.inProcess;
	const maxParseRatio = Math.max(...inProc.deliveryCost.map((c: any) => c.ratioTriggerToJsonParse));
	const sizes = results.executionSizes as any[];
	const size = (kind: string, events: number) =>
		sizes.find((r) => r.workflow === kind && r.events === events);
	const lc = results.lifecycle;
	const callList = (calls: any) =>
		calls.count === 0 ? 'none' : calls.calls.map((c: string) => `\`${c}\``).join(', ');
	const publishIsCreateVerify =
		lc.publish.calls.calls.join() ===
		'POST /api/v1/eventHooks,POST /api/v1/eventHooks/{id}/lifecycle/verify';
	const filter = inProc.duplicateFilter;
	const probeRows = (results.probe as any[]).map((r) => [
		r.workflow,
		r.connection,
		r.deliveries,
		fmt(r.p50Ms),
		fmt(r.p90Ms),
		fmt(r.maxMs),
	]);
	const saveLessCmp = comparison(results.throughputSaveLess);
	const defaultsAt = (events: number, connections: number) =>
		cmp.groups.find(({ A }) => A.events === events && A.connections === connections);
	const saveLessRows = saveLessCmp.groups.map(({ A, B, floor }) => {
		const d = defaultsAt(A.events, A.connections);
		return [
			A.events,
			A.connections,
			`${fmt(d?.A.completedPerSecond)} → ${fmt(A.completedPerSecond)}`,
			`${fmt(d?.B.completedPerSecond)} → ${fmt(B.completedPerSecond)}`,
			`${fmt(d?.floor.completedPerSecond)} → ${fmt(floor.completedPerSecond)}`,
			`${fmt(d?.A.p99Ms, 0)} → ${fmt(A.p99Ms, 0)}`,
			ratio(A.completedPerSecond, B.completedPerSecond),
		];
	});

	return `# Benchmarks

Generated by \`npm run bench\` (bench/run.ts, bench/report.ts) on ${m.date.slice(0, 10)}; do not edit by hand.
It is **not run in CI** (it takes about ${Math.round(results.totalSeconds / 60)} minutes and needs the whole machine); run it from a clean
clone after \`npm ci\` (the first run installs n8n into \`.cache/n8n\`, ~7 min). The raw figures are at the end.
Benchmarks are figures in this report, not assertions in the test suite. Some sections can be re-run alone and merged into
the stored figures: \`BENCH_ONLY=rates\` (§2 on n8n's defaults), \`BENCH_ONLY=settings\` (§2 under other n8n settings), or
one setting of ${SETTING_SECTIONS.map((name) => `\`${name}\``).join(', ')} (for example \`BENCH_ONLY=lazyIsolate npx tsx bench/run.ts\`), and
\`BENCH_ONLY=systemLog\` (§7) or one of ${SYSTEM_LOG_SECTIONS.map((name) => `\`${name}\``).join(', ')}.

## Machine and versions

${table(
	['', ''],
	[
		['date', m.date],
		['commit', m.commit],
		['CPU', m.cpu],
		['memory', `${m.memoryGB} GB`],
		['OS', m.os],
		['n8n', `${m.n8n} on Node ${m.n8nNode} (SQLite, regular mode, HTTPS on loopback)`],
		[
			'load generator',
			`autocannon ${m.autocannon} (§1) and node:https at fixed rates (§2) on Node ${m.benchNode}, in the same process as the Okta sandbox`,
		],
		['whole run', `${results.totalSeconds} s`],
	],
)}

Load generator, sandbox and n8n share the same ${m.cpu.split('×').pop()?.trim()} cores, so absolute figures are low and what matters are
the ratios, measured in the same run on the same n8n.

## Goals

${table(
	['#', 'goal', 'figure', 'verdict'],
	[
		[
			1,
			'A/B ≥ 1.0 at every level (deliveries run to completion per second)',
			`lowest A/B ${minAB.toFixed(2)} (answered per second: ${minABAnswered.toFixed(2)})`,
			mark(minAB >= 1),
		],
		[2, 'p99 ≤ 1 s at 5 events/s (n8n defaults)', 'one event per delivery', rateVerdict(d5)],
		[
			2,
			'p99 ≤ 1 s at 50 events/s (n8n defaults)',
			'one event per delivery (50 deliveries/s)',
			rateVerdict(d50),
		],
		[2, '', 'ten events per delivery (5 deliveries/s)', rateVerdict(d50b)],
		[
			'2′',
			'the same, saving no successful execution',
			'5/s; 50/s × 1; 50/s × 10',
			[l5, l50, l50b].map(rateVerdict).join('; '),
		],
		...Object.keys(SETTING_LABELS)
			.filter((name) => results.settingsRates?.[name])
			.map((name) => {
				const rows = results.settingsRates[name].rows;
				return [
					'2″',
					`the same, ${SETTING_LABELS[name](s)}`,
					'5/s; 50/s × 1; 50/s × 10',
					[rateA(rows, 5, 1), rateA(rows, 50, 1), rateA(rows, 50, 10)].map(rateVerdict).join('; '),
				];
			}),
		[
			3,
			'authenticate + validate + map ≤ 2× JSON.parse of the body',
			`at most ${maxParseRatio.toFixed(2)}×`,
			mark(maxParseRatio <= 2),
		],
		[
			4,
			'execution data per event, nothing stored twice',
			`A ${fmt(size('A', 100)?.bytesPerEvent, 0)} B/event, B ${fmt(size('B', 100)?.bytesPerEvent, 0)}, floor ${fmt(size('floor', 100)?.bytesPerEvent, 0)} (100 events per delivery)`,
			'see §4',
		],
		[
			5,
			'create + verify on publish; none or one read on restart; deactivate + delete on unpublish',
			`publish: ${lc.publish.calls.count} calls in ${lc.publish.wallMs} ms; restart: ${lc.restart.calls.count}; unpublish: ${lc.unpublish.calls.count}`,
			`${publishIsCreateVerify ? mark(true) : '**missed by one list**'} / ${mark(lc.restart.calls.count <= 1)} / ${mark(lc.unpublish.calls.count === 2)}`,
		],
		[
			6,
			'duplicate filter bounded after 1,000,000 events',
			`${fmt(filter.filterHeapMB, 2)} MB (${filter.retainedUuids.toLocaleString('en-US')} UUIDs kept)`,
			mark(filter.retainedUuids <= 10000),
		],
	],
)}

${byVersionSection(results.byVersion)}## 1. Against the hand-built equivalent and n8n's floor

- **A**: this trigger → No Operation.
- **B**: Webhook (POST, *Respond immediately*, **header auth** \`Authorization\` with a 256-bit secret, as the trigger checks) →
  Split Out (\`body.data.events\`, no other fields) → Edit Fields (every card field with the same name: \`dateAndTime\`, \`message\`,
  \`eventId\`, \`eventType\`, \`eventTime\`, \`version\`, \`actor\`, \`oktaUser\`, \`mfaFactor\` with \`detail\`, \`uuid\`, \`eventDetails\` = the raw event,
  \`headers\` without \`authorization\`, \`source\`, \`debugContext\`; see bench/workflows.ts) → No Operation. It does not filter duplicates.
- **floor**: Webhook (no auth) → No Operation, the same body: what n8n itself costs per delivery.

Each delivery is an Okta event-hook body with 1, 10 or 100 \`system.mfa.preregister.initiate\` events, all with fresh UUIDs
(the trigger drops events it has seen), the same generator for all three. autocannon over HTTPS with keep-alive, ${s.ROUNDS}
rounds per cell alternating A, B, floor (reversed every other round); each run sends ${Object.entries(
		s.AMOUNT,
	)
		.map(([events, amount]) => `${amount} deliveries of ${events}`)
		.join(
			', ',
		)} event(s) (at least one per connection), stops after ${s.LOAD_MAX_MS / 1000} s whatever was sent, then waits for
every execution to finish before the next run. "Run" throughput counts from the first delivery until the last execution of
the run stopped (n8n's own \`stoppedAt\`), so a workflow that answers fast but runs slowly gets no credit; "answered" counts
until the last answer. A/B is taken on "run" throughput.
n8n's defaults: SQLite, every execution saved.

### Throughput (deliveries and events run to completion per second)

${cmp.throughput}

### Answer times (what Okta waits for; its timeout is 3 s)

${cmp.latency}

### One delivery at a time, no load

Single 1-event deliveries one after another (each waits until the previous execution finished), with node:https; on a new
connection each time and on a kept-alive one.

${table(['workflow', 'connection', 'deliveries', 'p50 ms', 'p90 ms', 'max ms'], probeRows)}

## 2. Inside Okta's timeout

Okta's cap is 400,000 events a day per org, ≈ 4.6 events/s spread evenly: measured at 5 events/s and at 50 events/s, for
${s.RATE_SECONDS} s each, at a fixed arrival rate. ${rateMethod(results)} Okta's batch size is
undocumented, so 50 events/s is measured as 50 one-event deliveries per second (the worst case) and as 5 deliveries of 10;
the floor at 50 deliveries/s shows what this n8n manages at all.

**n8n defaults** (SQLite, every execution saved):

${rates(results.timedRates.defaults)}

${burstSection(results.burst, { table, fmt, mark })}
**Saving less** (after a restart with ${Object.entries(s.SAVE_LESS)
		.map(([k, v]) => `\`${k}=${v}\``)
		.join(', ')}; failed executions are still saved):

${rates(results.timedRates.saveLess)}

Throughput at concurrency ${s.SAVE_LESS_CONCURRENCIES.join(', ')}, defaults → saving less (one round; with nothing saved the end of the
runs is seen by polling n8n for running executions, good to about half a second, so these "run" rates are rough):

${table(['events / delivery', 'concurrency', 'A run/s', 'B run/s', 'floor run/s', 'A p99 ms', 'A/B (saving less)'], saveLessRows)}

${settingsSection(results)}

## 3. In-process cost against JSON.parse (bench/inProcess.ts)

The work \`webhook()\` does per delivery (authenticate, check the envelope, filter duplicates, sort, map every event to the
item) against \`JSON.parse\` of the same body, which n8n does before \`webhook()\` runs; median of timed rounds,
alternating, on Node ${m.benchNode}.

${table(
	[
		'trigger',
		'events / delivery',
		'items',
		'body bytes',
		'JSON.parse ns/event',
		'trigger ns/event',
		'trigger / JSON.parse',
	],
	inProc.deliveryCost.map((c: any) => [
		c.trigger ?? 'MFA Preregistration Trigger',
		c.events,
		c.items ?? c.events,
		c.bodyBytes.toLocaleString('en-US'),
		fmt(c.jsonParseNsPerEvent, 0),
		fmt(c.triggerNsPerEvent, 0),
		`**${c.ratioTriggerToJsonParse.toFixed(2)}**`,
	]),
)}

## 4. Execution data per event

One delivery of each size to each workflow; bytes of \`execution_data.data\` in n8n's SQLite database (what n8n stores, in its
own \`flatted\` form) divided by the events. \`workflowData\` is n8n's copy of the workflow stored with every execution
(per execution, not per event). The raw event in the body is ${fmt(inProc.deliveryCost[2]?.bodyBytes / 100, 0)} bytes.

${table(
	[
		'workflow',
		'events',
		'items out',
		'keys per item',
		'execution data bytes',
		'bytes / event',
		'workflow copy bytes',
		'public API JSON bytes',
	],
	sizes.map((r) => [
		r.workflow,
		r.events,
		r.items,
		r.firstItemKeys,
		r.executionDataBytes.toLocaleString('en-US'),
		`**${r.bytesPerEvent.toLocaleString('en-US')}**`,
		r.workflowCopyBytes.toLocaleString('en-US'),
		r.apiJsonBytes.toLocaleString('en-US'),
	]),
)}

A per event against B: ${ratio(size('A', 100)?.bytesPerEvent, size('B', 100)?.bytesPerEvent)}× (100 events), against the floor (the body stored once):
${ratio(size('A', 100)?.bytesPerEvent, size('floor', 100)?.bytesPerEvent)}×. A stores each event once (\`eventDetails\`) plus the card's fields: at 100
events, ${fmt(size('A', 100)?.bytesPerEvent, 0)} bytes per event for an event of ${fmt(inProc.deliveryCost[2]?.bodyBytes / 100, 0)} bytes, so neither the No Operation node's output (the same
item objects; n8n's flatted form stores a shared object once) nor the headers (one object shared by a delivery's items)
is stored again. B stores the body (Webhook), every event again (Split Out) and the
card items (Edit Fields).

## 5. Lifecycle: Okta calls (from the sandbox's request log)

${table(
	['step', 'Okta calls', 'wall time'],
	[
		[
			'publish (nothing stored yet)',
			callList(lc.publish.calls),
			`${lc.publish.wallMs} ms until \`publication-status\` said published`,
		],
		[
			'restart (default publication service)',
			callList(lc.restart.calls),
			`${fmt(lc.restart.wallMs / 1000)} s (n8n's own start)`,
		],
		[
			'unpublish',
			callList(lc.unpublish.calls),
			`${lc.unpublish.wallMs} ms until the hook was gone`,
		],
	],
)}

Publish reads nothing first. A hook of the workflow's that n8n lost track of (n8n stopped between Okta's answer and saving
static data, or a restored database) has the same name, and Okta refuses a second hook with a name in use; only then does the
trigger list the org's hooks, remove its own and create again (covered in test/nodes/…/hookLifecycle.test.ts and
test/reliability/drift.test.ts). Legacy activation (\`N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false\`) makes one \`GET\`
of the stored hook on restart (covered by test/e2e/legacy-activation.test.ts; not re-measured here).

## 6. Memory of the duplicate filter (bench/inProcess.ts)

${table(
	[
		'distinct events',
		'UUIDs kept',
		'filter heap',
		'unbounded Set of the same UUIDs',
		'filter / unbounded',
	],
	[
		[
			filter.distinctEvents.toLocaleString('en-US'),
			filter.retainedUuids.toLocaleString('en-US'),
			`**${fmt(filter.filterHeapMB, 2)} MB**`,
			`${fmt(filter.unboundedSetHeapMB)} MB`,
			filter.ratioFilterToUnbounded.toFixed(3),
		],
	],
)}

The filter keeps the last 10,000 UUIDs per registration (a registration is one hook on one URL; at most 1,000
registrations are kept, the least recently used dropped first), so it stays at this size however many events arrive.

${systemLogSection(results.systemLog, { table, fmt, mark })}${profiles(results.profiles)}## Raw figures

<details><summary>results.json</summary>

\`\`\`json
${JSON.stringify({ ...results, throughput: results.throughput, throughputSaveLess: results.throughputSaveLess }, null, 1)}
\`\`\`

</details>
`;
}

const ROOT = path.resolve(__dirname, '..');

/** Attaches the CPU profiles bench/profile.ts left in .cache/bench (run separately), with their dates. */
export function withProfiles(results: any): any {
	const files = ['A', 'A-lazy', 'floor', 'floorAuth', 'B']
		.map((kind) => path.join(ROOT, '.cache', 'bench', `profile-${kind}.json`))
		.filter((file) => fs.existsSync(file));
	if (files.length === 0) return results;
	return {
		...results,
		profiles: files.map((file) => ({
			...JSON.parse(fs.readFileSync(file, 'utf8')),
			date: fs.statSync(file).mtime.toISOString(),
		})),
	};
}

if (require.main === module) {
	const input = process.argv[2] ?? path.join(ROOT, '.cache', 'bench', 'results.json');
	const results = JSON.parse(fs.readFileSync(input, 'utf8'));
	fs.writeFileSync(path.join(ROOT, 'docs', 'BENCHMARKS.md'), renderReport(withProfiles(results)));
}
