/**
 * A local HTTPS server that behaves like an Okta org for event hooks (see
 * Okta's event hook documentation): the /api/v1/eventHooks management API with SSWS auth, rate
 * limit headers and Okta's error bodies; one-time verification and event deliveries to hook
 * endpoints; fault injection; and a control API under /__sandbox/ for other processes.
 */
import { randomUUID } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import * as https from 'https';
import type { Socket } from 'net';
import { handleControl } from './control';
import * as E from './errors';
import {
	MFA_PREREGISTRATION_EVENT,
	makeDeliveryFailureEvent,
	makeEventOfType,
	makeMfaPreregisterEvent,
} from './events';
import { compileFilterExpression, type EventPredicate } from './eventHookFilter';
import { eventHookEligibility, requireCatalogType } from './eventTypes';
import { FaultList, type ActiveFault } from './faults';
import {
	channelChanged,
	filterProblems,
	HookStore,
	normalizeFilter,
	toApiHook,
	validateHookBody,
	type HookValidationContext,
} from './hooks';
import { SystemLog } from './logs';
import { OAuthServer, TOKEN_PATH } from './oauth';
import type { ServiceApp, ServiceAppInput } from './oauth';
import { call } from './outbound';
import { getTestPki } from './pki';
import type {
	DeepPartial,
	DeliverOptions,
	DeliveryResult,
	EmitEventSpec,
	EmitResult,
	EventHookFilter,
	Fault,
	HookPatch,
	AddLogEventsOptions,
	LogEvent,
	OktaSandbox,
	Op,
	OutboundRecord,
	RecordedRequest,
	SandboxHook,
	SandboxOptions,
	SeedHookInput,
} from './types';

const MAX_REQUEST_BODY = 1024 * 1024;
/** A 'timeout' fault holds the socket this long before closing it, in case the client never gives up. */
const TIMEOUT_FAULT_CLOSE_MS = 60_000;
const USER_AGENT = 'Okta-Integrations';

interface Route {
	op: Op;
	id?: string;
	/** A known path with a method it does not support. */
	badMethod?: boolean;
}

export function classify(method: string, path: string): Route {
	const m = method.toUpperCase();
	if (path === '/api/v1/eventHooks') {
		if (m === 'GET') return { op: 'list' };
		if (m === 'POST') return { op: 'create' };
		return { op: 'other', badMethod: true };
	}
	let match = /^\/api\/v1\/eventHooks\/([^/]+)$/.exec(path);
	if (match) {
		const id = safeDecode(match[1]);
		const op = ({ GET: 'get', PUT: 'replace', DELETE: 'delete' } as Record<string, Op>)[m];
		return op ? { op, id } : { op: 'other', id, badMethod: true };
	}
	match = /^\/api\/v1\/eventHooks\/([^/]+)\/lifecycle\/(activate|deactivate|verify)$/.exec(path);
	if (match) {
		const id = safeDecode(match[1]);
		return m === 'POST' ? { op: match[2] as Op, id } : { op: 'other', id, badMethod: true };
	}
	if (path === '/api/v1/logs')
		return m === 'GET' ? { op: 'logs' } : { op: 'other', badMethod: true };
	if (path === TOKEN_PATH) return m === 'POST' ? { op: 'token' } : { op: 'token', badMethod: true };
	return { op: 'other' };
}

class Sandbox implements OktaSandbox {
	url = '';
	readonly token: string;
	readonly caCertPem: string;
	readonly caCertPath: string;
	readonly requests: RecordedRequest[] = [];
	readonly outbound: OutboundRecord[] = [];

	private readonly store = new HookStore();
	private readonly faults = new FaultList();
	private readonly opts: Required<
		Omit<
			SandboxOptions,
			'port' | 'token' | 'accessTokenLifetimeSeconds' | 'nonDpopAppProof' | 'eventHookFilters'
		>
	>;
	/** The org's Early Access feature "event hook filters", and its value at start (for reset()). */
	private filtersEnabled: boolean;
	private readonly filtersAtStart: boolean;
	/** Compiled filter expressions, by source. */
	private readonly predicates = new Map<string, EventPredicate>();
	private readonly oauth: OAuthServer;
	private readonly server: https.Server;
	private readonly sockets = new Set<Socket>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private rateWindow = { start: 0, count: 0 };
	private readonly log = new SystemLog();
	/** Requests to /api/v1/logs in the current minute: Okta's per-org bucket for the System Log. */
	private logWindow = { start: 0, count: 0 };
	private closed = false;

