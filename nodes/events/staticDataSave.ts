import { sleep } from 'n8n-workflow';
import type { IDataObject } from 'n8n-workflow';

/**
 * n8n saves a production webhook's static data only if its `__dataChanged` flag is set when the
 * response callback runs (live-webhooks saveStaticData), and for an 'onReceived' answer deferred
 * until the execution exists, that callback runs after WorkflowRunner.run. Since n8n 2.20, run()
 * first wraps the very same static data object in a Workflow of its own (2.41:
 * establishContextForPersistence), and the wrap resets the flag: what webhook() wrote would never
 * be saved (docs/n8n-upstream-static-data.md; 2.8-2.17 do not wrap it). So, while n8n creates the
 * execution, the data is marked changed again every few milliseconds, and once more when n8n has
 * taken it. A mark that lands after the save is lost; the next delivery writes the whole state
 * again. No timer-free hook exists (the wrap reads none of the node's data since 2.41);
 * test/e2e/recoveryState.test.ts proves on each release that every delivery's write is saved.
 *
 * One loop serves every delivery in flight in this process: under a burst hundreds wait for n8n
 * at once, and a timer of their own each would add hundreds of wake-ups every few milliseconds to
 * the very load that keeps them waiting.
 */

/** How often static data is marked changed while n8n creates executions. */
const MARK_INTERVAL_MS = 5;

/** Static data of deliveries whose execution n8n is creating: how many wait on it, which key to set. */
const waiting = new Map<IDataObject, { deliveries: number; key: string }>();
let looping = false;

/** Setting a property marks the static data changed, even to the same value. */
function mark(data: IDataObject, key: string): void {
	data[key] = data[key];
}

async function markWhileWaiting(): Promise<void> {
	looping = true;
	try {
		while (waiting.size > 0) {
			for (const [data, { key }] of waiting) mark(data, key);
			await sleep(MARK_INTERVAL_MS);
		}
	} finally {
		looping = false;
	}
}

/**
 * Keeps `data` marked changed until `settled` says whether n8n took the execution, then marks it
 * once more if it did. `key` is a property of `data` that may be set to itself.
 */
export function keepMarkedUntilSaved(
	data: IDataObject,
	key: string,
	settled: Promise<boolean>,
): void {
	const entry = waiting.get(data) ?? { deliveries: 0, key };
	entry.deliveries++;
	waiting.set(data, entry);
	mark(data, key);
	if (!looping) void markWhileWaiting();
	void settled.then((taken) => {
		if (--entry.deliveries === 0) waiting.delete(data);
		if (taken) mark(data, key);
	});
}

/** Deliveries whose static data is being kept marked (for tests). */
export function markedCount(): number {
	return waiting.size;
}
