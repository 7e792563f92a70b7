/**
 * Deliveries and recovery of missed events, with the trigger inside n8n-core's real contexts served
 * the way n8n 2.41.1 serves a production webhook (n8nWebhookHost.ts), against the Okta sandbox
 * (event hooks, deliveries with Okta's one retry, System Log).
 */
import * as https from 'node:https';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { CredentialStore, trustCertificateAuthority } from '../../../devkit/n8n/core';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { LogEvent, OktaSandbox } from '../../../devkit/okta-sandbox';
import { eventHookOnlyServiceApp, makeKeyPair } from '../../../devkit/okta-sandbox/serviceApp';
import type { OktaMfaPreregistrationTrigger } from '../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node';
import { emittedKey } from '../../../nodes/events/emittedKeys';
import { LOG_PAGE_SIZE } from '../../../nodes/events/recovery';
import { startN8nWebhookHost } from '../OktaMfaPreregistrationTrigger/n8nWebhookHost';
import type { N8nWebhookHost } from '../OktaMfaPreregistrationTrigger/n8nWebhookHost';

let sandbox: OktaSandbox;
let host: N8nWebhookHost;

beforeAll(async () => {
	sandbox = await startOktaSandbox({ deliveryRetryDelayMs: 50 });
	trustCertificateAuthority(sandbox.caCertPem);
});
afterAll(async () => sandbox?.close());
afterEach(async () => {
	for (const hook of sandbox.hooks()) sandbox.removeHook(hook.id);
	await host?.close();
});

function apiTokenCredential() {
	return new CredentialStore().save('oktaEventHookApi', {
		url: sandbox.url,
		accessToken: sandbox.token,
	});
}

async function published(
	options: Parameters<typeof startN8nWebhookHost>[0] = {
		credential: apiTokenCredential(),
	},
) {
	host = await startN8nWebhookHost(options);
	await host.publish();
	return hookOf(host.url);
}

function hookOf(url: string) {
	const hook = sandbox.hooks().find((candidate) => candidate.channel.config.uri === url);
	if (!hook) throw new Error(`no hook for ${url}`);
	return hook;
}

const secondsAgo = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
/** An event Okta logged a while ago (older than the time recovery leaves Okta to deliver it). */
const oldEvent = (seconds: number) => sandbox.makeEvent({ published: secondsAgo(seconds) });

async function deliver(hookId: string, events: LogEvent[], retry = true) {
	const [result] = await sandbox.deliver(events, { hookId, retry });
	return result.attempts.map((attempt) => attempt.status);
}

/** n8n restarts: same URL and database, nothing in the node's module memory. */
async function restart(credential: ReturnType<typeof apiTokenCredential>, whileDown?: () => void) {
	const { stored, port } = host;
	await host.close();
	whileDown?.();
	let nodeClass!: typeof OktaMfaPreregistrationTrigger;
	jest.isolateModules(() => {
		({ OktaMfaPreregistrationTrigger: nodeClass } = jest.requireActual(
			'../../../nodes/OktaMfaPreregistrationTrigger/OktaMfaPreregistrationTrigger.node',
		));
	});
	host = await startN8nWebhookHost({ credential, port, nodeClass });
	host.stored = stored;
}

const logReads = () => sandbox.requests.filter((request) => request.op === 'logs').length;
const uuidsOf = (items: IDataObject[]) => items.map((item) => item.uuid);

/** Okta's POST of one delivery, sent directly (for parallel sends and the raw answer). */
async function post(url: string, secret: string, events: LogEvent[]) {
	const body = JSON.stringify({
		eventType: 'com.okta.event_hook',
		eventTypeVersion: '1.0',
		cloudEventsVersion: '0.1',
		source: `${sandbox.url}/api/v1/eventHooks/direct`,
		eventId: `direct-${Math.random()}`,
		eventTime: new Date().toISOString(),
		contentType: 'application/json',
		data: { events },
	});
	return await new Promise<{ status: number; body: string }>((resolve, reject) => {
		const request = https.request(
			url,
			{
				method: 'POST',
				ca: sandbox.caCertPem,
				headers: { 'content-type': 'application/json', authorization: secret },
			},
			(response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () =>
					resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
				);
			},
		);
		request.on('error', reject);
		request.end(body);
	});
}

