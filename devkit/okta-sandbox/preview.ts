/**
 * The Admin Console's event hook Preview (Workflow → Event Hooks → the hook → Actions → Preview →
 * an event type → Deliver Request), which Okta offers no API for. What Okta documents: a normal
 * delivery to the hook's URL with the hook's headers, filled from a recent real event of that type
 * in the System Log, or with sample values (undetermined fields null) when there is none; event
 * hook filters do not apply. Choices where Okta is silent: the hook's status does not matter, the
 * type must be an event-hook-eligible type of Okta's catalog that the hook subscribes to (the
 * console offers only those), the real event is sent as the System Log has it (same uuid), a
 * sample gets a fresh uuid, and there is no retry (the console shows the one answer). A preview
 * is not a System Log event. A sample's displayMessage and target types are the ones the sandbox
 * gives events of the type (events.ts); ids, names and places are null.
 */
import { randomUUID } from 'crypto';
import {
	displayMessageFor,
	FACTOR_DETAIL_KEYS,
	FACTOR_TARGET_TYPE,
	MFA_PREREGISTRATION_EVENT,
	targetTypesFor,
} from './events';
import { eventHookEligibility, findEventType } from './eventTypes';
import { call } from './outbound';
import type { DeliveryAttempt, OktaSandbox, SandboxHook } from './types';

export interface PreviewResult {
	hookId: string;
	url: string;
	/** The envelope's eventId. */
	deliveryId: string;
	/** Where the event came from: the latest System Log event of the type, or Okta's sample. */
	filledFrom: 'systemLog' | 'sample';
	event: Record<string, unknown>;
	attempt: DeliveryAttempt;
}

/** The name n8n's "Listen for test event" gives its temporary hook ends so (see hookLifecycle.ts). */
export const TEST_HOOK_NAME_END = ' test]';

/** The newest hook registered by "Listen for test event", if any. */
export function findTestHook<T extends Pick<SandboxHook, 'name' | 'created'>>(
	hooks: T[],
): T | undefined {
	return hooks
		.filter((h) => h.name.endsWith(TEST_HOOK_NAME_END))
		.sort((a, b) => a.created.localeCompare(b.created))
		.pop();
}

const identity = { id: null, type: null, alternateId: null, displayName: null, detailEntry: null };

/** What the event type itself determines; who, where and which key are undetermined: null. */
export function sampleEvent(eventType: string): Record<string, unknown> {
	const mfa = eventType === MFA_PREREGISTRATION_EVENT;
	const targets = targetTypesFor(eventType, findEventType(eventType)?.name).map((type) => ({
		...identity,
		type,
	}));
	return {
		uuid: randomUUID(),
		published: new Date().toISOString(),
		eventType,
		version: '0',
		severity: 'INFO',
		legacyEventType: null,
		displayMessage: displayMessageFor(eventType),
		actor: identity,
		client: null,
		device: null,
		authenticationContext: null,
		securityContext: null,
		outcome: { result: 'SUCCESS', reason: null },
		target: mfa
			? [
					{ ...identity, type: 'User' },
					{
						...identity,
						type: FACTOR_TARGET_TYPE,
						detailEntry: Object.fromEntries(FACTOR_DETAIL_KEYS.map((key) => [key, null])),
					},
				]
			: targets.length
				? targets
				: null,
		transaction: null,
		debugContext: { debugData: null },
		request: null,
	};
}

/** The latest System Log event of the type (by `published`), else Okta's sample. */
export function previewEvent(
	systemLog: OktaSandbox['systemLog'],
	eventType: string,
): Pick<PreviewResult, 'event' | 'filledFrom'> {
	const latest = systemLog
		.filter((e) => e.eventType === eventType)
		.sort((a, b) => a.published.localeCompare(b.published))
		.pop();
	return latest
		? { event: structuredClone(latest), filledFrom: 'systemLog' }
		: { event: sampleEvent(eventType), filledFrom: 'sample' };
}

/** Preview → Deliver Request: one delivery of one event to the hook, its answer recorded in `outbound`. */
export async function deliverPreview(
	sb: OktaSandbox,
	hookId: string,
	eventType = MFA_PREREGISTRATION_EVENT,
): Promise<PreviewResult> {
	const hook = sb.hook(hookId);
	if (!hook) throw new Error(`okta-sandbox: no hook ${hookId}`);
	if (eventHookEligibility(eventType) !== 'eligible')
		throw new Error(
			`okta-sandbox: ${eventType} is not an event-hook-eligible event type of Okta's catalog`,
		);
	if (!hook.events.items.includes(eventType))
		throw new Error(`okta-sandbox: hook ${hookId} does not subscribe to ${eventType}`);
	const { event, filledFrom } = previewEvent(sb.systemLog, eventType);
	const deliveryId = randomUUID();
	const body = JSON.stringify({
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: `${sb.url}/api/v1/eventHooks/${hook.id}`,
		eventId: deliveryId,
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
		data: { events: [event] },
	});
	const config = hook.channel.config;
	const headers: Record<string, string> = {
		'Content-Type': 'application/json',
		Accept: 'application/json',
		'User-Agent': 'Okta-Integrations',
	};
	for (const h of config.headers) headers[h.key] = h.value;
	if (config.authScheme) headers[config.authScheme.key] = config.authScheme.value;

	const at = new Date().toISOString();
	const r = await call(config.uri, {
		method: 'POST',
		headers,
		body,
		timeoutMs: 3000,
		ca: sb.caCertPem,
	});
	sb.outbound.push({
		kind: 'delivery',
		hookId: hook.id,
		url: config.uri,
		headers,
		body,
		status: r.status,
		responseBody: r.body,
		error: r.error,
		durationMs: r.durationMs,
		attempt: 1,
		deliveryId,
		at,
	});
	const attempt = { status: r.status, error: r.error, body: r.body, durationMs: r.durationMs };
	return { hookId: hook.id, url: config.uri, deliveryId, filledFrom, event, attempt };
}
