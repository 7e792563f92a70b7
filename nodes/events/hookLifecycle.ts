import { randomBytes } from 'node:crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import {
	createEventHook,
	deactivateAndDeleteEventHook,
	getEventHook,
	listEventHooks,
	verifyEventHook,
} from '../okta/eventHooks';
import { oktaApiStatus, oktaErrorCode } from '../okta/errors';
import type { OktaEventHook } from '../okta/eventHooks';
import type { Subscription } from './subscription';
import { recoveryStart, recoversMissedEvents } from './recovery';
import type { StoredRecovery } from './recovery';

/** Okta's code for a request that needs a feature the org does not have. */
const FEATURE_NOT_ENABLED = 'E0000015';

/** What the node keeps in its static data about its Okta hook. The secret never leaves it but to Okta. */
export interface HookRegistration extends StoredRecovery {
	hookId?: string;
	secret?: string;
	/**
	 * The hook's `lastUpdated` once verified. Okta never returns the secret, so an edit in Okta (a new
	 * Authorization value would make every delivery fail with 401) shows only as a later timestamp.
	 */
	lastUpdated?: string;
}

function registration(context: IHookFunctions): HookRegistration & IDataObject {
	return context.getWorkflowStaticData('node') as HookRegistration & IDataObject;
}

function forget(context: IHookFunctions): void {
	const data = registration(context);
	delete data.hookId;
	delete data.secret;
	delete data.lastUpdated;
	delete data.logCursor;
	delete data.emittedKeys;
}

function webhookUrl(context: IHookFunctions): string {
	return context.getNodeWebhookUrl('default') ?? '';
}

/**
 * A tag in the hook's name that says which n8n node owns it, so a hook whose URL changed (or whose
 * id n8n lost) is still recognised. Test ("Listen for test event") and production hooks differ.
 */
function ownerTag(context: IHookFunctions): string {
	const test = context.getMode() === 'manual' ? ' test' : '';
	return `[n8n ${context.getNode().webhookId ?? context.getNode().id}${test}]`;
}

function hookName(context: IHookFunctions): string {
	const workflow = context.getWorkflow();
	const workflowName = (workflow.name ?? 'workflow').slice(0, 120);
	return `n8n: ${workflowName} (workflow ${workflow.id}) ${ownerTag(context)}`;
}

function isOurs(context: IHookFunctions, hook: OktaEventHook): boolean {
	return (
		hook.channel?.config?.uri === webhookUrl(context) ||
		(hook.name ?? '').endsWith(ownerTag(context))
	);
}

/** A filter as comparable text: each event type's condition, in type order (Okta adds fields of its own). */
function filterKey(filter: unknown): string {
	const map = (filter as { eventFilterMap?: unknown } | null | undefined)?.eventFilterMap;
	if (!Array.isArray(map)) return '';
	return JSON.stringify(
		map
			.map((entry) => [String(entry?.event), String(entry?.condition?.expression)])
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
	);
}

/** The hook delivers exactly the chosen event types, with the chosen filter (or none). */
function subscribedAsChosen(hook: OktaEventHook, subscription: Subscription): boolean {
	const items = new Set(hook.events?.items ?? []);
	return (
		items.size === subscription.eventTypes.length &&
		subscription.eventTypes.every((type) => items.has(type)) &&
		filterKey(hook.events?.filter) === filterKey(subscription.hookFilter)
	);
}

/**
 * Only an ACTIVE and VERIFIED hook on our URL, subscribed to what the node listens to, receives what
 * we need; one subscribed to other types or another filter (the selection changed) is replaced.
 */
function isHealthy(
	context: IHookFunctions,
	hook: OktaEventHook,
	subscription: Subscription,
): boolean {
	return (
		hook.status === 'ACTIVE' &&
		hook.verificationStatus === 'VERIFIED' &&
		hook.channel?.config?.uri === webhookUrl(context) &&
		subscribedAsChosen(hook, subscription)
	);
}

