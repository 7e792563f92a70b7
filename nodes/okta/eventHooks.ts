import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { oktaRequest } from './client';

/** Okta's event hook endpoints (`/api/v1/eventHooks`), one function each; no trigger logic here. */

export interface OktaEventHook {
	id: string;
	name: string;
	status: string;
	verificationStatus: string;
	events?: { type?: string; items?: string[]; filter?: unknown };
	channel?: { config?: { uri?: string } };
	/** Changes with every edit in Okta, also of the write-only secret. */
	lastUpdated?: string;
}

const BASE = '/api/v1/eventHooks';
const NOT_FOUND = 404;

export async function listEventHooks(this: IHookFunctions): Promise<OktaEventHook[]> {
	const { body } = await oktaRequest.call(this, {
		method: 'GET',
		path: BASE,
		operation: 'list event hooks',
	});
	return Array.isArray(body) ? (body as OktaEventHook[]) : [];
}

/** The hook, or undefined when Okta no longer has it. */
export async function getEventHook(
	this: IHookFunctions,
	id: string,
): Promise<OktaEventHook | undefined> {
	const { statusCode, body } = await oktaRequest.call(this, {
		method: 'GET',
		path: `${BASE}/${encodeURIComponent(id)}`,
		operation: 'read the event hook',
		allowStatuses: [NOT_FOUND],
	});
	return statusCode === NOT_FOUND ? undefined : (body as OktaEventHook);
}

export async function createEventHook(
	this: IHookFunctions,
	hook: IDataObject,
): Promise<OktaEventHook> {
	const { body } = await oktaRequest.call(this, {
		method: 'POST',
		path: BASE,
		body: hook,
		operation: 'create the event hook',
	});
	return body as OktaEventHook;
}

/** Okta sends the verification challenge to the hook's URI while this call is open. */
export async function verifyEventHook(this: IHookFunctions, id: string): Promise<OktaEventHook> {
	const { body } = await oktaRequest.call(this, {
		method: 'POST',
		path: `${BASE}/${encodeURIComponent(id)}/lifecycle/verify`,
		operation: 'verify the event hook',
	});
	return body as OktaEventHook;
}

/**
 * Teardown is deactivate, then delete (Okta deletes only INACTIVE hooks).
 * A 404 at either step means the hook is already gone. Returns whether it existed.
 */
export async function deactivateAndDeleteEventHook(
	this: IHookFunctions,
	id: string,
): Promise<boolean> {
	const path = `${BASE}/${encodeURIComponent(id)}`;
	const deactivated = await oktaRequest.call(this, {
		method: 'POST',
		path: `${path}/lifecycle/deactivate`,
		operation: 'deactivate the event hook',
		allowStatuses: [NOT_FOUND],
	});
	if (deactivated.statusCode === NOT_FOUND) return false;
	const deleted = await oktaRequest.call(this, {
		method: 'DELETE',
		path,
		operation: 'delete the event hook',
		allowStatuses: [NOT_FOUND],
	});
	return deleted.statusCode !== NOT_FOUND;
}
