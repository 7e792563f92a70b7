/**
 * Realistic System Log events. No public sample of `system.mfa.preregister.initiate` exists, so
 * the shape follows Okta's event catalog (event-types.json: targets
 * `PreregistrationMFAFactorResourceDetails`, whose properties are the factor's detailEntry keys
 * below) and other Okta events:
 * - targets: the end user (type `User`) and the preregistered factor, in RANDOM order so consumers
 *   must pick targets by type. The factor's `type` string is unpublished: `AuthenticatorEnrollment`
 *   is the sandbox's guess; `factor.type` makes events with another one (or none);
 * - the factor's detailEntry carries the catalog's snake_case keys; whether Okta always sends all
 *   of them is unpublished: `factor.omitDetailKeys` / `factor.detailEntry` make events without.
 * Fields the spec types as non-nullable objects/enums (actor.detailEntry, client.id,
 * authenticationContext.credentialType…) are omitted rather than null, so every event validates
 * against the spec's LogEvent schema; use overrides to test nulls.
 */
import { randomInt, randomUUID } from 'crypto';
import { oktaId, randomAlnum, requestId } from './errors';
import { findEventType } from './eventTypes';
import type { DeepPartial, LogEvent, LogTarget } from './types';

import { MFA_PREREGISTRATION_EVENT } from '../../nodes/events/mfaPreregistration';
export { MFA_PREREGISTRATION_EVENT };

const FIRST = ['Jane', 'Omar', 'Priya', 'Lars', 'Mei', 'Carlos', 'Amara', 'Noah'];
const LAST = ['Doe', 'Haddad', 'Shah', 'Berg', 'Chen', 'Ruiz', 'Okafor', 'Smith'];
const PLACES = [
	{
		city: 'San Francisco',
		state: 'California',
		country: 'United States',
		postalCode: '94105',
		lat: 37.7898,
		lon: -122.3942,
	},
	{
		city: 'Toronto',
		state: 'Ontario',
		country: 'Canada',
		postalCode: 'M5H',
		lat: 43.6532,
		lon: -79.3832,
	},
	{
		city: 'Stockholm',
		state: 'Stockholm County',
		country: 'Sweden',
		postalCode: '111 20',
		lat: 59.3293,
		lon: 18.0686,
	},
];
/** The factor's detailEntry keys, as Okta's event catalog names them. */
export const FACTOR_DETAIL_KEYS = [
	'factor_type',
	'fulfillment_provider',
	'yubico_product_id',
	'yubico_customization_id',
	'yubico_inventory_product_id',
] as const;
/** The sandbox's guess at the factor target's `type` (Okta does not publish it). */
export const FACTOR_TARGET_TYPE = 'AuthenticatorEnrollment';
/** Product ids in the catalog's range ("1" … "54"); names for the factor's displayName. */
const YUBIKEYS = [
	{ productId: '5', product: 'YubiKey 5 NFC' },
	{ productId: '7', product: 'YubiKey 5C NFC' },
	{ productId: '12', product: 'Security Key NFC by Yubico' },
];
const UA =
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const pick = <T>(list: T[]): T => list[randomInt(list.length)];
const randomIp = () => `198.51.100.${randomInt(1, 255)}`;

/** Monotonic `published` so events made in a row are ordered (Okta stamps milliseconds). */
let lastPublished = 0;
function published(): string {
	lastPublished = Math.max(Date.now(), lastPublished + 1);
	return new Date(lastPublished).toISOString();
}

function context(path: string) {
	const place = pick(PLACES);
	const ip = randomIp();
	const geo = {
		city: place.city,
		state: place.state,
		country: place.country,
		postalCode: place.postalCode,
		geolocation: { lat: place.lat, lon: place.lon },
	};
	const reqId = requestId();
	return {
		client: {
			userAgent: { rawUserAgent: UA, os: 'Mac OS X', browser: 'CHROME' },
			zone: 'null',
			device: 'Computer',
			ipAddress: ip,
			geographicalContext: geo,
		},
		device: null,
		authenticationContext: { authenticationStep: 0, externalSessionId: `102${randomAlnum(22)}` },
		securityContext: {
			asNumber: 64496,
			asOrg: 'example isp',
			isp: 'example isp',
			domain: 'example.net',
			isProxy: false,
		},
		request: { ipChain: [{ ip, geographicalContext: geo, version: 'V4' }] },
		transaction: { type: 'WEB', id: reqId, detail: {} },
		debugContext: {
			debugData: {
				requestId: reqId,
				requestUri: path,
				url: path,
				dtHash: randomAlnum(64).toLowerCase(),
			},
		},
	};
}

