/**
 * The three workflows `npm run bench` compares, on the same n8n:
 * - A: this trigger → No Operation;
 * - B: what a user would build by hand: Webhook (header auth) → Split Out (body.data.events) →
 *   Edit Fields (the card's fields, the raw event, the headers) → No Operation;
 * - floor: Webhook (no auth) → No Operation, with the same body: what n8n itself costs.
 */
import { randomUUID } from 'node:crypto';

import { NO_OP_NODE, editFieldsNode } from '../devkit/n8n/workflows';

const WEBHOOK_TYPE = 'n8n-nodes-base.webhook';
const WEBHOOK_VERSION = 2.1;

function chain(name: string, nodes: Array<Record<string, unknown>>) {
	const placed = nodes.map((node, index): Record<string, unknown> => ({
		id: randomUUID(),
		position: [240 * index, 0],
		parameters: {},
		...node,
	}));
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < placed.length - 1; index++) {
		connections[placed[index].name as string] = {
			main: [[{ node: placed[index + 1].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes: placed, connections, settings: { executionOrder: 'v1' } };
}

function webhookNode(path: string, headerAuth?: { id: string; name: string }) {
	return {
		name: 'Webhook',
		type: WEBHOOK_TYPE,
		typeVersion: WEBHOOK_VERSION,
		webhookId: path,
		parameters: {
			httpMethod: 'POST',
			path,
			responseMode: 'onReceived',
			...(headerAuth ? { authentication: 'headerAuth' } : {}),
			options: {},
		},
		...(headerAuth ? { credentials: { httpHeaderAuth: headerAuth } } : {}),
	};
}

/** The Webhook workflow's production URL path (Webhook v2 serves `/webhook/<path>`). */
export const webhookPath = (path: string) => `/webhook/${path}`;

const HOOK = "$('Webhook').first().json";
const USER = "$json.target.find(t => t.type === 'User')";
const FACTOR = "$json.target.find(t => t.type !== 'User')";
const identity = (of: string) =>
	`={{ { id: ${of}?.id ?? null, alternateId: ${of}?.alternateId ?? null, displayName: ${of}?.displayName ?? null, type: ${of}?.type ?? null } }}`;

/** Edit Fields producing the trigger's item, field by field (see the README's Output table). */
const CARD_ASSIGNMENTS: Array<[string, string, string]> = [
	['dateAndTime', 'string', '={{ $json.published ?? null }}'],
	['message', 'string', '={{ $json.displayMessage ?? null }}'],
	['eventId', 'string', `={{ ${HOOK}.body.eventId ?? null }}`],
	['eventType', 'string', '={{ $json.eventType ?? null }}'],
	['eventTime', 'string', `={{ ${HOOK}.body.eventTime ?? null }}`],
	['version', 'string', '={{ $json.version ?? null }}'],
	['actor', 'object', identity('$json.actor')],
	['oktaUser', 'object', identity(USER)],
	[
		'mfaFactor',
		'object',
		`={{ { id: ${FACTOR}?.id ?? null, alternateId: ${FACTOR}?.alternateId ?? null, displayName: ${FACTOR}?.displayName ?? null, type: ${FACTOR}?.type ?? null, detail: ${FACTOR}?.detailEntry ?? null } }}`,
	],
	['uuid', 'string', '={{ $json.uuid ?? null }}'],
	['eventDetails', 'object', '={{ $json }}'],
	['headers', 'object', `={{ ${HOOK}.headers.removeField('authorization') }}`],
	['source', 'string', `={{ ${HOOK}.body.source ?? null }}`],
	['debugContext', 'object', '={{ { debugData: $json.debugContext?.debugData ?? null } }}'],
];

export function handBuiltWorkflow(
	name: string,
	path: string,
	headerAuth: { id: string; name: string },
) {
	return chain(name, [
		webhookNode(path, headerAuth),
		{
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'body.data.events', include: 'noOtherFields', options: {} },
		},
		editFieldsNode('Edit Fields', CARD_ASSIGNMENTS),
		NO_OP_NODE,
	]);
}

export function floorWorkflow(
	name: string,
	path: string,
	headerAuth?: { id: string; name: string },
) {
	return chain(name, [webhookNode(path, headerAuth), NO_OP_NODE]);
}
