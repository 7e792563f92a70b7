/**
 * n8n around the event-hook trigger, in-process: n8n-core's real contexts (core.ts) for its webhook
 * methods and its webhook(), served over HTTPS (Okta only calls https:// URLs). Publishing is
 * n8n 2.41's: checkExists, then create; the node's static data is saved only when a method
 * returns, so requests handled meanwhile (Okta's verification GET) see what was saved before, as in
 * n8n. A published workflow's static data is also saved after each webhook() (n8n saves it after a
 * production webhook; never for the editor's test listener).
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { getTestPki } from '../okta-sandbox/pki';
import { CREDENTIAL_TYPE } from './contexts';
import type { Authentication, Credentials, OAuthCredentials } from './contexts';
import {
	CredentialStore,
	hookContext,
	nodeStaticData,
	testWorkflow,
	trustCertificateAuthority,
} from './core';
import type { RequestAdjustment } from './core';
import { serveWebhookRequest } from './webhookServer';
import type { WebhookAnswer } from './webhookServer';

export interface Execution {
	webhookUrl: string;
	items: IDataObject[];
}

/** A request the node sent to Okta, as sent (after the credential's authentication). */
export interface RecordedOktaCall {
	method: string;
	url: string;
	headers: Record<string, string>;
	body: unknown;
}

export type WebhookMethod = 'checkExists' | 'create' | 'delete';

export interface HostedTrigger {
	/** The node's static data as n8n saved it. */
	stored: IDataObject;
	webhookUrl: string;
	calls: RecordedOktaCall[];
	/**
	 * One webhook method as n8n runs it (static data saved only if it returns). `adjustRequest`
	 * changes each request before n8n-core sends it (client-side faults: timeouts, refused ports).
	 */
	run(method: WebhookMethod, adjustRequest?: RequestAdjustment): Promise<boolean>;
	/** The user points this node at its own credential with these fields (or edits it). */
	useCredentials(fields: Credentials | OAuthCredentials): void;
	checkExists(): Promise<boolean>;
	/** n8n's publish: checkExists, then create when it said false. */
	publish(): Promise<void>;
	unpublish(): Promise<void>;
}

export interface Registration {
	/** The editor's "Listen for test event" (mode manual, /webhook-test/ URLs). */
	test?: boolean;
	webhookId?: string;
	workflowId?: string;
	/** n8n's base URL (N8N_WEBHOOK_URL) for this registration; default the host's own. */
	instanceUrl?: string;
}

const clone = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;
const node = new OktaMfaPreregistrationTrigger();
const DEFAULT_WEBHOOK_ID = '5f0b3c1e-8a7d-4f3e-9c2a-6d4e1b7a9c30';

export async function startTriggerHost(options: {
	credentials: Credentials | OAuthCredentials;
	ca: string;
	/** Default 'apiToken'; 'oAuth2' sets the node's Authentication parameter and uses the service-app credential. */
	authentication?: Authentication;
}) {
	trustCertificateAuthority(options.ca);
	const authentication = options.authentication ?? 'apiToken';
	// One stored credential for every node, as in n8n: a token preAuthentication gets is reused.
	const store = new CredentialStore();
	const credential = store.save(
		CREDENTIAL_TYPE[authentication],
		options.credentials as unknown as ICredentialDataDecryptedObject,
	);
	const pki = getTestPki();
	const registrations = new Map<string, { hosted: HostedTrigger; workflowFor: WorkflowFor }>();
	const executions: Execution[] = [];
	const answers: WebhookAnswer[] = [];

	const server = https.createServer(
		{ key: pki.serverKeyPem, cert: pki.serverCertPem },
		async (request, response) => {
			const webhookUrl = `${baseUrl}${request.url}`;
			const registration = registrations.get(webhookUrl);
			const webhookName = { GET: 'setup', POST: 'default' }[request.method ?? ''];
			if (!registration || !webhookName) {
				response.writeHead(404).end();
				return;
			}
			const { hosted, workflowFor } = registration;
			const target = workflowFor(hosted.stored);
			const answer = await serveWebhookRequest(
				target,
				{
					webhookName,
					mode: target.test ? 'manual' : 'webhook',
					onExecution: (items) => executions.push({ webhookUrl, items: items[0] }),
				},
				request,
				response,
			);
			answers.push(answer);
			if (!target.test) hosted.stored = clone(nodeStaticData(target));
		},
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = `https://localhost:${(server.address() as AddressInfo).port}`;

	type WorkflowFor = (stored: IDataObject) => ReturnType<typeof testWorkflow> & { test: boolean };

	function register(settings: Registration = {}): HostedTrigger {
		const calls: RecordedOktaCall[] = [];
		const test = settings.test === true;
		let nodeCredential = credential;
		const workflowFor: WorkflowFor = (stored) => ({
			test,
			...testWorkflow({
				nodeType: node,
				parameters: authentication === 'oAuth2' ? { authentication } : {},
				node: { webhookId: settings.webhookId ?? DEFAULT_WEBHOOK_ID },
				credentials: [nodeCredential],
				workflow: { id: settings.workflowId ?? 'wf1', name: 'YubiKey shipments' },
				nodeStaticData: clone(stored),
				instanceUrl: settings.instanceUrl ?? baseUrl,
				onAuthenticated: (sent) =>
					calls.push({
						method: sent.method ?? 'GET',
						url: sent.url,
						headers: Object.fromEntries(
							Object.entries(sent.headers ?? {}).map(([name, value]) => [name, String(value)]),
						),
						body: sent.body,
					}),
			}),
		});
		const mode = test ? 'manual' : 'trigger';
		const hosted: HostedTrigger = {
			stored: {},
			webhookUrl: hookContext(workflowFor({}), { mode }).getNodeWebhookUrl('default')!,
			calls,
			async run(method, adjustRequest) {
				const target = workflowFor(hosted.stored);
				const context = hookContext(target, { mode, adjustRequest });
				const result = await node.webhookMethods.default[method].call(context);
				hosted.stored = clone(nodeStaticData(target));
				return result;
			},
			useCredentials(fields) {
				const data = fields as unknown as ICredentialDataDecryptedObject;
				if (nodeCredential === credential) nodeCredential = store.save(credential.type, data);
				else store.write(nodeCredential, credential.type, data);
			},
			checkExists: async () => await hosted.run('checkExists'),
			async publish() {
				if (!(await hosted.run('checkExists'))) await hosted.run('create');
			},
			async unpublish() {
				await hosted.run('delete');
			},
		};
		registrations.set(hosted.webhookUrl, { hosted, workflowFor });
		return hosted;
	}

	return {
		baseUrl,
		/** The credential as n8n stored it (with the token preAuthentication fetched). */
		get storedCredentials() {
			return store.read(credential);
		},
		executions,
		answers,
		register,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export type TriggerHost = Awaited<ReturnType<typeof startTriggerHost>>;
