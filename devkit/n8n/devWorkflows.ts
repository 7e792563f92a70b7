/**
 * What `npm run dev` puts into n8n: both Okta credentials (an API token, and a service app it
 * registers in the sandbox), a published workflow per trigger (the Okta Trigger pair on
 * user.lifecycle.create and group.user_membership.add), and both example workflows imported with
 * their pinned data. Names are fixed so the next run finds and replaces them (the sandbox, and
 * with it the token, the app and maybe the port, is new on every run).
 */
import * as fs from 'node:fs';
import { DEFAULT_APP_SCOPES, makeKeyPair, serviceApp } from '../okta-sandbox/serviceApp';
import type { OktaSandbox } from '../okta-sandbox';
import {
	EXAMPLE_WORKFLOW_FILE,
	OKTA_TRIGGER_NAME,
	USER_CREATED_EVENT,
	USER_WELCOME,
	YUBIKEY_SHIPMENT,
	exampleFor,
	readExample,
	type ExampleSpec,
} from './exampleWorkflow';
import { waitFor, type N8nHttp } from './http';
import {
	CREDENTIAL_TYPE,
	NO_OP_NODE,
	SHIPMENT_NODE,
	TRIGGER_NAME,
	createOktaCredential,
	findTriggerType,
	triggerWorkflow,
} from './workflows';

export const POLL_TRIGGER_NAME = 'oktaMfaPreregistrationPollTrigger';
export const OAUTH_CREDENTIAL_TYPE = 'oktaEventHookOAuth2Api';
export const OKTA_POLL_TRIGGER_NAME = 'oktaPollTrigger';
/** The event types of the dev workflows of the Okta Trigger and the Okta Polling Trigger. */
export const DEV_EVENT_TYPES = [USER_CREATED_EVENT, 'group.user_membership.add'];

export const DEV_NAMES = {
	apiToken: 'Okta sandbox (API token)',
	oauth: 'Okta sandbox (OAuth2 service app)',
	eventHookWorkflow: 'YubiKey shipment: Okta event hook',
	pollWorkflow: 'YubiKey shipment: Okta System Log polling',
	/** The example file's own name. */
	example: (JSON.parse(fs.readFileSync(EXAMPLE_WORKFLOW_FILE, 'utf8')) as { name: string }).name,
	oktaTriggerWorkflow: 'Okta events: Okta Trigger (event hook)',
	oktaPollWorkflow: 'Okta events: Okta Polling Trigger (System Log)',
	welcomeExample: readExample(USER_WELCOME).workflow.name,
};

type Ref = { id: string; name: string };

