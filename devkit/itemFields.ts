/**
 * The fields the triggers' items must carry, as the README's Output tables promise them: the
 * specification the tests hold the nodes to (nodes/events/eventItem.ts is the implementation).
 */

/** The MFA Preregistration card's fields, in order. */
export const CARD_FIELDS = [
	'dateAndTime',
	'message',
	'eventId',
	'eventType',
	'eventTime',
	'version',
	'actor',
	'oktaUser',
	'mfaFactor',
	'uuid',
	'eventDetails',
	'headers',
	'source',
	'debugContext',
];

/** Every Okta Trigger item's fields (a type's card may add more: mfaFactor, group, app). */
export const EVENT_ITEM_FIELDS = [
	...CARD_FIELDS.filter((field) => field !== 'mfaFactor'),
	'outcome',
	'client',
	'targets',
];
