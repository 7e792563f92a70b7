import * as fs from 'fs';
import { parse } from 'yaml';
import {
	makeEventOfType,
	makeMfaPreregisterEvent,
	FACTOR_DETAIL_KEYS,
	FACTOR_TARGET_TYPE,
	MFA_PREREGISTRATION_EVENT,
} from '../../../devkit/okta-sandbox/events';
import { expectOktaSchema, specPath, validateOktaSchema } from '../../../devkit/okta-spec/schemas';

const examples = (parse(fs.readFileSync(specPath(), 'utf8')) as any).components.examples;

describe('Okta schema validation', () => {
	it.each([
		'RetrieveAnEventHook',
		'RetrieveADeactivatedEventHook',
		'RetrieveAnEventHookWithFilter',
	])('the spec example %s is a valid EventHook response (strict)', (name) => {
		expect(
			validateOktaSchema('EventHook', examples[name].value, { direction: 'response' }),
		).toEqual([]);
	});

	it('the spec example CreateAnEventHook is a valid EventHook request (strict)', () => {
		expect(validateOktaSchema('EventHook', examples.CreateAnEventHook.value)).toEqual([]);
		expect(examples.CreateAnEventHook.value.channel.config.authScheme.value).toEqual(
			expect.any(String),
		);
	});

	it.each([
		'ErrorApiValidationFailed',
		'ErrorResourceNotFound',
		'ErrorTooManyRequests',
		'ErrorInvalidTokenProvided',
	])('the spec example %s is a valid Error', (name) =>
		expect(validateOktaSchema('Error', examples[name].value)).toEqual([]),
	);

	it('the strict variant catches typos the published schema lets through', () => {
		const typo = structuredClone(examples.CreateAnEventHook.value);
		typo.channel.config.authScheme.vlaue = typo.channel.config.authScheme.value;
		delete typo.channel.config.authScheme.value;
		typo.chanel = {};
		expect(validateOktaSchema('EventHook', typo, { loose: true })).toEqual([]);
		const errors = validateOktaSchema('EventHook', typo);
		expect(errors).toEqual(
			expect.arrayContaining([
				expect.stringContaining("'vlaue'"),
				expect.stringContaining("'chanel'"),
			]),
		);
	});

	it('a response must not carry the write-only authScheme.value', () => {
		const leaked = structuredClone(examples.RetrieveAnEventHook.value);
		leaked.channel.config.authScheme.value = 'secret';
		expect(validateOktaSchema('EventHook', leaked)).toEqual([]);
		expect(validateOktaSchema('EventHook', leaked, { direction: 'response' })).toEqual([
			"/channel/config/authScheme must NOT have additional properties 'value'",
		]);
	});

	it('checks enums, required fields, formats and nullable', () => {
		const hook = structuredClone(examples.RetrieveAnEventHook.value);
		hook.status = 'PAUSED';
		hook.created = 'yesterday';
		delete hook.events;
		hook.description = null;
		const errors = validateOktaSchema('EventHook', hook);
		expect(errors.join('\n')).toMatch(/status.*allowed values/);
		expect(errors.join('\n')).toMatch(/created.*date-time/);
		expect(errors.join('\n')).toMatch(/required property 'events'/);
		expect(errors.join('\n')).not.toMatch(/description/);
	});

	it('expectOktaSchema throws a readable error; unknown schema names throw', () => {
		expect(() => expectOktaSchema('Error', { errorCode: 42 })).toThrow(
			/Does not match Okta schema Error:\n {2}\/errorCode must be string/,
		);
		expect(() => validateOktaSchema('NoSuchSchema', {})).toThrow(/No schema named NoSuchSchema/);
	});
});

