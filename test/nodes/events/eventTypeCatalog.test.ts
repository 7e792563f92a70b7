import {
	EVENT_TYPE_CATALOG_SOURCE,
	allEventTypes,
	checkEventTypes,
	eventHookEventTypes,
	eventTypeOptions,
	findEventType,
} from '../../../nodes/events/eventTypeCatalog';
import catalogFile from '../../../nodes/events/eventTypeCatalog.json';

const MFA = 'system.mfa.preregister.initiate';
/** Okta lists these, but not for event hooks (the System Log has them). */
const NOT_FOR_HOOKS = ['zone.update', 'system.agent.ad.upload_log'];

function errorOf(run: () => unknown): string {
	try {
		run();
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error('expected an error');
}

describe("Okta's event type catalog", () => {
	it("names where it came from: Okta's file at a commit, and its release", () => {
		expect(EVENT_TYPE_CATALOG_SOURCE).toEqual({
			url: expect.stringMatching(
				/^https:\/\/raw\.githubusercontent\.com\/okta\/okta-developer-docs\/[0-9a-f]{40}\/packages\/@okta\/vuepress-site\/data\/event-types\.json$/,
			),
			commit: expect.stringMatching(/^[0-9a-f]{40}$/),
			date: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			release: expect.stringMatching(/^\d{4}\.\d\d\.\d+$/),
		});
		expect(EVENT_TYPE_CATALOG_SOURCE.url).toContain(EVENT_TYPE_CATALOG_SOURCE.commit);
	});

	it('lists every event type once, sorted by id, each with a name and a category', () => {
		const types = allEventTypes();
		expect(types.length).toBe(catalogFile.eventTypes.length);
		expect(types.length).toBeGreaterThan(1000);
		const ids = types.map((type) => type.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual([...ids].sort());
		for (const type of types) {
			expect(type.name.trim()).toBe(type.name);
			expect(type.name.length).toBeGreaterThan(0);
			expect(type.name.length).toBeLessThanOrEqual(100);
			expect(type.category).toMatch(/^[a-z0-9-]+$/);
		}
	});

	it('knows the MFA preregistration event: beta, and allowed in event hooks', () => {
		expect(findEventType(MFA)).toEqual({
			id: MFA,
			name: 'Admin triggered MFA preregistration flow',
			category: 'passwordless',
			eventHook: true,
			beta: true,
		});
	});

	it('finds ids exactly as Okta spells them, and nothing else', () => {
		expect(findEventType('user.session.start')?.eventHook).toBe(true);
		expect(findEventType('mim.createEnrollment.IOS')).toBeDefined();
		expect(findEventType('mim.createenrollment.ios')).toBeUndefined();
		expect(findEventType(` ${MFA}`)).toBeUndefined();
		expect(findEventType('no.such.event')).toBeUndefined();
	});

	it("leaves out Okta's internal event types", () => {
		expect(findEventType('security.internal.threat.detected')).toBeUndefined();
		expect(findEventType('user.internal.risk.change')).toBeUndefined();
	});

	it('gives the event-hook-eligible subset, a few hundred of the whole', () => {
		const hooks = eventHookEventTypes();
		expect(hooks.every((type) => type.eventHook)).toBe(true);
		expect(hooks.length).toBe(allEventTypes().filter((type) => type.eventHook).length);
		expect(hooks.length).toBeGreaterThan(200);
		expect(hooks.length).toBeLessThan(allEventTypes().length);
		expect(hooks.map((type) => type.id)).toContain(MFA);
		for (const id of NOT_FOR_HOOKS) {
			expect(findEventType(id)?.eventHook).toBe(false);
			expect(hooks.map((type) => type.id)).not.toContain(id);
		}
	});

	it('cannot be changed by a caller', () => {
		const type = findEventType(MFA)!;
		expect(() => ((type as { eventHook: boolean }).eventHook = false)).toThrow(TypeError);
		expect(() => (allEventTypes() as unknown[]).push({})).toThrow(TypeError);
		expect(findEventType(MFA)?.eventHook).toBe(true);
	});
});

describe('the options for a multiOptions parameter', () => {
	it('name each type "<readable name> (<id>)", with the id as value', () => {
		const option = eventTypeOptions('eventHook').find((entry) => entry.value === MFA);
		expect(option).toEqual({
			name: `Admin triggered MFA preregistration flow (${MFA})`,
			value: MFA,
			description: 'Okta lists this event type as beta',
		});
		const plain = eventTypeOptions('all').find((entry) => entry.value === 'zone.update');
		expect(plain).toEqual({ name: 'Network zone update (zone.update)', value: 'zone.update' });
	});

	it('name a type Okta gives no description by its id alone', () => {
		const option = eventTypeOptions('all').find((entry) => entry.value === 'mim.command.ios.new');
		expect(option).toEqual({ name: 'mim.command.ios.new', value: 'mim.command.ios.new' });
	});

	it("are sorted by name, as n8n's options lint rule wants (localeCompare)", () => {
		for (const which of ['eventHook', 'all'] as const) {
			const names = eventTypeOptions(which).map((option) => option.name);
			expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
			expect(new Set(names).size).toBe(names.length);
		}
	});

	it('offer only event-hook-eligible types for an event hook, every type otherwise', () => {
		const hookValues = eventTypeOptions('eventHook').map((option) => option.value);
		expect(hookValues.sort()).toEqual(eventHookEventTypes().map((type) => type.id));
		expect(eventTypeOptions('all')).toHaveLength(allEventTypes().length);
	});
});

describe("checking a user's selection", () => {
	it('returns the ids, trimmed, each once, in the order given', () => {
		expect(checkEventTypes([MFA, ' user.session.start ', MFA], 'eventHook')).toEqual([
			MFA,
			'user.session.start',
		]);
	});

	it('takes a comma-separated string, as an expression may give', () => {
		expect(checkEventTypes(`${MFA}, zone.update`, 'all')).toEqual([MFA, 'zone.update']);
	});

	it('lets polling follow types an event hook may not have', () => {
		expect(checkEventTypes(NOT_FOR_HOOKS, 'all')).toEqual(NOT_FOR_HOOKS);
	});

	it('refuses an empty selection, clearly', () => {
		for (const empty of [[], '', ' , ', undefined, null, ['', '  ']]) {
			expect(() => checkEventTypes(empty, 'all')).toThrow('Choose at least one Okta event type');
		}
		expect(() => checkEventTypes([], 'eventHook')).toThrow(
			'Choose at least one Okta event type for the event hook to deliver',
		);
	});

	it('names an unknown id, and says it may have been retired', () => {
		expect(errorOf(() => checkEventTypes([MFA, 'user.retired.event'], 'all'))).toBe(
			`Okta has no event type "user.retired.event" (it may have been retired, or be newer than this node's catalog of Okta ${EVENT_TYPE_CATALOG_SOURCE.release}).`,
		);
	});

	it('names every unknown id', () => {
		const message = errorOf(() => checkEventTypes(['a.b', MFA, 'c.d', 'e.f'], 'eventHook'));
		expect(message).toMatch(/^Okta has no event types "a\.b", "c\.d" and "e\.f" \(they may have/);
	});

	it('names every id Okta does not allow in event hooks', () => {
		const message = errorOf(() => checkEventTypes([MFA, ...NOT_FOR_HOOKS], 'eventHook'));
		expect(message).toBe(
			'Okta does not allow "zone.update" and "system.agent.ad.upload_log" in event hooks (only event types Okta tags event-hook-eligible can be delivered by a hook; the System Log still records them).',
		);
	});

	it('names unknown and ineligible ids together, in one error', () => {
		const message = errorOf(() => checkEventTypes(['x.y.z', 'zone.update'], 'eventHook'));
		expect(message).toContain('Okta has no event type "x.y.z" (it may have been retired');
		expect(message).toContain('Okta does not allow "zone.update" in event hooks');
	});

	it('refuses what is not a list of ids', () => {
		expect(() => checkEventTypes({ id: MFA }, 'all')).toThrow(
			'Event types must be a list of Okta event type ids, not object',
		);
		expect(() => checkEventTypes([MFA, 42], 'all')).toThrow(
			'Event types must be Okta event type ids (text), not 42',
		);
	});
});
