import type {
	IDataObject,
	IHookFunctions,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { warnIfN8nTooOld } from '../n8n/compatibility';
import { runAcceptedDelivery } from './acceptedDelivery';
import { answerVerification, readDelivery } from './delivery';
import { hookIsInPlace, registerHook, removeHook } from './hookLifecycle';
import type { HookRegistration } from './hookLifecycle';
import type { Subscription } from './subscription';

/**
 * An event-hook trigger node's webhook lifecycle for a subscription (read from the node's
 * parameters when n8n calls): publishing registers and verifies the hook, unpublishing removes it.
 */
export function eventHookMethods(subscriptionOf: (context: IHookFunctions) => Subscription) {
	return {
		default: {
			async checkExists(this: IHookFunctions) {
				return await hookIsInPlace.call(this, subscriptionOf(this));
			},
			async create(this: IHookFunctions) {
				warnIfN8nTooOld(this.logger);
				return await registerHook.call(this, subscriptionOf(this));
			},
			delete: removeHook,
		} satisfies Record<string, (this: IHookFunctions) => Promise<boolean>>,
	};
}

/**
 * One request on the node's webhook: Okta's verification GET, or a delivery (401, 400, or its
 * events of the subscription, run once n8n holds the execution).
 */
export async function receiveDelivery(
	this: IWebhookFunctions,
	subscription: Subscription,
): Promise<IWebhookResponseData> {
	warnIfN8nTooOld(this.logger);
	const headers = this.getHeaderData();
	const stored = this.getWorkflowStaticData('node') as HookRegistration & IDataObject;
	const verdict =
		this.getWebhookName() === 'setup'
			? answerVerification(headers)
			: readDelivery({
					headers,
					body: this.getBodyData(),
					secret: stored.secret,
					eventTypes: subscription.eventTypes,
				});
	if ('body' in verdict) {
		this.getResponseObject().status(verdict.status).json(verdict.body);
		return { noWebhookResponse: true };
	}
	return await runAcceptedDelivery(this, stored, verdict.events, subscription);
}
