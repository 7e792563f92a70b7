import { toCardItem, toEventItem } from '../../../nodes/events/eventItem';
import type { CardSource } from '../../../nodes/events/eventItem';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import { EVENT_ITEM_FIELDS } from '../../../devkit/itemFields';

const CARD_KEYS = [
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

const envelope = {
	eventType: 'com.okta.event_hook',
	eventId: 'd3a9f0b2-3c1e-4f5a-9b6d-7e8f9a0b1c2d',
	eventTime: '2026-11-28T10:00:01.000Z',
	source: 'https://acme.okta.com/api/v1/eventHooks/who1a2b3c4d5e6f7g8h9',
	data: { events: [] },
};
const headers = { 'content-type': 'application/json', 'x-okta-request-id': 'abc' };

function item(event: Record<string, unknown>) {
	return toCardItem({ event, envelope, headers } as CardSource);
}

describe('the card fields of one MFA preregistration event', () => {
	it("maps every field of Okta Workflows' card from the event and its delivery", () => {
		const event = makeMfaPreregisterEvent();
		expectOktaSchema('LogEvent', event);
		const user = event.target!.find((t) => t.type === 'User')!;
		const factor = event.target!.find((t) => t.type !== 'User')!;

		expect(item(event)).toEqual({
			dateAndTime: event.published,
			message: event.displayMessage,
			eventId: envelope.eventId,
			eventType: 'system.mfa.preregister.initiate',
			eventTime: envelope.eventTime,
			version: event.version,
			actor: {
				id: event.actor!.id,
				alternateId: event.actor!.alternateId,
				displayName: event.actor!.displayName,
				type: event.actor!.type,
			},
			oktaUser: {
				id: user.id,
				alternateId: user.alternateId,
				displayName: user.displayName,
				type: 'User',
			},
			mfaFactor: {
				id: factor.id,
				alternateId: factor.alternateId,
				displayName: factor.displayName,
				type: factor.type,
				detail: factor.detailEntry,
			},
			uuid: event.uuid,
			eventDetails: event,
			headers,
			source: envelope.source,
			debugContext: { debugData: event.debugContext!.debugData },
		});
	});

	it('picks the user and the factor by type, whatever their order in the target array', () => {
		const event = makeMfaPreregisterEvent();
		const [first, second] = event.target!;
		const forwards = item({ ...event, target: [first, second] });
		const backwards = item({ ...event, target: [second, first] });
		expect(forwards.oktaUser).toEqual(backwards.oktaUser);
		expect(forwards.mfaFactor).toEqual(backwards.mfaFactor);
		expect((forwards.oktaUser as { type: string }).type).toBe('User');
	});

	it('accepts any non-User factor type and passes detailEntry through untouched, whatever its casing', () => {
		const detail = {
			factor_type: 'webauthn',
			fulfillment_provider: 'yubico',
			Product_ID: 7,
			nested: { a: [1] },
		};
		const event = makeMfaPreregisterEvent();
		event.target = [
			{ id: 'u1', type: 'User', alternateId: 'a@b.c', displayName: 'A' },
			{
				id: 'f1',
				type: 'SomeFutureFactorType',
				alternateId: null,
				displayName: 'Key',
				detailEntry: detail,
			},
		] as never;
		const factor = item(event).mfaFactor as Record<string, unknown>;
		expect(factor.type).toBe('SomeFutureFactorType');
		expect(factor.detail).toBe(detail);
		expect(factor.alternateId).toBeNull();
	});

	it('keeps every key, null where Okta sent nothing', () => {
		const sparse = item({ eventType: 'system.mfa.preregister.initiate' });
		expect(Object.keys(sparse).sort()).toEqual([...CARD_KEYS].sort());
		expect(sparse.dateAndTime).toBeNull();
		expect(sparse.uuid).toBeNull();
		expect(sparse.actor).toEqual({ id: null, alternateId: null, displayName: null, type: null });
		expect(sparse.oktaUser).toEqual({ id: null, alternateId: null, displayName: null, type: null });
		expect(sparse.mfaFactor).toEqual({
			id: null,
			alternateId: null,
			displayName: null,
			type: null,
			detail: null,
		});
		expect(sparse.debugContext).toEqual({ debugData: null });
		const nulls = item({ actor: null, target: null, debugContext: null, published: null });
		expect(nulls.actor).toEqual(sparse.actor);
		expect(nulls.mfaFactor).toEqual(sparse.mfaFactor);
		expect(
			toCardItem({ event: {}, envelope: { data: { events: [] } }, headers: {} }).eventId,
		).toBeNull();
	});

	it('maps an event read from the System Log (no delivery around it): delivery-only fields are null', () => {
		const event = makeMfaPreregisterEvent();
		const fromLog = toCardItem({ event });
		const delivered = item(event);
		expect(Object.keys(fromLog)).toEqual(Object.keys(delivered));
		expect(fromLog).toMatchObject({ eventId: null, eventTime: null, source: null, headers: null });
		const deliveryOnly = ['eventId', 'eventTime', 'source', 'headers'];
		for (const key of CARD_KEYS.filter((k) => !deliveryOnly.includes(k)))
			expect(fromLog[key]).toEqual(delivered[key]);
	});

	it('ignores targets that are not objects', () => {
		const event = makeMfaPreregisterEvent();
		const user = event.target!.find((t) => t.type === 'User')!;
		const mapped = item({ ...event, target: [null, 'x', 3, user] });
		expect((mapped.oktaUser as { id: string }).id).toBe(user.id);
		expect((mapped.mfaFactor as { id: unknown }).id).toBeNull();
	});
});

describe("the Okta Trigger's items (the 'event' profile)", () => {
	const EVENT_KEYS = EVENT_ITEM_FIELDS;
	const CARD_SHARED = CARD_KEYS.filter((key) => key !== 'mfaFactor');

	const user = { id: '00u1', type: 'User', alternateId: 'jane@example.com', displayName: 'Jane' };
	const group = {
		id: '00g1',
		type: 'UserGroup',
		alternateId: 'unknown',
		displayName: 'Engineering',
		detailEntry: { groupType: 'OKTA_GROUP' },
	};
	const app = {
		id: '0oa1',
		type: 'AppInstance',
		alternateId: 'Slack',
		displayName: 'Slack',
		detailEntry: null,
	};
	const eventItem = (event: Record<string, unknown>) =>
		toEventItem({ event, envelope, headers } as CardSource, 'event');

	it("has the card's shared fields, then outcome, client and every target, in that order", () => {
		const event = makeEventOfType('user.lifecycle.create');
		const mapped = eventItem(event);
		expect(Object.keys(mapped)).toEqual(EVENT_KEYS);
		const card = item(makeMfaPreregisterEvent());
		expect(EVENT_KEYS.filter((key) => CARD_KEYS.includes(key))).toEqual(CARD_SHARED);
		expect(Object.keys(card).filter((key) => key !== 'mfaFactor')).toEqual(CARD_SHARED);
		expect(mapped).toMatchObject({
			dateAndTime: event.published,
			message: event.displayMessage,
			eventId: envelope.eventId,
			eventType: 'user.lifecycle.create',
			eventTime: envelope.eventTime,
			uuid: event.uuid,
			eventDetails: event,
			headers,
			source: envelope.source,
			outcome: { result: 'SUCCESS', reason: null },
			client: event.client,
		});
	});

	it('is the default profile', () => {
		const event = makeEventOfType('user.lifecycle.create');
		expect(toEventItem({ event, envelope, headers })).toEqual(eventItem(event));
	});

	it("gives outcome's result and reason, the client as Okta sent it, and every object target with its detail", () => {
		const client = { ipAddress: '198.51.100.7', device: 'Computer', zone: 'null' };
		const mapped = eventItem({
			eventType: 'application.user_membership.add',
			outcome: { result: 'FAILURE', reason: 'INVALID_CREDENTIALS', extra: 1 },
			client,
			target: [app, null, 'x', user],
		});
		expect(mapped.outcome).toEqual({ result: 'FAILURE', reason: 'INVALID_CREDENTIALS' });
		expect(mapped.client).toBe(client);
		expect(mapped.targets).toEqual([
			{ id: '0oa1', type: 'AppInstance', alternateId: 'Slack', displayName: 'Slack', detail: null },
			{
				id: '00u1',
				type: 'User',
				alternateId: 'jane@example.com',
				displayName: 'Jane',
				detail: null,
			},
		]);
	});

	it('keeps every key, null where Okta sent nothing', () => {
		const sparse = toEventItem({ event: { eventType: 'user.lifecycle.create' } });
		expect(Object.keys(sparse)).toEqual(EVENT_KEYS);
		expect(sparse).toMatchObject({
			dateAndTime: null,
			eventId: null,
			headers: null,
			uuid: null,
			outcome: { result: null, reason: null },
			client: null,
			targets: [],
			oktaUser: { id: null, alternateId: null, displayName: null, type: null },
			debugContext: { debugData: null },
		});
		expect(toEventItem({ event: { target: null } }).targets).toEqual([]);
	});

	it('has as oktaUser the User target wherever it is, else the first target', () => {
		const withUser = eventItem({ eventType: 'group.user_membership.add', target: [group, user] });
		expect(withUser.oktaUser).toEqual({
			id: '00u1',
			alternateId: 'jane@example.com',
			displayName: 'Jane',
			type: 'User',
		});
		const withoutUser = eventItem({
			eventType: 'application.lifecycle.update',
			target: [app, group],
		});
		expect(withoutUser.oktaUser).toEqual({
			id: '0oa1',
			alternateId: 'Slack',
			displayName: 'Slack',
			type: 'AppInstance',
		});
		// The card keeps its meaning: no User target, no user.
		expect(toCardItem({ event: { target: [app, group] } }).oktaUser).toEqual({
			id: null,
			alternateId: null,
			displayName: null,
			type: null,
		});
	});

	it('has mfaFactor for an MFA preregistration event only, the same as the card has', () => {
		const mfa = makeMfaPreregisterEvent();
		const mapped = eventItem(mfa);
		expect(mapped.mfaFactor).toEqual(item(mfa).mfaFactor);
		expect(Object.keys(mapped)).toEqual([
			...EVENT_KEYS.slice(0, EVENT_KEYS.indexOf('oktaUser') + 1),
			'mfaFactor',
			...EVENT_KEYS.slice(EVENT_KEYS.indexOf('oktaUser') + 1),
		]);
		for (const other of [
			'user.lifecycle.create',
			'group.user_membership.add',
			'user.session.start',
		])
			expect(eventItem({ ...mfa, eventType: other })).not.toHaveProperty('mfaFactor');
	});

	it('has group, the UserGroup target with its detail, for group.user_membership.add', () => {
		const mapped = eventItem({ eventType: 'group.user_membership.add', target: [user, group] });
		expect(mapped.group).toEqual({
			id: '00g1',
			alternateId: 'unknown',
			displayName: 'Engineering',
			type: 'UserGroup',
			detail: { groupType: 'OKTA_GROUP' },
		});
		expect(Object.keys(mapped)).toContain('group');
		expect(mapped).not.toHaveProperty('mfaFactor');
		expect(mapped).not.toHaveProperty('app');
		const noGroup = eventItem({ eventType: 'group.user_membership.add', target: [user] });
		expect(noGroup.group).toEqual({
			id: null,
			alternateId: null,
			displayName: null,
			type: null,
			detail: null,
		});
		expect(
			eventItem({ eventType: 'user.lifecycle.create', target: [user, group] }),
		).not.toHaveProperty('group');
	});

	it('has app, the AppInstance target, for application.user_membership.add', () => {
		const mapped = eventItem({ eventType: 'application.user_membership.add', target: [user, app] });
		expect(mapped.app).toMatchObject({ id: '0oa1', type: 'AppInstance', detail: null });
		expect(mapped).not.toHaveProperty('group');
	});
});

describe("the MFA triggers' items (the 'card' profile) next to the 'event' profile", () => {
	it("are still exactly the card's keys, in the card's order, for any event", () => {
		const mfa = makeMfaPreregisterEvent();
		expect(Object.keys(toEventItem({ event: mfa, envelope, headers }, 'card'))).toEqual(CARD_KEYS);
		expect(toEventItem({ event: mfa, envelope, headers }, 'card')).toEqual(item(mfa));
		// Items of the 'event' profile made first must not leak into the card.
		toEventItem({ event: { ...mfa, eventType: 'group.user_membership.add' } }, 'event');
		for (const type of ['system.mfa.preregister.initiate', 'group.user_membership.add', 'x.y'])
			expect(Object.keys(toCardItem({ event: { ...mfa, eventType: type } }))).toEqual(CARD_KEYS);
	});
});
