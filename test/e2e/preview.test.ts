/**
 * Okta's event hook Preview (Admin Console → Workflow → Event Hooks → the hook → Actions → Preview
 * → "MFA Preregistration Initiated" → Deliver Request) reaching the trigger inside a real n8n
 * 2.41.1: how an admin gets a test event without preregistering a YubiKey.
 */
import {
	ITEM_FIELDS,
	MFA_PREREGISTRATION_EVENT,
	TRIGGER_NODE_NAME,
	createNoOpWorkflow,
	executionsOf,
	hooksFor,
	nodeItems,
	publishAndSettle,
	sleep,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';
import { FACTOR_DETAIL_KEYS } from '../../devkit/okta-sandbox/events';
import { deliverPreview, findTestHook } from '../../devkit/okta-sandbox/preview';

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({}, 'preview');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

afterEach(async () => {
	// Each test starts from an org with no hooks and an empty System Log.
	await waitFor(() => stack.sandbox.hooks().length === 0, { timeoutMs: 30000, what: 'no hooks' });
	stack.sandbox.reset();
});

/** "Listen for test event" as the editor sends it; resolves with the verified test hook. */
async function listenForTestEvent(wf: Awaited<ReturnType<typeof createNoOpWorkflow>>) {
	const run = await stack.http.runFromTrigger(wf.id, TRIGGER_NODE_NAME);
	expect(run).toMatchObject({ waitingForWebhook: true });
	return await waitFor(
		() => {
			const hook = findTestHook(stack.sandbox.hooks());
			return hook?.verificationStatus === 'VERIFIED' ? hook : undefined;
		},
		{ timeoutMs: 30000, what: 'the verified "Listen for test event" hook' },
	);
}

async function theOnlyItem(workflowId: string, mode: string) {
	const [execution] = await waitForExecutions(stack, workflowId, 1);
	expect(execution).toMatchObject({ mode, status: 'success' });
	const items = nodeItems(execution, 'No Operation');
	expect(items).toHaveLength(1);
	for (const field of ITEM_FIELDS) expect(items[0]).toHaveProperty(field);
	return items[0];
}

describe('Preview to the "Listen for test event" hook', () => {
	test('filled from the latest real event of the type: one manual execution with its card fields', async () => {
		const wf = await createNoOpWorkflow(stack, 'e2e: preview of a real event');
		// Okta recorded a preregistration before n8n listened (in the System Log, delivered nowhere).
		const recorded = stack.sandbox.makeEvent();
		stack.sandbox.addLogEvents([recorded]);
		const testHook = await listenForTestEvent(wf);
		expect(testHook.channel.config.uri).toBe(wf.testUrl);

		const preview = await deliverPreview(stack.sandbox, testHook.id);
		expect(preview).toMatchObject({ filledFrom: 'systemLog', attempt: { status: 200 } });

		const item = await theOnlyItem(wf.id, 'manual');
		const user = recorded.target!.find((t) => t.type === 'User')!;
		const factor = recorded.target!.find((t) => t.type !== 'User')!;
		expect(item).toMatchObject({
			uuid: recorded.uuid,
			eventType: MFA_PREREGISTRATION_EVENT,
			dateAndTime: recorded.published,
			eventId: preview.deliveryId,
			source: `${stack.sandbox.url}/api/v1/eventHooks/${testHook.id}`,
			oktaUser: { id: user.id, alternateId: user.alternateId, type: 'User' },
			mfaFactor: { id: factor.id, type: factor.type, detail: factor.detailEntry },
			eventDetails: recorded,
		});
		expect(Object.keys(item.mfaFactor.detail)).toEqual([...FACTOR_DETAIL_KEYS]);
		expect(item.headers).not.toHaveProperty('authorization');
		expect(item.headers['user-agent']).toBe('Okta-Integrations');

		// As after any test event, n8n stops listening and the trigger deletes the test hook.
		await waitFor(() => hooksFor(stack, wf.testUrl).length === 0, {
			timeoutMs: 30000,
			what: 'test hook deletion',
		});
	});

	test("with no such event in the org: Okta's sample, its undetermined fields null", async () => {
		const wf = await createNoOpWorkflow(stack, 'e2e: preview of the sample');
		const testHook = await listenForTestEvent(wf);

		const preview = await deliverPreview(stack.sandbox, testHook.id);
		expect(preview).toMatchObject({ filledFrom: 'sample', attempt: { status: 200 } });

		const item = await theOnlyItem(wf.id, 'manual');
		expect(item).toMatchObject({
			uuid: preview.event.uuid,
			eventType: MFA_PREREGISTRATION_EVENT,
			message: 'MFA Preregistration initiated',
			actor: { id: null, alternateId: null, displayName: null, type: null },
			oktaUser: { id: null, alternateId: null, displayName: null, type: 'User' },
			mfaFactor: {
				id: null,
				detail: Object.fromEntries(FACTOR_DETAIL_KEYS.map((key) => [key, null])),
			},
			debugContext: { debugData: null },
		});
		await waitFor(() => hooksFor(stack, wf.testUrl).length === 0, {
			timeoutMs: 30000,
			what: 'test hook deletion',
		});
	});
});

describe('Preview to the published hook', () => {
	test('runs the published workflow once; a second preview of the same event is a repeat', async () => {
		const wf = await createNoOpWorkflow(stack, 'e2e: preview to the published hook');
		const recorded = stack.sandbox.makeEvent();
		stack.sandbox.addLogEvents([recorded]);
		expect(await publishAndSettle(stack, wf.id)).toMatchObject({ status: 'published' });
		const [published] = hooksFor(stack, wf.productionUrl);
		expect(published.name.endsWith(' test]')).toBe(false);

		const first = await deliverPreview(stack.sandbox, published.id);
		expect(first.attempt.status).toBe(200);
		const item = await theOnlyItem(wf.id, 'webhook');
		expect(item).toMatchObject({ uuid: recorded.uuid, eventId: first.deliveryId });

		// Okta fills every preview from the same latest event: the trigger knows its uuid by now.
		const second = await deliverPreview(stack.sandbox, published.id);
		expect(second.attempt.status).toBe(200);
		await sleep(3000);
		expect(await executionsOf(stack, wf.id)).toHaveLength(1);

		await stack.http.unpublishWorkflow(wf.id);
	});
});
