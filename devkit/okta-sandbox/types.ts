/** Public types of the Okta sandbox. Shapes follow Okta's management OpenAPI spec. */
import type { ServiceApp, ServiceAppInput } from './oauth';

export type { ServiceApp, ServiceAppInput } from './oauth';

export type HookStatus = 'ACTIVE' | 'INACTIVE';
export type VerificationStatus = 'VERIFIED' | 'UNVERIFIED';

export type Op =
	| 'list'
	| 'create'
	| 'get'
	| 'replace'
	| 'activate'
	| 'deactivate'
	| 'verify'
	| 'delete'
	| 'logs'
	| 'token'
	| 'other';

export interface SandboxOptions {
	/** Default 0 (random). The server listens on 127.0.0.1 only. */
	port?: number;
	/** The SSWS API token accepted; default random. */
	token?: string;
	/** Okta's verification timeout; default 3000. */
	verificationTimeoutMs?: number;
	/** Okta waits 3 s then retries verification once; default 3000. */
	verificationRetryDelayMs?: number;
	/** Default 3000 (Okta's delivery timeout). */
	deliveryTimeoutMs?: number;
	/** Default 1000. */
	deliveryRetryDelayMs?: number;
	/** Default 25 (event hooks per org). */
	hookLimit?: number;
	/** Value of X-Rate-Limit-Limit; default 100. Reported only, never enforced (use rateLimit()). */
	rateLimitPerMinute?: number;
	/**
	 * Okta's per-org bucket for GET /api/v1/logs, enforced: over it, 429 E0000047 until the minute
	 * ends (Okta's published range: 20 to 120 per minute). Default 60; see setLogRateLimit().
	 */
	logRateLimitPerMinute?: number;
	/** Service-app access tokens' lifetime; default 3600 s. */
	accessTokenLifetimeSeconds?: number;
	/** A DPoP proof from an app without DPoP: 'ignore' (default, Bearer token) or 'reject' (invalid_dpop_proof). */
	nonDpopAppProof?: 'ignore' | 'reject';
	/**
	 * Whether the org has Okta's self-service Early Access feature "event hook filters"; default
	 * false (Okta's default). See setEventHookFilters().
	 */
	eventHookFilters?: boolean;
}

export interface AuthScheme {
	type: 'HEADER';
	key: string;
	/** The secret: kept by the sandbox, never returned by the API. */
	value: string;
}

export interface HeaderPair {
	key: string;
	value: string;
}

export interface EventHookFilter {
	type: 'EXPRESSION_LANGUAGE';
	eventFilterMap: Array<{
		event: string;
		condition: { expression: string; version?: string | null };
	}>;
}

/** The full internal view of a hook, secret included. */
export interface SandboxHook {
	id: string;
	name: string;
	description: string | null;
	status: HookStatus;
	verificationStatus: VerificationStatus;
	events: { type: 'EVENT_TYPE'; items: string[]; filter: EventHookFilter | null };
	channel: {
		type: 'HTTP';
		version: string;
		config: { uri: string; headers: HeaderPair[]; method: 'POST'; authScheme?: AuthScheme };
	};
	created: string;
	lastUpdated: string;
	createdBy?: string;
}

export interface SeedHookInput {
	name?: string;
	uri: string;
	/** Becomes authScheme { type: HEADER, key: authKey ?? 'Authorization', value: secret }. */
	secret?: string;
	authKey?: string;
	headers?: HeaderPair[];
	eventTypes?: string[];
	/** Default ACTIVE. */
	status?: HookStatus;
	/** Default VERIFIED: a hook left behind was usually working. */
	verificationStatus?: VerificationStatus;
	createdBy?: string;
	/** An event hook filter (its entries must name eventTypes; expressions must compile). */
	filter?: EventHookFilter | null;
}

export interface HookPatch {
	name?: string;
	status?: HookStatus;
	verificationStatus?: VerificationStatus;
	uri?: string;
	eventTypes?: string[];
	/** New secret; null removes the authScheme. */
	secret?: string | null;
	authKey?: string;
	headers?: HeaderPair[];
	/** A new event hook filter (checked like seedHook's); null removes it. */
	filter?: EventHookFilter | null;
}

