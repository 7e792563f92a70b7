/**
 * The Okta Trigger: its description, and the node inside n8n-core's real contexts served the way
 * n8n 2.41.1 serves a production webhook (../OktaMfaPreregistrationTrigger/n8nWebhookHost.ts)
 * against the Okta sandbox: one hook for exactly the chosen event types, items only for them, and
 * a changed choice replacing the hook.
 */
import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeParameters,
	INodeProperties,
} from 'n8n-workflow';

import { CredentialStore, testWorkflow, trustCertificateAuthority } from '../../../devkit/n8n/core';
import { callWebhook } from '../../../devkit/n8n/webhookServer';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { LogEvent, OktaSandbox } from '../../../devkit/okta-sandbox';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { eventHookEventTypes, findEventType } from '../../../nodes/events/eventTypeCatalog';
import { OktaTrigger } from '../../../nodes/OktaTrigger/OktaTrigger.node';
import type { OktaMfaPreregistrationTrigger } from '../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { startN8nWebhookHost } from '../OktaMfaPreregistrationTrigger/n8nWebhookHost';
import type { N8nWebhookHost } from '../OktaMfaPreregistrationTrigger/n8nWebhookHost';
import { failure } from '../../support/failure';
import { EVENT_ITEM_FIELDS } from '../../../devkit/itemFields';

const CREATE = 'user.lifecycle.create';
const GROUP_ADD = 'group.user_membership.add';
const SESSION = 'user.session.start';
const MFA = 'system.mfa.preregister.initiate';
/** In Okta's catalog, but not allowed in event hooks. */
const NOT_FOR_HOOKS = 'policy.evaluate_sign_on';

const EVENT_KEYS = EVENT_ITEM_FIELDS;

const property = (name: string): INodeProperties =>
	new OktaTrigger().description.properties.find((candidate) => candidate.name === name)!;
const optionValues = (of: INodeProperties) =>
	(of.options ?? []).map((option) => (option as { value: string }).value);

describe('the node description', () => {
	const { description } = new OktaTrigger();

	it('is a trigger n8n lists as "Okta Trigger", with the Okta credentials', () => {
		expect(description).toMatchObject({
			name: 'oktaTrigger',
			displayName: 'Okta Trigger',
			group: ['trigger'],
			inputs: [],
			defaults: { name: 'Okta Trigger' },
		});
		// Not 1: n8n treats a webhook node at typeVersion 1 as its legacy Webhook v1.
		expect(description.version).not.toBe(1);
		expect(description.credentials?.map((credential) => credential.name)).toEqual([
			'oktaEventHookApi',
			'oktaEventHookOAuth2Api',
		]);
	});

	it("lists Okta's verification GET before the deliveries' POST, on one path, answered by n8n", () => {
		expect(
			description.webhooks?.map((webhook) => [webhook.name, webhook.httpMethod, webhook.path]),
		).toEqual([
			['setup', 'GET', 'webhook'],
			['default', 'POST', 'webhook'],
		]);
		expect(description.webhooks?.[1]).toMatchObject({
			responseMode: 'onReceived',
			responseData: 'noData',
		});
	});

	it('offers, as Event Types, every event-hook-eligible type of the catalog and nothing else', () => {
		const events = property('events');
		expect(events).toMatchObject({ type: 'multiOptions', required: true, default: [] });
		const values = optionValues(events);
		expect([...values].sort()).toEqual(eventHookEventTypes().map((type) => type.id));
		expect(values).toEqual(expect.arrayContaining([MFA, CREATE, GROUP_ADD]));
		expect(values).not.toContain(NOT_FOR_HOOKS);
	});

	it('recovers missed events unless switched off, and takes event hook filters (type, expression)', () => {
		expect(property('recoverMissedEvents')).toMatchObject({ type: 'boolean', default: true });
		const filters = property('filters');
		expect(filters).toMatchObject({
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
		});
		const [condition] = filters.options as Array<{ name: string; values: INodeProperties[] }>;
		expect(condition.name).toBe('condition');
		expect(condition.values.map((value) => [value.name, value.type])).toEqual([
			['event', 'options'],
			['expression', 'string'],
		]);
		expect(condition.values[0].typeOptions).toMatchObject({
			loadOptionsMethod: 'getChosenEventTypes',
			loadOptionsDependsOn: ['events'],
		});
	});

	it("offers as a filter's event type only the types chosen above, by their catalog names", async () => {
		const node = new OktaTrigger();
		const context = {
			getCurrentNodeParameter: (name: string) =>
				name === 'events' ? [GROUP_ADD, CREATE, 'not.in.catalog'] : undefined,
		} as unknown as ILoadOptionsFunctions;
		const options = await node.methods.loadOptions.getChosenEventTypes.call(context);
		expect(options.map((option) => option.value).sort()).toEqual(
			[CREATE, GROUP_ADD, 'not.in.catalog'].sort(),
		);
		expect(options.find((option) => option.value === CREATE)?.name).toBe(
			findEventType(CREATE)!.name,
		);
		expect(options.find((option) => option.value === 'not.in.catalog')?.name).toBe(
			'not.in.catalog',
		);
	});
});

