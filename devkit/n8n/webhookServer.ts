/**
 * The part of n8n's webhook server around a node's webhook(), on real node:http requests and
 * responses: the body parsed as JSON (malformed JSON is answered 422 before the node runs, as n8n
 * does), webhook() run in n8n-core's real WebhookContext, and n8n's own answer when the node gave
 * none ('onReceived': 'Workflow was started', or an empty 200 for 'noData', once the execution
 * exists; a throw is a 500 that does not say why).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { IDataObject, IWebhookResponseData, WorkflowExecuteMode } from 'n8n-workflow';

import { webhookContext } from './core';
import type { TestWorkflow, WebhookRequest } from './core';

/** What the caller of a webhook saw, and what n8n would have run. */
export interface WebhookAnswer {
	status: number;
	body: string;
	contentType?: string;
	/** What webhook() threw (n8n logs it and answers 500). */
	error?: Error;
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

/** n8n's body parser: JSON text parsed (malformed: false), an empty body as {}. */
export async function readJsonBody(
	request: IncomingMessage,
): Promise<{ ok: boolean; body: unknown }> {
	const text = await readBody(request);
	try {
		return { ok: true, body: text ? JSON.parse(text) : {} };
	} catch {
		return { ok: false, body: undefined };
	}
}

/**
 * Serves one request that came over the wire: n8n's body parser (malformed JSON answered 422
 * before the node runs), then the node's webhook().
 */
export async function serveWebhookRequest(
	target: TestWorkflow,
	call: WebhookCall,
	request: IncomingMessage,
	response: ServerResponse,
): Promise<WebhookAnswer> {
	const answered = recordBody(response);
	const { ok, body } = await readJsonBody(request);
	if (!ok) {
		answerJson(response, 422, { code: 422, message: 'Failed to parse request body' });
		return answerOf(response, answered);
	}
	return await serveWebhook(target, call, Object.assign(request, { body }), response, answered);
}

function answerOf(
	response: ServerResponse,
	answered: () => string,
	result?: IWebhookResponseData,
	error?: Error,
): WebhookAnswer {
	return {
		error,
		status: response.statusCode,
		body: answered(),
		contentType: response.getHeader('content-type') as string | undefined,
		noWebhookResponse: result?.noWebhookResponse,
		workflowData: result?.workflowData?.map((items) => items.map((item) => item.json)),
	};
}

/** Runs webhook() on a request whose body n8n has parsed, and gives n8n's answer when the node gave none. */
export async function serveWebhook(
	target: TestWorkflow,
	call: WebhookCall,
	request: IncomingMessage & { body: unknown },
	response: ServerResponse,
	answered = recordBody(response),
): Promise<WebhookAnswer> {
	const finish = (result?: IWebhookResponseData, error?: Error) =>
		answerOf(response, answered, result, error);
	const url = new URL(request.url ?? '/', 'http://localhost');
	const parsed = Object.assign(request, {
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
	} catch (error) {
		// n8n does not surface the cause to the caller.
		answerJson(response, 500, { code: 500, message: WEBHOOK_ERROR });
		return finish(undefined, error as Error);
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

/** The method node:http's parser fills a request's headers with (not in Node's types). */
interface NodeHttpInternals {
	_addHeaderLines(rawHeaders: string[], count: number): void;
}

/** The far end of an in-memory HTTP exchange: it takes the response's bytes and sends nothing. */
function memorySocket(): Duplex {
	return new Duplex({
		write: (_chunk, _encoding, done) => done(),
		read: () => undefined,
	});
}

/**
 * Calls the node's webhook with a real node:http request/response pair on an in-memory socket
 * (no network): the request carries the headers and the body as n8n's parser hands it over; the
 * answer is read off the real ServerResponse. Plus the items webhook() would run.
 */
export async function callWebhook(
	target: TestWorkflow,
	call: WebhookCall & { headers?: IncomingHttpHeaders; body?: unknown },
): Promise<WebhookAnswer> {
	const socket = memorySocket();
	const request = new IncomingMessage(socket as Socket);
	request.method = String(webhookDescription(target, call.webhookName).httpMethod);
	request.url = '/webhook';
	// Node's own header rules (names lowercased; a repeated Authorization keeps its first value…),
	// applied by the method its HTTP parser uses.
	const rawHeaders = Object.entries(call.headers ?? {}).flatMap(([name, value]) =>
		(Array.isArray(value) ? value : value === undefined ? [] : [value]).flatMap((one) => [
			name,
			String(one),
		]),
	);
	(request as unknown as NodeHttpInternals)._addHeaderLines(rawHeaders, rawHeaders.length);
	const response = new ServerResponse(request);
	response.assignSocket(socket as Socket);
	try {
		return await serveWebhook(
			target,
			call,
			Object.assign(request, { body: call.body ?? {} }),
			response,
		);
	} finally {
		socket.destroy();
	}
}
