/**
 * The polling trigger inside a real n8n 2.41.1 against the Okta sandbox's System Log: publish, the
 * scheduled poll, a restart, a lagged event, a minute of 429s; every event in exactly one
 * execution, nothing from before the publish. In n8n's default persistence (static data saved when
 * a poll emits; a poll at activation and at each start) and its durable one (scheduler, cursor
 * committed with the execution; no poll at start). Polls come every minute at a second of n8n's
 * choosing: about six minutes of wall time per mode.
 */
import {
	ITEM_FIELDS,
	executionsOf,
	nodeItems,
	publishAndSettle,
	sleep,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';
import { NO_OP_NODE, findTriggerType, triggerWorkflow } from '../../devkit/n8n/workflows';

const POLL_TRIGGER = 'oktaMfaPreregistrationPollTrigger';
const POLL_NODE_NAME = 'Okta MFA Preregistration Polling Trigger';
/** One scheduled poll is at most a minute away; n8n then runs the execution. */
const NEXT_POLL_MS = 100_000;

/** n8n's durable poll cursors (they need the scheduler and the publication service). */
const DURABLE_ENV = {
	N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'true',
	N8N_SCHEDULER_ENABLED: 'true',
	N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
	N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
};

let stack: Stack;
let workflowId: string;

const logReads = () => stack.sandbox.requests.filter((request) => request.op === 'logs');

/** Every item of every execution of the workflow, oldest execution first. */
async function emittedUuids(): Promise<string[]> {
	const executions = await executionsOf(stack, workflowId);
	return executions
		.filter((execution) => execution.status === 'success')
		.reverse()
		.flatMap((execution) => nodeItems(execution, NO_OP_NODE.name).map((item) => item.uuid));
}

async function waitForEmitted(count: number, timeoutMs = NEXT_POLL_MS): Promise<string[]> {
	await waitForExecutions(stack, workflowId, 1, timeoutMs);
	return await waitFor(
		async () => {
			const uuids = await emittedUuids();
			return uuids.length >= count ? uuids : undefined;
		},
		{ timeoutMs, intervalMs: 1000, what: `${count} emitted event(s)` },
	);
}

describe.each([
	['default', {}],
	['durable', DURABLE_ENV],
] as const)(
	'published polling workflow (polling trigger → No Operation), %s persistence',
	(mode, env) => {
		const expected: string[] = [];

		beforeAll(async () => {
			stack = await startStack({ env }, `poll-trigger-${mode}`);
		}, INSTALL_TIMEOUT_MS);

		afterAll(async () => {
			await stack?.close();
		});

		test('publishing emits nothing from before the publish', async () => {
			stack.sandbox.addLogEvents(2);
			await sleep(50);
			const trigger = await findTriggerType(stack.http, POLL_TRIGGER);
			const body = triggerWorkflow({
				name: 'e2e: polling trigger',
				triggerType: trigger.name,
				triggerVersion: trigger.version,
				triggerName: POLL_NODE_NAME,
				credential: stack.credential,
				triggerParameters: { pollTimes: { item: [{ mode: 'everyMinute' }] } },
				downstream: [NO_OP_NODE],
			});
			const { name, nodes, connections, settings } = body;
			workflowId = (await stack.http.createWorkflow({ name, nodes, connections, settings }))
				.id as string;

			stack.sandbox.clearRequests();
			expect(await publishAndSettle(stack, workflowId)).toMatchObject({ status: 'published' });
			// Made right after the publish, before the first scheduled poll (only the activation poll
			// has read the log so far): durable mode commits no cursor from that poll.
			const madeAfterPublish = stack.sandbox.addLogEvents(2);
			expected.push(...madeAfterPublish.map((event) => event.uuid));
			expect(logReads()).toHaveLength(1);
			expect(logReads()[0].query).toMatchObject({
				filter: 'eventType eq "system.mfa.preregister.initiate"',
				sortOrder: 'ASCENDING',
			});
			expect(logReads()[0].query.until).toBeUndefined();
			expect(await executionsOf(stack, workflowId)).toHaveLength(0);
		});

		test('the first scheduled poll emits the events made since the publish once, with the card fields', async () => {
			const executions = await waitForExecutions(stack, workflowId, 1, NEXT_POLL_MS);
			expect(executions).toHaveLength(1);
			expect(executions[0].status).toBe('success');
			const items = nodeItems(executions[0], NO_OP_NODE.name);
			expect(items.map((item) => item.uuid)).toEqual(expected);
			for (const item of items) {
				for (const field of ITEM_FIELDS) expect(item).toHaveProperty(field);
				expect(item).toMatchObject({
					eventId: null,
					eventTime: null,
					source: null,
					headers: null,
				});
				expect(item.eventType).toBe('system.mfa.preregister.initiate');
			}
		});

		test('across a restart, an event made before it and a lagged event are emitted once', async () => {
			const [beforeRestart] = stack.sandbox.addLogEvents(1);
			const [lagged] = stack.sandbox.addLogEvents(1, { lagSeconds: 120 });
			expected.push(beforeRestart.uuid, lagged.uuid);
			await stack.restart();
			const uuids = await waitForEmitted(expected.length);
			expect([...uuids].sort()).toEqual([...expected].sort());
			// The lagged event was published before the other one: oldest first within its execution.
			const last = (await executionsOf(stack, workflowId))[0];
			expect(nodeItems(last, NO_OP_NODE.name).map((item) => item.uuid)).toEqual([
				lagged.uuid,
				beforeRestart.uuid,
			]);
		});

		test('a minute of 429s emits nothing and reports no error; the poll after it catches up', async () => {
			const executionsBefore = (await executionsOf(stack, workflowId)).length;
			stack.sandbox.setLogRateLimit(0);
			const [waiting] = stack.sandbox.addLogEvents(1);
			expected.push(waiting.uuid);
			stack.sandbox.clearRequests();
			await waitFor(() => logReads().some((request) => request.status === 429), {
				timeoutMs: NEXT_POLL_MS,
				intervalMs: 1000,
				what: 'a rate-limited poll',
			});
			await sleep(3000);
			expect(await executionsOf(stack, workflowId)).toHaveLength(executionsBefore);

			stack.sandbox.setLogRateLimit(60);
			const uuids = await waitForEmitted(expected.length);
			expect(uuids.slice(-1)).toEqual([waiting.uuid]);
		});

		test('over the whole run every event was emitted exactly once and no poll failed', async () => {
			await sleep(2000);
			const executions = await executionsOf(stack, workflowId);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			expect([...(await emittedUuids())].sort()).toEqual([...expected].sort());
		});
	},
);