/** Events of one type for emitEvents(). */
export interface EmitEventSpec {
	/** An event type of Okta's catalog (nodes/events/eventTypeCatalog.ts). */
	eventType: string;
	/** Default 1. */
	count?: number;
	/** Merged into each event made (objects recursively; arrays, e.g. `target`, replace). */
	overrides?: DeepPartial<LogEvent>;
}

export interface EmitResult {
	/** The events made, in the order given; each is in the System Log. */
	events: LogEvent[];
	/** One per hook that got any of them (see deliver()). */
	deliveries: DeliveryResult[];
}

export interface RecordedRequest {
	op: Op;
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON when the body was JSON, the raw text otherwise, undefined when empty. */
	body: unknown;
	/** Undefined while pending, or when a fault never answered / reset the socket. */
	status?: number;
	/** Parsed JSON response body (undefined for 204). */
	response?: unknown;
	/** ISO time the request arrived. */
	at: string;
}

export interface OutboundRecord {
	kind: 'verification' | 'delivery';
	hookId: string;
	url: string;
	headers: Record<string, string>;
	/** The body sent ('' for the verification GET). */
	body: string;
	status?: number;
	responseBody?: string;
	error?: string;
	durationMs: number;
	/** 1 for the first try, 2 for Okta's retry; a duplicate delivery counts on (3, 4). */
	attempt: number;
	/** The envelope eventId for deliveries, the challenge for verifications. */
	deliveryId?: string;
	at: string;
}

export interface DeliveryAttempt {
	status?: number;
	error?: string;
	/** The hook endpoint's response body. */
	body: string;
	durationMs: number;
}

export interface DeliveryResult {
	hookId: string;
	url: string;
	/** The envelope eventId (identical across the retry and any duplicate). */
	deliveryId: string;
	attempts: DeliveryAttempt[];
}

export interface DeliverOptions {
	/** Deliver to this hook only, whatever its status, verification or subscriptions, with all events. */
	hookId?: string;
	deliveryId?: string;
	/** Okta's one retry on timeout / 5xx; default true. */
	retry?: boolean;
	/** Send the same delivery (same eventId and body) a second time afterwards, as at-least-once allows. */
	duplicate?: boolean;
}

export interface Fault {
	op?: Op;
	method?: string;
	/** A string matches the path (no query) exactly; a RegExp is tested against it. */
	path?: string | RegExp;
	/** Default 1; Infinity allowed. */
	times?: number;
	/** Matching requests let through before the fault applies (e.g. 1: the second page fails); default 0. */
	skip?: number;
	status?: number;
	body?: unknown;
	headers?: Record<string, string>;
	/** Default 'status' (or 'delay' when only delayMs is given). */
	kind?: 'status' | 'timeout' | 'reset' | 'delay';
	delayMs?: number;
}

export interface LogActor {
	id?: string;
	type?: string;
	alternateId?: string;
	displayName?: string;
	detailEntry?: Record<string, unknown> | null;
}

export interface LogTarget extends LogActor {
	changeDetails?: { from?: Record<string, unknown>; to?: Record<string, unknown> } | null;
}

export interface LogGeographicalContext {
	city?: string;
	state?: string;
	country?: string;
	postalCode?: string;
	geolocation?: { lat?: number; lon?: number };
}

export interface LogEvent {
	uuid: string;
	published: string;
	eventType: string;
	version: string;
	severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
	legacyEventType?: string | null;
	displayMessage: string;
	actor: LogActor;
	client?: {
		userAgent?: { rawUserAgent?: string; os?: string; browser?: string };
		zone?: string;
		device?: string;
		id?: string;
		ipAddress?: string;
		geographicalContext?: LogGeographicalContext;
	} | null;
	device?: Record<string, unknown> | null;
	outcome: { result: string; reason?: string | null };
	target?: LogTarget[];
	transaction?: { type?: string; id?: string; detail?: Record<string, unknown> };
	debugContext?: { debugData?: Record<string, unknown> };
	authenticationContext?: Record<string, unknown>;
	securityContext?: Record<string, unknown>;
	request?: { ipChain?: Array<Record<string, unknown>> };
	[key: string]: unknown;
}

