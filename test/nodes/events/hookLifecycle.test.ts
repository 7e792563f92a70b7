/**
 * The hook lifecycle against the Okta sandbox over real HTTPS: what publishing, checking and
 * unpublishing leave in Okta, and what the user is told when Okta says no.
 */
import * as https from 'node:https';

import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { expectOktaSchema } from '../../../devkit/okta-spec/schemas';
import { expectRecordedResponsesMatchSpec } from '../../../devkit/okta-sandbox/apiClient';
import { startTriggerHost } from '../../../devkit/n8n/triggerHost';
import type { TriggerHost } from '../../../devkit/n8n/triggerHost';
import { failure } from '../../support/failure';

import { MFA_PREREGISTRATION_EVENT as EVENT } from '../../../nodes/events/mfaPreregistration';

let sandbox: OktaSandbox;
let host: TriggerHost;

beforeAll(async () => {
	sandbox = await startOktaSandbox({
		verificationTimeoutMs: 1000,
		verificationRetryDelayMs: 100,
		deliveryRetryDelayMs: 50,
	});
	// Spaces and a trailing slash, as users paste them.
	host = await startTriggerHost({
		credentials: { url: ` ${sandbox.url}/ `, accessToken: ` ${sandbox.token} ` },
		ca: sandbox.caCertPem,
	});
});
afterAll(async () => {
	await host?.close();
	await sandbox?.close();
});
beforeEach(() => sandbox.reset());
// The node and the sandbox must not drift from Okta together: both sides of every call match Okta's schemas.
afterEach(() => {
	for (const request of sandbox.requests) {
		if (request.op === 'create')
			expectOktaSchema('EventHook', request.body, { direction: 'request' });
	}
	expectRecordedResponsesMatchSpec(sandbox.requests);
});

let webhookCounter = 0;
/** A fresh node (its own webhook id) so tests do not share registrations. */
function trigger(settings: { test?: boolean; instanceUrl?: string; webhookId?: string } = {}) {
	webhookCounter += 1;
	return host.register({
		webhookId:
			settings.webhookId ?? `00000000-0000-4000-8000-${String(webhookCounter).padStart(12, '0')}`,
		...settings,
	});
}

const hooksOn = (uri: string) => sandbox.hooks().filter((hook) => hook.channel.config.uri === uri);
const ops = () => sandbox.requests.map((request) => request.op);

