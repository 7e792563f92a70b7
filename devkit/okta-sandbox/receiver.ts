/**
 * A scriptable HTTPS hook endpoint (same test CA as the sandbox), standing in for n8n's webhook in
 * the sandbox's own tests. By default it answers verification challenges correctly and deliveries
 * with 200 and an empty body; `behave()` scripts other answers.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import * as https from 'https';
import type { Socket } from 'net';
import { getTestPki } from './pki';

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	body: string;
	json?: unknown;
	at: number;
}

export interface ReceiverBehaviour {
	status?: number;
	/** A string is sent as is; anything else as JSON. Default: echo the challenge for GET, empty for POST. */
	body?: unknown;
	delayMs?: number;
	/** Never answer (until the client gives up or the receiver closes). */
	hang?: boolean;
}

export interface HookReceiver {
	/** Base URL, e.g. https://127.0.0.1:43210 */
	url: string;
	received: ReceivedRequest[];
	/** Script the answer per request; return undefined for the default behaviour. */
	behave(fn: (req: ReceivedRequest, index: number) => ReceiverBehaviour | undefined): void;
	close(): Promise<void>;
}

export async function startHookReceiver(): Promise<HookReceiver> {
	const pki = getTestPki();
	const received: ReceivedRequest[] = [];
	const sockets = new Set<Socket>();
	let script: (req: ReceivedRequest, index: number) => ReceiverBehaviour | undefined = () =>
		undefined;

	const server = https.createServer(
		{ key: pki.serverKeyPem, cert: pki.serverCertPem },
		(req: IncomingMessage, res: ServerResponse) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				const body = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = body ? JSON.parse(body) : undefined;
				} catch {
					json = undefined;
				}
				const entry: ReceivedRequest = {
					method: req.method ?? '',
					path: req.url ?? '',
					headers: { ...req.headers },
					body,
					json,
					at: Date.now(),
				};
				received.push(entry);
				const b = script(entry, received.length - 1) ?? {};
				if (b.hang) return;
				const answer = () => {
					if (res.destroyed) return;
					const challenge = req.headers['x-okta-verification-challenge'];
					let payload: unknown = b.body;
					if (payload === undefined && req.method === 'GET' && typeof challenge === 'string')
						payload = { verification: challenge };
					res.statusCode = b.status ?? 200;
					if (payload === undefined) return void res.end();
					res.setHeader('Content-Type', 'application/json');
					res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
				};
				if (b.delayMs) setTimeout(answer, b.delayMs).unref();
				else answer();
			});
		},
	);
	server.on('connection', (s: Socket) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	server.on('tlsClientError', () => undefined);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : 0;

	return {
		url: `https://127.0.0.1:${port}`,
		received,
		behave(fn) {
			script = fn;
		},
		async close() {
			const closing = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const s of sockets) s.destroy();
			await closing;
		},
	};
}
