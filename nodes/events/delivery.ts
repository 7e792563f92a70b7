import { createHash, timingSafeEqual } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';

import type { CardSource } from './eventItem';
import type { DeliveryEnvelope, LogEvent } from '../okta/payloads';
import { headerValue } from '../okta/http';
import type { SeenEvents } from './seenEvents';

/** What to answer Okta, or the events of an accepted delivery (n8n answers it once it runs them). */
export type DeliveryVerdict =
	| { status: 200; body: { verification: string } }
	| { status: 400 | 401; body: { error: string } }
	| { status: 200; events: CardSource[] };

export const CHALLENGE_HEADER = 'x-okta-verification-challenge';

type Headers = Record<string, string | string[] | undefined>;

/** Okta's one-time verification GET: echo the challenge back as JSON. */
export function answerVerification(headers: Headers): DeliveryVerdict {
	const challenge = headerValue(headers, CHALLENGE_HEADER);
	if (!challenge) {
		return {
			status: 400,
			body: {
				error: `This URL receives Okta event hook calls. Okta verifies it with a GET carrying the ${CHALLENGE_HEADER} header; other GET requests are not accepted.`,
			},
		};
	}
	return { status: 200, body: { verification: challenge } };
}

/** Constant-time comparison; hashing first makes the lengths equal, so length leaks nothing either. */
export function secretMatches(received: string | undefined, secret: string | undefined): boolean {
	if (!received || !secret) return false;
	const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
	return timingSafeEqual(digest(received), digest(secret));
}

function asObject(value: unknown): Record<string, unknown> | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

/** n8n parses JSON bodies; a body sent with another content type may still arrive as text. */
function parseBody(body: unknown): unknown {
	const text =
		typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
	if (text === undefined) return body;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function readEnvelope(body: unknown): DeliveryEnvelope | undefined {
	const envelope = asObject(parseBody(body));
	const data = asObject(envelope?.data);
	if (!envelope || !data || !Array.isArray(data.events)) return undefined;
	const text = (field: string) =>
		typeof envelope[field] === 'string' ? (envelope[field] as string) : undefined;
	return {
		eventType: text('eventType'),
		eventId: text('eventId'),
		eventTime: text('eventTime'),
		source: text('source'),
		data: { events: data.events },
	};
}

/** The delivery's headers as the item shows them: lower-case keys, never the secret. */
export function visibleHeaders(headers: Headers): IDataObject {
	const visible: IDataObject = {};
	for (const [name, value] of Object.entries(headers)) {
		const key = name.toLowerCase();
		if (key === 'authorization' || value === undefined) continue;
		visible[key] = value;
	}
	return visible;
}

/** When Okta logged the event; events without a readable time go last. */
export function publishedTime(event: LogEvent): number {
	const time = Date.parse(String(event.published ?? ''));
	return Number.isNaN(time) ? Number.POSITIVE_INFINITY : time;
}

/** Oldest first (Okta may deliver out of order); Array.prototype.sort is stable for equal times. */
export function byPublished<T extends { event: LogEvent }>(list: T[]): T[] {
	return list.sort((a, b) => publishedTime(a.event) - publishedTime(b.event));
}

/**
 * Okta's event POST: authenticate it, check its shape, keep its MFA preregistration events, each
 * uuid once, oldest first. Which of them were emitted before is the trigger's to say (claims.ts, which also
 * waits for deliveries in flight); a caller without claims may pass a plain `seen` filter.
 */
export function readDelivery(input: {
	headers: Headers;
	body: unknown;
	secret: string | undefined;
	/** The event types the node listens to: events of other types are ignored. */
	eventTypes: readonly string[];
	seen?: SeenEvents;
}): DeliveryVerdict {
	if (!secretMatches(headerValue(input.headers, 'authorization'), input.secret)) {
		return {
			status: 401,
			body: { error: 'Unauthorized: the Authorization header does not match this event hook.' },
		};
	}
	const envelope = readEnvelope(input.body);
	if (!envelope) {
		return {
			status: 400,
			body: {
				error: 'Bad request: expected an Okta event hook delivery with a data.events array.',
			},
		};
	}
	const headers = visibleHeaders(input.headers);
	const events: LogEvent[] = [];
	const inThisDelivery = new Set<string>();
	for (const candidate of envelope.data.events) {
		const event = asObject(candidate) as LogEvent | undefined;
		if (
			!event ||
			typeof event.eventType !== 'string' ||
			!input.eventTypes.includes(event.eventType)
		)
			continue;
		if (typeof event.uuid === 'string') {
			if (inThisDelivery.has(event.uuid) || input.seen?.has(event.uuid)) continue;
			inThisDelivery.add(event.uuid);
		}
		events.push(event);
	}
	for (const uuid of inThisDelivery) input.seen?.add(uuid);
	return {
		status: 200,
		events: byPublished(events.map((event) => ({ event, envelope, headers }))),
	};
}
