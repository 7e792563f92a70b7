/**
 * A burst as Okta sends one after an outage or a bulk preregistration: 2,000 one-event deliveries,
 * 16 at a time, each given up after Okta's 3 s, on n8n's defaults (SQLite, every execution saved).
 * What it checks is the promise behind the answer: every delivery answered 200 has an execution
 * (each delivery carries one fresh event, so each execution belongs to one delivery). A delivery
 * Okta gave up on may still have run: Okta would retry it, and the trigger drops the event then.
 */
import type { Stack } from '../devkit/n8n/stack';
import { FINISHED, countExecutions, drain } from './executions';
import { Deliveries, oktaHeaders, percentile, runLoad } from './load';
import type { Format } from './systemLogReport';

export const BURST = { deliveries: 2_000, connections: 16, timeoutSeconds: 3, maxMs: 600_000 };

interface BurstTarget {
	kind: string;
	id: string;
	url: string;
	secret: string;
}

export async function measureBurst(
	stack: Stack,
	targets: BurstTarget[],
	log: (line: string) => void,
) {
	const rows = [];
	for (const target of targets) {
		const base = await countExecutions(stack, target.id, FINISHED);
		const result = await runLoad({
			url: target.url,
			headers: oktaHeaders(target.secret),
			deliveries: new Deliveries(1),
			connections: BURST.connections,
			amount: BURST.deliveries,
			maxMs: BURST.maxMs,
			timeoutSeconds: BURST.timeoutSeconds,
		});
		try {
			await drain(stack, target.id, base, result.ok, true);
		} catch {
			// Fewer executions than 200 answers: the count below says so.
		}
		const executions = (await countExecutions(stack, target.id, FINISHED)) - base;
		const row = {
			workflow: target.kind,
			sent: result.sent,
			ok: result.ok,
			// autocannon counts a timeout as an error too.
			gaveUp: result.errors,
			otherStatuses: Object.entries(result.statuses)
				.filter(([status]) => !status.startsWith('2'))
				.reduce((sum, [, count]) => sum + count, 0),
			executions,
			okWithoutExecution: Math.max(0, result.ok - executions),
			elapsedMs: result.elapsedMs,
			p50Ms: percentile(result.latencies, 50),
			p99Ms: percentile(result.latencies, 99),
			maxMs: result.latencies.length ? Math.max(...result.latencies) : null,
		};
		log(`burst ${target.kind}: ${JSON.stringify(row)}`);
		rows.push(row);
	}
	return { ...BURST, rows };
}

export function burstSection(burst: any, { table, fmt, mark }: Format): string {
	if (!burst) return '';
	return `### A burst: ${fmt(burst.deliveries, 0)} deliveries, ${burst.connections} at a time

One-event deliveries sent as fast as they are answered over ${burst.connections} connections, each given up after
${burst.timeoutSeconds} s as Okta does (it then retries once), on n8n's defaults. The trigger answers only after n8n
created the execution, so every 200 must have one (each delivery carries one fresh event). A delivery given up on may
still have run: its events are in "executions" too, and Okta's retry of it would be dropped as a duplicate.

${table(
	[
		'workflow',
		'deliveries',
		'answered 200',
		'given up (> 3 s)',
		'other answers',
		'executions',
		'200 without an execution',
		'p50 ms',
		'p99 ms',
		'max ms',
		'deliveries/s answered',
	],
	burst.rows.map((r: any) => [
		r.workflow,
		fmt(r.sent, 0),
		fmt(r.ok, 0),
		fmt(r.gaveUp, 0),
		fmt(r.otherStatuses, 0),
		fmt(r.executions, 0),
		`${fmt(r.okWithoutExecution, 0)} ${mark(r.okWithoutExecution === 0)}`,
		fmt(r.p50Ms, 0),
		fmt(r.p99Ms, 0),
		fmt(r.maxMs, 0),
		fmt((r.ok / r.elapsedMs) * 1000),
	]),
)}
`;
}
