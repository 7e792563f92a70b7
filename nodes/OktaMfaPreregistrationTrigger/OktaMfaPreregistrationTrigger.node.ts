import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { AUTHENTICATION_PROPERTY, OKTA_CREDENTIALS } from '../events/authentication';
import { eventHookMethods, receiveDelivery } from '../events/eventHookTrigger';
import { EVENT_HOOK_WEBHOOKS, recoverMissedEventsProperty } from '../events/nodeProperties';
import { MFA_PREREGISTRATION, MFA_PREREGISTRATION_EVENT } from '../events/mfaPreregistration';
import { TRIGGER_PANEL_TEXTS } from './triggerPanel';

export class OktaMfaPreregistrationTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Okta MFA Preregistration Trigger',
		name: 'oktaMfaPreregistrationTrigger',
		icon: { light: 'file:okta.svg', dark: 'file:okta.dark.svg' },
		group: ['trigger'],
		// 1.1 behaves exactly like 1. n8n (2.41) treats every webhook node at typeVersion 1 as its
		// legacy Webhook v1: per request it evaluates `$parameter["options"]["binaryData"]` in the
		// expression engine (webhook-helpers parseRequestBody), about 3 ms of CPU per delivery.
		// Any other version skips that. Workflows saved with 1 keep working.
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: 'MFA Preregistration Initiated',
		// How to get a test event without a YubiKey (Okta's event hook Preview), where n8n shows it.
		...TRIGGER_PANEL_TEXTS,
		description: `Starts the workflow when an Okta admin preregisters a YubiKey for a user (event ${MFA_PREREGISTRATION_EVENT})`,
		defaults: { name: 'Okta MFA Preregistration Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: OKTA_CREDENTIALS,
		webhooks: EVENT_HOOK_WEBHOOKS,
		properties: [
			AUTHENTICATION_PROPERTY,
			recoverMissedEventsProperty(),
			{
				displayName:
					'Publishing this workflow registers an Okta event hook for "MFA Preregistration Initiated" and verifies it; unpublishing removes it. Okta only calls public HTTPS URLs: set N8N_WEBHOOK_URL if n8n runs behind a proxy.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	webhookMethods = eventHookMethods(() => MFA_PREREGISTRATION);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, MFA_PREREGISTRATION);
	}
}
