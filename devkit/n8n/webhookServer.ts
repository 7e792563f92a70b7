/**
 * The part of n8n's webhook server around a node's webhook(), over real node:http: the body read
 * and parsed as JSON (malformed JSON is answered 422 before the node runs, as n8n does), webhook()
 * run in n8n-core's real WebhookContext, and n8n's own answer when the node gave none.
 */
import * as http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IWebhookResponseData, WorkflowExecuteMode } from 'n8n-workflow';

import { webhookContext } from './core';
import type { TestWorkflow, WebhookRequest } from './core';

/** What the caller of a webhook saw, and what n8n would have run. */
export interface WebhookAnswer {
	status: number;
	body: string;
	contentType?: string;
	/** The items of the execution webhook() started, if any. */
	workflowData?: IDataObject[][];
	noWebhookResponse?: boolean;
}

export interface WebhookCall {
	webhookName: string;
	/** 'webhook' for a published workflow (n8n's mode for production webhooks), 'manual' for the test listener. */
	mode?: WorkflowExecuteMode;
	/** Told the items when n8n would create the execution (before it answers 'onReceived'). */
	onExecution?: (items: IDataObject[][]) => void;
}

const WEBHOOK_ERROR = 'Workflow Webhook Error: Workflow could not be started!';

function answerJson(response: ServerResponse, status: number, body: unknown) {
	if (response.writableEnded) return;
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

function webhookDescription(target: TestWorkflow, webhookName: string) {
	const description = target.nodeType.description.webhooks?.find(
		(webhook) => webhook.name === webhookName,
	);
	if (!description) throw new Error(`The node has no webhook named "${webhookName}"`);
	return description;
}

async function readBody(request: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

/** Keeps a copy of what is written to the response (the answer the caller gets). */
function recordBody(response: ServerResponse): () => string {
	const chunks: Buffer[] = [];
	const end = response.end.bind(response);
	response.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
		return end(chunk as never, ...(rest as []));
	}) as ServerResponse['end'];
	return () => Buffer.concat(chunks).toString('utf8');
}

/** Serves one request to the node's webhook as n8n's webhook server would. */
export async function serveWebhook(
	target: TestWorkflow,
	call: WebhookCall,
	request: IncomingMessage,
	response: ServerResponse,
): Promise<{ answer: WebhookAnswer; result?: IWebhookResponseData }> {
	const answered = recordBody(response);
	const finish = (result?: IWebhookResponseData) => ({
		result,
		answer: {
			status: response.statusCode,
			body: answered(),
			contentType: response.getHeader('content-type') as string | undefined,
			noWebhookResponse: result?.noWebhookResponse,
			workflowData: result?.workflowData?.map((items) => items.map((item) => item.json)),
		},
	});
	const text = await readBody(request);
	let body: unknown = {};
	try {
		body = text ? JSON.parse(text) : {};
	} catch {
		answerJson(response, 422, { code: 422, message: 'Failed to parse request body' });
		return finish();
	}
	const url = new URL(request.url ?? '/', 'http://localhost');
	const parsed = Object.assign(request, {
		body,
		params: {},
		query: Object.fromEntries(url.searchParams),
	}) as WebhookRequest;
	let result: IWebhookResponseData;
	try {
		const context = webhookContext(target, {
			webhookName: call.webhookName,
			request: parsed,
			response,
			mode: call.mode ?? 'webhook',
		});
		result = await target.nodeType.webhook!.call(context);
	} catch {
		// n8n does not surface the cause to the caller.
		answerJson(response, 500, { code: 500, message: WEBHOOK_ERROR });
		return finish();
	}
	if (result.workflowData === undefined) {
		if (!result.noWebhookResponse)
			answerJson(response, 200, result.webhookResponse ?? { message: 'Webhook call received' });
		return finish(result);
	}
	// n8n creates the execution, then (responseMode 'onReceived') answers unless the node did.
	call.onExecution?.(result.workflowData.map((items) => items.map((item) => item.json)));
	if (!result.noWebhookResponse && !response.writableEnded) {
		const { responseData } = webhookDescription(target, call.webhookName);
		if (responseData === 'noData') response.writeHead(200).end();
		else answerJson(response, 200, result.webhookResponse ?? { message: 'Workflow was started' });
	}
	return finish(result);
}

let loopback: Promise<{ port: number; pending: Map<string, Handler> }> | undefined;
type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** One loopback HTTP server per process for callWebhook (it does not keep the process alive). */
function loopbackServer() {
	loopback ??= new Promise((resolve) => {
		const pending = new Map<string, Handler>();
		const server = http.createServer((request, response) => {
			const handler = pending.get(request.url ?? '');
			if (handler) handler(request, response);
			else response.writeHead(404).end();
		});
		server.unref();
		server.listen(0, '127.0.0.1', () =>
			resolve({ port: (server.address() as AddressInfo).port, pending }),
		);
	});
	return loopback;
}

let callCounter = 0;

/**
 * Calls the node's webhook with a real HTTP request (the webhook's own method), so the answer is
 * what a caller receives: status, content type, body; plus the items webhook() would run.
 */
export async function callWebhook(
	target: TestWorkflow,
	call: WebhookCall & { headers?: IncomingHttpHeaders; body?: unknown },
): Promise<WebhookAnswer> {
	const { port, pending } = await loopbackServer();
	const path = `/webhook/call-${++callCounter}`;
	const method = webhookDescription(target, call.webhookName).httpMethod as string;
	let served!: Promise<{ answer: WebhookAnswer }>;
	pending.set(path, (request, response) => {
		served = serveWebhook(target, call, request, response);
	});
	// Okta's GET carries no body; a body goes with its length.
	const payload =
		call.body === undefined || method === 'GET'
			? undefined
			: typeof call.body === 'string'
				? call.body
				: JSON.stringify(call.body);
	const headers = { ...call.headers };
	if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
	try {
		const received = await new Promise<{ status: number; body: string; contentType?: string }>(
			(resolve, reject) => {
				const request = http.request(
					{ host: '127.0.0.1', port, path, method, headers, agent: false },
					(response) => {
						let text = '';
						response.setEncoding('utf8');
						response.on('data', (chunk: string) => (text += chunk));
						response.on('end', () =>
							resolve({
								status: response.statusCode ?? 0,
								body: text,
								contentType: response.headers['content-type'],
							}),
						);
					},
				);
				request.on('error', reject);
				request.end(payload);
			},
		);
		const { answer } = await served;
		return { ...answer, ...received };
	} finally {
		pending.delete(path);
	}
}
