/**
 * A small client for a running n8n: the internal REST API (cookie login, as the editor does) and
 * the public API (X-N8N-API-KEY). Uses node:https with the test CA, so it needs no global
 * NODE_EXTRA_CA_CERTS in the calling process.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

export interface HttpResponse<T = unknown> {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: T;
}

export interface RequestOptions {
	headers?: Record<string, string>;
	body?: unknown;
	/** Raw body (string); wins over `body`. */
	rawBody?: string;
	timeoutMs?: number;
}

export interface OwnerAccount {
	email: string;
	password: string;
	firstName: string;
	lastName: string;
}

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@example.com',
	password: 'Okta-e2e-Passw0rd',
	firstName: 'Olive',
	lastName: 'Owner',
};

export interface PublicationStatus {
	status: 'published' | 'partial' | 'failed' | string;
	triggers?: Array<{ errorMessage?: string; [key: string]: unknown }>;
	[key: string]: unknown;
}

export class N8nHttpError extends Error {
	constructor(
		message: string,
		readonly response: HttpResponse,
	) {
		super(message);
	}
}

export class N8nHttp {
	private readonly ca?: Buffer;
	private cookie?: string;
	apiKey?: string;
	/** n8n binds the auth cookie to a browser id that must come back with each call. */
	readonly browserId = 'n8n-okta-e2e-browser';

	constructor(
		readonly baseUrl: string,
		caCertPath?: string,
	) {
		if (caCertPath) this.ca = fs.readFileSync(caCertPath);
	}

