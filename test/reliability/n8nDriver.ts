/**
 * Drives the node's webhook methods the way n8n 2.41 does (read in n8n 2.41.1's own code), in
 * n8n-core's real HookContext (devkit/n8n/triggerHost.ts), with the knobs the fault matrix needs on
 * the client side (a short timeout, connection refused, for one Okta operation). The webhook itself
 * is served by the trigger host, so Okta's verification GET reaches the node's real webhook() over
 * HTTPS.
 *
 * - publish: up to 5 attempts of checkExists then create; after a failed attempt n8n calls delete.
 * - static data is persisted only when a method returns (a throw keeps what was stored before).
 * - unpublish: delete once; its error is what the user sees.
 * n8n waits 1, 2, 4, 8 s between attempts; the driver does not (the waits change no outcome here).
 */
import * as net from 'node:net';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { classify } from '../../devkit/okta-sandbox/server';
import type { Op } from '../../devkit/okta-sandbox/types';
import type { Credentials } from '../../devkit/n8n/contexts';
import type { RequestAdjustment } from '../../devkit/n8n/core';
import type { WebhookMethod } from '../../devkit/n8n/triggerHost';

export const PUBLISH_ATTEMPTS = 5;

export interface ClientFaults {
	/** Requests for this Okta operation get a short timeout (the node asks for 30 s). */
	timeout?: { op: Op; ms: number };
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

/** A loopback port nothing listens on. */
export async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

/**
 * What the driver needs of a hosted trigger node: its webhook methods run as n8n runs them (static
 * data saved only if the method returns). The MFA trigger's HostedTrigger (devkit/n8n/triggerHost.ts)
 * is one; any event-hook node class served by n8nWebhookHost is another (oktaTriggerHost.ts).
 */
export interface LifecycleHost {
	run(method: WebhookMethod, adjustRequest?: RequestAdjustment): Promise<boolean>;
	/** The user points the node at its own credential with these fields (only hosts that can). */
	useCredentials?(fields: Credentials): void;
}

export function n8nDriver(options: {
	hosted: LifecycleHost;
	/** The node's credential as the user saved it last. */
	credentials?: Credentials;
	faults?: ClientFaults;
	refusedPort?: number;
}) {
	const { hosted } = options;
	if (options.credentials) {
		if (!hosted.useCredentials) throw new Error('This host takes its credential when it starts');
		hosted.useCredentials(options.credentials);
	}
	const faults = options.faults ?? {};

	/** The client-side faults, applied to each request before n8n-core sends it. */
	function adjust(request: IHttpRequestOptions): IHttpRequestOptions {
		const changed = { ...request };
		const url = new URL(request.url);
		const { op } = classify(request.method ?? 'GET', url.pathname);
		// Only the faulted operation's: under load, a short timeout on every call fails others too.
		if (faults.timeout?.op === op) changed.timeout = faults.timeout.ms;
		if (faults.refuse === op) {
			url.host = `127.0.0.1:${options.refusedPort}`;
			changed.url = url.toString();
		}
		return changed;
	}

	/** One webhook method as n8n runs it: static data saved only if it returns. */
	const run = async (method: WebhookMethod) => await hosted.run(method, adjust);

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
