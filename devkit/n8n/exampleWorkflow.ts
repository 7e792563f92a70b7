/**
 * The example workflows under examples/, built from the project's own parts so they cannot drift:
 * each trigger's pinned item is what the node's delivery reader and item mapping make of a sandbox
 * delivery, and the nodes after it are the devkit's. One builder, one spec per example:
 * - yubikey-shipment.workflow.json: MFA Preregistration Trigger → the devkit's shipment node
 *   (Okta's catalog keys) → HTTP Request to a placeholder address;
 * - okta-user-welcome.workflow.json: Okta Trigger (user.lifecycle.create) → a welcome message
 *   composed in Edit Fields (no credentials beyond Okta's).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toEventItem, type CardSource } from '../../nodes/events/eventItem';
import { SeenEvents } from '../../nodes/events/seenEvents';
import { readDelivery } from '../../nodes/events/delivery';
import type { Subscription } from '../../nodes/events/subscription';
import type { DeliveryEnvelope, LogEvent } from '../../nodes/okta/payloads';
import { makeEventOfType, makeMfaPreregisterEvent } from '../okta-sandbox/events';
import { REPO_ROOT } from '../paths';
import {
	SHIPMENT_NODE,
	TRIGGER_NAME,
	TRIGGER_NODE_NAME,
	editFieldsNode,
	stableId,
} from './workflows';
import { MFA_PREREGISTRATION } from '../../nodes/events/mfaPreregistration';

/** The community package's name: n8n names an installed package's node `<package>.<node>`. */
export const PACKAGE_NAME = 'n8n-nodes-okta-mfa-preregistration';
const ORG_URL = 'https://acme.okta.com';

type Workflow = {
	id: string;
	name: string;
	nodes: Array<Record<string, any>>;
	connections: Record<string, unknown>;
	pinData: Record<string, Array<{ json: Record<string, unknown> }>>;
	[key: string]: unknown;
};

/** A node after the trigger, as the devkit defines it (no id, no position). */
type DownstreamNode = { name: string; type: string; typeVersion: number } & Record<string, unknown>;

/** What makes one example: its file, the package's trigger in it, its sample event, what follows. */
export interface ExampleSpec {
	file: string;
	/** n8n's workflow id format, 16 letters and digits (`n8n import:workflow` needs one). */
	id: string;
	name: string;
	trigger: {
		/** The node type's `name` in the package (n8n's type is `<package>.<name>` when installed). */
		type: string;
		/** The node's defaultVersion (the example's unit test checks it against the node). */
		version: number;
		/** The node's name in the workflow: the pinned data's key. */
		nodeName: string;
		parameters: Record<string, unknown>;
	};
	/** What the trigger makes items of, as its webhook() reads it from those parameters. */
	subscription: Pick<Subscription, 'eventTypes' | 'profile'>;
	/** A realistic event of the sandbox's, for a new sample. */
	sampleEvent: () => LogEvent;
	/** The nodes after the trigger, connected in a chain. */
	downstream: DownstreamNode[];
}

export const exampleFile = (name: string) => path.join(REPO_ROOT, 'examples', name);

export const HTTP_NODE_NAME = 'Send shipment request';
/** A documentation address (RFC 2606): the user puts their shipping or ticketing system's here. */
export const PLACEHOLDER_URL = 'https://shipping.example.com/api/yubikey-shipments';