describe('event factory', () => {
	it('makes valid, realistic system.mfa.preregister.initiate events', () => {
		const e = makeMfaPreregisterEvent();
		expectOktaSchema('LogEvent', e, { direction: 'response' });
		expect(e).toMatchObject({
			eventType: MFA_PREREGISTRATION_EVENT,
			version: '0',
			severity: 'INFO',
			displayMessage: 'MFA Preregistration initiated',
			outcome: { result: 'SUCCESS' },
			actor: { type: 'User', alternateId: 'admin@example.com' },
		});
		expect(e.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		const user = e.target!.find((t) => t.type === 'User')!;
		const factor = e.target!.find((t) => t.type !== 'User')!;
		expect(user.alternateId).toMatch(/@example\.com$/);
		// The keys of Okta's event catalog (PreregistrationMFAFactorResourceDetails), catalog-like values.
		expect(factor.detailEntry).toEqual({
			factor_type: expect.any(String),
			fulfillment_provider: 'yubico',
			yubico_product_id: expect.stringMatching(/^\d+$/),
			yubico_customization_id: expect.stringMatching(/^[0-9A-Z]{6}$/),
			yubico_inventory_product_id: expect.stringMatching(/^\d+$/),
		});
		expect(Object.keys(factor.detailEntry!)).toEqual([...FACTOR_DETAIL_KEYS]);
		expect(e.request?.ipChain?.[0].ip).toBe(e.client?.ipAddress);
		expect(e.debugContext?.debugData?.requestUri).toBe(
			'/webauthn-registration/api/v1/initiate-fulfillment-request',
		);
		expect(e.transaction?.id).toEqual(expect.any(String));
		expect(e.authenticationContext).toBeDefined();
		expect(e.securityContext).toBeDefined();
	});

	it('puts the factor target first sometimes, so consumers must pick by type', () => {
		const firstTypes = new Set(
			Array.from({ length: 60 }, () => makeMfaPreregisterEvent().target![0].type),
		);
		expect(firstTypes).toEqual(new Set(['User', FACTOR_TARGET_TYPE]));
	});

	it('makes events whose factor departs from the default, for tests of what Okta does not publish', () => {
		// The sandbox's factor ids start with fwf, as Okta's factor ids do.
		const factorOf = (e: ReturnType<typeof makeMfaPreregisterEvent>) =>
			e.target!.find((t) => t.id?.startsWith('fwf'))!;
		const otherType = factorOf(makeMfaPreregisterEvent(undefined, { type: 'MfaFactor' }));
		expect(otherType.type).toBe('MfaFactor');
		const noType = makeMfaPreregisterEvent(undefined, { type: null });
		expect(noType.target!.filter((t) => !('type' in t))).toHaveLength(1);
		const partial = factorOf(
			makeMfaPreregisterEvent(undefined, {
				omitDetailKeys: ['yubico_customization_id', 'factor_type'],
			}),
		);
		expect(Object.keys(partial.detailEntry!)).toEqual([
			'fulfillment_provider',
			'yubico_product_id',
			'yubico_inventory_product_id',
		]);
		expect(
			factorOf(makeMfaPreregisterEvent(undefined, { detailEntry: null })).detailEntry,
		).toBeNull();
		for (const e of [
			noType,
			makeMfaPreregisterEvent(undefined, { omitDetailKeys: ['factor_type'] }),
		])
			expectOktaSchema('LogEvent', e, { direction: 'response' });
	});

	it('gives each event a fresh uuid and an increasing published time', () => {
		const events = Array.from({ length: 5 }, () => makeMfaPreregisterEvent());
		expect(new Set(events.map((e) => e.uuid)).size).toBe(5);
		const times = events.map((e) => Date.parse(e.published));
		expect([...times].sort((a, b) => a - b)).toEqual(times);
		expect(new Set(times).size).toBe(5);
	});

	it('deep-merges overrides; arrays and nulls replace', () => {
		const e = makeMfaPreregisterEvent({
			actor: { type: 'PublicClientApp', displayName: 'Workflows' },
			target: [{ type: 'User', id: '00uX' }],
			client: null,
		});
		expect(e.actor).toMatchObject({
			type: 'PublicClientApp',
			displayName: 'Workflows',
			alternateId: 'admin@example.com',
		});
		expect(e.target).toEqual([{ type: 'User', id: '00uX' }]);
		expect(e.client).toBeNull();
	});

	it('makes valid events of other types', () => {
		for (const type of ['user.session.start', 'user.lifecycle.create', 'some.custom.type']) {
			const e = makeEventOfType(type);
			expect(e.eventType).toBe(type);
			expectOktaSchema('LogEvent', e, { direction: 'response' });
		}
	});
});
