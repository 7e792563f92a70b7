/**
 * The Okta Trigger (or any event-hook node class) hosted for the reliability suites: its webhook
 * served the way n8n 2.41.1 serves a production webhook (test/nodes/.../n8nWebhookHost.ts, so Okta's
 * verification GET reaches the real webhook() over HTTPS), and its webhook methods run one at a
 * time as n8n runs them (static data saved only when a method returns), with a request adjustment
 * for the client-side faults of n8nDriver.ts.
 */
import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import { CredentialStore, hookContext, nodeStaticData, testWorkflow } from '../../devkit/n8n/core';
import type { RequestAdjustment } from '../../devkit/n8n/core';
import type { WebhookMethod } from '../../devkit/n8n/triggerHost';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { OktaTrigger } from '../../nodes/OktaTrigger/OktaTrigger.node';
import { startN8nWebhookHost } from '../nodes/OktaMfaPreregistrationTrigger/n8nWebhookHost';
import type { LifecycleHost } from './n8nDriver';

/** The Okta Trigger's choice in the reliability suites: 3 of the 6 event-hook types they use. */
export const CHOSEN_TYPES = [
	'user.lifecycle.create',
	'group.user_membership.add',
	'application.user_membership.add',
];
/** Event-hook types the suites' Okta Trigger does not choose (the MFA one included). */
export const OTHER_TYPES = [
	'user.lifecycle.deactivate',
	'group.user_membership.remove',
	'system.mfa.preregister.initiate',
];

export interface HostedNode extends LifecycleHost {
	/** The node's static data as n8n saved it. */
	readonly stored: IDataObject;
	readonly webhookUrl: string;
	/** The node's parameters: read at every call, so a test may change them (the user edits the node). */
	readonly parameters: INodeParameters;
	close(): Promise<void>;
}

/** An Okta Trigger (by default) published against the sandbox's org with an API token credential. */
export async function hostEventHookNode(options: {
	sandbox: OktaSandbox;
	parameters: INodeParameters;
	nodeClass?: new () => INodeType;
}): Promise<HostedNode> {
	const credential = new CredentialStore().save('oktaEventHookApi', {
		url: options.sandbox.url,
		accessToken: options.sandbox.token,
	});
	const nodeClass = options.nodeClass ?? OktaTrigger;
	const nodeType = new nodeClass();
	const { parameters } = options;
	const host = await startN8nWebhookHost({
		credential,
		parameters,
		nodeClass: nodeClass as unknown as typeof OktaMfaPreregistrationTrigger,
	});
	// The host serves /webhook/<its webhook id>/webhook: the methods must name the same URL.
	const webhookId = new URL(host.url).pathname.split('/')[2];

	return {
		parameters,
		get stored() {
			return host.stored;
		},
		webhookUrl: host.url,
		async run(method: WebhookMethod, adjustRequest?: RequestAdjustment) {
			const target = testWorkflow({
				nodeType,
				parameters,
				node: { webhookId },
				credentials: [credential],
				nodeStaticData: host.stored,
				instanceUrl: host.baseUrl,
			});
			const result = await nodeType.webhookMethods!.default![method].call(
				hookContext(target, { mode: 'trigger', adjustRequest }),
			);
			host.stored = nodeStaticData(target);
			return result;
		},
		close: () => host.close(),
	};
}
