/**
 * Stand-ins for the contexts n8n hands a trigger (IHookFunctions, IWebhookFunctions), faithful to
 * n8n 2.41's behaviour where the node relies on it: the credential's own `authenticate` expression
 * sets the header, requests go over real HTTPS, `returnFullResponse` + `ignoreHttpStatusErrors`
 * give { statusCode, headers, body } with JSON parsed, and a request without an answer throws.
 * The real n8n is exercised by the end-to-end suite; these keep the unit tests fast and exact.
 */
import * as https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { IDataObject, IHookFunctions, IHttpRequestOptions, INode, IWebhookFunctions } from 'n8n-workflow';

import { OktaEventHookApi } from '../../credentials/OktaEventHookApi.credentials';

export interface Credentials {
	url: string;
	accessToken: string;
}

/** Evaluates an n8n expression such as `=SSWS {{$credentials.accessToken.trim()}}` against the credential. */
export function evaluateCredentialExpression(expression: string, credentials: Credentials): string {
	const body = expression.startsWith('=') ? expression.slice(1) : expression;
	return body.replace(/\{\{(.+?)\}\}/g, (_, code: string) =>
		String(new Function('$credentials', `return (${code});`)(credentials)),
	);
}

export interface RecordedOktaCall {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: unknown;
}

/** The HTTP request n8n would send, with its response shaped the way n8n returns it. */
export async function sendLikeN8n(
	options: IHttpRequestOptions,
	ca: string,
): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: unknown }> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(options.headers ?? {})) headers[name] = String(value);
	let payload: string | undefined;
	if (options.body !== undefined && options.method !== 'GET') {
		payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['Content-Type'] ??= 'application/json';
	}
	return await new Promise((resolve, reject) => {
		const request = https.request(
			options.url,
			{ method: options.method ?? 'GET', headers, ca, timeout: options.timeout ?? 30_000 },
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let body: unknown = text;
					try {
						body = text ? JSON.parse(text) : '';
					} catch {
						// axios leaves a non-JSON body as text
					}
					const statusCode = response.statusCode ?? 0;
					if (!options.ignoreHttpStatusErrors && (statusCode < 200 || statusCode >= 300)) {
						reject(Object.assign(new Error(`Request failed with status code ${statusCode}`), { statusCode }));
						return;
					}
					resolve({ statusCode, headers: response.headers, body });
				});
				response.on('error', reject);
			},
		);
		request.on('timeout', () => request.destroy(Object.assign(new Error('timeout exceeded'), { code: 'ETIMEDOUT' })));
		request.on('error', reject);
		if (payload !== undefined) request.write(payload);
		request.end();
	});
}

export interface HookContextOptions {
	credentials: Credentials;
	/** Trusted certificate authority (the sandbox's). */
	ca: string;
	webhookUrl: string;
	staticData: IDataObject;
	mode?: 'trigger' | 'manual';
	node?: Partial<INode>;
	workflow?: { id: string; name: string };
	/** Every call the node makes, as sent (after the credential's authentication). */
	calls?: RecordedOktaCall[];
}

export const TEST_NODE: INode = {
	id: 'b2f6f0c4-0d0e-4a43-9d5c-2f1b9e0d7a11',
	name: 'Okta MFA Preregistration Trigger',
	type: 'CUSTOM.oktaMfaPreregistrationTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
	webhookId: '5f0b3c1e-8a7d-4f3e-9c2a-6d4e1b7a9c30',
};

export function hookContext(options: HookContextOptions): IHookFunctions {
	const credential = new OktaEventHookApi();
	const node = { ...TEST_NODE, ...options.node } as INode;
	const context = {
		getNode: () => node,
		getMode: () => options.mode ?? 'trigger',
		getActivationMode: () => 'activate',
		getWorkflow: () => ({ id: options.workflow?.id ?? 'wf1', name: options.workflow?.name ?? 'YubiKey shipments', active: true }),
		getWorkflowStaticData: () => options.staticData,
		getNodeWebhookUrl: () => options.webhookUrl,
		getWebhookName: () => 'default',
		getCredentials: async (type: string) => {
			if (type !== credential.name) throw new Error(`Node does not have credentials of type ${type}`);
			return { ...options.credentials };
		},
		helpers: {
			httpRequestWithAuthentication: async (type: string, request: IHttpRequestOptions) => {
				if (type !== credential.name) throw new Error(`unexpected credential type ${type}`);
				const headers = { ...(request.headers ?? {}) } as Record<string, string>;
				for (const [name, expression] of Object.entries(credential.authenticate.properties.headers ?? {})) {
					headers[name] = evaluateCredentialExpression(String(expression), options.credentials);
				}
				const authenticated = { ...request, headers };
				options.calls?.push({ method: request.method ?? 'GET', url: request.url, headers, body: request.body });
				const response = await sendLikeN8n(authenticated, options.ca);
				return request.returnFullResponse ? response : response.body;
			},
		},
	};
	return context as unknown as IHookFunctions;
}

export interface WebhookCall {
	webhookName: 'setup' | 'default';
	headers: IncomingHttpHeaders;
	body: unknown;
	staticData: IDataObject;
	webhookUrl: string;
}

export interface WebhookAnswer {
	status: number;
	body: string;
	contentType?: string;
	workflowData?: IDataObject[][];
	noWebhookResponse?: boolean;
}

/** Runs the node's webhook() the way n8n's webhook helpers do, capturing the answer and the items. */
export async function callWebhook(
	webhook: (this: IWebhookFunctions) => Promise<import('n8n-workflow').IWebhookResponseData>,
	call: WebhookCall,
): Promise<WebhookAnswer> {
	const answer: WebhookAnswer = { status: 200, body: '' };
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		json(value: unknown) {
			answer.contentType = 'application/json';
			answer.body = JSON.stringify(value);
			return response;
		},
		end(text?: string) {
			if (text) answer.body = text;
			return response;
		},
	};
	const context = {
		getWebhookName: () => call.webhookName,
		getHeaderData: () => call.headers,
		getBodyData: () => call.body,
		getWorkflowStaticData: () => call.staticData,
		getNodeWebhookUrl: () => call.webhookUrl,
		getResponseObject: () => response,
		getNode: () => TEST_NODE,
		getMode: () => 'trigger',
	};
	const result = await webhook.call(context as unknown as IWebhookFunctions);
	answer.noWebhookResponse = result.noWebhookResponse;
	answer.workflowData = result.workflowData?.map((items) => items.map((item) => item.json));
	return answer;
}
