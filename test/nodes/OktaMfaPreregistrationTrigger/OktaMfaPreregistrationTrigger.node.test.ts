import { OktaMfaPreregistrationTrigger } from '../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { makeEventOfType, makeMfaPreregisterEvent } from '../../../devkit/okta-sandbox/events';
import { testWorkflow } from '../../../devkit/n8n/core';
import { callWebhook } from '../../../devkit/n8n/webhookServer';

const node = new OktaMfaPreregistrationTrigger();
const SECRET = 'the-delivery-secret-0123456789abcdef';
let registration = 0;

function call(
	webhookName: 'setup' | 'default',
	headers: Record<string, string>,
	body: unknown = {},
) {
	registration += 1;
	const published = testWorkflow({
		nodeType: node,
		node: { webhookId: `webhook-${registration}` },
		nodeStaticData: { hookId: `who${registration}`, secret: SECRET },
	});
	return callWebhook(published, { webhookName, headers, body });
}

const delivery = (events: unknown[]) => ({
	eventType: 'com.okta.event_hook',
	eventId: 'e1',
	eventTime: '2026-11-28T10:00:00Z',
	source: 'https://acme.okta.com/api/v1/eventHooks/who1',
	data: { events },
});

describe('the node description', () => {
	const { description } = node;

	it('is a trigger n8n lists as "Okta MFA Preregistration Trigger", with the Okta Event Hook API credential', () => {
		expect(description).toMatchObject({
			name: 'oktaMfaPreregistrationTrigger',
			displayName: 'Okta MFA Preregistration Trigger',
			group: ['trigger'],
			inputs: [],
		});
		expect(description.credentials).toContainEqual(
			expect.objectContaining({ name: 'oktaEventHookApi', required: true }),
		);
	});

	it('offers Authentication: the API token (default, what nodes saved before keep) or the OAuth 2.0 service app', () => {
		const authentication = description.properties.find(
			(property) => property.name === 'authentication',
		);
		expect(authentication).toMatchObject({ type: 'options', default: 'apiToken' });
		expect(authentication?.options?.map((option) => (option as { value: string }).value)).toEqual([
			'apiToken',
			'oAuth2',
		]);
		expect(description.credentials).toEqual([
			{
				name: 'oktaEventHookApi',
				required: true,
				displayOptions: { show: { authentication: ['apiToken'] } },
			},
			{
				name: 'oktaEventHookOAuth2Api',
				required: true,
				displayOptions: { show: { authentication: ['oAuth2'] } },
			},
		]);
	});

	it('lists the GET "setup" webhook before the POST "default" one, on the same path', () => {
		expect(
			description.webhooks?.map((webhook) => [webhook.name, webhook.httpMethod, webhook.path]),
		).toEqual([
			['setup', 'GET', 'webhook'],
			['default', 'POST', 'webhook'],
		]);
	});

	it("lets n8n answer a delivery, with no body, once it has created the execution ('onReceived', 'noData')", () => {
		expect(description.webhooks?.find((webhook) => webhook.name === 'default')).toMatchObject({
			responseMode: 'onReceived',
			responseData: 'noData',
		});
	});

	it('recovers missed events unless switched off', () => {
		expect(description.properties.find((p) => p.name === 'recoverMissedEvents')).toMatchObject({
			type: 'boolean',
			default: true,
		});
	});
});

describe('webhook()', () => {
	it('answers the verification challenge with JSON and starts no execution', async () => {
		const answer = await call('setup', { 'x-okta-verification-challenge': 'c-123' });
		expect(answer).toMatchObject({
			status: 200,
			contentType: 'application/json; charset=utf-8',
			noWebhookResponse: true,
		});
		expect(JSON.parse(answer.body)).toEqual({ verification: 'c-123' });
		expect(answer.workflowData).toBeUndefined();
	});

	it('answers a GET without the challenge with 400 and an explanation', async () => {
		const answer = await call('setup', {});
		expect(answer.status).toBe(400);
		expect(answer.body).toMatch(/Okta/);
		expect(answer.workflowData).toBeUndefined();
	});

	it('answers 200 with an empty body and emits one item per event', async () => {
		const events = [makeMfaPreregisterEvent(), makeMfaPreregisterEvent()];
		const answer = await call(
			'default',
			{ authorization: SECRET, 'content-type': 'application/json' },
			delivery(events),
		);
		// The node leaves the answer to n8n, which sends it once the execution exists.
		expect(answer).toMatchObject({ status: 200, body: '', noWebhookResponse: undefined });
		expect(answer.workflowData?.[0].map((item) => item.uuid)).toEqual(
			events.map((event) => event.uuid),
		);
	});

	it('answers 200 and starts no execution when nothing in the delivery is for this trigger', async () => {
		const answer = await call(
			'default',
			{ authorization: SECRET },
			delivery([makeEventOfType('user.session.start')]),
		);
		expect(answer).toMatchObject({ status: 200, body: '', noWebhookResponse: true });
		expect(answer.workflowData).toBeUndefined();
	});

	it('answers 401 as JSON, never echoing the secret, when the secret is wrong', async () => {
		const answer = await call(
			'default',
			{ authorization: `${SECRET}x` },
			delivery([makeMfaPreregisterEvent()]),
		);
		expect(answer.status).toBe(401);
		expect(answer.body).not.toContain(SECRET);
		expect(answer.workflowData).toBeUndefined();
	});

	it('answers 400 to a body that is not an Okta delivery', async () => {
		const answer = await call('default', { authorization: SECRET }, { hello: 'world' });
		expect(answer.status).toBe(400);
		expect(answer.workflowData).toBeUndefined();
	});
});