	constructor(options: SandboxOptions) {
		const pki = getTestPki();
		this.token = options.token ?? `00${E.randomAlnum(40)}`;
		this.caCertPem = pki.caCertPem;
		this.caCertPath = pki.caCertPath;
		this.opts = {
			verificationTimeoutMs: options.verificationTimeoutMs ?? 3000,
			verificationRetryDelayMs: options.verificationRetryDelayMs ?? 3000,
			deliveryTimeoutMs: options.deliveryTimeoutMs ?? 3000,
			deliveryRetryDelayMs: options.deliveryRetryDelayMs ?? 1000,
			hookLimit: options.hookLimit ?? 25,
			rateLimitPerMinute: options.rateLimitPerMinute ?? 100,
			logRateLimitPerMinute: options.logRateLimitPerMinute ?? 60,
		};
		this.filtersEnabled = this.filtersAtStart = options.eventHookFilters ?? false;
		this.oauth = new OAuthServer(() => this.url, {
			accessTokenLifetimeSeconds: options.accessTokenLifetimeSeconds,
			nonDpopAppProof: options.nonDpopAppProof,
		});
		this.server = https.createServer(
			{ key: pki.serverKeyPem, cert: pki.serverCertPem },
			(req, res) => {
				this.handle(req, res).catch((err) => {
					// Never crash: whatever went wrong becomes Okta's 500.
					if (!res.headersSent && !res.destroyed)
						this.send(res, 500, E.internalError(), {}, undefined);
					else res.destroy();
					if (process.env.OKTA_SANDBOX_DEBUG) console.error('okta-sandbox:', err);
				});
			},
		);
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		// TLS handshake failures (a client not trusting the CA) must not become uncaught errors.
		this.server.on('tlsClientError', () => undefined);
	}

