import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	IHookFunctions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { AUTHENTICATION_PROPERTY, OKTA_CREDENTIALS } from '../events/authentication';
import { chosenEventTypes, eventsProperty, hookFilterOf } from '../events/eventChoice';
import { eventHookMethods, receiveDelivery } from '../events/eventHookTrigger';
import { EVENT_HOOK_WEBHOOKS, recoverMissedEventsProperty } from '../events/nodeProperties';
import { findEventType } from '../events/eventTypeCatalog';
import type { Subscription } from '../events/subscription';
import { TRIGGER_PANEL_TEXTS } from './triggerPanel';

/** The node's parameters as the subscription the shared event-hook parts serve. */
function subscriptionOf(context: IHookFunctions | IWebhookFunctions): Subscription {
	const node = context.getNode();
	const eventTypes = chosenEventTypes(node, context.getNodeParameter('events', []), 'eventHook');
	const conditions = context.getNodeParameter('filters.condition', []) as IDataObject[];
	return {
		label: 'Okta Trigger',
		eventTypes,
		hookFilter: hookFilterOf(node, conditions, eventTypes),
		profile: 'event',
	};
}

export class OktaTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Okta Trigger',
		name: 'oktaTrigger',
		icon: { light: 'file:okta.svg', dark: 'file:okta.dark.svg' },
		group: ['trigger'],
		// Not 1: n8n treats a webhook node at typeVersion 1 as its legacy Webhook v1 (an expression
		// evaluated per request; see the MFA Preregistration Trigger).
		version: 1.1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		...TRIGGER_PANEL_TEXTS,
		description:
			'Starts the workflow when an Okta event of the chosen types happens (Okta event hook)',
		defaults: { name: 'Okta Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: OKTA_CREDENTIALS,
		webhooks: EVENT_HOOK_WEBHOOKS,
		properties: [
			AUTHENTICATION_PROPERTY,
			eventsProperty('eventHook'),
			recoverMissedEventsProperty('. Not with Filters: the System Log cannot apply them'),
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				placeholder: 'Add Filter',
				default: {},
				description:
					'Okta event hook filters (an Early Access feature Okta must enable in your org): Okta delivers an event of a filtered type only when its Okta Expression Language condition holds. With filters, missed events are not recovered from the System Log.',
				options: [
					{
						displayName: 'Condition',
						name: 'condition',
						values: [
							{
								displayName: 'Event Type Name or ID',
								name: 'event',
								type: 'options',
								typeOptions: {
									loadOptionsMethod: 'getChosenEventTypes',
									loadOptionsDependsOn: ['events'],
								},
								default: '',
								description:
									'One of the chosen event types. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
							},
							{
								displayName: 'Expression',
								name: 'expression',
								type: 'string',
								default: '',
								placeholder:
									"event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size() > 0",
								description: 'An Okta Expression Language condition on the event',
							},
						],
					},
				],
			},
			{
				displayName:
					'Publishing this workflow registers one Okta event hook for the chosen event types and verifies it; publishing again after changing them replaces it, and unpublishing removes it. Okta only calls public HTTPS URLs: set N8N_WEBHOOK_URL if n8n runs behind a proxy.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
		],
	};

	methods = {
		loadOptions: {
			/** The Filters' event types: those chosen above, by their catalog names. */
			async getChosenEventTypes(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
				const chosen = this.getCurrentNodeParameter('events');
				return (Array.isArray(chosen) ? chosen : [])
					.filter((id): id is string => typeof id === 'string')
					.map((id) => ({ name: findEventType(id)?.name ?? id, value: id, description: id }))
					.sort((a, b) => a.name.localeCompare(b.name));
			},
		},
	};

	webhookMethods = eventHookMethods(subscriptionOf);

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, subscriptionOf(this));
	}
}
