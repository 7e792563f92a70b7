import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { AUTHENTICATION_PROPERTY, OKTA_CREDENTIALS } from '../events/authentication';
import { checkedLogFilter, chosenEventTypes, eventsProperty } from '../events/eventChoice';
import { CATCH_UP_DAYS_OPTION } from '../events/nodeProperties';
import { RETENTION_DAYS, pollEvents } from '../events/pollLog';
import type { Subscription } from '../events/subscription';

function subscriptionOf(context: IPollFunctions): Subscription {
	const node = context.getNode();
	const options = context.getNodeParameter('options', {}) as IDataObject;
	return {
		label: 'Okta Polling Trigger',
		eventTypes: chosenEventTypes(node, context.getNodeParameter('events', []), 'all'),
		logFilter: checkedLogFilter(node, options.logFilter),
		profile: 'event',
	};
}

export class OktaPollTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Okta Polling Trigger',
		name: 'oktaPollTrigger',
		icon: { light: 'file:okta.svg', dark: 'file:okta.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["events"] || []).join(", ") }}',
		description:
			"Checks Okta's System Log on a schedule for events of the chosen types; no public URL needed",
		defaults: { name: 'Okta Polling Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: OKTA_CREDENTIALS,
		properties: [
			AUTHENTICATION_PROPERTY,
			eventsProperty('all'),
			{
				displayName:
					"Reads Okta's System Log on the schedule below (one request per poll for all chosen types), so n8n needs no public URL. The credential needs read access to the System Log: an API token of a super, org, read-only or report admin, or a service app granted okta.logs.read with such an admin role.",
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					CATCH_UP_DAYS_OPTION,
					{
						displayName: 'System Log Filter',
						name: 'logFilter',
						type: 'string',
						default: '',
						placeholder: 'outcome.result eq "SUCCESS"',
						description:
							'More conditions in Okta\'s System Log filter syntax, joined to the chosen event types with "and" (for example actor.alternateId eq "admin@example.com"). Changing it continues from the last poll.',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const subscription = subscriptionOf(this);
		return await pollEvents.call(this, subscription, {
			message: `Okta's System Log has no event of the chosen types (${subscription.eventTypes.join(', ')}) in the last ${RETENTION_DAYS} days`,
			description:
				'Make one happen in Okta (for example create a test user for user.lifecycle.create), wait a minute for it to reach the System Log, then fetch again.',
		});
	}
}