describe('events Okta could not deliver', () => {
	it('run with the next delivery, in the same run as its events, oldest first, each once', async () => {
		const hook = await published();
		const missed = [oldEvent(60), oldEvent(90)];
		host.down = true;
		expect(await deliver(hook.id, missed)).toEqual([502, 502]); // Okta's try and its one retry
		host.down = false;

		const live = sandbox.makeEvent();
		expect(await deliver(hook.id, [live])).toEqual([200]);
		expect(host.executions).toHaveLength(1);
		const items = host.executions[0].items;
		expect(uuidsOf(items)).toEqual([missed[1].uuid, missed[0].uuid, live.uuid]);
		// Read from the System Log: the card's fields, those only a delivery has are null.
		for (const item of items.slice(0, 2)) {
			expect(item).toMatchObject({ eventId: null, eventTime: null, source: null, headers: null });
			expect(item.mfaFactor).toEqual(expect.objectContaining({ id: expect.any(String) }));
		}
		expect(items[2].eventId).toEqual(expect.any(String));

		// A late Okta retry of a recovered event, and of the live one, runs nothing.
		expect(await deliver(hook.id, [missed[0]])).toEqual([200]);
		expect(await deliver(hook.id, [live, missed[1]])).toEqual([200]);
		expect(host.executions).toHaveLength(1);
	});

	it('are not emitted again after a restart: static data keeps the cursor and what was emitted', async () => {
		const credential = apiTokenCredential();
		const hook = await published({ credential });
		const first = sandbox.makeEvent();
		expect(await deliver(hook.id, [first])).toEqual([200]); // reads the log: the cursor moves
		// Delivered within the minute: no read, so the stored cursor is still before it.
		const delivered = oldEvent(40); // old enough for recovery, were it not known as emitted
		expect(await deliver(hook.id, [delivered])).toEqual([200]);
		expect(host.stored.emittedKeys).toBe(emittedKey(first.uuid) + emittedKey(delivered.uuid));
		expect(String(host.stored.logCursor)).toMatch(/^\/api\/v1\/logs\?/);

		const missed = oldEvent(45);
		await restart(credential, () => sandbox.addLogEvents([missed]));
		const live = sandbox.makeEvent();
		expect(await deliver(hook.id, [live])).toEqual([200]);
		expect(host.executions.map((run) => uuidsOf(run.items))).toEqual([[missed.uuid, live.uuid]]);
	});

	it('are not emitted again after a restart that follows a burst of 1,200 events since the last read', async () => {
		const credential = apiTokenCredential();
		const hook = await published({ credential });
		// A bulk preregistration: 1,200 events in 120 deliveries within the minute (one read, at the
		// first); logged 40 s ago, so that recovery would take them, were they not known as emitted.
		const delivered: string[] = [];
		for (let index = 0; index < 120; index++) {
			const events = Array.from({ length: 10 }, () => oldEvent(40));
			delivered.push(...events.map((event) => event.uuid));
			expect(await deliver(hook.id, events)).toEqual([200]);
		}
		await restart(credential);
		for (let index = 0; index < 8; index++) await deliver(hook.id, [sandbox.makeEvent()]);
		const again = host.executions.flatMap((run) => uuidsOf(run.items));
		expect(again).toHaveLength(8);
		expect(again.filter((uuid) => delivered.includes(uuid as string))).toEqual([]);
	});

	it('wait while Okta may still deliver them: a young logged event is left to its delivery', async () => {
		const hook = await published();
		const young = sandbox.makeEvent(); // logged now, its delivery on the way
		sandbox.addLogEvents([young]);
		expect(await deliver(hook.id, [sandbox.makeEvent()])).toEqual([200]);
		expect(uuidsOf(host.executions[0].items)).not.toContain(young.uuid);
		// Its own delivery then brings it with the delivery's fields.
		expect(await deliver(hook.id, [young])).toEqual([200]);
		expect(host.executions[1].items[0]).toMatchObject({ uuid: young.uuid });
		expect(host.executions[1].items[0].eventId).toEqual(expect.any(String));
	});
});

describe('reading the System Log', () => {
	it('happens at most once a minute while nothing was missed', async () => {
		const hook = await published();
		sandbox.clearRequests();
		for (let i = 0; i < 4; i++)
			expect(await deliver(hook.id, [sandbox.makeEvent()])).toEqual([200]);
		expect(host.executions).toHaveLength(4);
		expect(logReads()).toBe(1);
	});

	it('is not repeated at every delivery while a full page holds only events Okta is still delivering', async () => {
		const hook = await published();
		// A bulk preregistration: more events than a page, logged in the last seconds, deliveries on the way.
		const burst = Array.from({ length: LOG_PAGE_SIZE + 50 }, () => sandbox.makeEvent());
		sandbox.addLogEvents(burst);
		sandbox.clearRequests();
		for (const event of burst.slice(0, 10)) expect(await deliver(hook.id, [event])).toEqual([200]);
		expect(logReads()).toBe(1);
		expect(host.executions.map((run) => run.items.length)).toEqual(Array(10).fill(1));
	});

	it('happens again at the next delivery when the last read found missed events', async () => {
		const hook = await published();
		sandbox.addLogEvents([oldEvent(100)]);
		sandbox.clearRequests();
		await deliver(hook.id, [sandbox.makeEvent()]);
		await deliver(hook.id, [sandbox.makeEvent()]);
		await deliver(hook.id, [sandbox.makeEvent()]);
		// The first read found one; the second found none; the third delivery is within the minute.
		expect(logReads()).toBe(2);
		expect(host.executions.map((run) => run.items.length)).toEqual([2, 1, 1]);
	});

	it('never happens for "Listen for test event"', async () => {
		host = await startN8nWebhookHost({ credential: apiTokenCredential() });
		await host.publish('manual');
		const testHook = hookOf(host.url.replace('/webhook/', '/webhook-test/'));
		sandbox.addLogEvents([oldEvent(100)]);
		sandbox.clearRequests();
		expect(await deliver(testHook.id, [sandbox.makeEvent()])).toEqual([200]);
		expect(logReads()).toBe(0);
		expect(host.executions).toEqual([{ mode: 'manual', items: [expect.any(Object)] }]);
	});

	it('is off when the option is, and then keeps nothing for it in static data', async () => {
		const hook = await published({
			credential: apiTokenCredential(),
			parameters: { recoverMissedEvents: false },
		});
		expect(host.stored).not.toHaveProperty('logCursor');
		// As if published with the option on before: what was kept for recovery goes at the next delivery.
		host.stored = {
			...host.stored,
			logCursor: '/api/v1/logs?since=x',
			emittedKeys: emittedKey('u1'),
		};
		sandbox.addLogEvents([oldEvent(100)]);
		sandbox.clearRequests();
		expect(await deliver(hook.id, [sandbox.makeEvent()])).toEqual([200]);
		expect(await deliver(hook.id, [sandbox.makeEvent()])).toEqual([200]);
		expect(logReads()).toBe(0);
		expect(host.executions.map((run) => run.items.length)).toEqual([1, 1]);
		expect(host.stored).not.toHaveProperty('logCursor');
		expect(host.stored).not.toHaveProperty('emittedKeys');
		expect(host.stored).toMatchObject({ hookId: hook.id, secret: expect.any(String) });
	});
});

