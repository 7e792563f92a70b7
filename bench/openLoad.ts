/**
 * A fixed arrival rate that is really offered (open loop): one delivery every 1/rate s, whether or
 * not earlier ones were answered, as Okta sends events as they happen. Deliveries go over a pool of
 * kept-alive HTTPS connections large enough for `rate × 2 s` of answers in flight; only when all of
 * them are busy does a delivery wait for one, and that wait counts in its answer time (measured
 * from when the delivery was due, so a slow n8n cannot hide its queue: no coordinated omission).
 *
 * autocannon's `overallRate` is closed loop and bursty: each connection sends its share of a second
 * at that second's start, and the next delivery only after the previous answer, so with 10
 * connections and ~280 ms answers it could not offer more than ~36/s, and at 5/s the five
 * deliveries of each second arrived together.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import type { Deliveries } from './load';
import type { LoadResult } from './load';

export interface OpenLoadOptions {
	url: string;
	headers: Record<string, string>;
	deliveries: Deliveries;
	/** Deliveries per second, evenly spaced. */
	ratePerSecond: number;
	seconds: number;
	/** Most connections open at once. Default: rate × 2 s (at least 10). */
	connections?: number;
	/** CA to trust for an HTTPS target with a self-made certificate. */
	ca?: string | Buffer;
	/** A delivery not answered within this long counts as none (Okta gives up after 3 s). */
	timeoutMs?: number;
}

export interface OpenLoadResult extends LoadResult {
	connections: number;
	/** Deliveries sent per second over the sending period (the offered rate, as achieved by this generator). */
	sentPerSecond: number;
}

export async function runOpenLoad(options: OpenLoadOptions): Promise<OpenLoadResult> {
	const url = new URL(options.url);
	const connections = options.connections ?? Math.max(10, Math.ceil(options.ratePerSecond * 2));
	const timeoutMs = options.timeoutMs ?? 10_000;
	const secure = url.protocol === 'https:';
	const agent = secure
		? new https.Agent({ keepAlive: true, maxSockets: connections, ca: options.ca })
		: new http.Agent({ keepAlive: true, maxSockets: connections });
	const send = secure ? https.request : http.request;
	const total = Math.round(options.ratePerSecond * options.seconds);
	const intervalMs = 1000 / options.ratePerSecond;
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let errors = 0;
	let timeouts = 0;
	let lastAnswer = 0;
	let lastSent = 0;

	const deliver = (due: number) =>
		new Promise<void>((resolve) => {
			const body = options.deliveries.next();
			const request = send(
				url,
				{
					method: 'POST',
					agent,
					headers: { ...options.headers, 'content-length': Buffer.byteLength(body) },
					timeout: timeoutMs,
				},
				(response) => {
					response.resume();
					response.on('end', () => {
						lastAnswer = performance.now();
						latencies.push(lastAnswer - due);
						const status = String(response.statusCode);
						statuses[status] = (statuses[status] ?? 0) + 1;
						resolve();
					});
				},
			);
			request.on('timeout', () => {
				timeouts++;
				request.destroy(new Error('timeout'));
			});
			request.on('error', () => {
				errors++;
				resolve();
			});
			request.end(body);
		});

	const started = performance.now();
	const pending: Array<Promise<void>> = [];
	for (let index = 0; index < total; index++) {
		const due = started + index * intervalMs;
		const wait = due - performance.now();
		if (wait > 0) await new Promise((r) => setTimeout(r, wait));
		pending.push(deliver(due));
		lastSent = performance.now();
	}
	await Promise.all(pending);
	agent.destroy();
	const ok = Object.entries(statuses)
		.filter(([status]) => status.startsWith('2'))
		.reduce((sum, [, count]) => sum + count, 0);
	return {
		sent: total,
		ok,
		statuses,
		errors,
		timeouts,
		// From the first delivery due to the last answer, as load.ts does.
		elapsedMs: Math.max(1, Math.round((lastAnswer || performance.now()) - started)),
		stoppedByTimeLimit: false,
		latencies,
		connections,
		sentPerSecond: total > 1 ? ((total - 1) / (lastSent - started)) * 1000 : options.ratePerSecond,
	};
}
