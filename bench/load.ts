/**
 * Load against a running n8n with autocannon: Okta-shaped deliveries with fresh event UUIDs (the
 * trigger drops events it has seen), every run bounded by a count and a time limit.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';

import { makeMfaPreregisterEvent } from '../devkit/okta-sandbox/events';

const UUID_MARK = '__BENCH_UUID__';

/** Deliveries of `events` events each; every call returns a new body with new UUIDs. */
export class Deliveries {
	private readonly parts: string[];

	constructor(readonly events: number) {
		// A template per event (targets in random order, as Okta may send them), each UUID a marker.
		const template = Array.from({ length: events }, () =>
			JSON.stringify({ ...makeMfaPreregisterEvent(), uuid: UUID_MARK }),
		);
		this.parts = template.join(',').split(UUID_MARK);
	}

	next(): string {
		let events = this.parts[0];
		for (let index = 1; index < this.parts.length; index++)
			events += randomUUID() + this.parts[index];
		return (
			'{"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1",' +
			'"source":"https://bench.okta.example/api/v1/eventHooks/whobench","eventId":"' +
			randomUUID() +
			'","eventTime":"' +
			new Date().toISOString() +
			'","contentType":"application/json","data":{"events":[' +
			events +
			']}}'
		);
	}
}

export function oktaHeaders(secret: string): Record<string, string> {
	return {
		'content-type': 'application/json',
		'user-agent': 'Okta-Integrations',
		'x-okta-request-id': 'bench',
		authorization: secret,
	};
}

export interface LoadOptions {
	url: string;
	headers: Record<string, string>;
	deliveries: Deliveries;
	connections: number;
	/** Deliveries to send (the count bound). */
	amount: number;
	/** Stop after this long whatever was sent (the time bound). */
	maxMs: number;
	/** Deliveries per second over all connections (0: as fast as answers come). */
	overallRate?: number;
	/** Give up on an answer after this long, as Okta does after 3 s (default 10 s). */
	timeoutSeconds?: number;
}

export interface LoadResult {
	sent: number;
	ok: number;
	statuses: Record<string, number>;
	errors: number;
	timeouts: number;
	elapsedMs: number;
	stoppedByTimeLimit: boolean;
	/** Answer times in ms, one per answered delivery. */
	latencies: number[];
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
	const latencies: number[] = [];
	const statuses: Record<string, number> = {};
	let errors = 0;
	let stoppedByTimeLimit = false;
	const started = Date.now();
	let lastAnswer = started;
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const instance = autocannon(
			{
				url: options.url,
				connections: options.connections,
				// autocannon wants at least one delivery per connection.
				amount: Math.max(options.amount, options.connections),
				overallRate: options.overallRate || undefined,
				timeout: options.timeoutSeconds ?? 10,
				requests: [
					{
						method: 'POST',
						headers: options.headers,
						setupRequest: (request) => ({ ...request, body: options.deliveries.next() }),
					},
				],
			},
			(error, finished) => (error ? reject(error) : resolve(finished)),
		);
		const timer = setTimeout(() => {
			stoppedByTimeLimit = true;
			instance.stop();
		}, options.maxMs);
		instance.on('done', () => clearTimeout(timer));
		instance.on('response', (_client, statusCode, _bytes, responseTime) => {
			statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
			latencies.push(responseTime);
			lastAnswer = Date.now();
		});
		instance.on('reqError', () => {
			errors++;
		});
	});
	const ok = Object.entries(statuses)
		.filter(([status]) => status.startsWith('2'))
		.reduce((sum, [, count]) => sum + count, 0);
	return {
		sent: latencies.length + errors,
		ok,
		statuses,
		errors,
		timeouts: result.timeouts,
		// autocannon reports 'done' on its 1-second tick: time to the last answer instead.
		elapsedMs: Math.max(1, lastAnswer - started),
		stoppedByTimeLimit,
		latencies,
	};
}

export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
