import type { IDataObject } from 'n8n-workflow';

import type { DeliveryEnvelope, LogActor, LogEvent, LogTarget } from '../okta/payloads';
import { MFA_PREREGISTRATION_EVENT } from './mfaPreregistration';

/** An event and the event-hook delivery it came in, with the delivery's HTTP headers. */
export interface CardSource {
	event: LogEvent;
	envelope: DeliveryEnvelope;
	headers: IDataObject;
}

/**
 * What one item is made from: a delivered event, or an event read from the System Log, which has
 * no delivery around it: its delivery-only fields (`eventId`, `eventTime`, `source`, `headers`) are `null`.
 */
export type CardInput = CardSource | { event: LogEvent; envelope?: undefined; headers?: undefined };

/**
 * Which items a node emits: `card` is Okta Workflows' "MFA Preregistration Initiated" card exactly
 * (the MFA triggers' output, which existing workflows rely on); `event` is the Okta Trigger's: the
 * fields every event card shares, plus outcome, client and every target.
 */
export type ItemProfile = 'card' | 'event';

/** Okta sends no fixed order of targets: the user is the target typed `User`. */
function isUserTarget(target: LogTarget): boolean {
	return typeof target?.type === 'string' && target.type.toLowerCase() === 'user';
}

function targets(event: LogEvent): LogTarget[] {
	return Array.isArray(event.target)
		? event.target.filter((t) => t !== null && typeof t === 'object')
		: [];
}

function targetTyped(event: LogEvent, type: string): LogTarget | undefined {
	return targets(event).find((t) => typeof t.type === 'string' && t.type === type);
}

function identity(entity: LogActor | null | undefined): IDataObject {
	return {
		id: entity?.id ?? null,
		alternateId: entity?.alternateId ?? null,
		displayName: entity?.displayName ?? null,
		type: entity?.type ?? null,
	};
}

/** A target with its details; detailEntry key casing is unpublished: passed through untouched. */
function withDetail(target: LogTarget | undefined): IDataObject {
	return { ...identity(target), detail: (target?.detailEntry ?? null) as IDataObject | null };
}

type Read = (source: CardInput) => unknown;

interface ItemField {
	name: string;
	read: Read;
	/** The profiles whose items have it (both when absent). */
	only?: ItemProfile;
	/** Only for events of these types (a type's card adds it); the MFA card is of its type. */
	eventTypes?: readonly string[];
}

const GROUP_EVENTS = ['group.user_membership.add', 'group.user_membership.remove'];
const APP_EVENTS = [
	'application.user_membership.add',
	'application.user_membership.remove',
	'application.user_membership.change_username',
	'application.user_membership.update',
];

/**
 * Every field an item can have, in the order the item shows them: the fields Okta Workflows' event
 * cards share, the fields a type's card adds, and what the Okta Trigger adds to every event.
 * Every key of a row is always present; `null` where Okta sent nothing.
 */
const ITEM_FIELDS: readonly ItemField[] = [
	{ name: 'dateAndTime', read: ({ event }) => event.published ?? null },
	{ name: 'message', read: ({ event }) => event.displayMessage ?? null },
	{ name: 'eventId', read: ({ envelope }) => envelope?.eventId ?? null },
	{ name: 'eventType', read: ({ event }) => event.eventType ?? null },
	{ name: 'eventTime', read: ({ envelope }) => envelope?.eventTime ?? null },
	{ name: 'version', read: ({ event }) => event.version ?? null },
	{ name: 'actor', read: ({ event }) => identity(event.actor) },
	{
		name: 'oktaUser',
		only: 'card',
		read: ({ event }) => identity(targets(event).find(isUserTarget)),
	},
	// Okta User, or for an event about something else, the first target.
	{
		name: 'oktaUser',
		only: 'event',
		read: ({ event }) => identity(targets(event).find(isUserTarget) ?? targets(event)[0]),
	},
	{
		name: 'mfaFactor',
		eventTypes: [MFA_PREREGISTRATION_EVENT],
		read: ({ event }) => withDetail(targets(event).find((target) => !isUserTarget(target))),
	},
	{
		name: 'group',
		eventTypes: GROUP_EVENTS,
		read: ({ event }) => withDetail(targetTyped(event, 'UserGroup')),
	},
	{
		name: 'app',
		eventTypes: APP_EVENTS,
		read: ({ event }) => withDetail(targetTyped(event, 'AppInstance')),
	},
	{ name: 'uuid', read: ({ event }) => event.uuid ?? null },
	{ name: 'eventDetails', read: ({ event }) => event },
	{ name: 'headers', read: ({ headers }) => headers ?? null },
	{ name: 'source', read: ({ envelope }) => envelope?.source ?? null },
	{
		name: 'debugContext',
		read: ({ event }) => ({ debugData: event.debugContext?.debugData ?? null }),
	},
	{
		name: 'outcome',
		only: 'event',
		read: ({ event }) => {
			const outcome = (event.outcome ?? {}) as IDataObject;
			return { result: outcome.result ?? null, reason: outcome.reason ?? null };
		},
	},
	{ name: 'client', only: 'event', read: ({ event }) => event.client ?? null },
	{ name: 'targets', only: 'event', read: ({ event }) => targets(event).map(withDetail) },
];

/** The rows of one profile for one event type, worked out once per type. */
const fieldsByType = new Map<string, readonly ItemField[]>();

function fieldsFor(profile: ItemProfile, eventType: unknown): readonly ItemField[] {
	// The card is the MFA preregistration's, whatever an event says its type is.
	const type = profile === 'card' ? MFA_PREREGISTRATION_EVENT : String(eventType);
	const key = `${profile} ${type}`;
	let fields = fieldsByType.get(key);
	if (!fields) {
		fields = ITEM_FIELDS.filter(
			(field) =>
				(field.only === undefined || field.only === profile) &&
				(field.eventTypes === undefined || field.eventTypes.includes(type)),
		);
		// Bounded: the profiles times the types an org sends (unknown types share one entry).
		if (fieldsByType.size < 2_000) fieldsByType.set(key, fields);
	}
	return fields;
}

/** One event (and its delivery, if any) as one item of the profile. */
export function toEventItem(source: CardInput, profile: ItemProfile = 'event'): IDataObject {
	const item: IDataObject = {};
	for (const field of fieldsFor(profile, source.event.eventType))
		item[field.name] = field.read(source) as IDataObject[string];
	return item;
}

/** The Okta Workflows card "MFA Preregistration Initiated", field by field. */
export function toCardItem(source: CardInput): IDataObject {
	return toEventItem(source, 'card');
}