	async listen(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, '127.0.0.1', () => {
				this.server.off('error', reject);
				resolve();
			});
		});
		const address = this.server.address();
		if (!address || typeof address === 'string') throw new Error('unexpected server address');
		this.url = `https://127.0.0.1:${address.port}`;
	}

	// ---------- inspection and drift ----------

	hooks(): SandboxHook[] {
		return this.store.all().map((h) => structuredClone(h));
	}

	hook(id: string): SandboxHook | undefined {
		const h = this.store.get(id);
		return h && structuredClone(h);
	}

	seedHook(input: SeedHookInput): SandboxHook {
		const n = this.store.count() + 1;
		const items = input.eventTypes ?? [MFA_PREREGISTRATION_EVENT];
		const filter = input.filter ? checkedFilter(input.filter, items) : null;
		const hook = this.store.insert(
			{
				name: input.name ?? `Seeded event hook ${n} ${E.randomAlnum(4)}`,
				description: null,
				events: { type: 'EVENT_TYPE', items: [...items], filter },
				channel: {
					type: 'HTTP',
					version: '1.0.0',
					config: {
						uri: input.uri,
						headers: input.headers ?? [],
						method: 'POST',
						...(input.secret !== undefined
							? {
									authScheme: {
										type: 'HEADER' as const,
										key: input.authKey ?? 'Authorization',
										value: input.secret,
									},
								}
							: {}),
					},
				},
			},
			{
				status: input.status ?? 'ACTIVE',
				verificationStatus: input.verificationStatus ?? 'VERIFIED',
				createdBy: input.createdBy ?? E.oktaId('00u'),
			},
		);
		return structuredClone(hook);
	}

	updateHook(id: string, patch: HookPatch): void {
		const hook = this.store.get(id);
		if (!hook) throw new Error(`okta-sandbox: no hook ${id}`);
		const config = hook.channel.config;
		if (patch.name !== undefined) hook.name = patch.name;
		if (patch.status !== undefined) hook.status = patch.status;
		if (patch.verificationStatus !== undefined) hook.verificationStatus = patch.verificationStatus;
		if (patch.uri !== undefined) config.uri = patch.uri;
		if (patch.eventTypes !== undefined) hook.events.items = [...patch.eventTypes];
		if (patch.filter !== undefined)
			hook.events.filter = patch.filter && checkedFilter(patch.filter, hook.events.items);
		if (patch.headers !== undefined) config.headers = structuredClone(patch.headers);
		if (patch.secret === null) delete config.authScheme;
		else if (patch.secret !== undefined || patch.authKey !== undefined) {
			config.authScheme = {
				type: 'HEADER',
				key: patch.authKey ?? config.authScheme?.key ?? 'Authorization',
				value: patch.secret ?? config.authScheme?.value ?? '',
			};
		}
		hook.lastUpdated = new Date().toISOString();
	}

	removeHook(id: string): void {
		this.store.delete(id);
	}

	clearRequests(): void {
		this.requests.length = 0;
	}

	// ---------- OAuth 2.0 service apps ----------

	addServiceApp(input: ServiceAppInput): ServiceApp {
		return this.oauth.addApp(input);
	}

	rotateDpopNonce(): string {
		return this.oauth.rotateNonce();
	}

	expireAccessTokens(): void {
		this.oauth.expireTokens();
	}

	setAccessTokenLifetime(seconds: number): void {
		this.oauth.setTokenLifetime(seconds);
	}

	get tokenUrl(): string {
		return this.oauth.tokenUrl;
	}

	// ---------- events ----------

	makeEvent(overrides?: DeepPartial<LogEvent>): LogEvent {
		return makeMfaPreregisterEvent(overrides);
	}

	makeEventOfType(eventType: string, overrides?: DeepPartial<LogEvent>): LogEvent {
		return makeEventOfType(eventType, overrides);
	}

	async emitEvents(
		specs: Array<string | EmitEventSpec>,
		options: DeliverOptions = {},
	): Promise<EmitResult> {
		const wanted = specs.map((spec) => (typeof spec === 'string' ? { eventType: spec } : spec));
		for (const spec of wanted) {
			requireCatalogType(spec.eventType);
			const count = spec.count ?? 1;
			if (!Number.isInteger(count) || count < 0)
				throw new Error(`okta-sandbox: count must be an integer >= 0, got ${spec.count}`);
		}
		const events = wanted.flatMap((spec) =>
			Array.from({ length: spec.count ?? 1 }, () =>
				makeEventOfType(spec.eventType, spec.overrides),
			),
		);
		return { events, deliveries: await this.deliver(events, options) };
	}

	setEventHookFilters(enabled: boolean): void {
		this.filtersEnabled = enabled;
	}

	get eventHookFiltersEnabled(): boolean {
		return this.filtersEnabled;
	}

	/** Whether a hook's filter lets the event through (always, without the feature or a filter for its type). */
	private passesFilter(hook: SandboxHook, event: LogEvent): boolean {
		if (!this.filtersEnabled || !hook.events.filter) return true;
		const entry = hook.events.filter.eventFilterMap.find((e) => e.event === event.eventType);
		if (!entry) return true;
		const source = entry.condition.expression;
		let predicate = this.predicates.get(source);
		if (!predicate) {
			predicate = compileFilterExpression(source);
			this.predicates.set(source, predicate);
		}
		return predicate(event as unknown as Record<string, unknown>);
	}

	private validation(): HookValidationContext {
		return { filtersEnabled: this.filtersEnabled, eligibility: eventHookEligibility };
	}

	get systemLog(): LogEvent[] {
		return this.log.events();
	}

	addLogEvents(events: LogEvent[] | number, options: AddLogEventsOptions = {}): LogEvent[] {
		const list =
			typeof events === 'number'
				? Array.from({ length: events }, () =>
						this.makeEventOfType(options.eventType ?? MFA_PREREGISTRATION_EVENT),
					)
				: events;
		return this.log.add(list, { lagSeconds: options.lagSeconds });
	}

	setLogRateLimit(perMinute: number): void {
		if (!(perMinute >= 0)) throw new Error(`perMinute must be >= 0, got ${perMinute}`);
		this.opts.logRateLimitPerMinute = perMinute;
	}

	async emit(count = 1): Promise<DeliveryResult[]> {
		return this.deliver(Array.from({ length: count }, () => this.makeEvent()));
	}

	async deliver(events: LogEvent[], options: DeliverOptions = {}): Promise<DeliveryResult[]> {
		// Every event a hook delivers is first a System Log event.
		this.log.add(events);

		let targets: Array<{ hook: SandboxHook; events: LogEvent[] }>;
		if (options.hookId) {
			const hook = this.store.get(options.hookId);
			if (!hook) throw new Error(`okta-sandbox: no hook ${options.hookId}`);
			targets = [{ hook, events }];
		} else {
			// Okta delivers only to ACTIVE and VERIFIED hooks, only the event types they subscribe to,
			// and, with the event hook filters feature, only the events their filter lets through.
			targets = this.store
				.all()
				.filter((h) => h.status === 'ACTIVE' && h.verificationStatus === 'VERIFIED')
				.map((hook) => ({
					hook,
					events: events.filter(
						(e) => hook.events.items.includes(e.eventType) && this.passesFilter(hook, e),
					),
				}))
				.filter((t) => t.events.length > 0);
		}
		return Promise.all(
			targets.map((t) => this.deliverTo(structuredClone(t.hook), t.events, options)),
		);
	}

	private async deliverTo(
		hook: SandboxHook,
		events: LogEvent[],
		options: DeliverOptions,
	): Promise<DeliveryResult> {
		const deliveryId = options.deliveryId ?? randomUUID();
		const body = JSON.stringify({
			eventType: 'com.okta.event_hook',
			eventTypeVersion: '1.0',
			cloudEventsVersion: '0.1',
			source: `${this.url}/api/v1/eventHooks/${hook.id}`,
			eventId: deliveryId,
			eventTime: new Date().toISOString(),
			contentType: 'application/json',
			data: { events },
		});
		const headers = {
			'Content-Type': 'application/json',
			Accept: 'application/json',
			'User-Agent': USER_AGENT,
			...this.hookHeaders(hook),
		};
		const result: DeliveryResult = {
			hookId: hook.id,
			url: hook.channel.config.uri,
			deliveryId,
			attempts: [],
		};
		const sends = options.duplicate ? 2 : 1;
		let attempt = 0;
		for (let send = 0; send < sends; send++) {
			for (let tryNo = 1; tryNo <= 2; tryNo++) {
				if (tryNo === 2) await this.sleep(this.opts.deliveryRetryDelayMs);
				const r = await this.callHook(
					'delivery',
					hook,
					'POST',
					headers,
					body,
					this.opts.deliveryTimeoutMs,
					++attempt,
					deliveryId,
				);
				result.attempts.push({
					status: r.status,
					error: r.error,
					body: r.body,
					durationMs: r.durationMs,
				});
				// Okta retries once on a timeout / network error or a 5xx, never on a 4xx.
				const retryable = r.status === undefined || r.status >= 500;
				if (!retryable || options.retry === false) break;
			}
			const last = result.attempts[result.attempts.length - 1];
			if (last.status === undefined || last.status < 200 || last.status >= 300) {
				// Okta gave up on this delivery: the System Log says so.
				const reason = last.status === undefined ? String(last.error) : `HTTP ${last.status}`;
				const about = { id: hook.id, name: hook.name, uri: hook.channel.config.uri };
				this.log.add([makeDeliveryFailureEvent(about, deliveryId, reason)]);
			}
		}
		return result;
	}

	/** Custom headers first, then the authScheme header, as the hook's channel defines them. */
	private hookHeaders(hook: SandboxHook): Record<string, string> {
		const headers: Record<string, string> = {};
		for (const h of hook.channel.config.headers) headers[h.key] = h.value;
		const auth = hook.channel.config.authScheme;
		if (auth) headers[auth.key] = auth.value;
		return headers;
	}

	private async callHook(
		kind: OutboundRecord['kind'],
		hook: SandboxHook,
		method: 'GET' | 'POST',
		headers: Record<string, string>,
		body: string,
		timeoutMs: number,
		attempt: number,
		deliveryId: string,
	) {
		const record: OutboundRecord = {
			kind,
			hookId: hook.id,
			url: hook.channel.config.uri,
			headers,
			body,
			durationMs: 0,
			attempt,
			deliveryId,
			at: new Date().toISOString(),
		};
		this.outbound.push(record);
		const r = await call(hook.channel.config.uri, {
			method,
			headers,
			body: body || undefined,
			timeoutMs,
			ca: this.caCertPem,
		});
		Object.assign(record, {
			status: r.status,
			responseBody: r.body,
			error: r.error,
			durationMs: r.durationMs,
		});
		return r;
	}

	/** Okta's one-time verification: a GET with a challenge, one retry after a pause. */
	private async verify(hook: SandboxHook): Promise<boolean> {
		const challenge = E.randomAlnum(40);
		for (let attempt = 1; attempt <= 2; attempt++) {
			if (attempt === 2) await this.sleep(this.opts.verificationRetryDelayMs);
			const headers = {
				Accept: 'application/json',
				'User-Agent': USER_AGENT,
				'X-Okta-Request-Id': E.requestId(),
				...this.hookHeaders(hook),
				'X-Okta-Verification-Challenge': challenge,
			};
			const r = await this.callHook(
				'verification',
				hook,
				'GET',
				headers,
				'',
				this.opts.verificationTimeoutMs,
				attempt,
				challenge,
			);
			if (r.status === 200 && answersChallenge(r.body, challenge)) return true;
		}
		return false;
	}

	// ---------- faults ----------

	injectFault(fault: Fault): void {
		this.faults.add(fault);
	}

	rateLimit(op: Op | string, times: number, resetInSeconds: number): void {
		this.faults.add({ op: op as Op, times, kind: 'status', status: 429 }, { resetInSeconds });
	}

	clearFaults(): void {
		this.faults.clear();
	}

	reset(): void {
		this.store.clear();
		this.requests.length = 0;
		this.outbound.length = 0;
		this.log.clear();
		this.logWindow = { start: 0, count: 0 };
		this.faults.clear();
		this.filtersEnabled = this.filtersAtStart;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const s of this.sockets) s.destroy();
		await closing;
	}

	private sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const t = setTimeout(() => {
				this.timers.delete(t);
				resolve();
			}, ms);
			this.timers.add(t);
		});
	}

	// ---------- HTTP ----------

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const raw = await readBody(req);
		const url = new URL(req.url ?? '/', 'https://sandbox.invalid');
		const path = url.pathname;
		const method = (req.method ?? 'GET').toUpperCase();

		if (path.startsWith('/__sandbox/')) {
			const r = await handleControl(this, method, path.slice('/__sandbox'.length), raw);
			return this.send(res, r.status, r.body, {}, undefined);
		}

		const route = classify(method, path);
		const record: RecordedRequest = {
			op: route.op,
			method,
			path,
			query: Object.fromEntries(url.searchParams),
			headers: { ...req.headers },
			body: raw.text === '' ? undefined : raw.json !== undefined ? raw.json : raw.text,
			at: new Date().toISOString(),
		};
		this.requests.push(record);

		const fault = this.faults.take(route.op, method, path);
		if (fault && (await this.applyFault(fault, req, res, record))) return;
		const logBucket = route.op === 'logs' ? this.logRateHeaders() : undefined;
		if (logBucket?.['X-Rate-Limit-Remaining'] === '-1') {
			logBucket['X-Rate-Limit-Remaining'] = '0';
			return this.send(res, 429, E.tooManyRequests(), logBucket, record);
		}

		if (route.op === 'token') {
			if (route.badMethod)
				return this.send(res, 405, E.methodNotAllowed(), { Allow: 'POST' }, record);
			const r = await this.oauth.token(req.headers, raw.text);
			return this.send(res, r.status, r.body, r.headers ?? {}, record);
		}
		if (!path.startsWith('/api/v1/')) {
			return this.send(res, 404, E.notFound(`Resource not found: ${path}`), {}, record);
		}
		if (/^SSWS /i.test(req.headers.authorization ?? '') || !req.headers.authorization) {
			if (req.headers.authorization !== `SSWS ${this.token}`)
				return this.send(res, 401, E.invalidToken(), {}, record);
		} else {
			// A service app's access token: DPoP proof, expiry, scopes, admin role.
			const refused = await this.oauth.authorize(route.op, method, url, req.headers);
			if (refused)
				return this.send(res, refused.status, refused.body, refused.headers ?? {}, record);
		}
		if (route.badMethod)
			return this.send(res, 405, E.methodNotAllowed(), { Allow: allowFor(path) }, record);
		if (route.op === 'other')
			return this.send(res, 404, E.notFound(`Resource not found: ${path}`), {}, record);
		if (raw.tooLarge) return this.send(res, 400, E.malformedBody(), {}, record);

		const r = await this.api(route, raw, url);
		return this.send(res, r.status, r.body, { ...logBucket, ...r.headers }, record);
	}

	/** True when the fault answered (or swallowed) the request; false to go on handling it normally. */
	private async applyFault(
		fault: ActiveFault,
		req: IncomingMessage,
		res: ServerResponse,
		record: RecordedRequest,
	): Promise<boolean> {
		const kind =
			fault.kind ??
			(fault.status === undefined && fault.delayMs !== undefined ? 'delay' : 'status');
		if (kind === 'delay') {
			await this.sleep(fault.delayMs ?? 0);
			return false;
		}
		if (kind === 'reset') {
			req.socket.destroy();
			return true;
		}
		if (kind === 'timeout') {
			const t = setTimeout(() => {
				this.timers.delete(t);
				req.socket.destroy();
			}, TIMEOUT_FAULT_CLOSE_MS);
			this.timers.add(t);
			res.on('close', () => {
				clearTimeout(t);
				this.timers.delete(t);
			});
			return true;
		}
		const status = fault.status ?? 500;
		const headers: Record<string, string> = { ...(fault.headers ?? {}) };
		if (fault.resetInSeconds !== undefined) {
			headers['X-Rate-Limit-Remaining'] = '0';
			headers['X-Rate-Limit-Reset'] = String(Math.floor(Date.now() / 1000) + fault.resetInSeconds);
		} else if (status === 429) {
			// Okta's 429 always says the bucket is empty; Reset stays the current window's end.
			if (!Object.keys(headers).some((k) => k.toLowerCase() === 'x-rate-limit-remaining'))
				headers['X-Rate-Limit-Remaining'] = '0';
		}
		this.send(
			res,
			status,
			fault.body !== undefined ? fault.body : status === 204 ? undefined : E.errorForStatus(status),
			headers,
			record,
		);
		return true;
	}

	private async api(
		route: Route,
		raw: RawBody,
		url: URL,
	): Promise<{ status: number; body?: unknown; headers?: Record<string, string | string[]> }> {
		const org = this.url;
		if (route.op === 'list')
			return { status: 200, body: this.store.all().map((h) => toApiHook(h, org)) };
		if (route.op === 'logs') return this.log.query(url, org);

		if (route.op === 'create' || route.op === 'replace') {
			if (raw.json === undefined) return { status: 400, body: E.malformedBody() };
		}
		if (route.op === 'create') {
			const v = validateHookBody(raw.json, this.validation());
			if (!v.ok) return { status: 400, body: E.validationFailed(v.causes) };
			if (this.store.nameTaken(v.value.name)) {
				return {
					status: 400,
					body: E.validationFailed([
						'name: An object with this field already exists in the current organization',
					]),
				};
			}
			if (this.store.count() >= this.opts.hookLimit) {
				return {
					status: 400,
					body: E.validationFailed([
						`The limit of ${this.opts.hookLimit} event hooks has been reached.`,
					]),
				};
			}
			const hook = this.store.insert(v.value, { createdBy: '00u1admin0sandbox0x7' });
			return { status: 200, body: toApiHook(hook, org) };
		}

		const hook = route.id ? this.store.get(route.id) : undefined;
		if (!hook) return { status: 404, body: E.hookNotFound(route.id ?? '') };
		const touch = () => (hook.lastUpdated = new Date().toISOString());

		switch (route.op) {
			case 'get':
				return { status: 200, body: toApiHook(hook, org) };
			case 'replace': {
				const v = validateHookBody(raw.json, this.validation());
				if (!v.ok) return { status: 400, body: E.validationFailed(v.causes) };
				if (this.store.nameTaken(v.value.name, hook.id)) {
					return {
						status: 400,
						body: E.validationFailed([
							'name: An object with this field already exists in the current organization',
						]),
					};
				}
				if (channelChanged(hook.channel, v.value.channel)) hook.verificationStatus = 'UNVERIFIED';
				Object.assign(hook, v.value);
				touch();
				return { status: 200, body: toApiHook(hook, org) };
			}
			case 'activate':
			case 'deactivate':
				hook.status = route.op === 'activate' ? 'ACTIVE' : 'INACTIVE';
				touch();
				return { status: 200, body: toApiHook(hook, org) };
			case 'delete':
				if (hook.status === 'ACTIVE') {
					return {
						status: 400,
						body: E.validationFailed([
							'The event hook must be deactivated before it can be deleted.',
						]),
					};
				}
				this.store.delete(hook.id);
				return { status: 204 };
			case 'verify': {
				if (hook.status !== 'ACTIVE') {
					return {
						status: 400,
						body: E.validationFailed([
							`Unable to verify event hook. Hook ${hook.id} is not active.`,
						]),
					};
				}
				const ok = await this.verify(structuredClone(hook));
				const current = this.store.get(hook.id);
				if (!current) return { status: 404, body: E.hookNotFound(hook.id) };
				if (!ok) {
					return {
						status: 400,
						body: E.validationFailed([
							`Unable to verify event hook. Hook ${hook.id} execution failed.`,
						]),
					};
				}
				current.verificationStatus = 'VERIFIED';
				current.lastUpdated = new Date().toISOString();
				return { status: 200, body: toApiHook(current, org) };
			}
			default:
				return { status: 404, body: E.notFound('Resource not found') };
		}
	}

	private send(
		res: ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string | string[]>,
		record: RecordedRequest | undefined,
	) {
		if (record) {
			record.status = status;
			record.response = body;
		}
		if (res.headersSent || res.destroyed) return;
		res.statusCode = status;
		for (const [k, v] of Object.entries(this.rateHeaders())) res.setHeader(k, v);
		res.setHeader('X-Okta-Request-Id', E.requestId());
		for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
		if (status === 204 || body === undefined) return void res.end();
		res.setHeader('Content-Type', 'application/json');
		res.end(JSON.stringify(body));
	}

	/**
	 * The System Log's own per-minute bucket, enforced: its headers for this request, with
	 * Remaining -1 when the request is over the limit (answered 429).
	 */
	private logRateHeaders(): Record<string, string> {
		const now = Date.now();
		const minute = Math.floor(now / 60_000) * 60_000;
		if (this.logWindow.start !== minute) this.logWindow = { start: minute, count: 0 };
		this.logWindow.count++;
		const limit = this.opts.logRateLimitPerMinute;
		return {
			'X-Rate-Limit-Limit': String(limit),
			'X-Rate-Limit-Remaining': String(
				this.logWindow.count > limit ? -1 : limit - this.logWindow.count,
			),
			'X-Rate-Limit-Reset': String((minute + 60_000) / 1000),
		};
	}

	/** Per-minute window counted over all requests; reported, not enforced (rateLimit() forces 429s). */
	private rateHeaders(): Record<string, string> {
		const now = Date.now();
		const minute = Math.floor(now / 60_000) * 60_000;
		if (this.rateWindow.start !== minute) this.rateWindow = { start: minute, count: 0 };
		this.rateWindow.count++;
		const limit = this.opts.rateLimitPerMinute;
		return {
			'X-Rate-Limit-Limit': String(limit),
			'X-Rate-Limit-Remaining': String(Math.max(0, limit - this.rateWindow.count)),
			'X-Rate-Limit-Reset': String((minute + 60_000) / 1000),
		};
	}
}

