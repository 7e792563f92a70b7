import { sleep } from 'n8n-workflow';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { toEventItem } from './eventItem';
import type { CardInput, CardSource } from './eventItem';
import type { LogEvent } from '../okta/payloads';
import type { Claim } from './claims';
import { byPublished } from './delivery';
import type { HookRegistration } from './hookLifecycle';
import {
	forgetRecovery,
	recoverMissed,
	recoversMissedEvents,
	registrationFor,
	storeRecovery,
} from './recovery';
import { keepMarkedUntilSaved } from './staticDataSave';
import type { Subscription } from './subscription';

type Response = ReturnType<IWebhookFunctions['getResponseObject']>;

/** How long a delivery's events stay pending after Okta closed the connection and n8n has not answered. */
export const DECISION_WAIT_MS = 60_000;

/**
 * n8n-workflow's `sleep`, which takes an abort signal in newer releases (2.41, not 2.8). Older ones ignore it:
 * the wait then runs its minute out, and its late `settle(false)` changes nothing (a claim settles
 * once), so only a timer lingers.
 */
const sleepUnlessAborted = sleep as (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Whether n8n took the execution, read off its answer. With `responseMode: 'onReceived'` and
 * `responseData: 'noData'`, n8n 2.41 ends the response with 200 only after WorkflowRunner.run
 * created the execution, and with an error (500) when that failed. Okta may close the connection
 * first (it waits 3 s): n8n still ends the response once it has decided, so its call to `end` is
 * the answer, not the connection's close; a close alone keeps the events pending (Okta's retry
 * waits for the outcome instead of running them twice) until n8n decides, or for at most
 * DECISION_WAIT_MS, after which they are free again: a lost event is worse than a late one.
 */
export function settleWhenAnswered(response: Response, claim: Claim): void {
	const end = response.end;
	response.end = function (this: Response, ...args: unknown[]) {
		claim.settle(response.statusCode === 200);
		return (end as (...endArgs: unknown[]) => Response).apply(this, args);
	} as Response['end'];
	response.once('close', () => {
		if (response.writableEnded) return;
		// The wait ends early once n8n has decided (no timer left behind for a minute).
		const decided = new AbortController();
		void claim.settled.then(() => decided.abort());
		void sleepUnlessAborted(DECISION_WAIT_MS, decided.signal).then(
			() => claim.settle(false),
			() => undefined,
		);
	});
}

/**
 * An authenticated Okta delivery: its events no other delivery has emitted or holds, plus (in a
 * published workflow, when the option is on) the missed events recovery found, in one run, oldest
 * first. The node does not answer Okta itself: n8n does, once the execution exists.
 */
export async function runAcceptedDelivery(
	context: IWebhookFunctions,
	stored: HookRegistration & IDataObject,
	delivered: CardSource[],
	subscription: Subscription,
): Promise<IWebhookResponseData> {
	const mode = context.getMode();
	// Okta's hook id tells the test listener's hook from the published one. (Not the webhook URL:
	// n8n resolves it through its expression engine, which costs milliseconds per delivery.)
	const registration = registrationFor(
		`${mode} ${context.getNode().webhookId} ${stored.hookId}`,
		subscription,
		stored,
	);
	const claim = registration.claims.open();
	const sources = await claim.take(delivered, ({ event }) =>
		typeof event.uuid === 'string' ? event.uuid : undefined,
	);

	let recovered: LogEvent[] = [];
	let cursor = registration.cursor;
	// "Listen for test event" never reads the log (and n8n never saves its static data).
	const production = mode !== 'manual';
	// With an event hook filter the log would return events Okta chose not to deliver: no recovery.
	const recovering =
		production && recoversMissedEvents(context) && subscription.hookFilter === undefined;
	// Static data changes only for recovery: with it off, a delivery writes nothing to n8n's database.
	let changedStaticData = false;
	if (recovering) {
		({ events: recovered, cursor } = await recoverMissed(context, registration, claim));
	} else if (production) {
		changedStaticData = forgetRecovery(stored, registration);
	}

	const items = byPublished<CardInput>([...sources, ...recovered.map((event) => ({ event }))]).map(
		(source) => ({ json: toEventItem(source, subscription.profile) }),
	);
	const response = context.getResponseObject();
	if (response.destroyed) {
		// Okta gave up on this request while it waited: run nothing, Okta sends it again.
		claim.settle(false);
		return { noWebhookResponse: true };
	}
	// Recovery's one database write per delivery: n8n saves a webhook's static data before it
	// answers, and nothing saves it later. Not moved into the execution: an execution saves its own
	// copy of static data at its end, over the hook's secret if a publish replaced it meanwhile, and
	// in queue mode a worker's copy is empty (n8n 2.41's execution snapshot carries none).
	if (recovering) changedStaticData = storeRecovery(stored, registration, claim, cursor);
	if (items.length === 0) {
		// Nothing new: no execution to wait for. Okta wants 200 with an empty body.
		claim.settle(true);
		response.status(200).end();
		return { noWebhookResponse: true };
	}
	settleWhenAnswered(response, claim);
	if (changedStaticData) keepMarkedUntilSaved(stored, 'hookId', claim.settled);
	return { workflowData: [items] };
}
