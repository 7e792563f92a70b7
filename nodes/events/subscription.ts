import type { IDataObject } from 'n8n-workflow';

import type { LogSelection } from '../okta/systemLog';
import type { ItemProfile } from './eventItem';

/** Okta's event hook filter (Early Access): an Okta Expression Language condition per event type. */
export interface EventHookFilter extends IDataObject {
	type: 'EXPRESSION_LANGUAGE';
	eventFilterMap: Array<{ event: string; condition: { expression: string } }>;
}

/**
 * What one trigger node listens to: the same parts (hook lifecycle, delivery, recovery, polling)
 * serve the MFA Preregistration presets and the Okta Trigger's chosen event types.
 */
export interface Subscription {
	/** The node as n8n's log names it. */
	readonly label: string;
	/** Okta event type ids, in the order chosen; nothing else becomes an item. */
	readonly eventTypes: readonly string[];
	/** The event hook's filter (sent to Okta as `events.filter`). */
	readonly hookFilter?: EventHookFilter;
	/** More System Log filter, joined to the event types with `and` (the polling trigger's). */
	readonly logFilter?: string;
	/** Which fields an item has. */
	readonly profile: ItemProfile;
}

/** Whether an event of this type is one the node listens to. */
export function subscribes(subscription: Subscription, eventType: unknown): boolean {
	return typeof eventType === 'string' && subscription.eventTypes.includes(eventType);
}

/** The System Log query of the subscription. */
export function logSelectionOf(subscription: Subscription): LogSelection {
	return { eventTypes: subscription.eventTypes, filter: subscription.logFilter };
}
