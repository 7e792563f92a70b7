/**
 * The polling trigger in n8n-core's real PollContext against the Okta sandbox's System Log over
 * HTTPS, persisted the way n8n persists a polling node in default and in durable mode
 * (n8nPolling.ts): every event once, oldest first, across lag, re-returns, 429s, 5xx and restarts.
 */
import { NodeApiError } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { OktaMfaPreregistrationPollTrigger } from '../../../nodes/OktaMfaPreregistrationPollTrigger/OktaMfaPreregistrationPollTrigger.node';
import { POLL_LIMITS, RATE_LIMITED_POLLS_BEFORE_ERROR } from '../../../nodes/events/pollLog';
import { CredentialStore, trustCertificateAuthority } from '../../../devkit/n8n/core';
import { startOktaSandbox } from '../../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../../devkit/okta-sandbox';
import { eventHookOnlyServiceApp, makeKeyPair } from '../../../devkit/okta-sandbox/serviceApp';
import { PERSISTENCE_MODES, PollingN8n, durableModeExists, uuidsOf } from './n8nPolling';
import type { PersistenceMode } from './n8nPolling';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DELIVERY_ONLY = { eventId: null, eventTime: null, source: null, headers: null };

let sandbox: OktaSandbox;
beforeAll(async () => {
	sandbox = await startOktaSandbox();
	trustCertificateAuthority(sandbox.caCertPem);
});
afterAll(async () => sandbox?.close());
beforeEach(() => sandbox.reset());

function n8n(mode: PersistenceMode = 'default', options: INodeParameters = {}) {
	const store = new CredentialStore();
	const credential = store.save('oktaEventHookApi', {
		url: sandbox.url,
		accessToken: sandbox.token,
	});
	return new PollingN8n(mode, {
		nodeType: new OktaMfaPreregistrationPollTrigger(),
		credential,
		parameters: Object.keys(options).length ? { options } : {},
	});
}

const logReads = () => sandbox.requests.filter((request) => request.op === 'logs');

describe.each<PersistenceMode>(PERSISTENCE_MODES)('in n8n’s %s mode', (mode) => {
	it('emits nothing from before the publish, then each new event once, with the card fields', async () => {
		sandbox.addLogEvents(2);
		// Okta's `since` is inclusive: publish a moment after those events were persisted.
		await sleep(10);
		const trigger = n8n(mode);
		expect(await trigger.publish()).toBeNull();
		expect(await trigger.poll()).toBeNull();

		const added = sandbox.addLogEvents(3);
		const result = await trigger.poll();
		expect(uuidsOf(result)).toEqual(added.map((event) => event.uuid));
		const [item] = result![0];
		expect(item.json).toMatchObject({
			...DELIVERY_ONLY,
			eventType: 'system.mfa.preregister.initiate',
			uuid: added[0].uuid,
			dateAndTime: added[0].published,
			eventDetails: added[0],
		});
		expect(await trigger.poll()).toBeNull();
	});

	it('emits an event made between the publish and the first scheduled poll', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const [made] = sandbox.addLogEvents(1);
		expect(uuidsOf(await trigger.poll())).toEqual([made.uuid]);
	});

	it('does not skip an event persisted after a later-published one, and orders a batch by published', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const [first] = sandbox.addLogEvents(1);
		expect(uuidsOf(await trigger.poll())).toEqual([first.uuid]);

		const [lagged] = sandbox.addLogEvents(1, { lagSeconds: 120 });
		expect(uuidsOf(await trigger.poll())).toEqual([lagged.uuid]);

		const [later] = sandbox.addLogEvents(1);
		const [laggedAgain] = sandbox.addLogEvents(1, { lagSeconds: 60 });
		// Okta returns them by persistence time; the items are oldest published first.
		expect(uuidsOf(await trigger.poll())).toEqual([laggedAgain.uuid, later.uuid]);
	});

	it('does not emit an event Okta returns a second time', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const [event] = sandbox.addLogEvents(1);
		expect(uuidsOf(await trigger.poll())).toEqual([event.uuid]);

		const cursor = String(trigger.nodeState.cursor);
		sandbox.injectFault({
			op: 'logs',
			status: 200,
			body: [event],
			headers: { Link: `<${sandbox.url}${cursor}>; rel="next"` },
		});
		expect(await trigger.poll()).toBeNull();
		const [next] = sandbox.addLogEvents(1);
		expect(uuidsOf(await trigger.poll())).toEqual([next.uuid]);
	});

	it('a 429 keeps the cursor without an error; a later poll emits what was waiting, once', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const waiting = sandbox.addLogEvents(2);
		sandbox.setLogRateLimit(0);
		expect(await trigger.poll()).toBeNull();
		expect(await trigger.poll()).toBeNull();
		expect(
			logReads()
				.slice(-2)
				.map((request) => request.status),
		).toEqual([429, 429]);

		sandbox.setLogRateLimit(60);
		expect(uuidsOf(await trigger.poll())).toEqual(waiting.map((event) => event.uuid));
		expect(await trigger.poll()).toBeNull();
	});

	it('a 5xx keeps the cursor and is reported in Okta’s words; the next poll emits the event once', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const [event] = sandbox.addLogEvents(1);
		sandbox.injectFault({
			op: 'logs',
			status: 503,
			body: {
				errorCode: 'E0000009',
				errorSummary: 'Internal Server Error',
				errorId: 'sandbox-503',
				errorCauses: [],
			},
		});
		const error = await trigger.poll().catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toContain('Internal Server Error');
		expect((error as NodeApiError).description).toContain('sandbox-503');
		expect(uuidsOf(await trigger.poll())).toEqual([event.uuid]);
		expect(await trigger.poll()).toBeNull();
	});

	it('after a restart it emits nothing twice and misses nothing', async () => {
		const trigger = n8n(mode);
		await trigger.publish();
		const before = sandbox.addLogEvents(2);
		expect(uuidsOf(await trigger.poll())).toEqual(before.map((event) => event.uuid));
		// Polls that emit nothing move the cursor in memory only (default mode).
		expect(await trigger.poll()).toBeNull();
		expect(await trigger.poll()).toBeNull();
		const during = sandbox.addLogEvents(1);

		const atStart = await trigger.restart();
		const afterStart = await trigger.poll();
		expect([...uuidsOf(atStart), ...uuidsOf(afterStart)]).toEqual([during[0].uuid]);
		expect(await trigger.poll()).toBeNull();
	});
});

