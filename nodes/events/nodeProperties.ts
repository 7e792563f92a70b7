import type { INodeProperties, IWebhookDescription } from 'n8n-workflow';

import { RETENTION_DAYS } from './pollLog';

/** What both pairs of triggers show alike: the event hook's webhooks and options, the poll's Catch Up. */

/** The event-hook triggers' two webhooks on one path. */
export const EVENT_HOOK_WEBHOOKS: IWebhookDescription[] = [
	// Okta verifies the URL with a GET before it sends events by POST to the same path.
	{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
	// n8n answers 200 with an empty body ('noData') once it has created the execution, or an
	// error when it cannot: Okta then sends the delivery again.
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		responseData: 'noData',
		path: 'webhook',
	},
];

/** *Recover Missed Events* (on by default); `more` adds sentences to its description (". …", no final period). */
export function recoverMissedEventsProperty(more = ''): INodeProperties {
	return {
		displayName: 'Recover Missed Events',
		name: 'recoverMissedEvents',
		type: 'boolean',
		default: true,
		description: `Whether to also run the events Okta could not deliver (n8n was down longer than Okta's one retry, an error, a timeout), read from Okta's System Log at the next delivery, at most once a minute. Needs okta.logs.read (OAuth2) or an admin who may read the System Log${more}.`,
	};
}

/** The polling triggers' *Catch Up (Days)* option. */
export const CATCH_UP_DAYS_OPTION: INodeProperties = {
	displayName: 'Catch Up (Days)',
	name: 'catchUpDays',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: RETENTION_DAYS },
	default: RETENTION_DAYS,
	description: `At the first poll after the first publish, also emit the events of this many days before (Okta keeps ${RETENTION_DAYS}). Without it, only events published after the workflow was published are emitted. Later polls always continue where the previous one stopped.`,
};
