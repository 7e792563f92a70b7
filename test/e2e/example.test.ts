/**
 * The examples in a real n8n (N8N_TEST_VERSION, default 2.41.1):
 * - examples/yubikey-shipment.workflow.json: imported as the editor's "Import from File" saves
 *   it, its pinned event is there, and a manual run with the pinned data maps the card's fields
 *   (Okta's catalog keys) and sends the shipment request, here to a local placeholder server
 *   instead of the file's placeholder address;
 * - examples/okta-user-welcome.workflow.json: the same import, and a manual run with its pinned
 *   "user created" event composes the welcome message n8n's own expressions make of it.
 * The e2e stack loads the package from N8N_CUSTOM_EXTENSIONS, where a trigger's type is
 * `CUSTOM.…`: exampleFor() renames it. Both ways the README gives are taken: the editor's import
 * (saved through n8n's REST API, as the editor does) and `n8n import:workflow`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import {
	EXAMPLE_WORKFLOW_FILE,
	HTTP_NODE_NAME,
	INSTALLED_TRIGGER_TYPE,
	USER_WELCOME,
	WELCOME_FIELDS,
	WELCOME_NODE,
	exampleFor,
	installedTriggerType,
	readExample,
} from '../../devkit/n8n/exampleWorkflow';
import {
	INSTALL_TIMEOUT_MS,
	TRIGGER_NODE_NAME,
	nodeItems,
	startStack,
	waitFor,
	waitForExecutions,
	type Stack,
} from '../../devkit/n8n/stack';
import { SHIPMENT_NODE, findTriggerType } from '../../devkit/n8n/workflows';
import { REPO_ROOT, ensureN8nInstalled, stageBuiltPackage } from '../../devkit/n8n/runtime';

interface Received {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

const file = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
const pinned = file.pinData[TRIGGER_NODE_NAME][0].json;
let stack: Stack;
let placeholder: http.Server;
const received: Received[] = [];

beforeAll(async () => {
	placeholder = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({
				method: req.method,
				url: req.url,
				headers: req.headers,
				body: Buffer.concat(chunks).toString('utf8'),
			});
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ shipment: 'queued' }));
		});
	});
	await new Promise<void>((resolve) => placeholder.listen(0, '127.0.0.1', resolve));
	stack = await startStack({}, 'example');
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
	await stack?.close();
	await new Promise((resolve) => placeholder?.close(resolve));
});

function exampleHere(name: string) {
	const { port } = placeholder.address() as AddressInfo;
	const local = exampleFor(file, {
		triggerType: stack.trigger.name,
		httpUrl: `http://127.0.0.1:${port}/api/yubikey-shipments`,
	});
	return { ...local, name };
}

/** `n8n import:workflow --input=<file>` against the running n8n's user folder and database. */
function importWithCli(workflow: Record<string, unknown>): string {
	const input = path.join(stack.userFolder, 'example-import.json');
	fs.writeFileSync(input, JSON.stringify(workflow));
	const runtime = ensureN8nInstalled(() => undefined);
	const run = spawnSync(runtime.node, [runtime.n8nBin, 'import:workflow', `--input=${input}`], {
		cwd: stack.userFolder,
		encoding: 'utf8',
		timeout: 120000,
		env: {
			PATH: `${runtime.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
			HOME: process.env.HOME,
			N8N_USER_FOLDER: stack.userFolder,
			DB_TYPE: 'sqlite',
			N8N_CUSTOM_EXTENSIONS: stack.options.extensionsDir ?? stageBuiltPackage(),
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
		},
	});
	fs.writeFileSync(
		path.join(REPO_ROOT, 'test-results', 'n8n-example-import.log'),
		run.stdout + run.stderr,
	);
	if (run.status !== 0) throw new Error(`import:workflow failed: ${run.stdout}\n${run.stderr}`);
	return run.stdout + run.stderr;
}

async function workflowNamed(name: string) {
	const found = await waitFor(
		async () => {
			const all = await stack.http.rest<any[]>('GET', '/workflows');
			return all.find((w) => w.name === name);
		},
		{ timeoutMs: 30000, what: `workflow "${name}" in n8n's list` },
	);
	return await stack.http.rest('GET', `/workflows/${found.id}`);
}

/** "Execute workflow" with the pinned event, and what each node gave. */
async function runWithPinnedData(workflowId: string) {
	received.length = 0;
	// The trigger has pinned data, so n8n runs at once: no Okta hook, no waiting.
	const run = await stack.http.runFromTrigger(workflowId, TRIGGER_NODE_NAME);
	expect(run).toEqual({ executionId: expect.any(String) });
	const [execution] = await waitForExecutions(stack, workflowId, 1);
	expect(execution).toMatchObject({ mode: 'manual', status: 'success' });
	expect(stack.sandbox.hooks()).toEqual([]);

	const detail = pinned.mfaFactor.detail;
	const shipment = {
		userId: pinned.oktaUser.id,
		userEmail: pinned.oktaUser.alternateId,
		userName: pinned.oktaUser.displayName,
		fulfillmentProvider: detail.fulfillment_provider,
		factorType: detail.factor_type,
		yubicoProductId: detail.yubico_product_id,
		yubicoCustomizationId: detail.yubico_customization_id,
		yubicoInventoryProductId: detail.yubico_inventory_product_id,
		oktaEventUuid: pinned.uuid,
		requestedAt: pinned.dateAndTime,
	};
	for (const value of Object.values(shipment)) expect(value).toEqual(expect.any(String));
	expect(nodeItems(execution, SHIPMENT_NODE.name)).toEqual([shipment]);

	expect(received).toHaveLength(1);
	expect(received[0]).toMatchObject({ method: 'POST', url: '/api/yubikey-shipments' });
	expect(received[0].headers['content-type']).toMatch(/^application\/json/);
	expect(JSON.parse(received[0].body)).toEqual(shipment);
	expect(nodeItems(execution, HTTP_NODE_NAME)).toEqual([{ shipment: 'queued' }]);
}

test('the file names the trigger as installed from the community package', () => {
	expect(file.nodes.find((n: any) => n.name === TRIGGER_NODE_NAME).type).toBe(
		INSTALLED_TRIGGER_TYPE,
	);
});

test('imported as the editor saves it: the pinned event is there, and a run maps and sends the catalog keys', async () => {
	// The editor imports a file into the workflow it has open, which keeps its own id.
	const { id: fileId, ...imported } = exampleHere('example (editor)');
	expect(fileId).toMatch(/^[A-Za-z0-9]{16}$/);
	const created = await stack.http.rest('POST', '/workflows', imported);
	const stored = await stack.http.rest('GET', `/workflows/${created.id}`);
	expect(stored.pinData[TRIGGER_NODE_NAME]).toEqual([{ json: pinned }]);
	expect(stored.nodes.map((n: any) => n.type)).toEqual([
		stack.trigger.name,
		'n8n-nodes-base.set',
		'n8n-nodes-base.httpRequest',
	]);
	await runWithPinnedData(created.id);
});

test('imported with `n8n import:workflow`: the same', async () => {
	importWithCli(exampleHere('example (cli)'));
	const stored = await workflowNamed('example (cli)');
	expect(stored.id).toBe(file.id);
	expect(stored.pinData[TRIGGER_NODE_NAME]).toEqual([{ json: pinned }]);
	await runWithPinnedData(stored.id);
});

describe('okta-user-welcome.workflow.json', () => {
	const welcome = readExample(USER_WELCOME);
	const triggerName = USER_WELCOME.trigger.nodeName;

	async function welcomeHere(name: string) {
		const trigger = await findTriggerType(stack.http, USER_WELCOME.trigger.type);
		return { ...exampleFor(welcome.workflow, { triggerType: trigger.name }), name };
	}

	/** The message as n8n's expressions make it: each `{{ $json.path }}` read from the pinned item. */
	const expectedMessage = () =>
		Object.fromEntries(
			WELCOME_FIELDS.map(([field, value]) => [
				field,
				value
					.replace(/^=/, '')
					.replace(/\{\{ \$json\.([\w.]+) \}\}/g, (_, path: string) =>
						String(path.split('.').reduce((o: any, key) => o?.[key], welcome.pinned)),
					),
			]),
		);

	/** "Execute workflow" with the pinned "user created" event: the welcome message for that user. */
	async function runWelcome(workflowId: string) {
		const run = await stack.http.runFromTrigger(workflowId, triggerName);
		expect(run).toEqual({ executionId: expect.any(String) });
		const [execution] = await waitForExecutions(stack, workflowId, 1);
		expect(execution).toMatchObject({ mode: 'manual', status: 'success' });
		expect(stack.sandbox.hooks()).toEqual([]);
		const { oktaUser } = welcome.pinned;
		const message = expectedMessage();
		expect(message.to).toBe(oktaUser.alternateId);
		expect(message.subject).toContain(oktaUser.displayName);
		expect(message.text).toContain(oktaUser.displayName);
		expect(nodeItems(execution, WELCOME_NODE.name)).toEqual([message]);
	}

	test('the file names the Okta Trigger as installed from the community package', () => {
		expect(welcome.workflow.nodes.find((n: any) => n.name === triggerName)!.type).toBe(
			installedTriggerType(USER_WELCOME),
		);
	});

	test('imported as the editor saves it: the pinned event is there, and a run composes the welcome message', async () => {
		// The editor imports a file into the workflow it has open, which keeps its own id.
		const { id: fileId, ...imported } = await welcomeHere('welcome (editor)');
		expect(fileId).toMatch(/^[A-Za-z0-9]{16}$/);
		const created = await stack.http.rest('POST', '/workflows', imported);
		const stored = await stack.http.rest('GET', `/workflows/${created.id}`);
		expect(stored.pinData[triggerName]).toEqual([{ json: welcome.pinned }]);
		expect(stored.nodes.map((n: any) => n.type)).toEqual([
			expect.stringMatching(/\.oktaTrigger$/),
			'n8n-nodes-base.set',
		]);
		expect(stored.nodes[0].parameters.events).toEqual(USER_WELCOME.trigger.parameters.events);
		await runWelcome(created.id);
	});

	test('imported with `n8n import:workflow`: the same', async () => {
		importWithCli(await welcomeHere('welcome (cli)'));
		const stored = await workflowNamed('welcome (cli)');
		expect(stored.id).toBe(welcome.workflow.id);
		expect(stored.pinData[triggerName]).toEqual([{ json: welcome.pinned }]);
		await runWelcome(stored.id);
	});
});