/** A side-door filter (seedHook, updateHook) in Okta's stored shape; throws when Okta would refuse it. */
function checkedFilter(filter: EventHookFilter, items: string[]): EventHookFilter {
	const problems = filterProblems(filter, items);
	if (problems.length) throw new Error(`okta-sandbox: ${problems.join(' ')}`);
	return normalizeFilter(filter);
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

function allowFor(path: string): string {
	if (path === '/api/v1/eventHooks') return 'GET, POST';
	if (path.includes('/lifecycle/')) return 'POST';
	if (path === '/api/v1/logs') return 'GET';
	return 'GET, PUT, DELETE';
}

function answersChallenge(body: string, challenge: string): boolean {
	try {
		const parsed = JSON.parse(body) as unknown;
		return (
			typeof parsed === 'object' &&
			parsed !== null &&
			(parsed as { verification?: unknown }).verification === challenge
		);
	} catch {
		return false;
	}
}

export interface RawBody {
	text: string;
	/** Parsed JSON; undefined when empty or not JSON. */
	json?: unknown;
	tooLarge?: boolean;
}

function readBody(req: IncomingMessage): Promise<RawBody> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > MAX_REQUEST_BODY) tooLarge = true;
			else chunks.push(c);
		});
		req.on('error', () => resolve({ text: '', tooLarge }));
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			let json: unknown;
			if (text.trim() !== '' && !tooLarge) {
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
			}
			resolve({ text, json, tooLarge });
		});
	});
}

export async function startOktaSandbox(options: SandboxOptions = {}): Promise<OktaSandbox> {
	const sandbox = new Sandbox(options);
	await sandbox.listen(options.port ?? 0);
	return sandbox;
}
