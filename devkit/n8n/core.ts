/**
 * n8n-core 2.41.1's own contexts for a node under test, as n8n builds them: a real `Workflow`
 * (n8n-workflow) holding the node, a node-types registry with the node's class, and
 * `additionalData` whose only stand-in is the credentials helper (n8n's needs a database; see
 * credentialsHelper.ts). Requests go through n8n-core's request helpers (axios) over real HTTPS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HookContext, PollContext, WebhookContext } from 'n8n-core';
import { Workflow } from 'n8n-workflow';
import type {
	ICredentialType,
	IDataObject,
	IHookFunctions,
	IHttpRequestOptions,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWebhookData,
	IWorkflowExecuteAdditionalData,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';

import { name as PACKAGE_NAME } from '../../package.json';
import { CredentialStore, InMemoryCredentialsHelper } from './credentialsHelper';
import type { AuthenticatedRequestListener, SavedCredential } from './credentialsHelper';
import { setUpN8nCore } from './instance';

export { CredentialStore, PACKAGE_CREDENTIAL_TYPES } from './credentialsHelper';
export type { AuthenticatedRequestListener, SavedCredential } from './credentialsHelper';
export { trustCertificateAuthority } from './instance';

export interface TestWorkflowOptions {
	/** An instance of the node's class. */
	nodeType: INodeType;
	/** The node's parameters as saved in the workflow. */
	parameters?: INodeParameters;
	node?: Partial<Pick<INode, 'id' | 'name' | 'webhookId' | 'typeVersion'>>;
	/** The credentials the node has selected (all from one store). */
	credentials?: SavedCredential[];
	workflow?: { id?: string; name?: string; active?: boolean };
	/** The node's static data as n8n loaded it from its database. */
	nodeStaticData?: IDataObject;
	/** n8n's base URL (N8N_WEBHOOK_URL): webhooks are under <url>/webhook and <url>/webhook-test. */
	instanceUrl?: string;
	credentialTypes?: ICredentialType[];
	/** Sees every request the node sends through n8n, after the credential's authentication. */
	onAuthenticated?: AuthenticatedRequestListener;
}

export interface TestWorkflow {
	workflow: Workflow;
	/** The static data object as n8n loaded it from its database (`workflow` holds a proxy over it). */
	rawStaticData: IDataObject;
	node: INode;
	nodeType: INodeType;
	additionalData: IWorkflowExecuteAdditionalData;
}

/** The type name n8n gives a node of an installed community package. */
export function packageNodeTypeName(nodeType: INodeType): string {
	return `${PACKAGE_NAME}.${nodeType.description.name}`;
}

function latestVersion(nodeType: INodeType): number {
	const { version, defaultVersion } = nodeType.description;
	return defaultVersion ?? (Array.isArray(version) ? Math.max(...version) : version);
}

function nodeTypesWith(name: string, nodeType: INodeType): INodeTypes {
	const get = (wanted: string) => {
		if (wanted !== name) throw new Error(`Unknown node type "${wanted}"`);
		return nodeType;
	};
	return {
		getByName: get,
		getByNameAndVersion: get,
		getKnownTypes: () => ({ [name]: { className: nodeType.constructor.name, sourcePath: '' } }),
	};
}

