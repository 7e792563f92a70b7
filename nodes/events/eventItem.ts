import type { IDataObject } from 'n8n-workflow';

import type { DeliveryEnvelope, LogActor, LogEvent, LogTarget } from '../okta/payloads';

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

/** Okta sends no fixed order of targets: the user is the target typed `User`, the factor is the other one. */
function isUserTarget(target: LogTarget): boolean {
	return typeof target?.type === 'string' && target.type.toLowerCase() === 'user';
}

function targets(event: LogEvent): LogTarget[] {
	return Array.isArray(event.target)
		? event.target.filter((t) => t !== null && typeof t === 'object')
		: [];
}

function identity(entity: LogActor | null | undefined): IDataObject {
	return {
		id: entity?.id ?? null,
		alternateId: entity?.alternateId ?? null,
		displayName: entity?.displayName ?? null,
		type: entity?.type ?? null,
	};
}

/**
 * The Okta Workflows card "MFA Preregistration Initiated", field by field.
 * Every key is always present; `null` where Okta sent nothing.
 */
const CARD_FIELDS: Record<string, (source: CardInput) => unknown> = {
	dateAndTime: ({ event }) => event.published ?? null,
	message: ({ event }) => event.displayMessage ?? null,
	eventId: ({ envelope }) => envelope?.eventId ?? null,
	eventType: ({ event }) => event.eventType ?? null,
	eventTime: ({ envelope }) => envelope?.eventTime ?? null,
	version: ({ event }) => event.version ?? null,
	actor: ({ event }) => identity(event.actor),
	oktaUser: ({ event }) => identity(targets(event).find(isUserTarget)),
	mfaFactor: ({ event }) => {
		const factor = targets(event).find((target) => !isUserTarget(target));
		// detailEntry key casing is unpublished: pass it through untouched.
		return { ...identity(factor), detail: factor?.detailEntry ?? null };
	},
	uuid: ({ event }) => event.uuid ?? null,
	eventDetails: ({ event }) => event,
	headers: ({ headers }) => headers ?? null,
	source: ({ envelope }) => envelope?.source ?? null,
	debugContext: ({ event }) => ({ debugData: event.debugContext?.debugData ?? null }),
};

export function toCardItem(source: CardInput): IDataObject {
	const item: IDataObject = {};
	for (const [key, read] of Object.entries(CARD_FIELDS))
		item[key] = read(source) as IDataObject[string];
	return item;
}
