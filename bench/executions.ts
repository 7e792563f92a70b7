/**
 * Counting and waiting for a workflow's executions through n8n's REST and public APIs (in queue
 * mode: the main process's, while the worker runs them).
 */
import type { N8nHttp } from '../devkit/n8n/http';
import { waitFor } from '../devkit/n8n/stack';

/** Bound of waiting for a run's executions to finish. */
export const DRAIN_MAX_MS = 180_000;
export const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const UNFINISHED = ['new', 'running', 'waiting'];

/** Anything with the n8n client of the process that serves the REST API (a Stack among them). */
export interface HasHttp {
	http: N8nHttp;
}

export async function countExecutions(
	n8n: HasHttp,
	workflowId: string,
	status?: string[],
): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, ...(status ? { status } : {}) }));
	const data = await n8n.http.rest<{ count: number }>(
		'GET',
		`/executions?filter=${filter}&limit=1`,
	);
	return data.count;
}

/**
 * Waits until the workflow has no execution left running and, when executions are saved, until
 * `expected` more finished ones exist. Returns when that was seen (ms since epoch).
 */
export async function drain(
	n8n: HasHttp,
	workflowId: string,
	base: number,
	expected: number,
	saved: boolean,
): Promise<number> {
	let quietSince = 0;
	await waitFor(
		async () => {
			const unfinished = await countExecutions(n8n, workflowId, UNFINISHED);
			const done = saved
				? (await countExecutions(n8n, workflowId, FINISHED)) >= base + expected
				: true;
			if (unfinished > 0 || !done) {
				quietSince = 0;
				return false;
			}
			if (saved) return true;
			// Unsaved executions disappear when they finish: wait for two quiet readings in a row.
			if (!quietSince) quietSince = Date.now();
			return Date.now() - quietSince >= 400;
		},
		{ timeoutMs: DRAIN_MAX_MS, intervalMs: 100, what: `executions of ${workflowId} to finish` },
	);
	return Date.now();
}

/**
 * When the last of the workflow's newest `count` executions stopped (n8n's own `stoppedAt`, ms since
 * epoch; same machine clock). Polling for completion is only good to about a second.
 */
export async function lastStoppedAt(
	n8n: HasHttp,
	workflowId: string,
	count: number,
): Promise<number> {
	const stopped: number[] = [];
	let cursor: string | undefined;
	while (stopped.length < count) {
		const page = await n8n.http.api<{
			data: Array<{ id: string; stoppedAt: string | null }>;
			nextCursor?: string | null;
		}>('GET', `/executions?workflowId=${workflowId}&limit=250${cursor ? `&cursor=${cursor}` : ''}`);
		for (const execution of page.data)
			if (execution.stoppedAt) stopped.push(Date.parse(execution.stoppedAt));
		if (!page.nextCursor || page.data.length === 0) break;
		cursor = page.nextCursor;
	}
	return Math.max(...stopped.slice(0, count));
}