export const YUBIKEY_SHIPMENT: ExampleSpec = {
	file: exampleFile('yubikey-shipment.workflow.json'),
	// `n8n import:workflow` needs an id (2.41: NOT NULL); the editor's import keeps its own.
	id: 'OktaYubiKeyShip1',
	name: 'Okta: ship a preregistered YubiKey',
	trigger: { type: TRIGGER_NAME, version: 1.1, nodeName: TRIGGER_NODE_NAME, parameters: {} },
	subscription: MFA_PREREGISTRATION,
	sampleEvent: () => makeMfaPreregisterEvent(),
	downstream: [
		SHIPMENT_NODE,
		{
			name: HTTP_NODE_NAME,
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
	],
};

export const USER_CREATED_EVENT = 'user.lifecycle.create';
export const OKTA_TRIGGER_NAME = 'oktaTrigger';
export const OKTA_TRIGGER_NODE_NAME = 'Okta Trigger';

/**
 * The welcome message for a new Okta user: to their login (the `User` target's alternateId), with
 * their display name. A mail, chat or ticket node after it sends it; the example needs none.
 */
export const WELCOME_FIELDS: Array<[string, string]> = [
	['to', '={{ $json.oktaUser.alternateId }}'],
	['subject', '=Welcome aboard, {{ $json.oktaUser.displayName }}'],
	[
		'text',
		'=Hi {{ $json.oktaUser.displayName }},\n\nYour account is ready: sign in with {{ $json.oktaUser.alternateId }}.\n\nWelcome to the team!',
	],
];

export const WELCOME_NODE = editFieldsNode(
	'Compose welcome message',
	WELCOME_FIELDS.map(([field, value]): [string, string, string] => [field, 'string', value]),
);

export const USER_WELCOME: ExampleSpec = {
	file: exampleFile('okta-user-welcome.workflow.json'),
	id: 'OktaUserWelcome1',
	name: 'Okta: welcome a new user',
	trigger: {
		type: OKTA_TRIGGER_NAME,
		version: 1.1,
		nodeName: OKTA_TRIGGER_NODE_NAME,
		parameters: { events: [USER_CREATED_EVENT] },
	},
	// The Okta Trigger's items: the 'event' profile, for the chosen types.
	subscription: { eventTypes: [USER_CREATED_EVENT], profile: 'event' },
	sampleEvent: () => makeEventOfType(USER_CREATED_EVENT),
	downstream: [WELCOME_NODE],
};

export const EXAMPLES: readonly ExampleSpec[] = [YUBIKEY_SHIPMENT, USER_WELCOME];

/** The trigger's type as n8n names it once the community package is installed. */
export const installedTriggerType = (spec: ExampleSpec) => `${PACKAGE_NAME}.${spec.trigger.type}`;

// The MFA example's names, as the tests and devkit have used them.
export const EXAMPLE_WORKFLOW_FILE = YUBIKEY_SHIPMENT.file;
export const EXAMPLE_WORKFLOW_ID = YUBIKEY_SHIPMENT.id;
export const INSTALLED_TRIGGER_TYPE = installedTriggerType(YUBIKEY_SHIPMENT);
export const TRIGGER_VERSION = YUBIKEY_SHIPMENT.trigger.version;

export type ExampleDelivery = {
	headers: Record<string, string>;
	envelope: DeliveryEnvelope & Record<string, unknown>;
};

/** A sandbox event in a delivery as Okta sends it, with the headers n8n hands the trigger. */
export function exampleDelivery(event: LogEvent = makeMfaPreregisterEvent()): ExampleDelivery {
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

/** The one item the example's trigger emits for that delivery: the node's own reader and mapping. */
export function triggerItem(
	delivery: ExampleDelivery,
	spec: ExampleSpec = YUBIKEY_SHIPMENT,
): Record<string, unknown> {
	const secret = 'example-delivery-secret';
	const verdict = readDelivery({
		headers: { ...delivery.headers, authorization: secret },
		body: delivery.envelope,
		secret,
		eventTypes: spec.subscription.eventTypes,
		seen: new SeenEvents(10),
	});
	if (!('events' in verdict) || verdict.events.length !== 1)
		throw new Error(`the trigger did not take the example delivery: ${JSON.stringify(verdict)}`);
	return toEventItem(verdict.events[0] as CardSource, spec.subscription.profile);
}

/** The delivery an item was made from (the item keeps the event, the envelope's fields, the headers). */
export function deliveryOf(item: Record<string, any>): ExampleDelivery {
	const { envelope } = exampleDelivery(item.eventDetails as LogEvent);
	const { eventId, eventTime, source } = item;
	return { headers: item.headers, envelope: { ...envelope, eventId, eventTime, source } };
}

/** The example's file as it is, and its pinned trigger item. */
export function readExample(spec: ExampleSpec): {
	workflow: Workflow;
	pinned: Record<string, any>;
} {
	const workflow = JSON.parse(fs.readFileSync(spec.file, 'utf8')) as Workflow;
	return { workflow, pinned: workflow.pinData[spec.trigger.nodeName][0].json };
}

/** The example workflow (the MFA one unless another spec is given), for a delivery or a new sample. */
export function buildExampleWorkflow(
	delivery?: ExampleDelivery,
	spec: ExampleSpec = YUBIKEY_SHIPMENT,
): Workflow {
	const node = (name: string, rest: Record<string, unknown>, x: number) => ({
		id: stableId(`example ${name}`),
		name,
		...rest,
		position: [x, 0],
	});
	const { trigger } = spec;
	const nodes = [
		node(
			trigger.nodeName,
			{
				type: installedTriggerType(spec),
				typeVersion: trigger.version,
				parameters: trigger.parameters,
			},
			0,
		),
		...spec.downstream.map(({ name, ...rest }, i) => node(name, rest, 240 * (i + 1))),
	];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++)
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	const item = triggerItem(delivery ?? exampleDelivery(spec.sampleEvent()), spec);
	return {
		id: spec.id,
		name: spec.name,
		nodes,
		connections,
		pinData: { [trigger.nodeName]: [{ json: item }] },
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The workflow as a given n8n has the package's trigger: `CUSTOM.<node>` when the package is
 * loaded from N8N_CUSTOM_EXTENSIONS (the e2e stack), the file's type when installed. Optionally
 * the HTTP Request goes to another URL (a local placeholder server in tests).
 */
export function exampleFor(
	workflow: Workflow,
	options: { triggerType: string; httpUrl?: string },
): Workflow {
	const copy = structuredClone(workflow);
	for (const n of copy.nodes) {
		if (String(n.type).startsWith(`${PACKAGE_NAME}.`)) n.type = options.triggerType;
		if (n.type === 'n8n-nodes-base.httpRequest' && options.httpUrl)
			n.parameters.url = options.httpUrl;
	}
	return copy;
}
