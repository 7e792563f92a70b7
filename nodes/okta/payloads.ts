/** The parts of Okta's payloads the nodes read (OpenAPI schemas LogEvent, LogActor, LogTarget; the event hook delivery). */

export interface LogActor {
	id?: string | null;
	type?: string | null;
	alternateId?: string | null;
	displayName?: string | null;
	detailEntry?: Record<string, unknown> | null;
}

export interface LogTarget extends LogActor {
	changeDetails?: unknown;
}

/** Okta documents every field, but any may be missing or null in practice. */
export interface LogEvent {
	uuid?: string | null;
	published?: string | null;
	eventType?: string | null;
	version?: string | null;
	displayMessage?: string | null;
	actor?: LogActor | null;
	target?: LogTarget[] | null;
	debugContext?: { debugData?: Record<string, unknown> | null } | null;
	[field: string]: unknown;
}

/** The event-hook delivery envelope around the events (CloudEvents 0.1 shape). */
export interface DeliveryEnvelope {
	eventType?: string;
	eventId?: string;
	eventTime?: string;
	source?: string;
	data: { events: unknown[] };
}