function post(
	url: string,
	body: string,
	headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
	return new Promise((resolve, reject) => {
		const request = https.request(
			url,
			{ method: 'POST', headers, ca: sandbox.caCertPem },
			(response) => {
				let text = '';
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

describe('publishing', () => {
	it('creates one ACTIVE, VERIFIED hook on the webhook URL for the event, with a 256-bit secret', async () => {
		const node = trigger();
		const publishedAt = Date.now();
		await node.publish();

		const [hook, ...others] = hooksOn(node.webhookUrl);
		expect(others).toHaveLength(0);
		expect(hook.status).toBe('ACTIVE');
		expect(hook.verificationStatus).toBe('VERIFIED');
		expect(hook.events.items).toEqual([EVENT]);
		expect(hook.name).toContain('n8n');
		expect(hook.name).toContain('wf1');
		expect(node.stored.hookId).toBe(hook.id);
		expect(hook.channel.config.authScheme).toMatchObject({
			type: 'HEADER',
			key: 'Authorization',
			value: node.stored.secret,
		});
		expect(Buffer.from(String(node.stored.secret), 'base64url').length).toBeGreaterThanOrEqual(32);
		// Two calls, nothing read first: Okta itself refuses a second hook under our name.
		expect(ops()).toEqual(['create', 'verify']);
		// Recovery reads the System Log from the publish on; taking that position costs no call.
		const cursor = new URLSearchParams(String(node.stored.logCursor).split('?')[1]);
		expect(cursor.get('filter')).toBe(`eventType eq "${EVENT}"`);
		expect(Date.parse(cursor.get('since')!)).toBeGreaterThanOrEqual(publishedAt - 1000);
		expect(Date.parse(cursor.get('since')!)).toBeLessThanOrEqual(Date.now());
	});

	it("sends Okta bodies that validate against Okta's EventHook schema, authenticated with SSWS", async () => {
		const node = trigger();
		await node.publish();
		const create = sandbox.requests.find((request) => request.op === 'create')!;
		expectOktaSchema('EventHook', create.body);
		expect(node.calls.every((call) => call.headers.Authorization === `SSWS ${sandbox.token}`)).toBe(
			true,
		);
		expect(
			node.calls.every((call) => call.url.startsWith(`${sandbox.url}/api/v1/eventHooks`)),
		).toBe(true);
	});

	it('refuses a webhook URL that is not https:// before calling Okta, saying to set N8N_WEBHOOK_URL', async () => {
		const node = trigger({ instanceUrl: 'http://localhost:5678', webhookId: 'abc' });
		const error = await failure(node.publish());
		expect(error.message).toMatch(/https:\/\//);
		expect(error.description).toMatch(/N8N_WEBHOOK_URL/);
		expect(sandbox.requests).toHaveLength(0);
	});

	it('gives two nodes, and the test and production URLs of one node, separate hooks', async () => {
		const node = trigger();
		const other = trigger();
		const listener = trigger({ test: true, webhookId: node.webhookUrl.split('/').at(-2) });
		await node.publish();
		await other.publish();
		await listener.publish();
		expect(sandbox.hooks()).toHaveLength(3);
		expect(new Set(sandbox.hooks().map((hook) => hook.name)).size).toBe(3);
		expect(hooksOn(listener.webhookUrl)).toHaveLength(1);
		expect(listener.webhookUrl).toContain('/webhook-test/');
	});
});

describe('checking (n8n restarts)', () => {
	it('recognises its own healthy hook with one read, so a restart creates nothing', async () => {
		const node = trigger();
		await node.publish();
		sandbox.clearRequests();
		await node.publish();
		expect(ops()).toEqual(['get']);
		expect(hooksOn(node.webhookUrl)).toHaveLength(1);
	});

	it.each([
		['deactivated in Okta', { status: 'INACTIVE' }],
		['unverified', { verificationStatus: 'UNVERIFIED' }],
		['pointed elsewhere', { uri: 'https://elsewhere.example.com/hook' }],
		['unsubscribed from the event', { eventTypes: ['user.session.start'] }],
	])('repairs a hook %s behind its back, leaving exactly one healthy hook', async (_, patch) => {
		const node = trigger();
		await node.publish();
		const before = node.stored.hookId as string;
		sandbox.updateHook(before, patch as never);
		expect(await node.checkExists()).toBe(false);
		await node.publish();
		const hooks = hooksOn(node.webhookUrl);
		expect(hooks).toHaveLength(1);
		expect(hooks[0]).toMatchObject({ status: 'ACTIVE', verificationStatus: 'VERIFIED' });
		expect(sandbox.hook(before)).toBeUndefined();
		expect(sandbox.hooks()).toHaveLength(1);
	});

	it('forgets a hook deleted in Okta and creates a new one', async () => {
		const node = trigger();
		await node.publish();
		sandbox.removeHook(node.stored.hookId as string);
		expect(await node.checkExists()).toBe(false);
		expect(node.stored.hookId).toBeUndefined();
		await node.publish();
		expect(hooksOn(node.webhookUrl)).toHaveLength(1);
	});

	it('replaces a hook of its own that n8n does not know (left by a crash), never duplicating it', async () => {
		const node = trigger();
		const webhookId = node.webhookUrl.split('/').at(-2);
		// What a crash between Okta's answer and n8n saving static data leaves: our name, our URL, a lost secret.
		const name = `n8n: YubiKey shipments (workflow wf1) [n8n ${webhookId}]`;
		const orphan = sandbox.seedHook({
			name,
			uri: node.webhookUrl,
			eventTypes: [EVENT],
			status: 'ACTIVE',
			verificationStatus: 'VERIFIED',
		});
		await node.publish();
		expect(hooksOn(node.webhookUrl)).toHaveLength(1);
		expect(sandbox.hook(orphan.id)).toBeUndefined();
		// Okta refused the duplicate name; only then were the hooks listed.
		expect(ops()).toEqual(['create', 'list', 'deactivate', 'delete', 'create', 'verify']);
	});

	it('frees a slot held by a hook of its own when the org is full', async () => {
		for (let index = 0; index < 24; index++)
			sandbox.seedHook({ uri: `https://other-${index}.example.com/hook`, eventTypes: [EVENT] });
		const node = trigger();
		const webhookId = node.webhookUrl.split('/').at(-2);
		sandbox.seedHook({
			name: `[n8n ${webhookId}]`,
			uri: 'https://old-n8n.example.com/hook',
			eventTypes: [EVENT],
		});
		await node.publish();
		expect(sandbox.hooks()).toHaveLength(25);
		expect(hooksOn(node.webhookUrl)).toHaveLength(1);
	});

	it("leaves alone a hook under another name that someone pointed at its URL (its deliveries lack the node's secret: 401)", async () => {
		const node = trigger();
		const stranger = sandbox.seedHook({
			name: 'Pointed here by hand',
			uri: node.webhookUrl,
			eventTypes: [EVENT],
			status: 'ACTIVE',
			verificationStatus: 'VERIFIED',
		});
		await node.publish();
		expect(sandbox.hook(stranger.id)).toBeDefined();
		expect(ops()).toEqual(['create', 'verify']);
	});

	it("replaces its earlier hook after n8n's base URL changed", async () => {
		const webhookId = '11111111-2222-4333-8444-555555555555';
		const old = host.register({ webhookId, instanceUrl: 'https://old-n8n.example.com' });
		// The old URL cannot be verified here, so the old hook is planted as it once was.
		const oldName = `n8n: YubiKey shipments (workflow wf1) [n8n ${webhookId}]`;
		sandbox.seedHook({
			name: oldName,
			uri: old.webhookUrl,
			eventTypes: [EVENT],
			status: 'ACTIVE',
			verificationStatus: 'VERIFIED',
		});
		const moved = trigger({ webhookId });
		await moved.publish();
		expect(sandbox.hooks()).toHaveLength(1);
		expect(sandbox.hooks()[0].channel.config.uri).toBe(moved.webhookUrl);
	});

	it("leaves other apps' hooks alone", async () => {
		const foreign = sandbox.seedHook({
			name: 'SIEM export',
			uri: 'https://siem.example.com/okta',
			eventTypes: [EVENT],
		});
		const node = trigger();
		await node.publish();
		await node.unpublish();
		expect(sandbox.hooks().map((hook) => hook.id)).toEqual([foreign.id]);
	});
});

describe('receiving events', () => {
	it("turns a verified delivery into items, without the secret, and ignores Okta's retry of it", async () => {
		const node = trigger();
		await node.publish();
		const before = host.executions.length;
		const events = [sandbox.makeEvent(), sandbox.makeEvent(), sandbox.makeEvent()];
		const [result] = await sandbox.deliver(events, {
			hookId: node.stored.hookId as string,
			duplicate: true,
		});
		expect(result.attempts[0].status).toBe(200);
		const executions = host.executions.slice(before);
		expect(executions).toHaveLength(1);
		expect(executions[0].items.map((item) => item.uuid)).toEqual(events.map((event) => event.uuid));
		expect(JSON.stringify(executions)).not.toContain(String(node.stored.secret));
	});

	it('answers 401 to a wrong secret and 400 to a body that is not an Okta delivery, running nothing', async () => {
		const node = trigger();
		await node.publish();
		const before = host.executions.length;
		const event = JSON.stringify({ data: { events: [sandbox.makeEvent()] } });
		const json = { 'content-type': 'application/json' };
		expect((await post(node.webhookUrl, event, { ...json, authorization: 'guess' })).status).toBe(
			401,
		);
		expect((await post(node.webhookUrl, event, json)).status).toBe(401);
		expect(
			(
				await post(node.webhookUrl, '{"hello":"world"}', {
					...json,
					authorization: String(node.stored.secret),
				})
			).status,
		).toBe(400);
		expect(host.executions.length).toBe(before);
	});

	it('delivers one event to both the test listener and the published workflow, once each', async () => {
		const node = trigger();
		const listener = trigger({ test: true, webhookId: node.webhookUrl.split('/').at(-2) });
		await node.publish();
		await listener.publish();
		const before = host.executions.length;
		const event = sandbox.makeEvent();
		await sandbox.deliver([event]);
		await sandbox.deliver([event]);
		const runs = host.executions.slice(before);
		expect(runs.map((run) => run.webhookUrl).sort()).toEqual(
			[listener.webhookUrl, node.webhookUrl].sort(),
		);
		expect(runs.every((run) => run.items.length === 1 && run.items[0].uuid === event.uuid)).toBe(
			true,
		);
	});
});

describe('unpublishing', () => {
	it('deactivates, then deletes the hook and forgets it', async () => {
		const node = trigger();
		await node.publish();
		sandbox.clearRequests();
		await node.unpublish();
		expect(ops()).toEqual(['deactivate', 'delete']);
		expect(sandbox.hooks()).toHaveLength(0);
		expect(node.stored).toEqual({});
	});

	it('treats a hook already gone (404) as done', async () => {
		const node = trigger();
		await node.publish();
		sandbox.removeHook(node.stored.hookId as string);
		await expect(node.unpublish()).resolves.toBeUndefined();
		expect(node.stored).toEqual({});
	});

	it('finds its hook by URL when n8n lost the hook id', async () => {
		const node = trigger();
		await node.publish();
		node.stored = {};
		await node.unpublish();
		expect(sandbox.hooks()).toHaveLength(0);
	});

	it('reports any other failure instead of swallowing it', async () => {
		const node = trigger();
		await node.publish();
		sandbox.injectFault({ op: 'delete', status: 500 });
		const error = await failure(node.unpublish());
		expect(error.message).toMatch(/delete the event hook/);
		expect(error.message).toMatch(/Internal Server Error/);
	});
});

describe('when Okta says no', () => {
	async function publishFailure(setup: () => void) {
		const node = trigger();
		setup();
		const error = await failure(node.publish());
		const secret = sandbox.requests.find((request) => request.op === 'create')?.body as
			{ channel?: { config?: { authScheme?: { value?: string } } } } | undefined;
		const value = secret?.channel?.config?.authScheme?.value;
		if (value) {
			expect(JSON.stringify(error)).not.toContain(value);
			expect(`${error.message} ${error.description}`).not.toContain(value);
		}
		expect(sandbox.hooks()).toHaveLength(0);
		return { node, error };
	}

	it("removes the hook when verification fails and says what to check, in Okta's words", async () => {
		const { error } = await publishFailure(() =>
			sandbox.injectFault({ op: 'verify', status: 400, body: undefined }),
		);
		expect(error.httpCode).toBe('400');
		expect(`${error.message} ${error.description}`).toMatch(/E0000001/);
		expect(ops()).toEqual(['create', 'verify', 'deactivate', 'delete']);
	});

	it('removes the hook when the webhook really does not answer the challenge', async () => {
		// Nothing listens on port 1: the challenge goes unanswered.
		const node = trigger({ instanceUrl: 'https://localhost:1', webhookId: 'not-served' });
		const error = await failure(node.publish());
		expect(error.message).toMatch(/Unable to verify event hook/);
		expect(error.description).toMatch(/HTTPS|3 seconds/);
		expect(sandbox.hooks()).toHaveLength(0);
	});

	it('names the hook to delete by hand when even the clean-up fails', async () => {
		const node = trigger();
		sandbox.injectFault({ op: 'verify', status: 400 });
		sandbox.injectFault({ op: 'deactivate', status: 500 });
		const error = await failure(node.publish());
		const [left] = sandbox.hooks();
		expect(error.message).toMatch(/verify the event hook/);
		expect(error.description).toContain(left.id);
		expect(error.description).toMatch(/Okta Admin Console/);
	});

	it.each([
		['an invalid token', 401, /token/i],
		['a token without permission', 403, /super administrator|permission/i],
		['an Okta outage', 500, /internal problem|Okta support/i],
	])(
		"explains %s at create time, with Okta's error code and error id",
		async (_, status, advice) => {
			const { error } = await publishFailure(() => sandbox.injectFault({ op: 'create', status }));
			expect(error.httpCode).toBe(String(status));
			expect(error.description).toMatch(advice);
			expect(error.description).toMatch(/error ID \S+/);
		},
	);

	it('waits for the rate limit to reset and then succeeds', async () => {
		const node = trigger();
		sandbox.rateLimit('create', 1, 1);
		await node.publish();
		expect(hooksOn(node.webhookUrl)).toHaveLength(1);
		expect(ops().filter((op) => op === 'create')).toHaveLength(2);
	});

	it('tells the user when the org already has 25 event hooks', async () => {
		for (let index = 0; index < 25; index++)
			sandbox.seedHook({ uri: `https://other-${index}.example.com/hook`, eventTypes: [EVENT] });
		const node = trigger();
		const error = await failure(node.publish());
		expect(error.description).toMatch(/25 event hooks/);
		expect(hooksOn(node.webhookUrl)).toHaveLength(0);
		// None of the 25 was ours to remove, so Okta's refusal stands.
		expect(ops()).toEqual(['create', 'list']);
	});

	it('says when Okta cannot be reached at all', async () => {
		const unreachable = await startTriggerHost({
			credentials: { url: 'https://127.0.0.1:1', accessToken: 'x' },
			ca: sandbox.caCertPem,
		});
		try {
			const error = await failure(unreachable.register({ webhookId: 'unreachable' }).publish());
			expect(error.message).toMatch(/Could not reach Okta at https:\/\/127\.0\.0\.1:1/);
			expect(error.description).toMatch(/org URL/);
		} finally {
			await unreachable.close();
		}
	});

	it("survives n8n's publication retries: fail, delete, create again, and one hook remains", async () => {
		const node = trigger();
		sandbox.injectFault({ op: 'verify', status: 400 });
		await failure(node.publish());
		await node.unpublish();
		await node.publish();
		expect(sandbox.hooks()).toHaveLength(1);
		expect(hooksOn(node.webhookUrl)[0]).toMatchObject({
			status: 'ACTIVE',
			verificationStatus: 'VERIFIED',
		});
	});
});