function assertHttps(context: IHookFunctions, url: string): void {
	if (/^https:\/\//i.test(url)) return;
	throw new NodeOperationError(
		context.getNode(),
		`Okta only sends events to https:// URLs, and this webhook URL is ${url || 'unknown'}`,
		{
			description:
				'Set the N8N_WEBHOOK_URL environment variable to the public HTTPS address of your n8n (for example https://n8n.example.com/) and restart n8n, then publish the workflow again.',
		},
	);
}

/** checkExists: true only when the hook n8n knows about is still in place and able to deliver. */
export async function hookIsInPlace(
	this: IHookFunctions,
	subscription: Subscription,
): Promise<boolean> {
	const { hookId, secret, lastUpdated } = registration(this);
	if (!hookId || !secret) return false;
	const hook = await getEventHook.call(this, hookId);
	if (!hook) {
		forget(this);
		return false;
	}
	// Edited in Okta since it was verified (its secret may have changed, which no field shows):
	// replace it rather than let every delivery fail with 401.
	if (lastUpdated && typeof hook.lastUpdated === 'string' && hook.lastUpdated !== lastUpdated) {
		return false;
	}
	// Anything else (deactivated, unverified, moved URL) is repaired by create(), which replaces it.
	return isHealthy(this, hook, subscription);
}

/** create: one verified hook for this webhook URL, replacing any earlier one; none left behind on failure. */
export async function registerHook(
	this: IHookFunctions,
	subscription: Subscription,
): Promise<boolean> {
	const uri = webhookUrl(this);
	assertHttps(this, uri);
	// Recovery reads the System Log from here: events before the hook could deliver are not ours.
	const publishedAt = new Date();

	// checkExists found the hook n8n knows unfit (deactivated, moved, edited...): replace it.
	const { hookId: unfit } = registration(this);
	if (unfit) await removeOrSayWhich(this, unfit);
	forget(this);

	// 256 bits from the CSPRNG; Okta never returns it, so this static data is its only copy.
	const secret = randomBytes(32).toString('base64url');
	const hook = await createOwnHook(this, subscription, {
		name: hookName(this),
		events: {
			type: 'EVENT_TYPE',
			items: [...subscription.eventTypes],
			...(subscription.hookFilter ? { filter: subscription.hookFilter } : {}),
		},
		channel: {
			type: 'HTTP',
			version: '1.0.0',
			config: {
				uri,
				headers: [],
				authScheme: { type: 'HEADER', key: 'Authorization', value: secret },
			},
		},
	});
	const verification = await verifyEventHook.call(this, hook.id).then(
		(verified) => ({ verified }),
		(error: NodeApiError) => ({ error }),
	);
	if ('error' in verification) {
		await removeAfterFailure(this, hook.id, verification.error);
		throw verification.error;
	}
	const { verified } = verification;
	const stored: HookRegistration = { hookId: hook.id, secret };
	if (recoversMissedEvents(this)) {
		stored.logCursor = recoveryStart(subscription, publishedAt);
	}
	if (typeof verified?.lastUpdated === 'string') stored.lastUpdated = verified.lastUpdated;
	Object.assign(registration(this), stored);
	return true;
}

/**
 * Publishing costs Okta two calls, create and verify. A hook of ours that n8n lost track of (n8n
 * stopped between Okta's answer and saving static data, or a restored database) has the same name,
 * and Okta refuses a second hook with a name in use (400); so does a full org. Only then are the
 * org's hooks listed: ours are removed and the create is tried once more, else Okta's refusal stands.
 */
async function createOwnHook(
	context: IHookFunctions,
	subscription: Subscription,
	body: IDataObject,
): Promise<OktaEventHook> {
	const refusal = await createEventHook.call(context, body).then(
		(hook) => ({ hook }),
		(error: NodeApiError) => ({ error }),
	);
	if ('hook' in refusal) return refusal.hook;
	const status = oktaApiStatus(refusal.error);
	// A filter in an org without the feature: 400, or E0000015 (a feature not enabled: 403).
	if (
		subscription.hookFilter &&
		(status === 400 || oktaErrorCode(refusal.error) === FEATURE_NOT_ENABLED)
	)
		explainFilterRefusal(refusal.error);
	if (status !== 400) throw refusal.error;
	const leftBehind = (await listEventHooks.call(context)).filter((hook) => isOurs(context, hook));
	if (leftBehind.length === 0) throw refusal.error;
	for (const hook of leftBehind) await removeOrSayWhich(context, hook.id);
	return await createEventHook.call(context, body);
}

/**
 * Okta refused a hook with a filter: the org may not have the Early Access feature, or a condition
 * is not one Okta accepts. Okta's words stay first (the error's message and description).
 */
function explainFilterRefusal(error: { description?: string | null }): void {
	error.description =
		`${error.description ?? ''} With Filters, Okta also needs its Early Access feature "Event hook filtering" (Admin Console → Settings → Features) and conditions in Okta Expression Language it accepts: turn the feature on, correct the condition Okta names, or remove the node's Filters.`.trim();
}

/** A hook that could not be verified must not stay behind; if even that fails, say which hook to delete. */
async function removeAfterFailure(
	context: IHookFunctions,
	hookId: string,
	error: { description?: string | null },
): Promise<void> {
	try {
		await deactivateAndDeleteEventHook.call(context, hookId);
	} catch (cleanupError) {
		error.description =
			`${error.description ?? ''} The unverified event hook ${hookId} could not be removed (${(cleanupError as Error).message}): delete it in the Okta Admin Console under Workflow > Event Hooks.`.trim();
	}
}

/** delete: deactivate, then delete; already gone counts as done; other failures are reported. */
export async function removeHook(this: IHookFunctions): Promise<boolean> {
	const { hookId } = registration(this);
	const ids = hookId
		? [hookId]
		: (await listEventHooks.call(this)).filter((hook) => isOurs(this, hook)).map((hook) => hook.id);
	for (const id of ids) await removeOrSayWhich(this, id);
	forget(this);
	return true;
}

/**
 * Deactivate and delete one hook; when Okta refuses or cannot be reached, the error also names the
 * hook left in Okta (an ACTIVE one keeps calling n8n) and where to delete it by hand.
 */
async function removeOrSayWhich(context: IHookFunctions, hookId: string): Promise<void> {
	// Okta's errors arrive as NodeApiError / NodeOperationError already (nodes/okta/errors.ts).
	const failure = await deactivateAndDeleteEventHook.call(context, hookId).then(
		() => undefined,
		(error: NodeApiError) => error,
	);
	if (!failure) return;
	failure.description =
		`${failure.description ?? ''} The event hook ${hookId} is still in Okta: try again, or delete it in the Okta Admin Console under Workflow > Event Hooks.`.trim();
	throw failure;
}