function person(domain = 'example.com') {
	const first = pick(FIRST);
	const last = pick(LAST);
	return {
		id: oktaId('00u'),
		type: 'User',
		alternateId: `${first}.${last}${randomInt(100)}@${domain}`.toLowerCase(),
		displayName: `${first} ${last}`,
	};
}

const ADMIN = {
	id: '00u1admin0sandbox0x7',
	type: 'User',
	alternateId: 'admin@example.com',
	displayName: 'Ada Admin',
};

/** How the factor target of an event departs from the default (for tests of Okta's unknowns). */
export interface FactorVariant {
	/** The target's `type`; undefined keeps FACTOR_TARGET_TYPE, null leaves the key out. */
	type?: string | null;
	/** detailEntry keys to leave out. */
	omitDetailKeys?: string[];
	/** Replaces detailEntry whole (null included). */
	detailEntry?: Record<string, unknown> | null;
}

/** A preregistered YubiKey's detailEntry, catalog keys, catalog-like values. */
export function makeFactorDetail(productId = pick(YUBIKEYS).productId): Record<string, string> {
	return {
		factor_type: 'FIDO_WEBAUTHN',
		fulfillment_provider: 'yubico',
		yubico_product_id: productId,
		yubico_customization_id: randomAlnum(6).toUpperCase(),
		yubico_inventory_product_id: String(randomInt(12, 48)),
	};
}

function factorTarget(variant: FactorVariant): LogTarget {
	const key = pick(YUBIKEYS);
	let detailEntry: Record<string, unknown> | null = makeFactorDetail(key.productId);
	if (variant.detailEntry !== undefined) detailEntry = variant.detailEntry;
	for (const omitted of variant.omitDetailKeys ?? []) if (detailEntry) delete detailEntry[omitted];
	const target: LogTarget = {
		id: oktaId('fwf'),
		type: FACTOR_TARGET_TYPE,
		alternateId: 'unknown',
		displayName: key.product,
		detailEntry,
	};
	if (variant.type === null) delete target.type;
	else if (variant.type !== undefined) target.type = variant.type;
	return target;
}

export function makeMfaPreregisterEvent(
	overrides?: DeepPartial<LogEvent>,
	factor: FactorVariant = {},
): LogEvent {
	const user = person();
	const factorEntry = factorTarget(factor);
	const userTarget: LogTarget = { ...user };
	const event: LogEvent = {
		uuid: randomUUID(),
		published: published(),
		eventType: MFA_PREREGISTRATION_EVENT,
		version: '0',
		severity: 'INFO',
		displayMessage: 'MFA Preregistration initiated',
		actor: { ...ADMIN },
		outcome: { result: 'SUCCESS' },
		target: randomInt(2) === 0 ? [factorEntry, userTarget] : [userTarget, factorEntry],
		...context('/webauthn-registration/api/v1/initiate-fulfillment-request'),
	};
	return overrides ? deepMerge(event, overrides) : event;
}

const MESSAGES: Record<string, string> = {
	'user.session.start': 'User login to Okta',
	'user.session.end': 'User logout from Okta',
	'user.lifecycle.create': 'Create okta user',
	'user.mfa.factor.activate': 'Activate factor or authenticator',
	'group.user_membership.add': 'Add user to group membership',
};
const GROUPS = ['Sales', 'Support', 'Engineering', 'Finance'];
const APPS = ['Salesforce.com', 'Slack', 'Zoom', 'Workday'];

/** An event type's displayMessage: a known one, else the catalog's name (Okta's description). */
export function displayMessageFor(eventType: string): string {
	if (eventType === MFA_PREREGISTRATION_EVENT) return 'MFA Preregistration initiated';
	return MESSAGES[eventType] ?? findEventType(eventType)?.name ?? `Event ${eventType}`;
}

/** Events the user causes themselves (signing in or out, authenticating): the user is the actor. */
const SELF_SERVICE = /^user\.(session|authentication)\./;

function groupTarget(): LogTarget {
	const name = pick(GROUPS);
	return { id: oktaId('00g'), type: 'UserGroup', alternateId: 'unknown', displayName: name };
}