describe('bounded work per poll', () => {
	it('reads at most the fixed number of pages per poll and the rest at the next poll, each once', async () => {
		const { maxPages, pageSize } = POLL_LIMITS;
		const trigger = n8n();
		await trigger.publish();
		const backlog = sandbox.addLogEvents(maxPages * pageSize + 3);
		sandbox.clearRequests();
		const first = await trigger.poll();
		expect(logReads()).toHaveLength(maxPages);
		expect(first![0]).toHaveLength(maxPages * pageSize);
		const second = await trigger.poll();
		expect([...uuidsOf(first), ...uuidsOf(second)]).toEqual(backlog.map((event) => event.uuid));
	}, 60_000);

	(durableModeExists() ? it : it.skip)(
		"reads fewer pages when durable mode's time budget is short",
		async () => {
			const trigger = n8n('durable');
			trigger.budgetMs = 90_000;
			await trigger.publish();
			sandbox.addLogEvents(3 * POLL_LIMITS.pageSize);
			sandbox.clearRequests();
			await trigger.poll();
			expect(logReads()).toHaveLength(2);
		},
		60_000,
	);
});

describe('a rate limit that does not lift', () => {
	it(`is reported after ${RATE_LIMITED_POLLS_BEFORE_ERROR} polls in a row that read nothing, losing nothing`, async () => {
		const trigger = n8n();
		await trigger.publish();
		const [event] = sandbox.addLogEvents(1);
		sandbox.setLogRateLimit(0);
		for (let poll = 1; poll < RATE_LIMITED_POLLS_BEFORE_ERROR; poll++)
			expect(await trigger.poll()).toBeNull();
		const error = await trigger.poll().catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('429');
		expect((error as NodeApiError).message).toMatch(/rate limit/);
		expect((error as NodeApiError).description).toMatch(/No event is lost/);

		sandbox.setLogRateLimit(60);
		expect(uuidsOf(await trigger.poll())).toEqual([event.uuid]);
	});
});

describe('the Catch Up option', () => {
	it('emits the events of the days before the first publish, then only new ones', async () => {
		const old = sandbox.addLogEvents(2);
		const trigger = n8n('default', { catchUpDays: 30 });
		expect(uuidsOf(await trigger.publish())).toEqual(old.map((event) => event.uuid));
		expect(await trigger.poll()).toBeNull();
	});

	it("starts at most Okta's 90 days back, whatever the option says", async () => {
		const [event] = sandbox.addLogEvents(1);
		const trigger = n8n('default', { catchUpDays: 365 });
		// Okta refuses a since over 180 days back: the 90-day clamp is what keeps this from a 400.
		expect(uuidsOf(await trigger.publish())).toEqual([event.uuid]);
		const since = Date.parse(String(logReads()[0].query?.since));
		expect(Date.now() - since).toBeLessThanOrEqual(90 * 86_400_000 + 60_000);
		expect(Date.now() - since).toBeGreaterThan(89 * 86_400_000);
	});
});

describe('Fetch Test Event (manual mode)', () => {
	it('returns the latest real event, even one already emitted, and changes nothing', async () => {
		const trigger = n8n();
		await trigger.publish();
		// The sample comes from a bounded query (published before now): events of a minute ago.
		sandbox.addLogEvents(1, { lagSeconds: 60 });
		const [latest] = sandbox.addLogEvents(1, { lagSeconds: 30 });
		expect(uuidsOf(await trigger.poll())).toHaveLength(2);
		const sample = await trigger.fetchTestEvent();
		expect(sample![0]).toHaveLength(1);
		expect(sample![0][0].json).toMatchObject({ ...DELIVERY_ONLY, uuid: latest.uuid });
		expect(await trigger.poll()).toBeNull();
	});

	it('without any event in 90 days, says so and how to make one', async () => {
		sandbox.addLogEvents(1, { eventType: 'user.session.start' });
		const error = await n8n()
			.fetchTestEvent()
			.catch((thrown: unknown) => thrown as Error & { description?: string });
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/no "MFA Preregistration Initiated" event/);
		expect((error as { description: string }).description).toMatch(/YubiKey preregistration/);
		expect((error as { description: string }).description).toMatch(/Preview/);
	});
});

describe('credentials', () => {
	it("a service app without okta.logs.read fails the publish in Okta's words, saying what to grant", async () => {
		const { credentials } = eventHookOnlyServiceApp(sandbox, makeKeyPair('ec'));
		const store = new CredentialStore();
		const credential = store.save('oktaEventHookOAuth2Api', { ...credentials });
		const trigger = new PollingN8n('default', {
			nodeType: new OktaMfaPreregistrationPollTrigger(),
			credential,
			parameters: { authentication: 'oAuth2' },
		});
		const error = await trigger.publish().catch((thrown: unknown) => thrown);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('403');
		expect((error as NodeApiError).message).toMatch(/Okta refused to read the System Log/);
		expect((error as NodeApiError).description).toContain('okta.logs.read');
	});
});