describe('webhook() without Okta', () => {
	const SECRET = 'the-delivery-secret-0123456789abcdef';
	let webhookNumber = 0;
	const deliver = (parameters: INodeParameters, events: LogEvent[]) => {
		webhookNumber += 1;
		const published = testWorkflow({
			nodeType: new OktaTrigger(),
			parameters,
			node: { webhookId: `okta-trigger-${webhookNumber}` },
			nodeStaticData: { hookId: `who${webhookNumber}`, secret: SECRET },
		});
		return callWebhook(published, {
			webhookName: 'default',
			headers: { authorization: SECRET, 'content-type': 'application/json' },
			body: {
				eventType: 'com.okta.event_hook',
				eventId: 'e1',
				eventTime: '2026-11-28T10:00:00Z',
				source: 'https://acme.okta.com/api/v1/eventHooks/who1',
				data: { events },
			},
		});
	};

	it('answers 200 and starts no execution when no event of the delivery is of a chosen type', async () => {
		const answer = await deliver({ events: [CREATE], recoverMissedEvents: false }, [
			makeEventOfType(SESSION),
			makeMfaPreregisterEvent(),
		]);
		expect(answer).toMatchObject({ status: 200, noWebhookResponse: true });
		expect(answer.workflowData).toBeUndefined();
	});

	it('fails, naming the id, when its Event Types expression gives an id Okta does not have', async () => {
		const answer = await deliver({ events: `${CREATE}, user.lifecycle.craete` }, [
			makeEventOfType(CREATE),
		]);
		expect(answer.workflowData).toBeUndefined();
		expect(answer.error?.message).toContain('"user.lifecycle.craete"');
	});
});

