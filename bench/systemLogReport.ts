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

/** on / off of each round: the two sides ran back to back, so drift cancels within a pair. */
const pairedRatios = (on: number[], off: number[]) =>
	on.map((value, index) => fmt(value / off[index], 2)).join(', ');

function answerSection(a: any): string {
	if (!a) return '';
	const side = (label: string, s: any) => [
		label,
		s.deliveries,
		s.failed,
		fmt(s.p50Ms, 0),
		fmt(s.p99Ms, 0),
		fmt(s.maxMs, 0),
		`${s.roundP50Ms.map((v: number) => fmt(v, 0)).join(', ')} / ${s.roundP99Ms.map((v: number) => fmt(v, 0)).join(', ')}`,
		s.roundRecoveryReads
			? `${s.recoveryReads} (${s.roundRecoveryReads.join(', ')})`
			: s.recoveryReads,
	];
	return `### The event hook's answer time with recovery on and off

One real n8n 2.41.1 (defaults, every execution saved), two published workflows (event-hook trigger → No Operation), one with
\`recoverMissedEvents\` on (the default) and one off; ${a.load.rounds} rounds each of the same load (${a.load.amount}
deliveries of ${a.load.eventsPerDelivery} event at ${a.load.overallRate}/s on ${a.load.connections} connections, at most
${a.load.maxMs / 1000} s a round), alternating on/off and reversing the order every other round, after a warm-up round each that is not counted. Recovery
reads the System Log at most once a minute while nothing is missed, so only the deliveries that come first in a minute
wait for a read.

${table(
	[
		'recovery',
		'deliveries',
		'failed',
		'p50 ms',
		'p99 ms',
		'max ms',
		'p50 / p99 per round',
		'System Log reads',
	],
	[side('on', a.on), side('off', a.off)],
)}

**Ratio on / off: p50 ${fmt(a.p50Ratio, 2)}, p99 ${fmt(a.p99Ratio, 2)}** (goal ≤ 1.05: p50
${verdict(a.p50Ratio <= 1.05)}, p99 ${verdict(a.p99Ratio <= 1.05)}). Noise: between the rounds of one side (recovery
off) p50 varied by a factor of ${fmt(a.offRoundP50Spread, 2)} and p99 by ${fmt(a.offRoundP99Spread, 2)}, on a 2-core
machine shared with other work; on / off per round (back to back): p50 ${pairedRatios(a.on.roundP50Ms, a.off.roundP50Ms)},
p99 ${pairedRatios(a.on.roundP99Ms, a.off.roundP99Ms)}. So this run cannot tell a difference of a few percent either way:
it bounds what recovery costs at this load by that noise, and does not show the goal met. The System Log reads recovery
made are in the last column (at most one a minute${a.on.roundRecoveryReads ? '; per round in brackets' : ''}).`;
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
