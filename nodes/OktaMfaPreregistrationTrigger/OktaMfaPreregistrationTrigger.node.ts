import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { MFA_PREREGISTRATION_EVENT } from '../OktaMfaPreregistration/event';
import { toCardItem } from '../OktaMfaPreregistration/cardFields';
import { answerVerification, readDelivery } from './delivery';
import type { DeliveryVerdict } from './delivery';
import { hookIsInPlace, registerHook, removeHook } from './hookLifecycle';
import type { HookRegistration } from './hookLifecycle';
import { seenEventsFor } from '../OktaMfaPreregistration/seenEvents';

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
		description: `Starts the workflow when an Okta admin preregisters a YubiKey for a user (event ${MFA_PREREGISTRATION_EVENT})`,
		defaults: { name: 'Okta MFA Preregistration Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
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
		],
		webhooks: [
			// Okta verifies the URL with a GET before it sends events by POST to the same path.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			{
				displayName: 'Authentication',
				name: 'authentication',
				type: 'options',
				options: [
					{
						name: 'API Token',
						value: 'apiToken',
						description: "An Okta API token; it acts with its creator's admin rights",
					},
					{
						name: 'OAuth2 (Service App)',
						value: 'oAuth2',
						description:
							'An Okta API Services app with private_key_jwt (and DPoP); recommended by Okta',
					},
				],
				default: 'apiToken',
			},
			{
				displayName:
					'Publishing this workflow registers an Okta event hook for "MFA Preregistration Initiated" and verifies it; unpublishing removes it. Okta only calls public HTTPS URLs: set N8N_WEBHOOK_URL if n8n runs behind a proxy.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	webhookMethods = {
		default: {
			checkExists: hookIsInPlace,
			create: registerHook,
			delete: removeHook,
		} satisfies Record<string, (this: IHookFunctions) => Promise<boolean>>,
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const headers = this.getHeaderData();
		let verdict: DeliveryVerdict;
		if (this.getWebhookName() === 'setup') {
			verdict = answerVerification(headers);
		} else {
			const { hookId, secret } = this.getWorkflowStaticData('node') as HookRegistration;
			// Okta's hook id tells the test listener's hook from the published one. (Not the webhook URL:
			// n8n resolves it through its expression engine, which costs milliseconds per delivery.)
			const registrationKey = `${this.getMode()} ${this.getNode().webhookId} ${hookId}`;
			verdict = readDelivery({
				headers,
				body: this.getBodyData(),
				secret,
				seen: seenEventsFor(registrationKey),
			});
		}

		const response = this.getResponseObject();
		if ('body' in verdict) {
			response.status(verdict.status).json(verdict.body);
			return { noWebhookResponse: true };
		}
		// Okta wants 200 with an empty body within 3 s; the workflow runs after the answer.
		response.status(200).end();
		if (verdict.events.length === 0) return { noWebhookResponse: true };
		return {
			noWebhookResponse: true,
			workflowData: [verdict.events.map((source) => ({ json: toCardItem(source) }))],
		};
	}
}
