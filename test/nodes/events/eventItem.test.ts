import { toCardItem } from '../../../nodes/events/eventItem';
import type { CardSource } from '../../../nodes/events/eventItem';
import { makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';

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
