/**
 * Recovery of missed events inside a real n8n 2.41.1 against the Okta sandbox: n8n is stopped
 * while events happen (Okta's delivery and its one retry fail; the events stay in the System Log),
 * then the next delivery after the start runs them with its own event, each once. Also: Okta's
 * answer is 200 with an empty body, sent only once n8n has created the execution.
 */
import {
	createNoOpWorkflow,
	executionsOf,
	nodeItems,
	publishAndSettle,
	sleep,
	startStack,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';
import type { LogEvent } from '../../devkit/okta-sandbox';

/** Recovery leaves an event this young to Okta's own delivery (nodes/…/recovery.ts SETTLE_MS). */
const SETTLE_MS = 30_000;

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({}, 'recovery');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

const uuids = (items: Array<{ uuid: string }>) => items.map((item) => item.uuid);

test('n8n stopped while events happen: the next delivery runs them with its own, oldest first, nothing twice', async () => {
	const wf = await createNoOpWorkflow(stack, 'e2e: recovery');
	expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });

	// A delivery while n8n runs: 200 with an empty body, after the execution exists.
	const [first] = await stack.sandbox.emit(1);
	expect(first.attempts).toEqual([expect.objectContaining({ status: 200, body: '' })]);
	const answeredAt = Date.now();
	const [firstRun] = await waitForExecutions(stack, wf.id, 1);
	expect(Date.parse(firstRun.createdAt ?? firstRun.startedAt)).toBeLessThanOrEqual(answeredAt);

	let missed: LogEvent[] = [];
	await stack.restart(async () => {
		missed = [stack.sandbox.makeEvent(), stack.sandbox.makeEvent()];
		const [result] = await stack.sandbox.deliver(missed);
		// Okta's try and its one retry both fail: only the System Log has the events now.
		expect(result.attempts).toHaveLength(2);
		for (const attempt of result.attempts) expect(attempt.status).toBeUndefined();
	});
	// Older than the time recovery leaves Okta to deliver an event itself.
	const missedAt = Math.max(...missed.map((event) => Date.parse(String(event.published))));
	await sleep(Math.max(0, missedAt + SETTLE_MS + 1000 - Date.now()));

	stack.sandbox.clearRequests();
	// The next delivery carries them. A freshly started n8n may take longer than the trigger's 1 s
	// budget for its first System Log read: then that delivery runs alone and the read's page rides
	// in the delivery after it (Okta's 3 s answer matters more).
	const runs: Array<{ live: LogEvent; deliveryId: string; items: any[] }> = [];
	while (runs.length < 3 && !runs.some((run) => run.items.length > 1)) {
		const live = stack.sandbox.makeEvent();
		const [next] = await stack.sandbox.deliver([live]);
		expect(next.attempts).toEqual([expect.objectContaining({ status: 200, body: '' })]);
		const executions = await waitForExecutions(stack, wf.id, 2 + runs.length);
		runs.push({
			live,
			deliveryId: next.deliveryId,
			items: nodeItems(executions[0], 'No Operation'),
		});
		await sleep(2000);
	}
	const withMissed = runs.find((run) => run.items.length > 1)!;
	expect(uuids(withMissed.items)).toEqual([
		...missed.map((event) => event.uuid),
		withMissed.live.uuid,
	]);
	for (const item of withMissed.items.slice(0, 2)) {
		expect(item).toMatchObject({ eventId: null, eventTime: null, source: null, headers: null });
		expect(item.eventType).toBe('system.mfa.preregister.initiate');
	}
	expect(withMissed.items[2].eventId).toBe(withMissed.deliveryId);
	// Every other run carried only its own event: nothing twice.
	for (const run of runs.filter((candidate) => candidate !== withMissed))
		expect(uuids(run.items)).toEqual([run.live.uuid]);
	const live = runs[runs.length - 1].live;

	// A late Okta retry of a recovered event and a repeat of the live one run nothing.
	const [late] = await stack.sandbox.deliver([missed[0], live]);
	expect(late.attempts).toEqual([expect.objectContaining({ status: 200, body: '' })]);
	await sleep(3000);
	expect(await executionsOf(stack, wf.id)).toHaveLength(1 + runs.length);
	// At most one System Log read a minute while nothing is missed: the later deliveries came within
	// the minute, so a second read may only follow one that found the missed events, and finds none.
	const reads = stack.sandbox.requests.filter((request) => request.op === 'logs');
	expect(reads.length).toBeGreaterThanOrEqual(1);
	expect(reads.length).toBeLessThanOrEqual(2);
	if (reads.length === 2) {
		expect(uuids(reads[0].response as any[])).toEqual(
			expect.arrayContaining(missed.map((event) => event.uuid)),
		);
		expect(reads[1].response).toEqual([]);
	}
}, 240_000);
