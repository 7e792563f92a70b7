/**
 * §2 of the report: answer times at fixed arrival rates (bench/openLoad.ts), then how long n8n
 * kept running the executions after the last answer (its backlog). Shared by the defaults run
 * (bench/run.ts) and the settings sections (bench/settings.ts).
 */
import { FINISHED, countExecutions, drain, lastStoppedAt, type HasHttp } from './executions';
import { Deliveries, oktaHeaders, percentile } from './load';
import { runOpenLoad } from './openLoad';

const QUICK = process.env.BENCH_QUICK === '1';

export type RateKind = 'A' | 'floor';

/**
 * Okta's daily cap (400,000 events a day) spread evenly is ~4.6 events/s: 5/s, and ten times that,
 * one event per delivery (the worst case: Okta's batch size is undocumented) and ten per delivery;
 * the floor at the highest rate shows what n8n itself manages.
 */
export const RATES: Array<{ kind: RateKind; eventsPerSecond: number; eventsPerDelivery: number }> =
	[
		{ kind: 'A', eventsPerSecond: 5, eventsPerDelivery: 1 },
		{ kind: 'A', eventsPerSecond: 50, eventsPerDelivery: 1 },
		{ kind: 'A', eventsPerSecond: 50, eventsPerDelivery: 10 },
		{ kind: 'floor', eventsPerSecond: 50, eventsPerDelivery: 1 },
	];
/** Beyond the goal, for a setting that meets it: how far one n8n process goes (one event per delivery). */
export const HEADROOM_RATES: typeof RATES = [
	{ kind: 'A', eventsPerSecond: 100, eventsPerDelivery: 1 },
	{ kind: 'A', eventsPerSecond: 200, eventsPerDelivery: 1 },
];
export const RATE_SECONDS = QUICK ? 6 : 20;
/** Connections the generator may open: enough for every delivery of the last 2 s to be in flight. */
export const RATE_CONNECTION_SECONDS = 2;

export interface RateTarget {
	id: string;
	url: string;
	secret: string;
}

const round = (value: number, digits = 1) =>
	Number.isFinite(value) ? Number(value.toFixed(digits)) : null;

/**
 * Every cell of RATES against `targets`. `n8n` is the process serving the REST API (it counts the
 * executions); `saved`: whether successful executions are saved (else their end is seen by polling).
 */
export async function timedRates(
	n8n: HasHttp,
	targets: Record<RateKind, RateTarget>,
	saved: boolean,
	options: { ca?: Buffer; log: (line: string) => void; cells?: typeof RATES },
) {
	const rows = [];
	for (const { kind, eventsPerSecond, eventsPerDelivery } of options.cells ?? RATES) {
		const target = targets[kind];
		const deliveries = new Deliveries(eventsPerDelivery);
		const rate = eventsPerSecond / eventsPerDelivery;
		const base = await countExecutions(n8n, target.id, FINISHED);
		const started = Date.now();
		const result = await runOpenLoad({
			url: target.url,
			headers: oktaHeaders(target.secret),
			deliveries,
			ratePerSecond: rate,
			seconds: RATE_SECONDS,
			connections: Math.max(10, Math.ceil(rate * RATE_CONNECTION_SECONDS)),
			ca: options.ca,
		});
		const answeredAt = started + result.elapsedMs;
		// n deliveries take n slots of 1/rate s (from the first one due to the end of the last slot).
		const slotMs = 1000 / rate;
		let finished = await drain(n8n, target.id, base, result.ok, saved);
		if (saved && result.ok > 0) finished = await lastStoppedAt(n8n, target.id, result.ok);
		if (result.ok !== result.sent)
			options.log(
				`  ${kind}: ${result.sent - result.ok} of ${result.sent} not 2xx: ${JSON.stringify(result.statuses)}, ${result.errors} errors`,
			);
		rows.push({
			workflow: kind,
			eventsPerSecond,
			eventsPerDelivery,
			connections: result.connections,
			sentPerSecond: round(result.sentPerSecond, 2),
			deliveries: result.ok,
			failed: result.sent - result.ok,
			/** From the first delivery due to the last answer, plus the last delivery's slot. */
			seconds: round((result.elapsedMs + slotMs) / 1000, 2),
			p50Ms: round(percentile(result.latencies, 50)),
			p99Ms: round(percentile(result.latencies, 99)),
			maxMs: round(Math.max(...result.latencies)),
			over1s: result.latencies.filter((l) => l > 1000).length,
			over3s:
				result.latencies.filter((l) => l > 3000).length + (result.sent - result.latencies.length),
			lastRunFinishedAfterLastAnswerMs: Math.max(0, finished - answeredAt),
			/** Deliveries whose execution finished, per second from the first delivery to the last finish. */
			runPerSecond: round((result.ok / Math.max(1, finished - started + slotMs)) * 1000),
		});
		options.log(
			`rate ${eventsPerSecond} ev/s as ${rate} deliveries/s (${kind}, ${result.connections} connections): ${result.ok}/${result.sent} ok, p50 ${round(percentile(result.latencies, 50))} ms, p99 ${round(percentile(result.latencies, 99))} ms, max ${round(Math.max(...result.latencies))} ms, runs done ${((finished - answeredAt) / 1000).toFixed(1)} s after the last answer`,
		);
	}
	return rows;
}
