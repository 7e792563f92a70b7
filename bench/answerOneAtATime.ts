/**
 * Answer times one delivery at a time: what Okta sees for an event that happens a few times a day.
 * The workflows take turns (the order rotates each turn), and only one delivery is in flight in the
 * whole n8n, with a pause after each for its execution to finish; so a difference between them is
 * work done per delivery, not a queue that work builds up under load.
 */
import * as https from 'node:https';

import type { Deliveries } from './load';
import { percentile } from './load';

export const ONE_AT_A_TIME = { warmUpTurns: 20, turns: 300, pauseMs: 60 };

export interface OneAtATimeTarget {
	url: string;
	headers: Record<string, string>;
}

export interface OneAtATimeResult {
	deliveries: number;
	failed: number;
	p50Ms: number;
	p90Ms: number;
	p99Ms: number;
	meanMs: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One delivery over a kept-alive connection: its status and answer time (ms). */
function deliver(agent: https.Agent, target: OneAtATimeTarget, body: string) {
	const started = performance.now();
	return new Promise<{ status: number; ms: number }>((resolve) => {
		const request = https.request(
			target.url,
			{
				method: 'POST',
				agent,
				headers: { ...target.headers, 'content-length': Buffer.byteLength(body) },
				timeout: 10_000,
			},
			(response) => {
				response.resume();
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }),
				);
			},
		);
		request.on('timeout', () => request.destroy(new Error('timeout')));
		request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
		request.end(body);
	});
}

export async function answerOneAtATime<Side extends string>(
	targets: Record<Side, OneAtATimeTarget>,
	deliveries: Deliveries,
	ca: Buffer,
	plan = ONE_AT_A_TIME,
): Promise<Record<Side, OneAtATimeResult>> {
	const sides = Object.keys(targets) as Side[];
	const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
	const times = new Map<Side, number[]>(sides.map((side) => [side, []]));
	const failed = new Map<Side, number>(sides.map((side) => [side, 0]));
	try {
		for (let turn = -plan.warmUpTurns; turn < plan.turns; turn++) {
			for (let index = 0; index < sides.length; index++) {
				const side = sides[(index + turn + plan.warmUpTurns) % sides.length];
				const { status, ms } = await deliver(agent, targets[side], deliveries.next());
				if (turn >= 0) {
					if (status === 200) times.get(side)!.push(ms);
					else failed.set(side, failed.get(side)! + 1);
				}
				await pause(plan.pauseMs);
			}
		}
	} finally {
		agent.destroy();
	}
	const result = {} as Record<Side, OneAtATimeResult>;
	for (const side of sides) {
		const ms = times.get(side)!;
		result[side] = {
			deliveries: ms.length,
			failed: failed.get(side)!,
			p50Ms: percentile(ms, 50),
			p90Ms: percentile(ms, 90),
			p99Ms: percentile(ms, 99),
			meanMs: ms.reduce((sum, value) => sum + value, 0) / Math.max(1, ms.length),
		};
	}
	return result;
}
