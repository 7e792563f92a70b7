/**
 * What `npm run dev` puts into n8n: both Okta credentials (an API token, and a service app it
 * registers in the sandbox), a published workflow per trigger, and the example workflow imported
 * with its pinned data. Names are fixed so the next run finds and replaces them (the sandbox, and
 * with it the token, the app and maybe the port, is new on every run).
 */
import * as fs from 'node:fs';
import { DEFAULT_APP_SCOPES, makeKeyPair, serviceApp } from '../okta-sandbox/serviceApp';
import type { OktaSandbox } from '../okta-sandbox';
import { EXAMPLE_WORKFLOW_FILE, exampleFor } from './exampleWorkflow';
import { waitFor, type N8nHttp } from './http';
import {
	CREDENTIAL_TYPE,
	SHIPMENT_NODE,
	TRIGGER_NODE_NAME,
	createOktaCredential,
	findTriggerType,
	triggerWorkflow,
} from './workflows';

export const POLL_TRIGGER_NAME = 'oktaMfaPreregistrationPollTrigger';
export const OAUTH_CREDENTIAL_TYPE = 'oktaEventHookOAuth2Api';

export const DEV_NAMES = {
	apiToken: 'Okta sandbox (API token)',
	oauth: 'Okta sandbox (OAuth2 service app)',
	eventHookWorkflow: 'YubiKey shipment: Okta event hook',
	pollWorkflow: 'YubiKey shipment: Okta System Log polling',
	/** The example file's own name. */
	example: (JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8')) as { name: string }).name,
};

type Ref = { id: string; name: string };

export interface DevSetup {
	credentials: { apiToken: Ref; oauth: Ref & { clientId: string; scopes: string[] } };
	workflows: { eventHook: Ref; poll: Ref; example: Ref };
	/** The publication status of each published workflow, as n8n reports it. */
	published: { eventHook: string; poll: string };
}

/** Unpublishes and deletes the previous run's workflows and credentials (by their names). */
export async function removeDevItems(http: N8nHttp): Promise<void> {
	const names = Object.values(DEV_NAMES);
	const workflows = await http.api<{ data: Array<Ref & { active: boolean }> }>(
		'GET',
		'/workflows?limit=250',
	);
	for (const old of workflows.data.filter((w) => names.includes(w.name))) {
		if (old.active) await http.unpublishWorkflow(old.id).catch(() => undefined);
		// Unpublishing is asynchronous in 2.x: delete once it settled.
		await waitFor(
			async () => {
				try {
					await http.deleteWorkflow(old.id);
					return true;
				} catch (error) {
					if (/still being unpublished/i.test(String(error))) return false;
					throw error;
				}
			},
			{ timeoutMs: 60000, intervalMs: 1000, what: `deleting the old workflow ${old.id}` },
		);
	}
	const credentials = await http.rest<Ref[]>('GET', '/credentials');
	for (const old of credentials.filter((c) => names.includes(c.name)))
		await http.api('DELETE', `/credentials/${old.id}`);
}

/** The API token credential, and a service app (with an admin role) and its OAuth2 credential. */
export async function createDevCredentials(http: N8nHttp, sandbox: OktaSandbox) {
	const apiToken = await createOktaCredential(http, sandbox.url, sandbox.token, DEV_NAMES.apiToken);
	const scopes = [...DEFAULT_APP_SCOPES];
	const { app, credentials } = serviceApp(sandbox, makeKeyPair('rsa'), {
		scopes,
		adminRole: true,
	});
	const oauth = await http.createCredential(DEV_NAMES.oauth, OAUTH_CREDENTIAL_TYPE, {
		...credentials,
		scopes: scopes.join(' '),
	});
	return { apiToken, oauth: { ...oauth, clientId: app.clientId, scopes } };
}

/** Publishes and waits for n8n's publication service: published, partial or failed (with why). */
async function publish(http: N8nHttp, id: string): Promise<string> {
	try {
		const status = await http.publishAndSettle(id, 60000);
		return status.status === 'published' ? 'published' : JSON.stringify(status);
	} catch (error) {
		return String(error);
	}
}

/** A workflow body for n8n's API: without the builder's top-level webhookId (n8n assigns none). */
function body(workflow: ReturnType<typeof triggerWorkflow>) {
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { webhookId, ...rest } = workflow;
	return rest;
}

/** trigger → "Prepare YubiKey shipment", on Okta's event hook, with the API token. */
async function createEventHookWorkflow(http: N8nHttp, credential: Ref) {
	const trigger = await findTriggerType(http);
	return await http.createWorkflow(
		body(
			triggerWorkflow({
				name: DEV_NAMES.eventHookWorkflow,
				triggerType: trigger.name,
				triggerVersion: trigger.version,
				credential,
				downstream: [SHIPMENT_NODE],
			}),
		),
	);
}

/** polling trigger (every minute) → "Prepare YubiKey shipment", with the service app. */
async function createPollWorkflow(http: N8nHttp, credential: Ref) {
	const trigger = await findTriggerType(http, POLL_TRIGGER_NAME);
	const workflow = triggerWorkflow({
		name: DEV_NAMES.pollWorkflow,
		triggerType: trigger.name,
		triggerVersion: trigger.version,
		triggerName: trigger.description.defaults.name,
		credential,
		credentialType: OAUTH_CREDENTIAL_TYPE,
		triggerParameters: {
			authentication: 'oAuth2',
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			options: {},
		},
		downstream: [SHIPMENT_NODE],
	});
	// Only webhook nodes have a webhook id.
	delete workflow.nodes[0].webhookId;
	return await http.createWorkflow(body(workflow));
}

/**
 * examples/yubikey-shipment.workflow.json as "Import from File…" brings it in (pinned data
 * included, which n8n's public API does not take), its trigger given the credential if any.
 */
export async function importExampleWorkflow(http: N8nHttp, credential?: Ref): Promise<Ref> {
	const trigger = await findTriggerType(http);
	const file = JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8'));
	// The editor imports a file into the workflow it has open, which keeps its own id.
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { id, ...workflow } = exampleFor(file, { triggerType: trigger.name });
	const node = workflow.nodes.find((n) => n.name === TRIGGER_NODE_NAME)!;
	if (credential)
		node.credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	return await http.rest<Ref>('POST', '/workflows', workflow);
}

/** Replaces the previous run's items, creates the credentials and workflows, publishes two. */
export async function setUpDevWorkflows(http: N8nHttp, sandbox: OktaSandbox): Promise<DevSetup> {
	await removeDevItems(http);
	const credentials = await createDevCredentials(http, sandbox);
	const eventHook = await createEventHookWorkflow(http, credentials.apiToken);
	const poll = await createPollWorkflow(http, credentials.oauth);
	const example = await importExampleWorkflow(http, credentials.apiToken);
	const published = {
		eventHook: await publish(http, eventHook.id),
		poll: await publish(http, poll.id),
	};
	const ref = (w: Ref): Ref => ({ id: w.id, name: w.name });
	return {
		credentials,
		workflows: { eventHook: ref(eventHook), poll: ref(poll), example: ref(example) },
		published,
	};
}