describe('with Okta (the sandbox) and n8n', () => {
	let sandbox: OktaSandbox;
	let host: N8nWebhookHost | undefined;

	beforeAll(async () => {
		// The org has Okta's Early Access feature "event hook filters".
		sandbox = await startOktaSandbox({ eventHookFilters: true, deliveryRetryDelayMs: 50 });
		trustCertificateAuthority(sandbox.caCertPem);
	});
	afterAll(async () => sandbox?.close());
	afterEach(async () => {
		await host?.close();
		host = undefined;
		for (const hook of sandbox.hooks()) sandbox.removeHook(hook.id);
		sandbox.clearRequests();
	});

	/** The node's parameters: the host reads this object at every request, so a test may change it. */
	async function published(parameters: INodeParameters) {
		const credential = new CredentialStore().save('oktaEventHookApi', {
			url: sandbox.url,
			accessToken: sandbox.token,
		});
		host = await startN8nWebhookHost({
			credential,
			parameters,
			nodeClass: OktaTrigger as unknown as typeof OktaMfaPreregistrationTrigger,
		});
		await host.publish();
		return host;
	}

	const hooksOn = (url: string) =>
		sandbox.hooks().filter((hook) => hook.channel.config.uri === url);
	const ops = () => sandbox.requests.map((request) => request.op);
	const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();

	/** An event with a User and a UserGroup target, as Okta logs a group membership. */
	const groupEvent = (): LogEvent => ({
		...makeEventOfType(GROUP_ADD),
		target: [
			{ id: '00u1jane', type: 'User', alternateId: 'jane@example.com', displayName: 'Jane Doe' },
			{
				id: '00g1eng',
				type: 'UserGroup',
				alternateId: 'unknown',
				displayName: 'Engineering',
				detailEntry: null,
			},
		],
	});

	it('publishes one verified hook subscribed to exactly the two chosen types, without a filter', async () => {
		const { url, stored } = await published({ events: [CREATE, GROUP_ADD] });
		const [hook, ...others] = hooksOn(url);
		expect(others).toEqual([]);
		expect(hook).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
		expect([...hook.events.items].sort()).toEqual([CREATE, GROUP_ADD].sort());
		expect(hook.events.filter ?? null).toBeNull();
		expect(stored.hookId).toBe(hook.id);
		// Recovery reads the log of both types, with one query.
		expect(new URLSearchParams(String(stored.logCursor).split('?')[1]).get('filter')).toBe(
			`eventType eq "${CREATE}" or eventType eq "${GROUP_ADD}"`,
		);
	});

	it('runs, from a delivery of mixed types, one item per event of a chosen type, with the event fields', async () => {
		const { url } = await published({ events: [CREATE, GROUP_ADD] });
		const [hook] = hooksOn(url);
		const create = makeEventOfType(CREATE);
		const group = groupEvent();
		const [delivery] = await sandbox.deliver(
			[makeEventOfType(SESSION), create, makeMfaPreregisterEvent(), group],
			{ hookId: hook.id },
		);
		expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([200]);
		expect(host!.executions).toHaveLength(1);
		const items = host!.executions[0].items;
		expect(items.map((item) => [item.eventType, item.uuid])).toEqual([
			[CREATE, create.uuid],
			[GROUP_ADD, group.uuid],
		]);
		expect(Object.keys(items[0])).toEqual(EVENT_KEYS);
		expect(items[0]).toMatchObject({
			eventId: delivery.deliveryId,
			outcome: { result: 'SUCCESS', reason: null },
			client: create.client,
			eventDetails: create,
		});
		expect(items[0].targets).toEqual(
			create.target!.map((target) => ({
				id: target.id,
				type: target.type,
				alternateId: target.alternateId,
				displayName: target.displayName,
				detail: target.detailEntry ?? null,
			})),
		);
		expect(items[1]).toMatchObject({
			oktaUser: { id: '00u1jane', type: 'User' },
			group: { id: '00g1eng', type: 'UserGroup', displayName: 'Engineering', detail: null },
		});
		expect(items.every((item) => !('mfaFactor' in item))).toBe(true);
	});

	it('recovers from the System Log only the missed events of the chosen types', async () => {
		const { url } = await published({ events: [CREATE, GROUP_ADD] });
		const [hook] = hooksOn(url);
		// Logged after the publish, published a minute ago, never delivered.
		const [missed] = sandbox.addLogEvents([
			{ ...makeEventOfType(CREATE), published: secondsAgo(60) },
			{ ...makeEventOfType(SESSION), published: secondsAgo(60) },
			{ ...makeMfaPreregisterEvent(), published: secondsAgo(60) },
		]);
		const live = groupEvent();
		await sandbox.deliver([live], { hookId: hook.id });
		const items = host!.executions.flatMap((execution) => execution.items);
		expect(items.map((item) => item.uuid)).toEqual([missed.uuid, live.uuid]);
		expect(items[0]).toMatchObject({ eventType: CREATE, eventId: null, headers: null });
		expect(Object.keys(items[0])).toEqual(EVENT_KEYS);
	});

	it('replaces the hook when the choice changes: exactly one hook, of the new types, delivering them', async () => {
		const parameters: INodeParameters = { events: [CREATE, GROUP_ADD] };
		const { url } = await published(parameters);
		const [before] = hooksOn(url);

		// Published again unchanged (n8n starts): the hook stays.
		sandbox.clearRequests();
		await host!.publish();
		expect(ops()).not.toContain('create');
		expect(hooksOn(url).map((hook) => hook.id)).toEqual([before.id]);

		parameters.events = [GROUP_ADD, SESSION];
		await host!.publish();
		const [after, ...others] = sandbox.hooks();
		expect(others).toEqual([]);
		expect(after.id).not.toBe(before.id);
		expect(after.channel.config.uri).toBe(url);
		expect([...after.events.items].sort()).toEqual([GROUP_ADD, SESSION].sort());
		expect(host!.stored.hookId).toBe(after.id);

		const session = makeEventOfType(SESSION);
		await sandbox.deliver([makeEventOfType(CREATE), session]);
		expect(
			host!.executions.flatMap((execution) => execution.items.map((item) => item.uuid)),
		).toEqual([session.uuid]);
	});

	it('sends the Filters to Okta as its event hook filter, and replaces the hook when they change', async () => {
		const inEngineering =
			"event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0";
		const parameters: INodeParameters = {
			events: [CREATE, GROUP_ADD],
			filters: { condition: [{ event: GROUP_ADD, expression: inEngineering }] },
		};
		const { url } = await published(parameters);
		const [hook] = hooksOn(url);
		const createRequest = sandbox.requests.find((request) => request.op === 'create')!;
		expect((createRequest.body as IDataObject).events).toEqual({
			type: 'EVENT_TYPE',
			items: [CREATE, GROUP_ADD],
			filter: {
				type: 'EXPRESSION_LANGUAGE',
				eventFilterMap: [{ event: GROUP_ADD, condition: { expression: inEngineering } }],
			},
		});
		expect(hook.events.filter?.eventFilterMap).toEqual([
			expect.objectContaining({
				event: GROUP_ADD,
				condition: expect.objectContaining({ expression: inEngineering }),
			}),
		]);

		// Unchanged, as Okta returns it: the hook stays.
		sandbox.clearRequests();
		await host!.publish();
		expect(ops()).not.toContain('create');

		// Okta delivers what the filter lets through; the System Log cannot apply the filter, so
		// nothing is recovered from it.
		const sales = groupEvent();
		sales.target![1].displayName = 'Sales';
		const engineering = groupEvent();
		const create = makeEventOfType(CREATE);
		sandbox.clearRequests();
		await sandbox.deliver([sales, engineering, create]);
		expect(
			host!.executions.flatMap((execution) => execution.items.map((item) => item.uuid)).sort(),
		).toEqual([engineering.uuid, create.uuid].sort());
		expect(ops()).not.toContain('logs');

		// No filters any more: a hook without one replaces it.
		parameters.filters = {};
		await host!.publish();
		const [after, ...others] = sandbox.hooks();
		expect(others).toEqual([]);
		expect(after.id).not.toBe(hook.id);
		expect(after.events.filter ?? null).toBeNull();
	});

	it("publishes nothing when Okta refuses the Filters (the feature is off), in Okta's words and with what to do", async () => {
		sandbox.setEventHookFilters(false);
		try {
			const error = await failure(
				published({
					events: [CREATE, GROUP_ADD],
					filters: { condition: [{ event: GROUP_ADD, expression: 'true' }] },
				}),
			);
			const refusal = sandbox.requests.find(
				(request) => request.op === 'create' && request.status === 400,
			);
			expect(refusal).toBeDefined();
			const okta = (refusal!.response as { errorCauses: Array<{ errorSummary: string }> })
				.errorCauses[0].errorSummary;
			expect(`${error.message} ${(error as { description?: string }).description}`).toContain(okta);
			expect((error as { description?: string }).description).toMatch(
				/Early Access feature "Event hook filtering".*remove the node's Filters/,
			);
			expect(sandbox.hooks()).toEqual([]);
		} finally {
			sandbox.setEventHookFilters(true);
		}
	});

	it('refuses, before calling Okta, a filter for a type not chosen and a type Okta does not allow in hooks', async () => {
		const credential = new CredentialStore().save('oktaEventHookApi', {
			url: sandbox.url,
			accessToken: sandbox.token,
		});
		const cases: Array<[INodeParameters, RegExp]> = [
			[
				{
					events: [CREATE],
					filters: { condition: [{ event: GROUP_ADD, expression: 'true' }] },
				},
				new RegExp(`"${GROUP_ADD}" names an event type that is not chosen`),
			],
			[{ events: [CREATE, NOT_FOR_HOOKS] }, new RegExp(`"${NOT_FOR_HOOKS}"`)],
			[{ events: [] }, /Choose at least one Okta event type/],
		];
		for (const [parameters, message] of cases) {
			host = await startN8nWebhookHost({
				credential,
				parameters,
				nodeClass: OktaTrigger as unknown as typeof OktaMfaPreregistrationTrigger,
			});
			const error = await failure(host.publish());
			expect(error.message).toMatch(message);
			await host.close();
			host = undefined;
		}
		expect(sandbox.requests).toEqual([]);
		expect(sandbox.hooks()).toEqual([]);
	});
});
