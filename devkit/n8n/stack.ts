/**
 * One Okta sandbox plus one real n8n 2.41.1 (HTTPS, the built package loaded from dist/), with an
 * owner, an API key and an Okta credential: what every e2e file starts in beforeAll.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { N8nHttp, waitFor } from './http';
import {
	N8N_VERSION,
	REPO_ROOT,
	startN8n,
	type N8nInstance,
	type StartN8nOptions,
} from './runtime';
import {
	NO_OP_NODE,
	MFA_PREREGISTRATION_EVENT,
	TRIGGER_NODE_NAME,
	createOktaCredential,
	findTriggerType,
	triggerWorkflow,
} from './workflows';
import { startOktaSandbox } from '../okta-sandbox';
import { getTestPki } from '../okta-sandbox/pki';
import { CARD_FIELDS } from '../itemFields';

export { waitFor, MFA_PREREGISTRATION_EVENT, TRIGGER_NODE_NAME };

export type Sandbox = Awaited<ReturnType<typeof startOktaSandbox>>;

export interface Stack {
	sandbox: Sandbox;
	n8n: N8nInstance;
	http: N8nHttp;
	trigger: { name: string; version: number };
	credential: { id: string; name: string };
	tls: { keyPath: string; certPath: string; caCertPath: string };
	userFolder: string;
	options: StartN8nOptions;
	/**
	 * Stops n8n and starts it again on the same port and user folder (same DB, same webhook URLs);
	 * `whileStopped` runs in between (e.g. events Okta cannot deliver).
	 */
	restart(whileStopped?: () => Promise<void>): Promise<void>;
	close(): Promise<void>;
}

/** beforeAll may have to install n8n first (a few minutes cold; scripts/ci-e2e.sh does it beforehand). */
export const INSTALL_TIMEOUT_MS = 15 * 60 * 1000;

/** The card's fields every item must carry. */
export const ITEM_FIELDS = CARD_FIELDS;

export async function startStack(
	options: Partial<StartN8nOptions> = {},
	label = 'e2e',
): Promise<Stack> {
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` before `npm run test:e2e`');
	}
	const pki = await getTestPki();
	const tls = {
		keyPath: pki.serverKeyPath,
		certPath: pki.serverCertPath,
		caCertPath: pki.caCertPath,
	};
	const sandbox = await startOktaSandbox({});
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-${label}-`));
	const logDir = path.join(REPO_ROOT, 'test-results');
	fs.mkdirSync(logDir, { recursive: true });
	const startOptions: StartN8nOptions = {
		userFolder,
		tls,
		logFile: path.join(logDir, `n8n-${N8N_VERSION}-${label}.log`),
		log: () => undefined,
		...options,
	};
	let n8n: N8nInstance;
	try {
		n8n = await startN8n(startOptions);
	} catch (error) {
		await sandbox.close();
		throw error;
	}
	startOptions.port = n8n.port;
	const http = n8n.http;
	await http.setupOwner();
	await http.createApiKey();
	const trigger = await findTriggerType(http);
	const credential = await createOktaCredential(http, sandbox.url, sandbox.token);

	const stack: Stack = {
		sandbox,
		n8n,
		http,
		trigger,
		credential,
		tls,
		userFolder,
		options: startOptions,
		async restart(whileStopped) {
			await stack.n8n.stop();
			await whileStopped?.();
			stack.n8n = await startN8n(startOptions);
			const apiKey = stack.http.apiKey;
			stack.http = stack.n8n.http;
			stack.http.apiKey = apiKey;
			await stack.http.login();
		},
		async close() {
			await stack.n8n.stop();
			await sandbox.close();
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return stack;
}

/** Creates trigger → No Operation; returns the workflow and its production webhook URL. */
export async function createNoOpWorkflow(
	stack: Stack,
	name: string,
	triggerParameters?: Record<string, unknown>,
) {
	const body = triggerWorkflow({
		name,
		triggerType: stack.trigger.name,
		triggerVersion: stack.trigger.version,
		credential: stack.credential,
		triggerParameters,
		downstream: [NO_OP_NODE],
	});
	const { webhookId, ...workflowBody } = body;
	const workflow = await stack.http.createWorkflow(workflowBody);
	return {
		id: workflow.id as string,
		webhookId,
		productionUrl: `${stack.n8n.baseUrl}/webhook/${webhookId}/webhook`,
		testUrl: `${stack.n8n.baseUrl}/webhook-test/${webhookId}/webhook`,
	};
}

/** Publishes and waits until n8n settled it (published, partial or failed): N8nHttp.publishAndSettle. */
export async function publishAndSettle(stack: Stack, workflowId: string, timeoutMs = 90000) {
	return await stack.http.publishAndSettle(workflowId, timeoutMs);
}

export async function executionsOf(stack: Stack, workflowId: string): Promise<any[]> {
	return await stack.http.executions(workflowId);
}

/** Waits for `count` finished executions of the workflow (none still running), returns them newest first. */
export async function waitForExecutions(
	stack: Stack,
	workflowId: string,
	count: number,
	timeoutMs = 30000,
) {
	return await waitFor(
		async () => {
			const list = await executionsOf(stack, workflowId);
			return list.length >= count && list.every((e) => e.finished || e.stoppedAt)
				? list
				: undefined;
		},
		{ timeoutMs, intervalMs: 500, what: `${count} execution(s) of ${workflowId}` },
	);
}

/** The items a node output in an execution (public API with includeData). */
export function nodeItems(execution: any, nodeName: string): any[] {
	const runData = execution?.data?.resultData?.runData?.[nodeName];
	if (!runData) {
		throw new Error(
			`no run data for '${nodeName}' in execution ${execution?.id}: ${JSON.stringify(execution).slice(0, 2000)}`,
		);
	}
	return runData[0].data.main[0].map((item: any) => item.json);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Hooks in the sandbox whose URI is the given URL. */
export function hooksFor(stack: Stack, url: string) {
	return stack.sandbox.hooks().filter((h: any) => h.channel?.config?.uri === url);
}