	async request<T = any>(
		method: string,
		urlOrPath: string,
		options: RequestOptions = {},
	): Promise<HttpResponse<T>> {
		const url = new URL(urlOrPath, this.baseUrl);
		const body =
			options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
		const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
		if (
			body !== undefined &&
			!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
		) {
			headers['content-type'] = 'application/json';
		}
		if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
		const lib = url.protocol === 'https:' ? https : http;
		return await new Promise((resolve, reject) => {
			const req = lib.request(
				url,
				{ method, headers, ca: this.ca, timeout: options.timeoutMs ?? 30000 },
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (c: Buffer) => chunks.push(c));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let json: any = undefined;
						try {
							json = text ? JSON.parse(text) : undefined;
						} catch {
							// not JSON
						}
						resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
					});
					res.on('error', reject);
				},
			);
			req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
			req.on('error', reject);
			if (body !== undefined) req.write(body);
			req.end();
		});
	}

	private async checked<T>(
		method: string,
		path: string,
		options: RequestOptions,
		expect: number[],
	) {
		const res = await this.request<T>(method, path, options);
		if (!expect.includes(res.status)) {
			throw new N8nHttpError(`${method} ${path} -> ${res.status}: ${res.text.slice(0, 1000)}`, res);
		}
		return res;
	}

	private storeCookie(res: HttpResponse) {
		const setCookie = res.headers['set-cookie'] ?? [];
		const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth;
	}

	/** Internal REST API (`/rest/...`) as the logged-in owner; returns the unwrapped `data`. */
	async rest<T = any>(method: string, path: string, body?: unknown, expect = [200]): Promise<T> {
		const res = await this.restRaw<{ data: T }>(method, path, body, expect);
		return res.json?.data as T;
	}

	async restRaw<T = any>(method: string, path: string, body?: unknown, expect = [200]) {
		return await this.checked<T>(
			method,
			`/rest${path}`,
			{ headers: this.sessionHeaders(), body },
			expect,
		);
	}

	/** Headers of the logged-in editor session (auth cookie and browser id). */
	sessionHeaders(): Record<string, string> {
		const headers: Record<string, string> = { 'browser-id': this.browserId };
		if (this.cookie) headers.cookie = this.cookie;
		return headers;
	}

	/** Public API (`/api/v1/...`) with the API key. */
	async api<T = any>(method: string, path: string, body?: unknown, expect = [200]): Promise<T> {
		if (!this.apiKey) throw new Error('no API key: call createApiKey() first');
		const res = await this.checked<T>(
			method,
			`/api/v1${path}`,
			{ headers: { 'X-N8N-API-KEY': this.apiKey }, body },
			expect,
		);
		return res.json;
	}

	async setupOwner(owner: OwnerAccount = DEFAULT_OWNER) {
		const res = await this.checked<any>(
			'POST',
			'/rest/owner/setup',
			{ headers: { 'browser-id': this.browserId }, body: owner },
			[200],
		);
		this.storeCookie(res);
		return res.json?.data;
	}

	async login(owner: Pick<OwnerAccount, 'email' | 'password'> = DEFAULT_OWNER) {
		const res = await this.checked<any>(
			'POST',
			'/rest/login',
			{
				headers: { 'browser-id': this.browserId },
				body: { emailOrLdapLoginId: owner.email, password: owner.password },
			},
			[200],
		);
		this.storeCookie(res);
		return res.json?.data;
	}

	/** Sets up the owner on a fresh n8n, or logs in if it already has one. */
	async setupOrLogin(owner: OwnerAccount = DEFAULT_OWNER) {
		const settings = await this.request<any>('GET', '/rest/settings');
		const needsSetup = settings.json?.data?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup) return await this.setupOwner(owner);
		return await this.login(owner);
	}

	/** Creates an API key with every scope the owner may grant, and uses it from now on. */
	async createApiKey(label = `e2e-${Date.now()}`): Promise<string> {
		let scopes: string[] = [];
		try {
			scopes = await this.rest<string[]>('GET', '/api-keys/scopes');
		} catch {
			scopes = [];
		}
		const data = await this.rest<any>('POST', '/api-keys', { label, scopes, expiresAt: null });
		this.apiKey = data.rawApiKey ?? data.apiKey;
		if (!this.apiKey) throw new Error(`no key in ${JSON.stringify(data)}`);
		return this.apiKey;
	}

	// Public API conveniences.
	async createCredential(name: string, type: string, data: Record<string, unknown>) {
		try {
			return await this.api<{ id: string; name: string; type: string }>('POST', '/credentials', {
				name,
				type,
				data,
			});
		} catch (error) {
			// n8n 2.1x-2.3x add "Allowed HTTP Request Domains" fields to every credential, and their
			// public API's schema then refuses any data for it; the editor's own route takes it.
			if (!(error instanceof N8nHttpError) || !/allowedDomains|prohibited type/.test(error.message))
				throw error;
			return await this.rest<{ id: string; name: string; type: string }>('POST', '/credentials', {
				name,
				type,
				data,
			});
		}
	}

	async createWorkflow(workflow: Record<string, unknown>) {
		return await this.api<any>('POST', '/workflows', workflow);
	}

	/** Replaces the workflow's name, nodes, connections and settings (public API PUT). */
	async updateWorkflow(id: string, workflow: Record<string, unknown>) {
		return await this.api<any>('PUT', `/workflows/${id}`, workflow);
	}

	async getWorkflow(id: string) {
		return await this.api<any>('GET', `/workflows/${id}`);
	}

	/** Publish (n8n 2.x's word); releases whose public API has no such route call it activate. */
	async publishWorkflow(id: string) {
		return await this.apiWithOlderWord(`/workflows/${id}/publish`, `/workflows/${id}/activate`);
	}

	private async apiWithOlderWord(path: string, olderPath: string) {
		try {
			return await this.api<any>('POST', path, {});
		} catch (error) {
			if (!(error instanceof N8nHttpError) || ![404, 405].includes(error.response.status))
				throw error;
			return await this.api<any>('POST', olderPath, {});
		}
	}

	async unpublishWorkflow(id: string) {
		return await this.apiWithOlderWord(`/workflows/${id}/unpublish`, `/workflows/${id}/deactivate`);
	}

	async deleteWorkflow(id: string) {
		return await this.api<any>('DELETE', `/workflows/${id}`);
	}

	async executions(workflowId: string): Promise<any[]> {
		const res = await this.api<any>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=250`,
		);
		return res.data;
	}

	/**
	 * What the editor sends for "Listen for test event" / "Execute workflow" from a trigger. Releases
	 * before 2.1x take the workflow itself in the body (`workflowData`, as their editor sent it);
	 * newer ones read it from the database and ignore that field.
	 */
	async runFromTrigger(id: string, triggerName: string) {
		const workflowData = await this.rest<Record<string, unknown>>('GET', `/workflows/${id}`);
		return await this.rest<any>('POST', `/workflows/${id}/run`, {
			workflowData,
			triggerToStartFrom: { name: triggerName },
		});
	}

	/** `GET /rest/workflows/:id/publication-status` (2.x publication service). */
	async publicationStatus(id: string) {
		return await this.rest<any>('GET', `/workflows/${id}/publication-status`);
	}

	/**
	 * Publishes and waits until n8n settled it; answers the publication service's shape
	 * (`status`: published, partial or failed; `triggers[].errorMessage`). Releases without that
	 * service (before 2.2x; the route answers 404) activate inside the request and refuse it with
	 * the node's error, which becomes the same shape.
	 */
	async publishAndSettle(id: string, timeoutMs = 90000): Promise<PublicationStatus> {
		let refused: N8nHttpError | undefined;
		try {
			await this.publishWorkflow(id);
		} catch (error) {
			if (!(error instanceof N8nHttpError) || error.response.status !== 400) throw error;
			refused = error;
		}
		try {
			await this.publicationStatus(id);
		} catch (error) {
			if (!(error instanceof N8nHttpError) || error.response.status !== 404) throw error;
			if (!refused) return { status: 'published' };
			const body = refused.response.json as { message?: string } | undefined;
			return {
				status: 'failed',
				triggers: [{ errorMessage: body?.message ?? refused.response.text }],
			};
		}
		if (refused) throw refused;
		return await waitFor(
			async () => {
				const s = await this.publicationStatus(id);
				return ['published', 'partial', 'failed'].includes(s?.status) ? s : undefined;
			},
			{ timeoutMs, intervalMs: 500, what: `publication of ${id}` },
		);
	}
}

/** Polls `fn` until it returns a truthy value; returns it. */
export async function waitFor<T>(
	fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
	{
		timeoutMs = 30000,
		intervalMs = 250,
		what = 'condition',
	}: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
	const started = Date.now();
	let lastError: unknown;
	for (;;) {
		try {
			const value = await fn();
			if (value) return value as T;
		} catch (error) {
			lastError = error;
		}
		if (Date.now() - started > timeoutMs) {
			throw new Error(
				`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
			);
		}
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}
