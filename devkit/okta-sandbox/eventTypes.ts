/**
 * The sandbox's view of Okta's event type catalog (nodes/events/eventTypeCatalog.ts, vendored
 * from Okta's event-types.json): which types exist, which an event hook may subscribe to
 * (tagged `event-hook-eligible`), and their readable names.
 */
import {
	allEventTypes,
	eventHookEventTypes,
	findEventType,
	type OktaEventType,
} from '../../nodes/events/eventTypeCatalog';
import type { EventTypeEligibility } from './hooks';

export { allEventTypes, eventHookEventTypes, findEventType, type OktaEventType };

/** Whether an event hook may subscribe to the type, per Okta's catalog. */
export const eventHookEligibility: EventTypeEligibility = (eventType) => {
	const entry = findEventType(eventType);
	return !entry ? 'unknown' : entry.eventHook ? 'eligible' : 'ineligible';
};

/** Throws unless the type is in Okta's catalog (the sandbox emits only types Okta has). */
export function requireCatalogType(eventType: unknown): OktaEventType {
	const entry = typeof eventType === 'string' ? findEventType(eventType) : undefined;
	if (!entry)
		throw new Error(
			`okta-sandbox: ${JSON.stringify(eventType)} is not an event type of Okta's catalog (nodes/events/eventTypeCatalog.json)`,
		);
	return entry;
}
