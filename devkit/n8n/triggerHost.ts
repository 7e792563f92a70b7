/**
 * A small stand-in for n8n around one trigger node: serves its webhook over HTTPS (Okta only calls
 * https:// URLs) and drives its webhook methods the way n8n 2.41 publishes and unpublishes:
 * checkExists, then create; static data is persisted only after the method returns, so requests
 * handled meanwhile (Okta's verification GET) see the old static data, as in n8n.
 */
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IDataObject } from 'n8n-workflow';

import { OktaMfaPreregistrationTrigger } from '../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { getTestPki } from '../okta-sandbox/pki';
import { callWebhook, hookContext, TEST_NODE } from './contexts';
import { storedCredential } from './contexts';
import type {
	Authentication,
	Credentials,
	OAuthCredentials,
	RecordedOktaCall,
	WebhookAnswer,
} from './contexts';

export interface Execution {
	webhookUrl: string;
	items: IDataObject[];
}

export interface HostedTrigger {
	/** The static data as n8n would have stored it. */
	stored: IDataObject;
	webhookUrl: string;
	calls: RecordedOktaCall[];
	checkExists(): Promise<boolean>;
	/** n8n's publish: checkExists, then create when it said false. */
	publish(): Promise<void>;
	unpublish(): Promise<void>;
}

const clone = (data: IDataObject) => JSON.parse(JSON.stringify(data)) as IDataObject;

export async function startTriggerHost(options: {
	credentials: Credentials | OAuthCredentials;
	ca: string;
	baseUrl?: string;
	/** Default 'apiToken'; 'oAuth2' sets the node's Authentication parameter and uses the service-app credential. */
	authentication?: Authentication;
}) {
	const authentication = options.authentication ?? 'apiToken';
	// One stored credential for every node, as in n8n: a token preAuthentication gets is reused.
	const storedCredentials = storedCredential(authentication, options.credentials);
	const node = new OktaMfaPreregistrationTrigger();
	const pki = getTestPki();
	const registrations = new Map<string, HostedTrigger>();
	const executions: Execution[] = [];
	const answers: WebhookAnswer[] = [];

	const server = https.createServer(
		{ key: pki.serverKeyPem, cert: pki.serverCertPem },
		(request, response) => {
			const chunks: Buffer[] = [];
			request.on('data', (chunk: Buffer) => chunks.push(chunk));
			request.on('end', async () => {
				const webhookUrl = `${baseUrl}${request.url}`;
				const registration = registrations.get(webhookUrl);
				if (!registration || !['GET', 'POST'].includes(request.method ?? '')) {
					response.writeHead(404).end();
					return;
				}
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown = {};
				try {
					body = text ? JSON.parse(text) : {};
				} catch {
					// n8n answers malformed JSON itself, before the node runs
					response.writeHead(422).end();
					return;
				}
				try {
					const answer = await callWebhook(node.webhook, {
						webhookName: request.method === 'GET' ? 'setup' : 'default',
						headers: request.headers,
						body,
						staticData: registration.stored,
						webhookUrl,
					});
					answers.push(answer);
					if (answer.workflowData) executions.push({ webhookUrl, items: answer.workflowData[0] });
					response.writeHead(
						answer.status,
						answer.contentType ? { 'content-type': answer.contentType } : {},
					);
					response.end(answer.body);
				} catch (error) {
					response.writeHead(500).end(String(error));
				}
			});
		},
	);
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	const baseUrl = options.baseUrl ?? `https://localhost:${port}`;

	function register(
		settings: { test?: boolean; webhookId?: string; workflowId?: string; url?: string } = {},
	): HostedTrigger {
		const webhookId = settings.webhookId ?? TEST_NODE.webhookId!;
		const webhookUrl =
			settings.url ??
			`${baseUrl}/${settings.test ? 'webhook-test' : 'webhook'}/${webhookId}/webhook`;
		const calls: RecordedOktaCall[] = [];
		let live: IDataObject = {};
		const hosted: HostedTrigger = {
			stored: {},
			webhookUrl,
			calls,
			async checkExists() {
				live = clone(hosted.stored);
				const result = await node.webhookMethods.default.checkExists.call(context());
				hosted.stored = clone(live);
				return result;
			},
			async publish() {
				if (await hosted.checkExists()) return;
				live = clone(hosted.stored);
				await node.webhookMethods.default.create.call(context());
				hosted.stored = clone(live);
			},
			async unpublish() {
				live = clone(hosted.stored);
				await node.webhookMethods.default.delete.call(context());
				hosted.stored = clone(live);
			},
		};
		const context = () =>
			hookContext({
				credentials: options.credentials,
				authentication,
				stored: storedCredentials,
				ca: options.ca,
				webhookUrl,
				staticData: live,
				mode: settings.test ? 'manual' : 'trigger',
				node: { webhookId },
				workflow: { id: settings.workflowId ?? 'wf1', name: 'YubiKey shipments' },
				calls,
			});
		registrations.set(webhookUrl, hosted);
		return hosted;
	}

	return {
		baseUrl,
		/** The credential as n8n would have stored it (with the token preAuthentication fetched). */
		storedCredentials,
		executions,
		answers,
		register,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

export type TriggerHost = Awaited<ReturnType<typeof startTriggerHost>>;
