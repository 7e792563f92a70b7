/**
 * Recovery's state (the System Log cursor and the keys of emitted events) reaches n8n's database
 * with every delivery, in the n8n under test, and a restart therefore runs nothing twice.
 *
 * Why this is measured on every supported release: n8n 2.8+ resets a webhook's "static data
 * changed" flag while it creates the execution of a deferred `onReceived` answer, and saves only
 * after that (docs/n8n-upstream-static-data.md); the trigger marks the data again while it waits
 * (nodes/OktaMfaPreregistrationTrigger/staticDataSave.ts). A mark lost on any release would show
 * here: a delivery whose key never reaches the database, or an event run again after a restart.
 */
import { emittedKey, splitKeys } from '../../nodes/events/emittedKeys';
// Recovery leaves an event this young to Okta's own delivery.
import { SETTLE_MS } from '../../nodes/events/recovery';
import {
	TRIGGER_NODE_NAME,
	createNoOpWorkflow,
	nodeItems,
	publishAndSettle,
	sleep,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';

const ROUNDS = 3;
const DELIVERIES_PER_ROUND = 70;

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({}, 'recovery-state');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

async function storedKeys(workflowId: string): Promise<Set<string>> {
	const workflow = await stack.http.getWorkflow(workflowId);
	const data = (workflow.staticData ?? {}) as Record<string, { emittedKeys?: unknown }>;
	return new Set(splitKeys(data[`node:${TRIGGER_NODE_NAME}`]?.emittedKeys));
}

test(`${ROUNDS * DELIVERIES_PER_ROUND} deliveries, ${ROUNDS} restarts: every delivery's recovery state is saved; nothing runs twice`, async () => {
	const wf = await createNoOpWorkflow(stack, 'e2e: recovery state');
	expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });

	const delivered: string[] = [];
	let lastEventAt = 0;
	for (let round = 0; round < ROUNDS; round++) {
		for (let i = 0; i < DELIVERIES_PER_ROUND; i++) {
			const event = stack.sandbox.makeEvent();
			const [result] = await stack.sandbox.deliver([event]);
			expect(result.attempts).toEqual([expect.objectContaining({ status: 200 })]);
			delivered.push(event.uuid);
			lastEventAt = Date.now();
			// One at a time, so that no other delivery's save can stand in for this one's.
			const key = emittedKey(event.uuid);
			await waitFor(async () => (await storedKeys(wf.id)).has(key), {
				timeoutMs: 10_000,
				intervalMs: 100,
				what: `the key of delivery ${delivered.length} (round ${round + 1}) in n8n's database`,
			});
		}
		await waitForExecutions(stack, wf.id, delivered.length, 60_000);
		await stack.restart();
		// The first delivery after the start reads the System Log from the stored cursor: every event
		// of the round is old enough by then to be taken as missed, were its key not stored.
		await sleep(Math.max(0, lastEventAt + SETTLE_MS + 1000 - Date.now()));
		const logReads = stack.sandbox.requests.filter((r) => r.op === 'logs').length;
		// Two deliveries: a read slower than the trigger's 1 s budget rides in the one after it.
		for (let i = 0; i < 2; i++) {
			const live = stack.sandbox.makeEvent();
			const [result] = await stack.sandbox.deliver([live]);
			expect(result.attempts).toEqual([expect.objectContaining({ status: 200 })]);
			delivered.push(live.uuid);
			lastEventAt = Date.now();
			await waitForExecutions(stack, wf.id, delivered.length, 60_000);
		}
		expect(stack.sandbox.requests.filter((r) => r.op === 'logs').length).toBeGreaterThan(logReads);
	}

	const executions = await waitForExecutions(stack, wf.id, delivered.length, 60_000);
	const ran = executions.flatMap((execution) =>
		nodeItems(execution, 'No Operation').map((item) => item.uuid as string),
	);
	expect(ran).toHaveLength(delivered.length);
	expect(new Set(ran)).toEqual(new Set(delivered));
}, 900_000);
