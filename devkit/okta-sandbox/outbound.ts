/**
 * The sandbox calling hook endpoints, as Okta does: one-time verification GET and delivery POSTs.
 * It trusts its own test CA (n8n's HTTPS certificate comes from it) and, being test tooling,
 * refuses to call anything but loopback hosts (plus OKTA_SANDBOX_ALLOW_HOSTS, comma-separated).
 */
import * as https from 'https';
import { isIP } from 'net';

export interface CallResult {
	status?: number;
	body: string;
	error?: string;
	durationMs: number;
}

const MAX_BODY = 1024 * 1024;

export function isAllowedHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
	if (isIP(host) === 4 && host.startsWith('127.')) return true;
	const extra = (process.env.OKTA_SANDBOX_ALLOW_HOSTS ?? '')
		.split(',')
		.map((h) => h.trim().toLowerCase());
	return extra.includes(host);
}

/** One HTTPS call with an overall deadline (connect + headers + body), never rejecting. */
export function call(
	url: string,
	init: {
		method: 'GET' | 'POST';
		headers: Record<string, string>;
		body?: string;
		timeoutMs: number;
		ca: string;
	},
): Promise<CallResult> {
	const started = Date.now();
	return new Promise((resolve) => {
		let settled = false;
		const done = (r: Omit<CallResult, 'durationMs'>) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			resolve({ ...r, durationMs: Date.now() - started });
		};
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			return done({ body: '', error: `invalid URL: ${url}` });
		}
		if (target.protocol !== 'https:')
			return done({ body: '', error: 'only https:// is supported' });
		if (!isAllowedHost(target.hostname)) {
			return done({
				body: '',
				error: `the sandbox only calls loopback hosts, not ${target.hostname}`,
			});
		}
		const req = https.request(target, {
			method: init.method,
			headers: init.headers,
			ca: init.ca,
			agent: false,
		});
		const timer = setTimeout(() => {
			done({ body: '', error: `timeout after ${init.timeoutMs} ms` });
			req.destroy();
		}, init.timeoutMs);
		req.on('error', (err) => done({ body: '', error: err.message }));
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (c: Buffer) => {
				size += c.length;
				if (size <= MAX_BODY) chunks.push(c);
			});
			res.on('end', () =>
				done({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }),
			);
			res.on('error', (err) => done({ status: res.statusCode, body: '', error: err.message }));
		});
		req.end(init.body);
	});
}
