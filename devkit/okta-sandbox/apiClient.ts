/** Helpers for the sandbox's own tests: a plain HTTPS client trusting the test CA, and body checks. */
import { MFA_PREREGISTRATION_EVENT } from './events';
import * as https from 'https';
import { expectOktaSchema } from '../okta-spec/schemas';
import type { OktaSandbox, RecordedRequest } from './types';

export interface HttpAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: any;
}

export function request(
	sandbox: Pick<OktaSandbox, 'url' | 'caCertPem'>,
	method: string,
	path: string,
	options: {
		body?: unknown;
		raw?: string;
		token?: string | null;
		authorization?: string;
		timeoutMs?: number;
	} = {},
): Promise<HttpAnswer> {
	const headers: Record<string, string> = { Accept: 'application/json' };
	const authorization =
		options.authorization ?? (options.token ? `SSWS ${options.token}` : undefined);
	if (authorization) headers.Authorization = authorization;
	const payload =
		options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
	if (payload !== undefined) headers['Content-Type'] = 'application/json';
	return new Promise((resolve, reject) => {
		const req = https.request(
			new URL(path, sandbox.url),
			{ method, headers, ca: sandbox.caCertPem, agent: false },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => {
					const text = Buffer.concat(chunks).toString('utf8');
					let json: unknown;
					try {
						json = text ? JSON.parse(text) : undefined;
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
				res.on('error', reject);
			},
		);
		req.on('error', reject);
		if (options.timeoutMs) {
			req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
		}
		req.end(payload);
	});
}

/** A client bound to one sandbox and its token. */
export function apiClient(sandbox: OktaSandbox) {
	return (method: string, path: string, body?: unknown) =>
		request(sandbox, method, path, { body, token: sandbox.token });
}

export function createBody(uri: string, overrides: Record<string, unknown> = {}) {
	return {
		name: `Hook ${Math.random().toString(36).slice(2, 8)}`,
		events: { type: 'EVENT_TYPE', items: [MFA_PREREGISTRATION_EVENT] },
		channel: {
			type: 'HTTP',
			version: '1.0.0',
			config: {
				uri,
				headers: [{ key: 'X-Other-Header', value: 'other-value' }],
				authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-secret-123' },
			},
		},
		...overrides,
	};
}

/** Every response the sandbox recorded must match Okta's schema for what it is. */
export function expectRecordedResponsesMatchSpec(requests: RecordedRequest[]): void {
	for (const r of requests) {
		if (r.status === undefined || r.status === 204 || r.response === undefined) continue;
		// The token endpoint answers with OAuth 2.0 bodies, not the management API's.
		if (r.op === 'token') continue;
		if (r.status >= 400) expectOktaSchema('Error', r.response, { direction: 'response' });
		else if (r.op === 'list')
			for (const h of r.response as unknown[])
				expectOktaSchema('EventHook', h, { direction: 'response' });
		else if (r.op === 'logs')
			for (const e of r.response as unknown[])
				expectOktaSchema('LogEvent', e, { direction: 'response' });
		else expectOktaSchema('EventHook', r.response, { direction: 'response' });
	}
}
