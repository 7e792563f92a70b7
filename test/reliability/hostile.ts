/**
 * What the hostile-input suites share: the delivery secret, the envelope Okta wraps events in,
 * fast-check arbitraries for hostile JSON, wrong Authorization headers and bodies that are not an
 * Okta delivery, and the check for prototype pollution.
 */
import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';

export const SECRET = 'x5V3kq0yq8dQm1cTz9S2hPj4Lw7Rb6Nn0aEo3uYf2Gk';

const prototypeKeys = () =>
	[Object.prototype, Array.prototype, Function.prototype].map((proto) =>
		Object.getOwnPropertyNames(proto).join(','),
	);
const cleanPrototypes = prototypeKeys();
/** Whether anything added keys to the built-in prototypes or made `{}` carry polluted values. */
export function polluted(): boolean {
	const now = prototypeKeys();
	const probe = {} as Record<string, unknown>;
	return (
		now.some((keys, index) => keys !== cleanPrototypes[index]) ||
		probe.polluted !== undefined ||
		probe.isAdmin !== undefined
	);
}

/** Okta's delivery envelope around `events`. */
export function envelope(events: unknown[], overrides: Record<string, unknown> = {}) {
	return {
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: 'https://acme.okta.com/api/v1/eventHooks/whoHostile',
		eventId: `evt-${Math.random().toString(36).slice(2)}`,
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
		data: { events },
		...overrides,
	};
}
/** The headers of an authenticated delivery. */
export const okHeaders = (extra: IncomingHttpHeaders = {}): IncomingHttpHeaders => ({
	'content-type': 'application/json',
	authorization: SECRET,
	...extra,
});

// ---- generators ----

/** Hostile values for any JSON position, including keys that pollute naive merges. */
export const nastyKey = fc.constantFrom(
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'hasOwnProperty',
	'polluted',
	'isAdmin',
);
export const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.constantFrom(
			null,
			true,
			false,
			0,
			-1,
			1e308,
			'',
			'\u0000',
			'\ud800',
			'system.mfa.preregister.initiate',
		),
		fc.string({ unit: 'binary' }),
		fc.double(),
		fc.array(tie('value'), { maxLength: 4 }),
		fc.dictionary(fc.oneof(nastyKey, fc.string()), tie('value'), { maxKeys: 4 }),
	),
})).value;
/** Serialised as JSON text then parsed, as n8n's body parser does: "__proto__" becomes an own key. */
export const parsedJson = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown;

/** Authorization values that must all be refused. */
export const wrongSecret = fc.oneof(
	fc.string(),
	fc.constantFrom(
		'',
		' ',
		SECRET.slice(0, -1),
		`${SECRET} `,
		` ${SECRET}`,
		`${SECRET}A`,
		SECRET.toLowerCase(),
		`Bearer ${SECRET}`,
		`SSWS ${SECRET}`,
		SECRET.slice(0, 32),
		`${SECRET}\u0000`,
	),
	fc.nat({ max: SECRET.length - 1 }).chain((n) =>
		fc
			.string({ minLength: 1 })
			.map((tail) => SECRET.slice(0, n) + tail)
			.filter((value) => value !== SECRET),
	),
);
export const wrongAuthHeaders = fc.oneof(
	wrongSecret.map((value) => ({ authorization: value }) as IncomingHttpHeaders),
	fc.constant({} as IncomingHttpHeaders),
	wrongSecret.map(
		(value) => ({ authorization: [value, SECRET] }) as unknown as IncomingHttpHeaders,
	),
	// Sent as two header lines; Node keeps the first Authorization, as n8n sees it.
	wrongSecret.map(
		(value) => ({ Authorization: value, authorization: SECRET }) as IncomingHttpHeaders,
	),
);

/** Bodies that are not an Okta delivery (right secret). */
export const malformedBody = fc.oneof(
	jsonish
		.map(parsedJson)
		.filter(
			(v) =>
				!(
					v &&
					typeof v === 'object' &&
					Array.isArray((v as { data?: { events?: unknown } }).data?.events)
				),
		),
	fc.string({ unit: 'binary' }),
	fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
	fc.constantFrom(
		'{"data":{"events":[',
		'{"data":',
		'null',
		'[]',
		'"data"',
		'{"data":{"events":{}}}',
		'{"data":{"events":"[]"}}',
		'\u00ff\u00fe{',
	),
	jsonish.map((events) =>
		parsedJson({ data: { events: Array.isArray(events) ? { 0: events } : events } }),
	),
);
