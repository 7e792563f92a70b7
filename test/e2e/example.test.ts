/**
 * examples/yubikey-shipment.workflow.json in a real n8n 2.41.1: imported as the editor's "Import
 * from File" saves it, its pinned event is there, and a manual run with the pinned data maps the
 * card's fields (Okta's catalog keys) and sends the shipment request, here to a local placeholder
 * server instead of the file's placeholder address. The e2e stack loads the package from
 * N8N_CUSTOM_EXTENSIONS, where the trigger's type is `CUSTOM.…`: exampleFor() renames it.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
	EXAMPLE_WORKFLOW_FILE,
	HTTP_NODE_NAME,
	INSTALLED_TRIGGER_TYPE,
	exampleFor,
} from '../../devkit/n8n/exampleWorkflow';
import {
	INSTALL_TIMEOUT_MS,
	TRIGGER_NODE_NAME,
	nodeItems,
	startStack,
	waitForExecutions,
	type Stack,
} from '../../devkit/n8n/stack';
import { SHIPMENT_NODE } from '../../devkit/n8n/workflows';

interface Received {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

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

test('the example imports with its pinned event and runs: Edit Fields maps the catalog keys, HTTP Request sends them', async () => {
	const file = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
	expect(file.nodes.find((n: any) => n.name === TRIGGER_NODE_NAME).type).toBe(
		INSTALLED_TRIGGER_TYPE,
	);
	const { port } = placeholder.address() as AddressInfo;
	const local = exampleFor(file, {
		triggerType: stack.trigger.name,
		httpUrl: `http://127.0.0.1:${port}/api/yubikey-shipments`,
	});

	// What the editor sends when the imported workflow is saved.
	const created = await stack.http.rest('POST', '/workflows', local);
	const stored = await stack.http.rest('GET', `/workflows/${created.id}`);
	const pinned = file.pinData[TRIGGER_NODE_NAME][0].json;
	expect(stored.pinData[TRIGGER_NODE_NAME]).toEqual([{ json: pinned }]);
	expect(stored.nodes.map((n: any) => n.type)).toEqual([
		stack.trigger.name,
		'n8n-nodes-base.set',
		'n8n-nodes-base.httpRequest',
	]);

	// "Execute workflow": the trigger has pinned data, so n8n runs it at once, no Okta hook.
	const run = await stack.http.rest('POST', `/workflows/${created.id}/run`, {
		triggerToStartFrom: { name: TRIGGER_NODE_NAME },
	});
	expect(run).toEqual({ executionId: expect.any(String) });
	const [execution] = await waitForExecutions(stack, created.id, 1);
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
});