export interface DevSetup {
	credentials: { apiToken: Ref; oauth: Ref & { clientId: string; scopes: string[] } };
	workflows: {
		eventHook: Ref;
		poll: Ref;
		example: Ref;
		oktaTrigger: Ref;
		oktaPoll: Ref;
		welcomeExample: Ref;
	};
	/** The publication status of each published workflow, as n8n reports it. */
	published: { eventHook: string; poll: string; oktaTrigger: string; oktaPoll: string };
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

interface DevWorkflow {
	name: string;
	/** The trigger's node name (`oktaTrigger`, …). */
	node: string;
	credential: Ref;
	/** The service app credential instead of the API token. */
	oauth?: boolean;
	/** A polling trigger, every minute. */
	polling?: boolean;
	parameters?: Record<string, unknown>;
	downstream: Record<string, unknown>;
}

/** One of the dev workflows: a trigger → one node, with the API token or the service app. */
async function createDevWorkflow(http: N8nHttp, spec: DevWorkflow) {
	const trigger = await findTriggerType(http, spec.node);
	const workflow = triggerWorkflow({
		name: spec.name,
		triggerType: trigger.name,
		triggerVersion: trigger.version,
		triggerName: trigger.description.defaults.name,
		credential: spec.credential,
		credentialType: spec.oauth ? OAUTH_CREDENTIAL_TYPE : undefined,
		triggerParameters: {
			...(spec.oauth ? { authentication: 'oAuth2' } : {}),
			...spec.parameters,
			...(spec.polling ? { pollTimes: { item: [{ mode: 'everyMinute' }] }, options: {} } : {}),
		},
		downstream: [spec.downstream],
	});
	// Only webhook nodes have a webhook id.
	if (spec.polling) delete workflow.nodes[0].webhookId;
	return await http.createWorkflow(body(workflow));
}

/**
 * An example of examples/ (the YubiKey shipment unless another is given) as "Import from File…"
 * brings it in (pinned data included, which n8n's public API does not take), its trigger given the
 * API token credential if any.
 */
export async function importExampleWorkflow(
	http: N8nHttp,
	credential?: Ref,
	spec: ExampleSpec = YUBIKEY_SHIPMENT,
): Promise<Ref> {
	const trigger = await findTriggerType(http, spec.trigger.type);
	const file = readExample(spec).workflow;
	// The editor imports a file into the workflow it has open, which keeps its own id.
	// eslint-disable-next-line @typescript-eslint/no-unused-vars
	const { id, ...workflow } = exampleFor(file, { triggerType: trigger.name });
	const node = workflow.nodes.find((n) => n.name === spec.trigger.nodeName)!;
	if (credential)
		node.credentials = { [CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } };
	return await http.rest<Ref>('POST', '/workflows', workflow);
}

/** Replaces the previous run's items, creates the credentials and workflows, publishes four. */
export async function setUpDevWorkflows(http: N8nHttp, sandbox: OktaSandbox): Promise<DevSetup> {
	await removeDevItems(http);
	const credentials = await createDevCredentials(http, sandbox);
	const { apiToken, oauth } = credentials;
	// The YubiKey shipment on Okta's event hook (API token) and on the System Log (service app).
	const eventHook = await createDevWorkflow(http, {
		name: DEV_NAMES.eventHookWorkflow,
		node: TRIGGER_NAME,
		credential: apiToken,
		downstream: SHIPMENT_NODE,
	});
	const poll = await createDevWorkflow(http, {
		name: DEV_NAMES.pollWorkflow,
		node: POLL_TRIGGER_NAME,
		credential: oauth,
		oauth: true,
		polling: true,
		downstream: SHIPMENT_NODE,
	});
	// The Okta Trigger pair on DEV_EVENT_TYPES → No Operation.
	const oktaTrigger = await createDevWorkflow(http, {
		name: DEV_NAMES.oktaTriggerWorkflow,
		node: OKTA_TRIGGER_NAME,
		credential: apiToken,
		parameters: { events: DEV_EVENT_TYPES },
		downstream: NO_OP_NODE,
	});
	const oktaPoll = await createDevWorkflow(http, {
		name: DEV_NAMES.oktaPollWorkflow,
		node: OKTA_POLL_TRIGGER_NAME,
		credential: oauth,
		oauth: true,
		polling: true,
		parameters: { events: DEV_EVENT_TYPES },
		downstream: NO_OP_NODE,
	});
	const example = await importExampleWorkflow(http, credentials.apiToken);
	const welcomeExample = await importExampleWorkflow(http, credentials.apiToken, USER_WELCOME);
	const published = {
		eventHook: await publish(http, eventHook.id),
		poll: await publish(http, poll.id),
		oktaTrigger: await publish(http, oktaTrigger.id),
		oktaPoll: await publish(http, oktaPoll.id),
	};
	const ref = (w: Ref): Ref => ({ id: w.id, name: w.name });
	return {
		credentials,
		workflows: {
			eventHook: ref(eventHook),
			poll: ref(poll),
			example: ref(example),
			oktaTrigger: ref(oktaTrigger),
			oktaPoll: ref(oktaPoll),
			welcomeExample: ref(welcomeExample),
		},
		published,
	};
}
