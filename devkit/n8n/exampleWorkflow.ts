/**
 * examples/yubikey-shipment.workflow.json, built from the project's own parts so it cannot drift:
 * the trigger's pinned item is what the node's delivery reader and card mapping make of a sandbox
 * delivery, and the Edit Fields node is the devkit's shipment node (Okta's catalog keys).
 */
import * as path from 'node:path';
import { toCardItem, type CardSource } from '../../nodes/events/eventItem';
import { SeenEvents } from '../../nodes/events/seenEvents';
import { readDelivery } from '../../nodes/events/delivery';
import type { DeliveryEnvelope, LogEvent } from '../../nodes/okta/payloads';
import { makeMfaPreregisterEvent } from '../okta-sandbox/events';
import { REPO_ROOT } from '../paths';
import { SHIPMENT_NODE, TRIGGER_NAME, TRIGGER_NODE_NAME, stableId } from './workflows';
import { MFA_PREREGISTRATION } from '../../nodes/events/mfaPreregistration';

export const EXAMPLE_WORKFLOW_FILE = path.join(
	REPO_ROOT,
	'examples',
	'yubikey-shipment.workflow.json',
);
/** The community package's name: n8n names an installed package's node `<package>.<node>`. */
export const PACKAGE_NAME = 'n8n-nodes-okta-mfa-preregistration';
export const INSTALLED_TRIGGER_TYPE = `${PACKAGE_NAME}.${TRIGGER_NAME}`;
export const HTTP_NODE_NAME = 'Send shipment request';
/** A documentation address (RFC 2606): the user puts their shipping or ticketing system's here. */
export const PLACEHOLDER_URL = 'https://shipping.example.com/api/yubikey-shipments';
const ORG_URL = 'https://acme.okta.com';
/** n8n's workflow id format: 16 letters and digits. */
export const EXAMPLE_WORKFLOW_ID = 'OktaYubiKeyShip1';
/** The trigger's defaultVersion (the example's unit test checks it against the node). */
export const TRIGGER_VERSION = 1.1;

type Workflow = {
	id: string;
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	pinData: Record<string, Array<{ json: Record<string, unknown> }>>;
	[key: string]: unknown;
};

/** A sandbox event in a delivery as Okta sends it, with the headers n8n hands the trigger. */
export function exampleDelivery(event: LogEvent = makeMfaPreregisterEvent()): {
	headers: Record<string, string>;
	envelope: DeliveryEnvelope & Record<string, unknown>;
} {
	const envelope = {
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: `${ORG_URL}/api/v1/eventHooks/who1a2b3c4d5e6f7g8h9`,
		eventId: stableId(`delivery ${event.uuid}`),
		eventTime: new Date(Date.parse(String(event.published)) + 1500).toISOString(),
		contentType: 'application/json',
		data: { events: [event] },
	};
	const headers = {
		host: 'n8n.example.com',
		'user-agent': 'Okta-Integrations',
		'content-type': 'application/json',
		accept: 'application/json',
		'content-length': String(Buffer.byteLength(JSON.stringify(envelope))),
		'x-forwarded-for': '198.51.100.7',
		'x-forwarded-proto': 'https',
	};
	return { headers, envelope };
}

/** The one item the trigger emits for that delivery: the node's own reader and mapping. */
export function triggerItem(delivery: ReturnType<typeof exampleDelivery>): Record<string, unknown> {
	const secret = 'example-delivery-secret';
	const verdict = readDelivery({
		headers: { ...delivery.headers, authorization: secret },
		body: delivery.envelope,
		secret,
		eventTypes: MFA_PREREGISTRATION.eventTypes,
		seen: new SeenEvents(10),
	});
	if (!('events' in verdict) || verdict.events.length !== 1)
		throw new Error(`the trigger did not take the example delivery: ${JSON.stringify(verdict)}`);
	return toCardItem(verdict.events[0] as CardSource);
}

/** The delivery an item was made from (the item keeps the event, the envelope's fields, the headers). */
export function deliveryOf(item: Record<string, any>): ReturnType<typeof exampleDelivery> {
	const { envelope } = exampleDelivery(item.eventDetails as LogEvent);
	const { eventId, eventTime, source } = item;
	return { headers: item.headers, envelope: { ...envelope, eventId, eventTime, source } };
}

export function buildExampleWorkflow(delivery = exampleDelivery()): Workflow {
	const node = (name: string, rest: Record<string, unknown>, x: number) => ({
		id: stableId(`example ${name}`),
		name,
		...rest,
		position: [x, 0],
	});
	const trigger = node(
		TRIGGER_NODE_NAME,
		{ type: INSTALLED_TRIGGER_TYPE, typeVersion: TRIGGER_VERSION, parameters: {} },
		0,
	);
	const { name: fieldsName, ...fields } = SHIPMENT_NODE;
	const prepare = node(fieldsName, fields, 240);
	const send = node(
		HTTP_NODE_NAME,
		{
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: PLACEHOLDER_URL,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			},
		},
		480,
	);
	const link = (to: string) => ({ main: [[{ node: to, type: 'main', index: 0 }]] });
	return {
		// `n8n import:workflow` needs an id (2.41: NOT NULL); the editor's import keeps its own.
		id: EXAMPLE_WORKFLOW_ID,
		name: 'Okta: ship a preregistered YubiKey',
		nodes: [trigger, prepare, send],
		connections: { [TRIGGER_NODE_NAME]: link(fieldsName), [fieldsName]: link(HTTP_NODE_NAME) },
		pinData: { [TRIGGER_NODE_NAME]: [{ json: triggerItem(delivery) }] },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The workflow as a given n8n has the trigger: `CUSTOM.oktaMfaPreregistrationTrigger` when the
 * package is loaded from N8N_CUSTOM_EXTENSIONS (the e2e stack), the file's type when installed.
 * Optionally the HTTP Request goes to another URL (a local placeholder server in tests).
 */
export function exampleFor(
	workflow: Workflow,
	options: { triggerType: string; httpUrl?: string },
): Workflow {
	const copy = structuredClone(workflow);
	for (const n of copy.nodes) {
		if (n.type === INSTALLED_TRIGGER_TYPE) n.type = options.triggerType;
		if (n.name === HTTP_NODE_NAME && options.httpUrl) n.parameters.url = options.httpUrl;
	}
	return copy;
}
