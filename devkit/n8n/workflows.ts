/**
 * What dev and e2e both need inside n8n: the trigger's real node type name, an Okta credential,
 * and workflows built around the trigger.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { N8nHttp } from './http';

export const TRIGGER_NAME = 'oktaMfaPreregistrationTrigger';
export const CREDENTIAL_TYPE = 'oktaEventHookApi';
import { MFA_PREREGISTRATION_EVENT } from '../../nodes/events/mfaPreregistration';
export { MFA_PREREGISTRATION_EVENT };

/**
 * The trigger's node type as n8n loaded it (`CUSTOM.oktaMfaPreregistrationTrigger` when loaded
 * from N8N_CUSTOM_EXTENSIONS). Read from the same node-type list the editor downloads. Another of
 * the package's nodes by its `name` (e.g. the polling trigger's).
 */
export async function findTriggerType(
	http: N8nHttp,
	nodeName = TRIGGER_NAME,
): Promise<{ name: string; version: number; description: any }> {
	const res = await http.request<any[]>('GET', '/types/nodes.json', {
		headers: http.sessionHeaders(),
	});
	if (res.status !== 200 || !Array.isArray(res.json))
		throw new Error(`GET /types/nodes.json -> ${res.status}`);
	const found = res.json.filter(
		(t) => typeof t.name === 'string' && t.name.endsWith(`.${nodeName}`),
	);
	if (found.length === 0) {
		throw new Error(
			`n8n did not load a node named *.${nodeName}; is the package built (npm run build) and in N8N_CUSTOM_EXTENSIONS?`,
		);
	}
	const description = found[found.length - 1];
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	return { name: description.name, version: Math.max(...versions), description };
}

export async function createOktaCredential(
	http: N8nHttp,
	oktaUrl: string,
	token: string,
	name = 'Okta sandbox',
) {
	return await http.createCredential(name, CREDENTIAL_TYPE, { url: oktaUrl, accessToken: token });
}

export interface TriggerWorkflowOptions {
	name: string;
	triggerType: string;
	triggerVersion: number;
	credential: { id: string; name: string };
	/** The credential's type; default the API token's. */
	credentialType?: string;
	/** Nodes after the trigger; the first is connected to the trigger, the rest in a chain. */
	downstream?: Array<Record<string, unknown>>;
	triggerParameters?: Record<string, unknown>;
	triggerName?: string;
}

export const TRIGGER_NODE_NAME = 'Okta MFA Preregistration Trigger';

export function triggerWorkflow(options: TriggerWorkflowOptions) {
	const triggerName = options.triggerName ?? TRIGGER_NODE_NAME;
	const trigger: Record<string, unknown> & { name: string; webhookId: string } = {
		id: randomUUID(),
		name: triggerName,
		type: options.triggerType,
		typeVersion: options.triggerVersion,
		position: [0, 0],
		// n8n's editor gives every webhook node a webhookId; the public API does not, so set it here.
		webhookId: randomUUID(),
		parameters: options.triggerParameters ?? {},
		credentials: {
			[options.credentialType ?? CREDENTIAL_TYPE]: {
				id: options.credential.id,
				name: options.credential.name,
			},
		},
	};
	const downstream = (options.downstream ?? []).map((node, i): Record<string, unknown> => ({
		id: randomUUID(),
		position: [240 * (i + 1), 0],
		parameters: {},
		...node,
	}));
	const nodes: Array<Record<string, unknown>> = [trigger, ...downstream];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name as string] = {
			main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]],
		};
	}
	return {
		name: options.name,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		webhookId: trigger.webhookId,
	};
}

export const NO_OP_NODE = { name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1 };

/** A UUID-shaped id derived from a name, so a built workflow is the same every time it is built. */
export function stableId(name: string): string {
	const hex = createHash('sha256').update(name).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** An Edit Fields (Set) node that outputs only the given fields: [name, type, value or expression]. */
export function editFieldsNode(name: string, fields: Array<[string, string, string]>) {
	return {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		parameters: {
			mode: 'manual',
			includeOtherFields: false,
			assignments: {
				assignments: fields.map(([field, type, value]) => ({
					id: stableId(`${name} ${field}`),
					name: field,
					value,
					type,
				})),
			},
			options: {},
		},
	};
}

/**
 * The example: an Edit Fields (Set) node that turns an event into a YubiKey shipment request. The
 * factor's keys are those of Okta's event catalog; `?.` keeps a run going when Okta sends no detail.
 */
export const SHIPMENT_FIELDS: Array<[string, string]> = [
	['userId', '={{ $json.oktaUser.id }}'],
	['userEmail', '={{ $json.oktaUser.alternateId }}'],
	['userName', '={{ $json.oktaUser.displayName }}'],
	['fulfillmentProvider', '={{ $json.mfaFactor.detail?.fulfillment_provider }}'],
	['factorType', '={{ $json.mfaFactor.detail?.factor_type }}'],
	['yubicoProductId', '={{ $json.mfaFactor.detail?.yubico_product_id }}'],
	['yubicoCustomizationId', '={{ $json.mfaFactor.detail?.yubico_customization_id }}'],
	['yubicoInventoryProductId', '={{ $json.mfaFactor.detail?.yubico_inventory_product_id }}'],
	['oktaEventUuid', '={{ $json.uuid }}'],
	['requestedAt', '={{ $json.dateAndTime }}'],
];

export const SHIPMENT_NODE = editFieldsNode(
	'Prepare YubiKey shipment',
	SHIPMENT_FIELDS.map(([field, value]): [string, string, string] => [field, 'string', value]),
);
