/**
 * The Okta Trigger (any event types) inside a real n8n against the Okta sandbox: one hook with
 * exactly the chosen types, one item per event of those types and nothing for others, recovery of
 * missed events of both types, a changed selection replacing the hook, unpublishing removing it;
 * and the Okta Polling Trigger emitting each new event of two types once, one System Log read per
 * poll.
 */
import {
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
import type { LogEvent } from '../../devkit/okta-sandbox';
import { EVENT_ITEM_FIELDS } from '../../devkit/itemFields';

const CREATED = 'user.lifecycle.create';
const ADDED_TO_GROUP = 'group.user_membership.add';
const DEACTIVATED = 'user.lifecycle.deactivate';
/** Recovery leaves an event this young to Okta's own delivery (nodes/events/recovery.ts SETTLE_MS). */
const SETTLE_MS = 30_000;
/** One scheduled poll is at most a minute away; n8n then runs the execution. */
const NEXT_POLL_MS = 100_000;

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({}, 'okta-trigger');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

async function createWorkflow(nodeName: string, name: string, parameters: Record<string, unknown>) {
	const trigger = await findTriggerType(stack.http, nodeName);
	const body = triggerWorkflow({
		name,
		triggerType: trigger.name,
		triggerVersion: trigger.version,
		triggerName: trigger.description.defaults?.name ?? nodeName,
		credential: stack.credential,
		triggerParameters: parameters,
		downstream: [NO_OP_NODE],
	});
	const { webhookId, ...workflowBody } = body;
	const workflow = await stack.http.createWorkflow(workflowBody);
	return {
		id: workflow.id as string,
		body: workflowBody,
		url: `${stack.n8n.baseUrl}/webhook/${webhookId}/webhook`,
	};
}

/** Every item of every successful execution of the workflow, oldest execution first. */
async function emitted(workflowId: string): Promise<any[]> {
	const executions = await executionsOf(stack, workflowId);
	return executions
		.filter((execution) => execution.status === 'success')
		.reverse()
		.flatMap((execution) => nodeItems(execution, NO_OP_NODE.name));
}

async function waitForEmitted(workflowId: string, count: number, timeoutMs = 30_000) {
	return await waitFor(
		async () => {
			const items = await emitted(workflowId);
			return items.length >= count ? items : undefined;
		},
		{ timeoutMs, intervalMs: 500, what: `${count} emitted item(s) of ${workflowId}` },
	);
}

const uuidsOf = (items: Array<{ uuid: string }>) => items.map((item) => item.uuid);
const uuidsOfEvents = (events: LogEvent[]) => events.map((event) => event.uuid);
const ourHooks = (url: string) =>
	stack.sandbox.hooks().filter((hook: any) => hook.channel?.config?.uri === url);

describe('Okta Trigger with two chosen event types', () => {
	let workflow: Awaited<ReturnType<typeof createWorkflow>>;
	const expected: string[] = [];

	test('publishing registers one verified hook with exactly the chosen types', async () => {
		workflow = await createWorkflow('oktaTrigger', 'e2e: Okta Trigger', {
			events: [CREATED, ADDED_TO_GROUP],
		});
		expect(await publishAndSettle(stack, workflow.id)).toMatchObject({ status: 'published' });
		const hooks = ourHooks(workflow.url);
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
		expect([...hooks[0].events.items].sort()).toEqual([ADDED_TO_GROUP, CREATED].sort());
	});

	test('a delivery of mixed types becomes one item per event of the chosen types, nothing else', async () => {
		const created = stack.sandbox.makeEventOfType(CREATED);
		const added = stack.sandbox.makeEventOfType(ADDED_TO_GROUP);
		const deactivated = stack.sandbox.makeEventOfType(DEACTIVATED);
		// Sent to the hook as one delivery whatever it subscribes to (an Okta edit or another
		// emulator could): the node keeps only what was chosen.
		const [result] = await stack.sandbox.deliver([created, deactivated, added], {
			hookId: ourHooks(workflow.url)[0].id,
		});
		expect(result.attempts).toEqual([expect.objectContaining({ status: 200, body: '' })]);
		const items = await waitForEmitted(workflow.id, 2);
		expect(uuidsOf(items).sort()).toEqual(uuidsOfEvents([created, added]).sort());
		for (const item of items)
			for (const field of EVENT_ITEM_FIELDS) expect(item).toHaveProperty(field);
		const addedItem = items.find((item) => item.uuid === added.uuid);
		expect(addedItem.eventType).toBe(ADDED_TO_GROUP);
		expect(addedItem.group).toMatchObject({ type: 'UserGroup' });
		expect(addedItem.targets.length).toBe(added.target?.length ?? 0);
		expected.push(...uuidsOfEvents([created, added]));
	});

	test('Okta delivers only the chosen types: an event of another type runs nothing', async () => {
		const { events, deliveries } = await stack.sandbox.emitEvents([DEACTIVATED]);
		expect(events).toHaveLength(1);
		expect(deliveries.filter((d) => d.url === workflow.url)).toHaveLength(0);
		await sleep(1000);
		expect(uuidsOf(await emitted(workflow.id))).toEqual(
			expect.not.arrayContaining(uuidsOfEvents(events)),
		);
	});

	test('events of both types missed while n8n was down run with the next delivery, once', async () => {
		let missed: LogEvent[] = [];
		await stack.restart(async () => {
			const { events, deliveries } = await stack.sandbox.emitEvents([CREATED, ADDED_TO_GROUP]);
			missed = events;
			// Okta's try and its one retry both fail: only the System Log has them now.
			for (const delivery of deliveries) expect(delivery.attempts).toHaveLength(2);
		});
		const missedAt = Math.max(...missed.map((event) => Date.parse(String(event.published))));
		await sleep(Math.max(0, missedAt + SETTLE_MS + 1000 - Date.now()));

		// The first read after a start may miss the 1 s budget: its page then rides with the next.
		let items: any[] = [];
		for (let attempt = 0; attempt < 3; attempt++) {
			const { events } = await stack.sandbox.emitEvents([CREATED]);
			expected.push(...uuidsOfEvents(events));
			items = await waitForEmitted(workflow.id, expected.length);
			if (uuidsOfEvents(missed).every((uuid) => uuidsOf(items).includes(uuid))) break;
			await sleep(2000);
		}
		expected.push(...uuidsOfEvents(missed));
		items = await waitForEmitted(workflow.id, expected.length);
		expect(uuidsOf(items).sort()).toEqual([...expected].sort());
		const types = new Set(
			items.filter((item) => uuidsOfEvents(missed).includes(item.uuid)).map((i) => i.eventType),
		);
		expect(types).toEqual(new Set([CREATED, ADDED_TO_GROUP]));
	});

	test('another selection, published again, leaves one hook with the new types', async () => {
		const [trigger, ...rest] = workflow.body.nodes as Array<Record<string, any>>;
		const changed = {
			...workflow.body,
			nodes: [
				{ ...trigger, parameters: { ...trigger.parameters, events: [DEACTIVATED] } },
				...rest,
			],
		};
		await stack.http.updateWorkflow(workflow.id, changed);
		expect(await publishAndSettle(stack, workflow.id)).toMatchObject({ status: 'published' });
		await waitFor(
			() => {
				const hooks = ourHooks(workflow.url);
				return hooks.length === 1 && hooks[0].events.items.join() === DEACTIVATED
					? hooks
					: undefined;
			},
			{ timeoutMs: 30_000, what: 'one hook subscribed to the new selection' },
		);
		const before = (await emitted(workflow.id)).length;
		const { events } = await stack.sandbox.emitEvents([DEACTIVATED, CREATED]);
		const items = await waitForEmitted(workflow.id, before + 1);
		expect(uuidsOf(items.slice(before))).toEqual([events[0].uuid]);
	});

	test('unpublishing removes the hook', async () => {
		await stack.http.unpublishWorkflow(workflow.id);
		await waitFor(() => (ourHooks(workflow.url).length === 0 ? true : undefined), {
			timeoutMs: 30_000,
			what: 'the hook to be removed',
		});
	});
});

describe("Okta Trigger with Filters (Okta's event hook filters)", () => {
	const IN_ENGINEERING =
		"event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0";
	const parameters = {
		events: [CREATED, ADDED_TO_GROUP],
		filters: { condition: [{ event: ADDED_TO_GROUP, expression: IN_ENGINEERING }] },
	};
	const groupAdd = (group: string) => ({
		eventType: ADDED_TO_GROUP,
		overrides: {
			target: [
				{ id: '00u1jane', type: 'User', alternateId: 'jane@example.com', displayName: 'Jane' },
				{ id: `00g1${group}`, type: 'UserGroup', alternateId: 'unknown', displayName: group },
			],
		},
	});
	afterAll(() => stack.sandbox.setEventHookFilters(false));

	test("refused by an org without the feature: publication failed in Okta's words, no hook left", async () => {
		stack.sandbox.setEventHookFilters(false);
		const workflow = await createWorkflow(
			'oktaTrigger',
			'e2e: Okta Trigger, filters off',
			parameters,
		);
		const status = await publishAndSettle(stack, workflow.id, 120_000);
		expect(status.status).toBe('failed');
		expect(status.triggers?.[0]?.errorMessage).toMatch(/Early Access feature/);
		await waitFor(() => (ourHooks(workflow.url).length === 0 ? true : undefined), {
			timeoutMs: 15_000,
			what: 'no hook left',
		});
		await stack.http.unpublishWorkflow(workflow.id).catch(() => undefined);
	});

	test('accepted by an org with the feature: only the events the filter lets through run', async () => {
		stack.sandbox.setEventHookFilters(true);
		const workflow = await createWorkflow(
			'oktaTrigger',
			'e2e: Okta Trigger, filters on',
			parameters,
		);
		expect(await publishAndSettle(stack, workflow.id)).toMatchObject({ status: 'published' });
		const [hook] = ourHooks(workflow.url);
		expect(hook.events.filter?.eventFilterMap).toEqual([
			expect.objectContaining({
				event: ADDED_TO_GROUP,
				condition: expect.objectContaining({ expression: IN_ENGINEERING }),
			}),
		]);
		const { events } = await stack.sandbox.emitEvents([
			groupAdd('Sales'),
			groupAdd('Engineering'),
			CREATED,
		]);
		const items = await waitForEmitted(workflow.id, 2);
		await sleep(1000);
		expect(uuidsOf(await emitted(workflow.id)).sort()).toEqual(
			uuidsOfEvents(events.slice(1)).sort(),
		);
		expect(items.find((item) => item.eventType === ADDED_TO_GROUP)?.group).toMatchObject({
			displayName: 'Engineering',
		});
		await stack.http.unpublishWorkflow(workflow.id);
	});
});

describe('Okta Polling Trigger with two chosen event types', () => {
	test('each new event of either type is emitted once, with one System Log read per poll', async () => {
		const workflow = await createWorkflow('oktaPollTrigger', 'e2e: Okta Polling Trigger', {
			events: [CREATED, ADDED_TO_GROUP],
			pollTimes: { item: [{ mode: 'everyMinute' }] },
		});
		stack.sandbox.clearRequests();
		expect(await publishAndSettle(stack, workflow.id)).toMatchObject({ status: 'published' });
		const { events } = await stack.sandbox.emitEvents([CREATED, DEACTIVATED, ADDED_TO_GROUP]);
		const chosen = events.filter((event) => event.eventType !== DEACTIVATED);
		await waitForExecutions(stack, workflow.id, 1, NEXT_POLL_MS);
		const items = await waitForEmitted(workflow.id, 2);
		expect(uuidsOf(items).sort()).toEqual(uuidsOfEvents(chosen).sort());

		const reads = stack.sandbox.requests.filter((request) => request.op === 'logs');
		const polls = reads.length;
		// One query for both types, whatever the number of types.
		for (const read of reads)
			expect(read.query.filter ?? '').toBe(
				`eventType eq "${CREATED}" or eventType eq "${ADDED_TO_GROUP}"`,
			);
		// The activation poll and the scheduled one(s) so far, one request each.
		expect(polls).toBeGreaterThanOrEqual(2);
		expect(polls).toBeLessThanOrEqual(3);
		// Nothing twice at the next poll.
		await waitFor(
			() =>
				stack.sandbox.requests.filter((request) => request.op === 'logs').length > polls
					? true
					: undefined,
			{ timeoutMs: NEXT_POLL_MS, intervalMs: 1000, what: 'the next poll' },
		);
		await sleep(3000);
		expect(uuidsOf(await emitted(workflow.id)).sort()).toEqual(uuidsOfEvents(chosen).sort());
		await stack.http.unpublishWorkflow(workflow.id);
	});
});
