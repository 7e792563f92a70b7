/**
 * The report's System Log section (bench/systemLog.ts's figures); empty until they were measured.
 */
/** The report's own formatting (bench/report.ts), handed in so that both format alike. */
export interface Format {
	table: (head: string[], rows: unknown[][]) => string;
	fmt: (value: unknown, digits?: number) => string;
	mark: (ok: boolean) => string;
}

let table: Format['table'];
let fmt: Format['fmt'];
let verdict: Format['mark'];
const mb = (bytes: number) => `${fmt(bytes / 1e6)} MB`;

const spread = (values: number[]) =>
	values.length ? `${fmt(Math.min(...values), 0)}–${fmt(Math.max(...values), 0)}` : '–';

function idleSection(idle: any, inN8n: any): string {
	const n8nRows = inN8n
		? [
				[
					inN8n.driver,
					inN8n.polls,
					`${inN8n.logReadsPerPoll.join(', ')} (${fmt(inN8n.minutes)} min)`,
					verdict(inN8n.logReadsPerPoll.every((reads: number) => reads === 1)),
				],
			]
		: [];
	return table(
		['driver', 'polls', 'Okta calls per poll', 'goal: 1'],
		[
			...(idle
				? [
						[
							`${idle.driver}, ${idle.credential}`,
							idle.polls,
							`${fmt(idle.callsPerPoll, 2)} (${idle.oktaCalls} calls)`,
							verdict(idle.callsPerPoll <= 1),
						],
					]
				: []),
			...n8nRows,
		],
	);
}

function backlogSection(b: any): string {
	if (!b) return '';
	const walls = (kind: string) =>
		b.rows.filter((r: any) => r.kind === kind).map((r: any) => r.wallMs);
	return `### A backlog of ${b.events.toLocaleString('en-US')} events drained by the polling trigger

${b.driver}; ${b.pollLimits}; medians of ${walls('trigger').length} drains each, trigger and baseline
alternating. The baseline is a plain loop of the same HTTP reads (same first query, same n8n-core request helper, rel="next" followed, one
poll's worth of parsed pages held at a time). The sandbox's own /api/v1/logs rate limit is lifted here: with Okta's, the
polls are a minute apart, so the drain takes ${b.polls - 1} scheduled minutes plus the one that finds nothing.

${table(
	['', 'polls', 'Okta calls', 'wall time', 'peak heap Δ', 'peak RSS Δ'],
	[
		[
			'polling trigger',
			b.polls,
			b.oktaCalls,
			`${fmt(b.wallMs, 0)} ms (${spread(walls('trigger'))})`,
			mb(b.heapPeakDeltaBytes),
			mb(b.rssPeakDeltaBytes),
		],
		[
			'plain loop of the same reads',
			'–',
			b.baselineCalls,
			`${fmt(b.baselineWallMs, 0)} ms (${spread(walls('baseline'))})`,
			mb(b.baselineHeapPeakDeltaBytes),
			mb(b.baselineRssPeakDeltaBytes),
		],
		[
			'**trigger / baseline**',
			'',
			'',
			`**${fmt(b.wallRatio, 2)}**`,
			`**${fmt(b.heapRatioToBaseline, 2)}**`,
			`**${fmt(b.rssPeakDeltaBytes / b.baselineRssPeakDeltaBytes, 2)}**`,
		],
	],
)}

All ${b.events.toLocaleString('en-US')} events were emitted once in each drain (${b.emitted.join(', ')}). The events'
JSON is ${mb(b.eventsJsonBytes)}, a poll's 5 pages half of it; parsed, those pages are most of the peak heap of both
(${fmt(b.heapRatioToEventsJson, 2)}× the whole backlog's JSON for the trigger). What the trigger adds to holding the same
parsed pages (its items, the duplicate filter, static data) is the difference to the plain loop:
${mb(b.heapPeakDeltaBytes - b.baselineHeapPeakDeltaBytes)} of heap. Wall times are noisy on this shared machine (ranges
in brackets).`;
}

/** a / b of each round: the sides were loaded at the same time, so the machine's drift hits both. */
const pairedRatios = (a: number[], b: number[]) =>
	a.map((value, index) => fmt(value / b[index], 2)).join(', ');

/** One load's table and ratios. */
function answerLoad(a: any): string {
	const row = (label: string, s: any, reads: string) => [
		label,
		s.deliveries,
		s.failed,
		fmt(s.p50Ms, 0),
		fmt(s.p99Ms, 0),
		fmt(s.maxMs, 0),
		`${s.roundP50Ms.map((v: number) => fmt(v, 0)).join(', ')} / ${s.roundP99Ms.map((v: number) => fmt(v, 0)).join(', ')}`,
		reads,
	];
	const within = (ratio: number) => ratio <= 1.05;
	const twinNoise = Math.max(Math.abs(a.twinP50Ratio - 1), Math.abs(a.twinP99Ratio - 1));
	return `**${a.load.overallRate} deliveries/s per workflow, ${a.load.overallRate * a.load.sides}/s in all** (${a.load.rounds} rounds of
${a.load.amount} one-event deliveries per workflow on ${a.load.connections} connections each, at most ${a.load.maxMs / 1000} s a round):

${table(
	[
		'recovery',
		'deliveries',
		'failed',
		'p50 ms',
		'p99 ms',
		'max ms',
		'p50 / p99 per round',
		'System Log reads (per round)',
	],
	[
		row('on', a.on, `${a.on.recoveryReads} (${a.on.roundRecoveryReads.join(', ')})`),
		row('off', a.off, '0'),
		row('off (twin)', a.offTwin, '0'),
	],
)}

**Ratio on / off: p50 ${fmt(a.p50Ratio, 2)}, p99 ${fmt(a.p99Ratio, 2)}** (goal ≤ 1.05: p50
${verdict(within(a.p50Ratio))}, p99 ${verdict(within(a.p99Ratio))}). **A/A, twin / off: p50 ${fmt(a.twinP50Ratio, 2)},
p99 ${fmt(a.twinP99Ratio, 2)}**: ${
		twinNoise <= 0.05
			? 'two identical workflows came within 5 % of each other'
			: `two identical workflows differed by up to ${fmt(twinNoise * 100, 0)} %, so differences of that size are noise at this load`
	}. Per round, on / off: p50 ${pairedRatios(a.on.roundP50Ms, a.off.roundP50Ms)}; p99
${pairedRatios(a.on.roundP99Ms, a.off.roundP99Ms)}.`;
}