export interface AddLogEventsOptions {
	/** Events made by addLogEvents(count): this type (default system.mfa.preregister.initiate). */
	eventType?: string;
	/** Each event's `published` is set this long before now, its persistence now: Okta's delayed persistence. */
	lagSeconds?: number;
}

export type DeepPartial<T> =
	T extends Array<infer U>
		? Array<DeepPartial<U>>
		: T extends object
			? { [K in keyof T]?: DeepPartial<T[K]> | null }
			: T;

export interface OktaSandbox {
	/** Org URL, e.g. https://127.0.0.1:43123 (no trailing slash). */
	url: string;
	token: string;
	caCertPem: string;
	caCertPath: string;
	hooks(): SandboxHook[];
	hook(id: string): SandboxHook | undefined;
	seedHook(input: SeedHookInput): SandboxHook;
	updateHook(id: string, patch: HookPatch): void;
	removeHook(id: string): void;
	requests: RecordedRequest[];
	clearRequests(): void;
	outbound: OutboundRecord[];
	makeEvent(overrides?: DeepPartial<LogEvent>): LogEvent;
	/** A plausible event of any type (see events.ts makeEventOfType); not logged, not delivered. */
	makeEventOfType(eventType: string, overrides?: DeepPartial<LogEvent>): LogEvent;
	deliver(events: LogEvent[], options?: DeliverOptions): Promise<DeliveryResult[]>;
	emit(count?: number): Promise<DeliveryResult[]>;
	/**
	 * Okta records events of the given catalog types (a string is one event of that type) in the
	 * System Log and delivers them like deliver(): each ACTIVE, VERIFIED hook gets, in one
	 * delivery, those of the types it subscribes to that pass its filter. Throws for a type
	 * outside Okta's catalog.
	 */
	emitEvents(events: Array<string | EmitEventSpec>, options?: DeliverOptions): Promise<EmitResult>;
	/** Turns the org's Early Access feature "event hook filters" on or off. */
	setEventHookFilters(enabled: boolean): void;
	/** Whether the org has the feature "event hook filters". */
	readonly eventHookFiltersEnabled: boolean;
	/** Every System Log event (delivered, emitted or added), in persistence order; a copy. */
	readonly systemLog: LogEvent[];
	/**
	 * Persists events (or `count` new ones) in the System Log without delivering them, e.g. 10,000
	 * for a backlog or `{ lagSeconds: 5 }` for events persisted after later-published ones. Events
	 * already in the log are skipped; returns the ones added.
	 */
	addLogEvents(events: LogEvent[] | number, options?: AddLogEventsOptions): LogEvent[];
	/** Changes the System Log's requests-per-minute limit (see SandboxOptions.logRateLimitPerMinute). */
	setLogRateLimit(perMinute: number): void;
	injectFault(fault: Fault): void;
	rateLimit(op: Op | string, times: number, resetInSeconds: number): void;
	clearFaults(): void;
	/**
	 * Clears hooks, requests, deliveries, the System Log and faults, and sets the event hook
	 * filters feature back to its start option; keeps the API token and the service apps.
	 */
	reset(): void;
	close(): Promise<void>;
	/** Registers an OAuth 2.0 service app (API Services app) with its public key; see oauth.ts. */
	addServiceApp(input: ServiceAppInput): ServiceApp;
	/** The token endpoint's DPoP nonce changes, as Okta's does every 24 h. Returns the new one. */
	rotateDpopNonce(): string;
	/** Every access token issued so far expires now. */
	expireAccessTokens(): void;
	/** Lifetime (`expires_in`) of the tokens issued from now on. */
	setAccessTokenLifetime(seconds: number): void;
	/** The token endpoint's URL, the client assertions' `aud`. */
	tokenUrl: string;
}
