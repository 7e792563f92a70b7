/**
 * Drives the node's webhook methods the way n8n 2.41 does (see /work/shared/n8n-notes.md), with the
 * knobs the fault matrix needs on the client side (a short request timeout, connection refused for
 * one Okta operation). The webhook itself is served by the trigger host, so Okta's verification GET
 * reaches the node's real webhook() over HTTPS.
 *
 * - publish: up to 5 attempts of checkExists then create; after a failed attempt n8n calls delete.
 * - static data is persisted only when a method returns (a throw keeps what was stored before).
 * - unpublish: delete once; its error is what the user sees.
 * n8n waits 1, 2, 4, 8 s between attempts; the driver does not (the waits change no outcome here).
 */
import * as net from 'node:net';
import type { IDataObject, IHookFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { classify } from '../../devkit/okta-sandbox/server';
import type { Op } from '../../devkit/okta-sandbox/types';
import { hookContext } from '../../devkit/n8n/contexts';
import type { Credentials } from '../../devkit/n8n/contexts';
import type { HostedTrigger } from '../../devkit/n8n/triggerHost';

export const PUBLISH_ATTEMPTS = 5;

export interface ClientFaults {
	/** Cap on every Okta request's timeout (the node asks for 30 s). */
	timeoutMs?: number;
	/** Requests for this Okta operation go to a closed port: connection refused. */
	refuse?: Op;
}

export interface LifecycleOutcome {
	ok: boolean;
	/** The error the user sees (n8n shows the last attempt's). */
	error?: Error & { description?: string; httpCode?: string };
	attempts: number;
	/** Errors from n8n's delete between attempts (n8n logs them). */
	cleanupErrors: Error[];
}

const clone = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export function n8nDriver(options: {
	hosted: HostedTrigger;
	credentials: Credentials;
	ca: string;
	webhookId: string;
	test?: boolean;
	faults?: ClientFaults;
	refusedPort?: number;
}) {
	const node = new OktaMfaPreregistrationTrigger();
	const { hosted } = options;

	function context(live: IDataObject): IHookFunctions {
		const base = hookContext({
			credentials: options.credentials,
			ca: options.ca,
			webhookUrl: hosted.webhookUrl,
			staticData: live,
			mode: options.test ? 'manual' : 'trigger',
			node: { webhookId: options.webhookId },
			workflow: { id: 'wf1', name: 'YubiKey shipments' },
			calls: hosted.calls,
		});
		const send = base.helpers.httpRequestWithAuthentication;
		const faults = options.faults ?? {};
		base.helpers.httpRequestWithAuthentication = async function (
			type: string,
			request: IHttpRequestOptions,
		) {
			const changed = { ...request };
			if (faults.timeoutMs !== undefined)
				changed.timeout = Math.min(request.timeout ?? 30_000, faults.timeoutMs);
			const url = new URL(request.url);
			if (faults.refuse && classify(request.method ?? 'GET', url.pathname).op === faults.refuse) {
				url.host = `127.0.0.1:${options.refusedPort}`;
				changed.url = url.toString();
			}
			return await send.call(base, type, changed);
		} as typeof send;
		return base;
	}

	/** One webhook method as n8n runs it: static data saved only if it returns. */
	async function run(method: 'checkExists' | 'create' | 'delete'): Promise<boolean> {
		const live = clone(hosted.stored);
		const result = await node.webhookMethods.default[method].call(context(live));
		hosted.stored = clone(live);
		return result;
	}

	return {
		run,
		async publish(): Promise<LifecycleOutcome> {
			const cleanupErrors: Error[] = [];
			let error: LifecycleOutcome['error'];
			for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt++) {
				try {
					if (!(await run('checkExists'))) await run('create');
					return { ok: true, attempts: attempt, cleanupErrors };
				} catch (caught) {
					error = caught as LifecycleOutcome['error'];
					try {
						await run('delete');
					} catch (cleanup) {
						cleanupErrors.push(cleanup as Error);
					}
				}
			}
			return { ok: false, error, attempts: PUBLISH_ATTEMPTS, cleanupErrors };
		},
		async unpublish(): Promise<LifecycleOutcome> {
			try {
				await run('delete');
				return { ok: true, attempts: 1, cleanupErrors: [] };
			} catch (caught) {
				return {
					ok: false,
					error: caught as LifecycleOutcome['error'],
					attempts: 1,
					cleanupErrors: [],
				};
			}
		},
	};
}
