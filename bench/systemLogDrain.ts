/**
 * One System Log measurement in a process of its own (`node --expose-gc`), so that its memory is
 * the trigger's (or the baseline's) and not the Okta sandbox's, which bench/systemLog.ts runs and
 * counts the requests of. Argument: a JSON job; prints the result as JSON.
 * - idle: the polling trigger published (its activation poll) and `polls` scheduled polls with
 *   nothing new in the log.
 * - trigger: the polling trigger with Catch Up, in n8n-core's real PollContext, polled until it
 *   emits nothing (each poll's items dropped after it, as n8n hands them to an execution).
 * - baseline: the same HTTP reads in a plain loop: the same first query and page size, the same
 *   n8n-core request helper, the rel="next" links followed, each poll's worth of pages parsed and
 *   kept until the next, no trigger.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import { POLL_LIMITS } from '../nodes/events/pollLog';
import { MFA_PREREGISTRATION_EVENT } from '../nodes/events/mfaPreregistration';
import { firstLogCursor, linksWithRel } from '../nodes/okta/systemLog';
import {
	CredentialStore,
	pollContext,
	testWorkflow,
	trustCertificateAuthority,
} from '../devkit/n8n/core';
import { n8nHttpRequest } from '../devkit/n8n/instance';
import { RESULT_MARK } from './systemLog';

type PollTriggerModule =
	typeof import('../nodes/OktaMfaPreregistrationPollTrigger/OktaMfaPreregistrationPollTrigger.node');
// With the extension: Node's resolver would otherwise find the node's codex (.node.json) first.
const { OktaMfaPreregistrationPollTrigger } =
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	require('../nodes/OktaMfaPreregistrationPollTrigger/OktaMfaPreregistrationPollTrigger.node.ts') as PollTriggerModule;

export interface DrainJob {
	kind: 'idle' | 'trigger' | 'baseline';
	oktaUrl: string;
	token: string;
	caCertPem: string;
	/** idle: scheduled polls after the publish. */
	polls?: number;
}

const MAX_POLLS = 100;
const DAY_MS = 86_400_000;

/** Peak heap and RSS above what was in use when it started, sampled every few ms. */
function memoryPeak() {
	(global as any).gc?.();
	const start = process.memoryUsage();
	let heap = start.heapUsed;
	let rss = start.rss;
	const sample = () => {
		const now = process.memoryUsage();
		heap = Math.max(heap, now.heapUsed);
		rss = Math.max(rss, now.rss);
	};
	const timer = setInterval(sample, 2);
	return {
		sample,
		stop() {
			sample();
			clearInterval(timer);
			return { heapPeakDeltaBytes: heap - start.heapUsed, rssPeakDeltaBytes: rss - start.rss };
		},
	};
}

function pollTarget(job: DrainJob, catchUp: boolean) {
	const store = new CredentialStore();
	const credential = store.save('oktaEventHookApi', { url: job.oktaUrl, accessToken: job.token });
	return testWorkflow({
		nodeType: new OktaMfaPreregistrationPollTrigger(),
		parameters: catchUp ? { options: { catchUpDays: 1 } } : {},
		credentials: [credential],
	});
}

async function idle(job: DrainJob) {
	const target = pollTarget(job, false);
	const emitted: number[] = [];
	const activation = await target.nodeType.poll!.call(
		pollContext(target, { activation: 'activate' }),
	);
	emitted.push(activation?.[0].length ?? 0);
	for (let index = 0; index < (job.polls ?? 10); index++) {
		const result = await target.nodeType.poll!.call(pollContext(target, { activation: 'update' }));
		emitted.push(result?.[0].length ?? 0);
	}
	return { polls: emitted.length, emitted: emitted.reduce((s, n) => s + n, 0) };
}

async function trigger(job: DrainJob) {
	const target = pollTarget(job, true);
	const memory = memoryPeak();
	const started = process.hrtime.bigint();
	let polls = 0;
	let emitted = 0;
	for (; polls < MAX_POLLS;) {
		polls++;
		const result = await target.nodeType.poll!.call(pollContext(target, { activation: 'update' }));
		memory.sample();
		if (result === null) break;
		emitted += result[0].length;
	}
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	return { polls, emitted, wallMs, ...memory.stop() };
}

async function baseline(job: DrainJob) {
	const memory = memoryPeak();
	const started = process.hrtime.bigint();
	let next: string | undefined = firstLogCursor(
		MFA_PREREGISTRATION_EVENT,
		new Date(Date.now() - DAY_MS),
		POLL_LIMITS.pageSize,
	);
	let pages = 0;
	let events = 0;
	let bytes = 0;
	// One poll's worth of parsed pages, dropped at the next "poll" (as the trigger's read is).
	let held: unknown[] = [];
	while (next) {
		if (pages % POLL_LIMITS.maxPages === 0) held = [];
		const response = (await n8nHttpRequest({
			url: new URL(next, job.oktaUrl).toString(),
			method: 'GET',
			headers: { authorization: `SSWS ${job.token}`, accept: 'application/json' },
			json: false,
			encoding: 'text',
			returnFullResponse: true,
		} as IHttpRequestOptions)) as { body: string; headers: Record<string, unknown> };
		pages++;
		bytes += Buffer.byteLength(response.body);
		const page = JSON.parse(response.body) as unknown[];
		held.push(...page);
		events += page.length;
		memory.sample();
		const link = linksWithRel(response.headers.link, 'next')[0];
		next = page.length < POLL_LIMITS.pageSize || !link ? undefined : link;
	}
	const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
	held = [];
	return { pages, events, bytes, wallMs, ...memory.stop() };
}

async function main() {
	const job = JSON.parse(process.argv[2]) as DrainJob;
	trustCertificateAuthority(job.caCertPem);
	const run = { idle, trigger, baseline }[job.kind];
	process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(await run(job))}\n`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