describe('a credential that may not read the System Log (no okta.logs.read)', () => {
	it('publishes and delivers as before; recovery is skipped and the reason logged once, without secrets', async () => {
		const keys = makeKeyPair('ec');
		const { credentials } = eventHookOnlyServiceApp(sandbox, keys);
		const credential = new CredentialStore().save('oktaEventHookOAuth2Api', { ...credentials });
		const warn = jest.spyOn(Container.get(Logger), 'warn').mockImplementation(() => undefined);
		try {
			sandbox.clearRequests();
			const hook = await published({ credential, parameters: { authentication: 'oAuth2' } });
			const apiCalls = sandbox.requests.filter((request) => request.op !== 'token');
			expect(apiCalls.map((request) => request.op)).toEqual(['create', 'verify']);

			sandbox.addLogEvents([oldEvent(100)]);
			const first = sandbox.makeEvent();
			const second = sandbox.makeEvent();
			expect(await deliver(hook.id, [first])).toEqual([200]);
			expect(await deliver(hook.id, [second])).toEqual([200]);
			expect(host.executions.map((run) => uuidsOf(run.items))).toEqual([
				[first.uuid],
				[second.uuid],
			]);

			const lines = warn.mock.calls.map(([message]) => String(message));
			const aboutRecovery = lines.filter((line) => /missed events are not recovered/.test(line));
			expect(aboutRecovery).toHaveLength(1);
			expect(aboutRecovery[0]).toMatch(/okta\.logs\.read/);
			const logged = JSON.stringify(warn.mock.calls);
			const { accessToken } = await credential.store.read(credential);
			for (const secret of [
				keys.privateKeyPem,
				String(accessToken),
				hook.channel.config.authScheme!.value,
			]) {
				expect(logged).not.toContain(secret.slice(0, 40));
			}
		} finally {
			warn.mockRestore();
		}
	});
});

describe('a delivery whose execution n8n did not create', () => {
	it("leaves its events to Okta's retry", async () => {
		const hook = await published();
		const event = sandbox.makeEvent();
		host.failExecutions = true;
		expect(await deliver(hook.id, [event], false)).toEqual([500]);
		host.failExecutions = false;
		expect(await deliver(hook.id, [event])).toEqual([200]); // Okta's retry
		expect(host.executions.map((run) => uuidsOf(run.items))).toEqual([[event.uuid]]);
	});

	it('leaves its events to recovery when Okta gave up', async () => {
		const hook = await published();
		const event = oldEvent(40);
		host.failExecutions = true;
		expect(await deliver(hook.id, [event])).toEqual([500, 500]);
		host.failExecutions = false;
		const live = sandbox.makeEvent();
		expect(await deliver(hook.id, [live])).toEqual([200]);
		expect(host.executions.map((run) => uuidsOf(run.items))).toEqual([[event.uuid, live.uuid]]);
		expect(host.executions[0].items[0].eventId).toBeNull();
	});

	it('makes a parallel duplicate wait for its outcome, then run it once', async () => {
		const hook = await published();
		const secret = hook.channel.config.authScheme!.value;
		const event = sandbox.makeEvent();
		const answers = await Promise.all([
			post(host.url, secret, [event]),
			post(host.url, secret, [event]),
			post(host.url, secret, [event]),
		]);
		expect(answers).toEqual([
			{ status: 200, body: '' },
			{ status: 200, body: '' },
			{ status: 200, body: '' },
		]);
		expect(host.executions.map((run) => uuidsOf(run.items))).toEqual([[event.uuid]]);
	});
});