/** One delivery in flight at a time (bench/answerOneAtATime.ts): work per delivery, no queue. */
function answerOneAtATimePart(o: any): string {
	if (!o) return '';
	const row = (label: string, side: any) => [
		label,
		side.deliveries,
		side.failed,
		fmt(side.p50Ms),
		fmt(side.p90Ms),
		fmt(side.p99Ms),
		fmt(side.meanMs),
	];
	return `**One delivery at a time** (${o.plan.turns} turns after ${o.plan.warmUpTurns} not counted; in each turn each workflow gets one
one-event delivery, in a rotating order, over one kept-alive connection, ${o.plan.pauseMs} ms apart; ${fmt(o.seconds, 0)} s; System Log reads
by the workflow with recovery on: ${o.recoveryReads}):

${table(
	['recovery', 'deliveries', 'failed', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms'],
	[row('on', o.on), row('off', o.off), row('off (twin)', o.offTwin)],
)}

**Ratio on / off: p50 ${fmt(o.p50Ratio, 2)}, mean ${fmt(o.meanRatio, 2)}** (goal ≤ 1.05: p50 ${verdict(o.p50Ratio <= 1.05)}); on − off at p50:
${fmt(o.on.p50Ms - o.off.p50Ms)} ms per delivery. A/A, twin / off: p50 ${fmt(o.twinP50Ratio, 2)}, mean ${fmt(o.twinMeanRatio, 2)}.`;
}

function answerSection(a: any): string {
	if (!a) return '';
	const loads: any[] = a.loads ?? [a];
	return `### The event hook's answer time with recovery on and off

One real n8n 2.41.1 (defaults, every execution saved), three published workflows (event-hook trigger → No Operation): one with
\`recoverMissedEvents\` on (the default), one off, and a twin of the one off (A/A: what two identical workflows differ by
noise alone). Recovery costs two things: a System Log read at most once a minute while nothing is missed (only the
delivery that comes first in a minute waits for it), and, at every delivery, its cursor and the events emitted since in
the workflow's static data, which n8n writes to its database before it answers (with the option off, nothing is
written): what lets a restart run nothing twice. Measured two ways: one delivery at a time (this event's real traffic: a
few a day), where a difference is the work each delivery costs; and under load, where that work also lengthens the
queue.

${answerOneAtATimePart(a.oneAtATime)}

What recovery does at every delivery, besides its in-memory bookkeeping (§3's scale: microseconds), is that
static-data write: n8n 2.41 saves a webhook's changed static data (an UPDATE of the workflow's row, one more database
commit) after it has created the execution and before it answers, so the answer waits for it; the System Log reads
above are too few to move a median. The write stays before the answer on purpose. It is what lets a restart run
nothing twice, and n8n offers no later point to make it: nothing saves a webhook's static data after its answer, and
an execution saves its own copy at its end (over the hook's secret if the workflow was published again meanwhile; in
queue mode a worker's copy is empty). Writing less often would let a restart run the last deliveries' events again.
So the goal stays missed by the cost of one database commit per delivery; a workflow that does not need recovery
turns the option off and writes nothing.

Under load: in each round, after a warm-up round that is not counted, all three get the same load **at the same
time**, so whatever else the machine does hits all sides alike; autocannon sends a second's deliveries at its start, so
the order in which the three loads start rotates every round (each workflow first, second and third equally often).

${loads.map(answerLoad).join('\n\n')}`;
}

export function systemLogSection(results: any, format: Format): string {
	if (!results) return '';
	({ table, fmt, mark: verdict } = format);
	const inN8n = results.recoveryAnswer?.idlePollInN8n;
	return `## 7. System Log: polling and recovery (bench/systemLog.ts)

Measured ${String(results.machine?.date ?? '').slice(0, 10)} with \`BENCH_ONLY=systemLog\`; Okta calls are counted from
the sandbox's request log.

### Okta calls per idle poll

${idleSection(results.pollIdle, inN8n)}

In-process: the activation poll and the scheduled ones after it, nothing new in the log. In n8n: a polling workflow
(every minute) published while the recovery load below ran; its polls are the reads of its page size, grouped by time.

${backlogSection(results.pollBacklog)}

${answerSection(results.recoveryAnswer)}

`;
}
