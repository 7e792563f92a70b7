/**
 * The Okta Polling Trigger: its description, and the node in n8n-core's real PollContext against
 * the Okta sandbox's System Log over HTTPS, persisted the way n8n persists a polling node
 * (../OktaMfaPreregistrationPollTrigger/n8nPolling.ts): one System Log request per poll for all
 * chosen types, each event of a chosen type once, a changed choice continuing from the last read.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters, INodeProperties } from 'n8n-workflow';

import { CredentialStore, trustCertificateAuthority } from '../../../devkit/n8n/core';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { LogEvent, OktaSandbox } from '../../../devkit/okta-sandbox';
import { allEventTypes } from '../../../nodes/events/eventTypeCatalog';
import { RETENTION_DAYS } from '../../../nodes/events/pollLog';
import { OktaPollTrigger } from '../../../nodes/OktaPollTrigger/OktaPollTrigger.node';
import {
	PERSISTENCE_MODES,
	PollingN8n,
	uuidsOf,
} from '../OktaMfaPreregistrationPollTrigger/n8nPolling';
import type { PersistenceMode } from '../OktaMfaPreregistrationPollTrigger/n8nPolling';
import { failure } from '../../support/failure';

const CREATE = 'user.lifecycle.create';
const GROUP_ADD = 'group.user_membership.add';
const SESSION = 'user.session.start';
const MFA = 'system.mfa.preregister.initiate';
/** Not allowed in event hooks, but in the System Log like any other. */
const NOT_FOR_HOOKS = 'policy.evaluate_sign_on';
const DELIVERY_ONLY = { eventId: null, eventTime: null, source: null, headers: null };

const property = (name: string): INodeProperties =>
	new OktaPollTrigger().description.properties.find((candidate) => candidate.name === name)!;

describe('the node description', () => {
	const { description } = new OktaPollTrigger();

	it('is a polling trigger n8n lists as "Okta Polling Trigger", with the Okta credentials', () => {
		expect(description).toMatchObject({
			name: 'oktaPollTrigger',
			displayName: 'Okta Polling Trigger',
			group: ['trigger'],
			polling: true,
			inputs: [],
			defaults: { name: 'Okta Polling Trigger' },
		});
		expect(description.webhooks).toBeUndefined();
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			'oktaEventHookApi',
			'oktaEventHookOAuth2Api',
		]);
	});

	it('offers, as Event Types, every type of the catalog, those event hooks may not have included', () => {
		const events = property('events');
		expect(events).toMatchObject({ type: 'multiOptions', required: true, default: [] });
		const values = (events.options ?? []).map((option) => (option as { value: string }).value);
		expect([...values].sort()).toEqual(allEventTypes().map((type) => type.id));
		expect(values).toEqual(expect.arrayContaining([MFA, CREATE, GROUP_ADD, NOT_FOR_HOOKS]));
	});

	it("has the options Catch Up (at most Okta's 90 days) and System Log Filter", () => {
		const options = property('options').options as INodeProperties[];
		expect(options.map((option) => [option.name, option.type])).toEqual([
			['catchUpDays', 'number'],
			['logFilter', 'string'],
		]);
		expect(options[0]).toMatchObject({
			default: RETENTION_DAYS,
			typeOptions: { minValue: 1, maxValue: RETENTION_DAYS },
		});
	});
});

