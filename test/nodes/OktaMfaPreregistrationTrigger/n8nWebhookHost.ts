/**
 * The trigger served the way n8n 2.41.1 serves a production webhook (live-webhooks.js,
 * webhook-helpers.js executeWebhook), around n8n-core's real WebhookContext and HookContext:
 * - each request loads the workflow's static data afresh from the "database";
 * - webhook() runs; if it answered itself (noWebhookResponse), n8n saves static data after it;
 * - if it returned workflowData, n8n creates the execution (WorkflowRunner.run, which resets the
 *   static data's __dataChanged flag: it wraps the same object in Workflows of its own), then
 *   saves static data, then answers 200 with the empty body of responseData 'noData'; when
 *   creating the execution fails it answers 500 and saves nothing.
 * Static data is saved only when the node changed it (`__dataChanged`), the whole object replaced.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	hookContext,
	nodeStaticData,
	testWorkflow,
	webhookContext,
	wrapStaticDataAgain,
	type SavedCredential,
	type WebhookRequest,
} from '../../../devkit/n8n/core';
import { getTestPki } from '../../../devkit/okta-sandbox';
import { OktaMfaPreregistrationTrigger } from '../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';

export interface Execution {
	mode: 'webhook' | 'manual';
	items: IDataObject[];
}

const WEBHOOK_ID = '5f0b3c1e-8a7d-4f3e-9c2a-6d4e1b7a9c30';

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function startN8nWebhookHost(options: {
	credential: SavedCredential;
	parameters?: INodeParameters;
	/** Listen on this port (a restarted n8n keeps its URL). */
	port?: number;
	/** The node's class as a fresh process loads it (nothing in its module memory). */
	nodeClass?: typeof OktaMfaPreregistrationTrigger;
	/** How long creating an execution takes (default 20 ms). */
	executionCreationMs?: number;
}) {
	const nodeType = new (options.nodeClass ?? OktaMfaPreregistrationTrigger)();
	const pki = getTestPki();
	/** The node's static data as n8n's database holds it. */
	let database: IDataObject = {};
	/** "Listen for test event": n8n keeps the test registration's workflow, static data included, in memory only. */
	let listening: IDataObject = {};
	const executions: Execution[] = [];
	const host = {
		executions,
		/** n8n is not running: every request fails as at a reverse proxy (502). */
		down: false,
		/** WorkflowRunner.run fails (e.g. SQLite busy): n8n answers 500 and saves nothing. */
		failExecutions: false,
		get stored(): IDataObject {
			return clone(database);
		},
		set stored(value: IDataObject) {
			database = clone(value);
		},
		url: '',
		baseUrl: '',
		async publish(mode: 'trigger' | 'manual' = 'trigger') {
			const target = workflow(mode);
			const context = hookContext(target, { mode });
			const methods = nodeType.webhookMethods!.default!;
			if (!(await methods.checkExists.call(context))) await methods.create.call(context);
			if (mode === 'manual') listening = clone(nodeStaticData(target));
			else database = clone(nodeStaticData(target));
		},
	};

	function workflow(mode: 'trigger' | 'manual') {
		return testWorkflow({
			nodeType,
			parameters: options.parameters ?? {},
			node: { webhookId: WEBHOOK_ID },
			credentials: [options.credential],
			nodeStaticData: clone(mode === 'manual' ? listening : database),
			instanceUrl: host.baseUrl,
		});
	}

	const server = https.createServer(
		{ key: pki.serverKeyPem, cert: pki.serverCertPem },
		(request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', () => void handle(request as WebhookRequest, response, chunks));
		},
	);

	async function handle(
		request: WebhookRequest,
		response: import('node:http').ServerResponse,
		chunks: Buffer[],
	) {
		if (host.down) {
			response.writeHead(502).end();
			return;
		}
		const manual = request.url?.startsWith('/webhook-test/') ?? false;
		const mode = manual ? 'manual' : 'trigger';
		const text = Buffer.concat(chunks).toString('utf8');
		try {
			request.body = text ? JSON.parse(text) : {};
		} catch {
			response.writeHead(422).end(); // n8n answers malformed JSON before the node runs
			return;
		}
		request.params = {};
		request.query = {};
		const target = workflow(mode);
		const staticData = target.workflow.staticData;
		const save = () => {
			if (manual) listening = clone(nodeStaticData(target));
			else if (staticData.__dataChanged === true) database = clone(nodeStaticData(target));
		};
		try {
			const context = webhookContext(target, {
				webhookName: request.method === 'GET' ? 'setup' : 'default',
				request,
				response,
				mode: manual ? 'manual' : 'webhook',
			});
			const result = await nodeType.webhook!.call(context);
			if (result.noWebhookResponse) {
				save();
				return;
			}
			if (!result.workflowData) throw new Error('the trigger answered nothing');
			// WorkflowRunner.run builds its own Workflow around the same static data object, which
			// resets its __dataChanged flag, then inserts the execution (a database write).
			wrapStaticDataAgain(target);
			await new Promise((resolve) => setTimeout(resolve, options.executionCreationMs ?? 20));
			if (host.failExecutions) throw new Error('SQLITE_BUSY: database is locked');
			executions.push({
				mode: manual ? 'manual' : 'webhook',
				items: result.workflowData[0].map((item) => item.json),
			});
			save();
			response.statusCode = 200;
			response.end(); // responseData 'noData'
		} catch {
			if (!response.writableEnded) {
				response.statusCode = 500;
				response.end(JSON.stringify({ message: 'Error in workflow' }));
			}
		}
	}

	await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
	host.baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;
	host.url = `${host.baseUrl}/webhook/${WEBHOOK_ID}/webhook`;
	return Object.assign(host, {
		port: (server.address() as AddressInfo).port,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	});
}

export type N8nWebhookHost = Awaited<ReturnType<typeof startN8nWebhookHost>>;
