/**
 * The process-wide part of running n8n-core 2.41.1 in-process, done once: its instance settings in
 * a private temporary user folder (the base context reads them), and trust in the Okta sandbox's
 * certificate authority for the requests n8n-core sends.
 *
 * Trust: n8n-core sends every request through the DI service OutboundHttp (axios, a fresh
 * https.Agent per request, options from the request's `agentOptions`). NODE_EXTRA_CA_CERTS is
 * read when the process starts, too late here, and Node 20 has no tls.setDefaultCACertificates;
 * so the container's OutboundHttp is replaced by one that gives each request a TLS context trusting
 * the authorities (on top of Node's own roots, as NODE_EXTRA_CA_CERTS would), `agentOptions.
 * secureContext`, and otherwise hands the request, unchanged, to the real one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext, rootCertificates } from 'node:tls';
import type { SecureContext } from 'node:tls';
import type { HttpRequestClient, OutboundHttp } from '@n8n/backend-network';
import { Container } from '@n8n/di';
import { InstanceSettings } from 'n8n-core';
import type { IHttpRequestOptions, IRequestOptions } from 'n8n-workflow';

const trustedAuthorities = new Set<string>();
let ready = false;

/** Built once per set of authorities: parsing Node's ~140 roots for every request costs ~30 ms. */
let trustContext: SecureContext | undefined;

function withTrust<T extends IHttpRequestOptions | IRequestOptions>(options: T): T {
	const own = options.agentOptions as { ca?: unknown; secureContext?: unknown } | undefined;
	if (trustedAuthorities.size === 0 || own?.ca !== undefined || own?.secureContext !== undefined)
		return options;
	trustContext ??= createSecureContext({ ca: [...rootCertificates, ...trustedAuthorities] });
	return { ...options, agentOptions: { ...options.agentOptions, secureContext: trustContext } };
}

/** n8n-core's request service (loaded on use: n8n-core 2.8, under test:n8n-api, has none). */
function outboundHttpService(): new () => OutboundHttp {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('@n8n/backend-network') as { OutboundHttp: new () => OutboundHttp }).OutboundHttp;
}

/** Sets n8n-core's process-wide services up (idempotent). */
export function setUpN8nCore(): void {
	if (ready) return;
	ready = true;
	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-core-'));
	process.once('exit', () => rmSync(userFolder, { recursive: true, force: true }));
	const previous = process.env.N8N_USER_FOLDER;
	process.env.N8N_USER_FOLDER = userFolder;
	try {
		Container.get(InstanceSettings);
	} finally {
		if (previous === undefined) delete process.env.N8N_USER_FOLDER;
		else process.env.N8N_USER_FOLDER = previous;
	}

	// scripts/test-n8n-api.ts runs these tests on older n8n-core releases, which have no
	// OutboundHttp service: it starts them with NODE_EXTRA_CA_CERTS instead.
	if (process.env.N8N_CORE_TRUST_FROM_ENV === '1') return;
	const service = outboundHttpService();
	const outbound = Container.get(service);
	const trusting: OutboundHttp = Object.create(outbound);
	trusting.requests = (options) => {
		const client = outbound.requests(options);
		const request = async (requestOptions: IHttpRequestOptions) =>
			await client.request(withTrust(requestOptions));
		return {
			request: request as HttpRequestClient['request'],
			requestLegacy: async (requestOptions, callbacks) =>
				await client.requestLegacy(withTrust(requestOptions), callbacks),
		};
	};
	Container.set(service, trusting);
}

/** Requests n8n-core sends from now on trust this certificate authority (PEM) too. */
export function trustCertificateAuthority(pem: string): void {
	setUpN8nCore();
	if (trustedAuthorities.has(pem)) return;
	trustedAuthorities.add(pem);
	trustContext = undefined;
}

/** n8n-core's `helpers.httpRequest` (what it hands a credential's preAuthentication). */
export async function n8nHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
	setUpN8nCore();
	if (process.env.N8N_CORE_TRUST_FROM_ENV === '1') {
		// Older n8n-core: its request helpers are module functions (not exported from its index).
		const legacyHelpers =
			'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const helpers = require(legacyHelpers) as {
			httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
		};
		return await helpers.httpRequest(options);
	}
	return await Container.get(outboundHttpService()).requests().request(options);
}