/** The additionalData n8n hands every context: its URLs and the credentials helper. */
export function additionalDataFor(
	credentialsHelper: InMemoryCredentialsHelper,
	instanceUrl = 'http://localhost:5678',
): IWorkflowExecuteAdditionalData {
	const base = instanceUrl.replace(/\/+$/, '');
	return {
		credentialsHelper,
		instanceBaseUrl: `${base}/`,
		restApiUrl: `${base}/rest`,
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		variables: {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not part of these tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** A real Workflow holding one node of `nodeType`, with the additionalData n8n would give it. */
export function testWorkflow(options: TestWorkflowOptions): TestWorkflow {
	setUpN8nCore();
	const { nodeType } = options;
	const type = packageNodeTypeName(nodeType);
	const node: INode = {
		id: options.node?.id ?? 'b2f6f0c4-0d0e-4a43-9d5c-2f1b9e0d7a11',
		name:
			options.node?.name ?? nodeType.description.defaults.name ?? nodeType.description.displayName,
		type,
		typeVersion: options.node?.typeVersion ?? latestVersion(nodeType),
		position: [0, 0],
		parameters: options.parameters ?? {},
		...(options.node?.webhookId ? { webhookId: options.node.webhookId } : {}),
	};
	if (options.credentials?.length) {
		node.credentials = Object.fromEntries(
			options.credentials.map(({ type: credentialType, id, name }) => [
				credentialType,
				{ id, name },
			]),
		);
	}
	const rawStaticData: IDataObject = { [`node:${node.name}`]: options.nodeStaticData ?? {} };
	const workflow = new Workflow({
		id: options.workflow?.id ?? 'wf1',
		name: options.workflow?.name ?? 'YubiKey shipments',
		nodes: [node],
		connections: {},
		active: options.workflow?.active ?? true,
		nodeTypes: nodeTypesWith(type, nodeType),
		staticData: rawStaticData,
		settings: {},
	});
	const store = options.credentials?.[0]?.store ?? new CredentialStore();
	const additionalData = additionalDataFor(
		new InMemoryCredentialsHelper(store, options.credentialTypes, options.onAuthenticated),
		options.instanceUrl,
	);
	return { workflow, rawStaticData, node, nodeType, additionalData };
}

/**
 * What n8n's WorkflowRunner does while it creates a webhook's execution (2.41:
 * establishContextForPersistence): a Workflow of its own around the very same static data object,
 * whose wrap clears the data's "changed" flag.
 */
export function wrapStaticDataAgain(target: TestWorkflow): Workflow {
	return new Workflow({
		id: target.workflow.id,
		name: target.workflow.name,
		nodes: [target.node],
		connections: {},
		active: target.workflow.active,
		nodeTypes: target.workflow.nodeTypes,
		staticData: target.rawStaticData,
		settings: {},
	});
}

/** The node's static data (what the node sees as getWorkflowStaticData('node')). */
export function nodeStaticData(target: TestWorkflow): IDataObject {
	return target.workflow.getStaticData('node', target.node);
}

/** The webhook registration n8n hands webhook methods and webhook(): one of the node's webhooks. */
function webhookData(target: TestWorkflow, webhookName: string, isTest: boolean): IWebhookData {
	const description = target.nodeType.description.webhooks?.find(
		(webhook) => webhook.name === webhookName,
	);
	if (!description) throw new Error(`The node has no webhook named "${webhookName}"`);
	return {
		httpMethod: description.httpMethod as IWebhookData['httpMethod'],
		node: target.node.name,
		path: String(description.path),
		webhookDescription: description,
		workflowId: target.workflow.id,
		workflowExecuteAdditionalData: target.additionalData,
		webhookId: target.node.webhookId,
		isTest,
	};
}

/** Changes each request before n8n-core sends it: client-side faults (short timeouts, refused ports). */
export type RequestAdjustment = (request: IHttpRequestOptions) => IHttpRequestOptions;

export interface HookContextOptions {
	/** 'manual' for the editor's test listener (its webhook URLs are /webhook-test/…). */
	mode?: WorkflowExecuteMode;
	activation?: WorkflowActivateMode;
	webhookName?: string;
	adjustRequest?: RequestAdjustment;
}

/** Puts `adjust` in front of the context's real httpRequestWithAuthentication. */
function withAdjustedRequests<T extends { helpers: IHookFunctions['helpers'] }>(
	context: T,
	adjust?: RequestAdjustment,
): T {
	if (!adjust) return context;
	const send = context.helpers.httpRequestWithAuthentication;
	context.helpers.httpRequestWithAuthentication = async function (type, request, more) {
		return await send.call(this, type, adjust({ ...request }), more);
	};
	return context;
}

/** IHookFunctions for the node's webhook methods (checkExists, create, delete). */
export function hookContext(target: TestWorkflow, options: HookContextOptions = {}): HookContext {
	const mode = options.mode ?? 'trigger';
	const context = new HookContext(
		target.workflow,
		target.node,
		target.additionalData,
		mode,
		options.activation ?? 'activate',
		webhookData(target, options.webhookName ?? 'default', mode === 'manual'),
	);
	return withAdjustedRequests(context, options.adjustRequest);
}

/** What n8n's express server gives webhook(): the request with body, params and query parsed. */
export type WebhookRequest = IncomingMessage & {
	body: unknown;
	params: Record<string, string>;
	query: Record<string, string>;
};

export interface WebhookContextOptions {
	webhookName: string;
	/** A real request, its body already parsed (see webhookServer.ts). */
	request: WebhookRequest;
	/** A real response; the context hands the node express's status()/json()/send() on it. */
	response: ServerResponse;
	mode?: WorkflowExecuteMode;
}

/** The three methods of express's Response the node may call, on a real node:http response. */
function expressResponse(response: ServerResponse) {
	const answer = Object.assign(response, {
		status(code: number) {
			response.statusCode = code;
			return answer;
		},
		json(value: unknown) {
			if (!response.hasHeader('content-type'))
				response.setHeader('content-type', 'application/json; charset=utf-8');
			response.end(JSON.stringify(value));
			return answer;
		},
		send(value?: string | Buffer) {
			response.end(value);
			return answer;
		},
	});
	return answer;
}

/** IWebhookFunctions for one request to one of the node's webhooks. */
export function webhookContext(
	target: TestWorkflow,
	options: WebhookContextOptions,
): WebhookContext {
	const mode = options.mode ?? 'trigger';
	const additionalData = {
		...target.additionalData,
		httpRequest: options.request,
		httpResponse: expressResponse(options.response),
	} as unknown as IWorkflowExecuteAdditionalData;
	return new WebhookContext(
		target.workflow,
		target.node,
		additionalData,
		mode,
		webhookData(target, options.webhookName, mode === 'manual'),
		[],
		null,
	);
}

export interface PollContextOptions {
	/** 'trigger' for a published workflow's schedule, 'manual' for the editor's "Fetch test event". */
	mode?: 'trigger' | 'manual';
	activation?: WorkflowActivateMode;
	adjustRequest?: RequestAdjustment;
}

/** IPollFunctions: the node's static data lives in the TestWorkflow, so it persists between polls. */
export function pollContext(target: TestWorkflow, options: PollContextOptions = {}): PollContext {
	const mode = options.mode ?? 'trigger';
	const context = new PollContext(
		target.workflow,
		target.node,
		target.additionalData,
		mode,
		options.activation ?? (mode === 'manual' ? 'manual' : 'activate'),
	);
	return withAdjustedRequests(context, options.adjustRequest);
}