function appTarget(): LogTarget {
	const name = pick(APPS);
	return { id: oktaId('0oa'), type: 'AppInstance', alternateId: name, displayName: name };
}

/**
 * The targets an event of this type plausibly has, from its id and its catalog name (Okta does
 * not publish per-type target lists): a User for user.* types and names that mention a user (not
 * when the user is the actor), a UserGroup for group.* and names that mention a group, an
 * AppInstance for application.* / app.* and names that mention an app or SSO; users first.
 */
export function targetTypesFor(
	eventType: string,
	name = '',
): Array<'User' | 'UserGroup' | 'AppInstance'> {
	const id = eventType.toLowerCase();
	const words = name.toLowerCase();
	const selfService = SELF_SERVICE.test(id);
	const types: Array<'User' | 'UserGroup' | 'AppInstance'> = [];
	if (
		!selfService &&
		(id.startsWith('user.') || id.includes('user_membership') || /\busers?\b/.test(words))
	)
		types.push('User');
	if (id.startsWith('group.') || /\bgroups?\b/.test(words)) types.push('UserGroup');
	if (
		id.startsWith('application.') ||
		id.startsWith('app.') ||
		/\b(apps?|applications?|sso)\b/.test(words)
	)
		types.push('AppInstance');
	return types;
}

/**
 * A plausible LogEvent of any type: `system.mfa.preregister.initiate` is makeMfaPreregisterEvent's
 * shape exactly; any other type gets version "0", severity INFO, outcome SUCCESS, the display
 * message of the catalog (Okta's description) unless a known one, the admin as actor (the user
 * for user.session.* / user.authentication.*), and the targets of targetTypesFor. A type outside
 * Okta's catalog works too (named "Event <type>"). `overrides` merge in (arrays replace).
 */
export function makeEventOfType(eventType: string, overrides?: DeepPartial<LogEvent>): LogEvent {
	if (eventType === MFA_PREREGISTRATION_EVENT) return makeMfaPreregisterEvent(overrides);
	const user = person();
	const selfService = SELF_SERVICE.test(eventType);
	const name = findEventType(eventType)?.name;
	const target: LogTarget[] = targetTypesFor(eventType, name).map((type) =>
		type === 'User' ? { ...user } : type === 'UserGroup' ? groupTarget() : appTarget(),
	);
	const path = selfService
		? '/idp/idx/identify'
		: eventType.startsWith('group.')
			? '/api/v1/groups'
			: /^app(lication)?\./.test(eventType)
				? '/api/v1/apps'
				: '/api/v1/users';
	const event: LogEvent = {
		uuid: randomUUID(),
		published: published(),
		eventType,
		version: '0',
		severity: 'INFO',
		displayMessage: displayMessageFor(eventType),
		actor: selfService ? { ...user } : { ...ADMIN },
		outcome: { result: 'SUCCESS' },
		target,
		...context(path),
	};
	return overrides ? deepMerge(event, overrides) : event;
}

/**
 * What Okta logs when it gave up on a delivery (its attempt and its one retry failed): an
 * `event_hook.delivery` event with outcome FAILURE, the hook as target. Okta documents that failed
 * deliveries show up as this event type; the fields beyond that are this sandbox's guess.
 */
export function makeDeliveryFailureEvent(
	hook: { id: string; name: string; uri: string },
	deliveryId: string,
	reason: string,
): LogEvent {
	return {
		uuid: randomUUID(),
		published: published(),
		eventType: 'event_hook.delivery',
		version: '0',
		severity: 'WARN',
		displayMessage: 'Event hook delivery',
		actor: { id: hook.id, type: 'EventHook', alternateId: hook.uri, displayName: hook.name },
		outcome: { result: 'FAILURE', reason },
		target: [{ id: hook.id, type: 'EventHook', alternateId: hook.uri, displayName: hook.name }],
		debugContext: { debugData: { eventHookDeliveryId: deliveryId } },
	} as LogEvent;
}

/** Objects merge recursively; arrays and scalars (null included) replace. */
export function deepMerge<T>(base: T, patch: unknown): T {
	if (!isPlain(base) || !isPlain(patch)) return (patch === undefined ? base : patch) as T;
	const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
	for (const [k, v] of Object.entries(patch))
		out[k] = v === undefined ? out[k] : deepMerge(out[k], v);
	return out as T;
}

function isPlain(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}