describe('polling Okta (the sandbox)', () => {
	let sandbox: OktaSandbox;
	beforeAll(async () => {
		sandbox = await startOktaSandbox();
		trustCertificateAuthority(sandbox.caCertPem);
	});
	afterAll(async () => sandbox?.close());
	beforeEach(() => sandbox.reset());

	/** The node's parameters: a restart (and durable mode's every poll) reads this object again. */
	function n8n(parameters: INodeParameters, mode: PersistenceMode = 'default') {
		const credential = new CredentialStore().save('oktaEventHookApi', {
			url: sandbox.url,
			accessToken: sandbox.token,
		});
		return new PollingN8n(mode, { nodeType: new OktaPollTrigger(), credential, parameters });
	}

	const logReads = () => sandbox.requests.filter((request) => request.op === 'logs');
	const log = (...types: string[]): LogEvent[] =>
		sandbox.addLogEvents(types.map((type) => sandbox.makeEventOfType(type)));
	const failed = (type: string): LogEvent => ({
		...sandbox.makeEventOfType(type),
		outcome: { result: 'FAILURE', reason: 'sandbox' },
	});

	describe.each<PersistenceMode>(PERSISTENCE_MODES)('in n8n’s %s mode', (mode) => {
		it('reads both chosen types with ONE System Log request per poll and emits each of their events once', async () => {
			const trigger = n8n({ events: [CREATE, GROUP_ADD] }, mode);
			expect(await trigger.publish()).toBeNull();

			const [create, , group, , secondCreate] = log(CREATE, SESSION, GROUP_ADD, MFA, CREATE);
			sandbox.clearRequests();
			const result = await trigger.poll();
			expect(logReads()).toHaveLength(1);
			expect(logReads()[0].query.filter).toBe(
				`eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}"`,
			);
			expect(uuidsOf(result)).toEqual([create.uuid, group.uuid, secondCreate.uuid]);
			const [first, second] = result![0].map((item) => item.json);
			expect(first).toMatchObject({
				...DELIVERY_ONLY,
				eventType: CREATE,
				uuid: create.uuid,
				dateAndTime: create.published,
				eventDetails: create,
				outcome: { result: 'SUCCESS', reason: null },
				client: create.client,
			});
			expect(Array.isArray(first.targets)).toBe(true);
			expect(first).not.toHaveProperty('mfaFactor');
			expect(second).toMatchObject({ eventType: GROUP_ADD });
			expect(second).toHaveProperty('group');

			sandbox.clearRequests();
			expect(await trigger.poll()).toBeNull();
			expect(logReads()).toHaveLength(1);
			const [later] = log(GROUP_ADD);
			expect(uuidsOf(await trigger.poll())).toEqual([later.uuid]);
		});

		it('after the choice changes, continues from its last read with the new types, skipping nothing', async () => {
			const parameters: INodeParameters = { events: [CREATE] };
			const trigger = n8n(parameters, mode);
			await trigger.publish();
			const [create] = log(CREATE);
			expect(uuidsOf(await trigger.poll())).toEqual([create.uuid]);

			// Logged after that read: the group event was not of a chosen type then.
			const [group, laterCreate] = log(GROUP_ADD, CREATE);
			parameters.events = [CREATE, GROUP_ADD];
			sandbox.clearRequests();
			const emitted = [...uuidsOf(await trigger.restart()), ...uuidsOf(await trigger.poll())];
			expect(emitted).toEqual([group.uuid, laterCreate.uuid]);
			expect(logReads().map((request) => request.query.filter)).toContain(
				`eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}"`,
			);
			expect(await trigger.poll()).toBeNull();
		});
	});

	it('adds the System Log Filter to the query with "and": events that fail it are not emitted', async () => {
		const trigger = n8n({
			events: [CREATE, GROUP_ADD],
			options: { logFilter: ' outcome.result eq "SUCCESS" ' },
		});
		await trigger.publish();
		const [, ok, , okGroup] = sandbox.addLogEvents([
			failed(CREATE),
			sandbox.makeEventOfType(CREATE),
			failed(GROUP_ADD),
			sandbox.makeEventOfType(GROUP_ADD),
			sandbox.makeEventOfType(SESSION),
		]);
		sandbox.clearRequests();
		expect(uuidsOf(await trigger.poll())).toEqual([ok.uuid, okGroup.uuid]);
		expect(logReads()).toHaveLength(1);
		expect(logReads()[0].query.filter).toBe(
			`(eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}") and (outcome.result eq "SUCCESS")`,
		);
		expect(trigger.nodeState.filter).toBe(logReads()[0].query.filter);
	});

	it('follows a type Okta does not allow in event hooks', async () => {
		const trigger = n8n({ events: [NOT_FOR_HOOKS] });
		await trigger.publish();
		const [event] = log(NOT_FOR_HOOKS, SESSION);
		expect(uuidsOf(await trigger.poll())).toEqual([event.uuid]);
	});

	it('refuses, before calling Okta, a System Log Filter on published and an unknown type', async () => {
		const cases: Array<[INodeParameters, RegExp]> = [
			[
				{ events: [CREATE], options: { logFilter: 'published gt "2026-01-01T00:00:00.000Z"' } },
				/filters on published/,
			],
			[{ events: [CREATE, 'user.lifecycle.craete'] }, /"user\.lifecycle\.craete"/],
			[{ events: [] }, /Choose at least one Okta event type/],
		];
		for (const [parameters, message] of cases) {
			const error = await failure(n8n(parameters).publish());
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(message);
		}
		expect(logReads()).toEqual([]);
	});

	it('Fetch Test Event returns the latest event of any chosen type, or names the types when there is none', async () => {
		const trigger = n8n({ events: [CREATE, GROUP_ADD] });
		const none = await failure(trigger.fetchTestEvent());
		expect(none.message).toContain(`(${CREATE}, ${GROUP_ADD})`);
		expect(none.message).toMatch(/no event of the chosen types/);

		// The sample comes from a bounded query (published before now): events of a minute ago.
		const at = (seconds: number, type: string) => ({
			...sandbox.makeEventOfType(type),
			published: new Date(Date.now() - seconds * 1000).toISOString(),
		});
		const [, latest] = sandbox.addLogEvents([at(90, CREATE), at(60, GROUP_ADD), at(30, SESSION)]);
		const sample = await trigger.fetchTestEvent();
		expect(sample![0]).toHaveLength(1);
		expect(sample![0][0].json as IDataObject).toMatchObject({
			...DELIVERY_ONLY,
			uuid: latest.uuid,
			eventType: GROUP_ADD,
		});
	});
});
