/**
 * The same trigger with N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false: n8n 1.x-style synchronous
 * activation (also what queue mode does). Publishing runs checkExists/create inside the request
 * and returns the node's error; a restart runs checkExists for every published workflow.
 */
import {
	MFA_PREREGISTRATION_EVENT,
	createNoOpWorkflow,
	hooksFor,
	nodeItems,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
	INSTALL_TIMEOUT_MS,
} from '../../devkit/n8n/stack';
import { N8nHttpError } from '../../devkit/n8n/http';

let stack: Stack;

beforeAll(async () => {
	stack = await startStack({ publicationService: false }, 'legacy-activation');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
});

afterEach(() => stack.sandbox.clearFaults());

test('publish creates one verified hook synchronously; events run; restart keeps the one hook', async () => {
	const wf = await createNoOpWorkflow(stack, 'legacy: publish');
	await stack.http.publishWorkflow(wf.id);
	// Synchronous: the hook is there and verified when publish returns.
	const hooks = hooksFor(stack, wf.productionUrl);
	expect(hooks).toHaveLength(1);
	expect(hooks[0]).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
	expect(hooks[0].events.items).toContain(MFA_PREREGISTRATION_EVENT);

	const results = await stack.sandbox.emit(2);
	expect(results[0].attempts[0]).toMatchObject({ status: 200, body: '' });
	const executions = await waitForExecutions(stack, wf.id, 1);
	expect(nodeItems(executions[0], 'No Operation')).toHaveLength(2);

	stack.sandbox.clearRequests();
	await stack.restart();
	// The restart ran checkExists (a list or get against Okta) and found the hook: no second one.
	expect(stack.sandbox.requests.some((r) => r.op === 'list' || r.op === 'get')).toBe(true);
	expect(stack.sandbox.requests.filter((r) => r.op === 'create')).toHaveLength(0);
	expect(stack.sandbox.hooks()).toHaveLength(1);
	expect(stack.sandbox.hooks()[0].id).toBe(hooks[0].id);
	const again = await stack.sandbox.emit(1);
	expect(again[0].attempts[0].status).toBe(200);
	await waitForExecutions(stack, wf.id, 2);

	await stack.http.unpublishWorkflow(wf.id);
	await waitFor(() => stack.sandbox.hooks().length === 0, {
		timeoutMs: 15000,
		what: 'hook removal',
	});
});

test('a refused verification fails the publish request with the node message, leaving no hook', async () => {
	stack.sandbox.injectFault({
		op: 'verify',
		status: 400,
		times: Infinity,
		body: {
			errorCode: 'E0000001',
			errorSummary: 'Api validation failed: Verification',
			errorLink: 'E0000001',
			errorId: 'sandbox-verify-refused',
			errorCauses: [{ errorSummary: 'Unable to verify event hook. Hook execution failed.' }],
		},
	});
	const wf = await createNoOpWorkflow(stack, 'legacy: verify refused');
	let error: N8nHttpError | undefined;
	try {
		await stack.http.publishWorkflow(wf.id);
	} catch (e) {
		error = e as N8nHttpError;
	}
	expect(error).toBeInstanceOf(N8nHttpError);
	expect(error!.response.status).toBeGreaterThanOrEqual(400);
	// Okta's words, in the node's message, or in its description where n8n shows only that (2.8).
	expect(error!.response.text).toMatch(/Unable to verify event hook/);
	expect(stack.sandbox.hooks()).toHaveLength(0);
	const workflow = await stack.http.getWorkflow(wf.id);
	expect(workflow.active).toBe(false);
});

test("a hook deleted in Okta behind n8n's back is re-created at the next start", async () => {
	const wf = await createNoOpWorkflow(stack, 'legacy: hook lost');
	await stack.http.publishWorkflow(wf.id);
	const [original] = hooksFor(stack, wf.productionUrl);
	expect(original).toBeDefined();
	stack.sandbox.removeHook(original.id);

	await stack.restart();

	const hooks = hooksFor(stack, wf.productionUrl);
	expect(hooks).toHaveLength(1);
	expect(hooks[0].id).not.toBe(original.id);
	expect(hooks[0]).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
	const results = await stack.sandbox.emit(1);
	expect(results[0].attempts[0].status).toBe(200);
	await waitForExecutions(stack, wf.id, 1);

	await stack.http.unpublishWorkflow(wf.id);
	await waitFor(() => stack.sandbox.hooks().length === 0, {
		timeoutMs: 15000,
		what: 'hook removal',
	});
});
