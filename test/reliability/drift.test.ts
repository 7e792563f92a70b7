/**
 * Reliability, part 5: drift. What changed behind n8n's back (in Okta, in n8n's configuration, in
 * the credential) and what the next publish or restart does about it. Goal: repaired, or a clear
 * message; never a duplicate hook, never a silent stop. Restarts are shown both ways n8n 2.41 runs
 * them: with the default publication service (no lifecycle call at all) and in legacy / queue mode
 * (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false: checkExists, then create when it says false).
 */
import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox } from '../../devkit/okta-sandbox';
import { startTriggerHost } from '../../devkit/n8n/triggerHost';
import type { HostedTrigger, TriggerHost } from '../../devkit/n8n/triggerHost';
import { n8nDriver } from './n8nDriver';
import type { LifecycleOutcome } from './n8nDriver';
import { errorText, recordFigures } from './results';

import { MFA_PREREGISTRATION_EVENT as EVENT } from '../../nodes/events/mfaPreregistration';

interface DriftRow {
	drift: string;
	when: 'next publish' | 'restart (publication service)' | 'restart (legacy / queue mode)';
	outcome: string;
	hooks: number;
	healthyHooks: number;
	eventsAfter: string;
	message?: string;
	goalMet: boolean;
}

let sandbox: OktaSandbox;
let host: TriggerHost;
const rows: DriftRow[] = [];
let counter = 0;

beforeAll(async () => {
	sandbox = await startOktaSandbox({ verificationRetryDelayMs: 100, deliveryRetryDelayMs: 50 });
	host = await startTriggerHost({
		credentials: { url: sandbox.url, accessToken: sandbox.token },
		ca: sandbox.caCertPem,
	});
});
afterAll(async () => {
	recordFigures('drift', {
		rows,
		goalsMet: rows.filter((row) => row.goalMet).length,
		cases: rows.length,
	});
	await host?.close();
	await sandbox?.close();
});
beforeEach(() => sandbox.reset());

function published(hosted?: HostedTrigger, token = () => sandbox.token) {
	counter += 1;
	const webhookId = `00000000-0000-4000-a000-${String(counter).padStart(12, '0')}`;
	const node = hosted ?? host.register({ webhookId });
	const driver = () =>
		n8nDriver({ hosted: node, credentials: { url: sandbox.url, accessToken: token() } });
	return { node, driver };
}

const ours = (url: string) => sandbox.hooks().filter((hook) => hook.channel.config.uri === url);
const healthy = (url: string) =>
	ours(url).filter(
		(hook) =>
			hook.status === 'ACTIVE' &&
			hook.verificationStatus === 'VERIFIED' &&
			hook.events.items.includes(EVENT),
	);

/** Emits one event the way Okta does (to every ACTIVE and VERIFIED subscribed hook) and counts runs of it. */
async function eventsArrive(url: string, at: TriggerHost = host): Promise<string> {
	const before = at.executions.length;
	const event = sandbox.makeEvent();
	// As Okta does: to every ACTIVE, VERIFIED hook subscribed to the event. The sandbox refuses to
	// call a hook moved to a non-loopback host; that hook gets nothing, which is the point.
	await sandbox.deliver([event]).catch(() => undefined);
	const runs = at.executions
		.slice(before)
		.filter((run) => run.webhookUrl === url && run.items.some((item) => item.uuid === event.uuid));
	return runs.length === 1
		? 'exactly once'
		: runs.length === 0
			? 'not at all'
			: `${runs.length} times`;
}

function row(
	drift: string,
	when: DriftRow['when'],
	url: string,
	outcome: LifecycleOutcome | undefined,
	eventsAfter: string,
	expectRepaired: boolean,
): DriftRow {
	const hooks = sandbox.hooks().length;
	const good = healthy(url).length;
	const message = outcome?.error
		? `${outcome.error.message} — ${outcome.error.description ?? ''}`
		: undefined;
	const result: DriftRow = {
		drift,
		when,
		outcome: outcome === undefined ? 'no lifecycle call' : outcome.ok ? 'published' : 'failed',
		hooks,
		healthyHooks: good,
		eventsAfter,
		message,
		// Unrepaired drift counts as met only when events still arrive exactly once (no silent stop).
		goalMet: hooks <= 1 && eventsAfter === 'exactly once' && (!expectRepaired || good === 1),
	};
	rows.push(result);
	return result;
}

const DRIFTS: Array<[string, (hookId: string) => void]> = [
	['hook deleted in Okta', (id) => sandbox.removeHook(id)],
	['hook deactivated in Okta', (id) => sandbox.updateHook(id, { status: 'INACTIVE' })],
	[
		"hook's URL changed in Okta",
		(id) => sandbox.updateHook(id, { uri: 'https://elsewhere.example.com/hook' }),
	],
	[
		'hook unsubscribed from the event in Okta',
		(id) => sandbox.updateHook(id, { eventTypes: ['user.session.start'] }),
	],
	[
		"hook's secret changed in Okta",
		(id) => sandbox.updateHook(id, { secret: 'changed-by-an-admin' }),
	],
];

describe.each(DRIFTS)('%s', (drift, change) => {
	it('the next publish repairs it: exactly one healthy hook, events arrive once', async () => {
		const { node, driver } = published();
		expect((await driver().publish()).ok).toBe(true);
		// Okta's lastUpdated has millisecond precision: an admin's edit comes later than the publish.
		await new Promise((resolve) => setTimeout(resolve, 5));
		change(String(node.stored.hookId));
		const outcome = await driver().publish();
		expect(
			row(
				drift,
				'next publish',
				node.webhookUrl,
				outcome,
				await eventsArrive(node.webhookUrl),
				true,
			).goalMet,
		).toBe(true);
	});

	it('a restart in legacy / queue mode repairs it too', async () => {
		const { node, driver } = published();
		expect((await driver().publish()).ok).toBe(true);
		// Okta's lastUpdated has millisecond precision: an admin's edit comes later than the publish.
		await new Promise((resolve) => setTimeout(resolve, 5));
		change(String(node.stored.hookId));
		// A restart in that mode is an activation: checkExists, then create when it says false.
		const outcome = await driver().publish();
		expect(
			row(
				drift,
				'restart (legacy / queue mode)',
				node.webhookUrl,
				outcome,
				await eventsArrive(node.webhookUrl),
				true,
			).goalMet,
		).toBe(true);
	});

	// n8n 2.41's default publication service serves webhooks from its database at restart and calls
	// no node method: nothing the node could repair then. Recorded (no duplicate is asserted).
	it('a restart under the publication service calls nothing: recorded as is (not repaired until the next publish)', async () => {
		const { node, driver } = published();
		expect((await driver().publish()).ok).toBe(true);
		// Okta's lastUpdated has millisecond precision: an admin's edit comes later than the publish.
		await new Promise((resolve) => setTimeout(resolve, 5));
		change(String(node.stored.hookId));
		const result = row(
			drift,
			'restart (publication service)',
			node.webhookUrl,
			undefined,
			await eventsArrive(node.webhookUrl),
			false,
		);
		expect(result.hooks).toBeLessThanOrEqual(1);
	});
});

describe("n8n's base URL changed (N8N_WEBHOOK_URL)", () => {
	it('the next publish moves the hook to the new URL, leaving no hook on the old one', async () => {
		const { node: old, driver: oldDriver } = published();
		expect((await oldDriver().publish()).ok).toBe(true);
		const webhookId = old.webhookUrl.split('/').at(-2)!;
		// Same workflow, same static data, served under another base URL (another port).
		const newHost = await startTriggerHost({
			credentials: { url: sandbox.url, accessToken: sandbox.token },
			ca: sandbox.caCertPem,
		});
		try {
			const moved = newHost.register({ webhookId });
			moved.stored = old.stored;
			expect(moved.webhookUrl).not.toBe(old.webhookUrl);
			const { driver } = published(moved);
			const outcome = await driver().publish();
			const result = row(
				"n8n's base URL changed",
				'next publish',
				moved.webhookUrl,
				outcome,
				await eventsArrive(moved.webhookUrl, newHost),
				true,
			);
			expect(result.goalMet).toBe(true);
			expect(ours(old.webhookUrl)).toHaveLength(0);
		} finally {
			await newHost.close();
		}
	});
});

describe("n8n lost the node's static data (restored database)", () => {
	it("the next publish meets Okta's refusal of a second hook under its name, finds it and replaces it: one hook", async () => {
		const { node, driver } = published();
		expect((await driver().publish()).ok).toBe(true);
		node.stored = {};
		const outcome = await driver().publish();
		expect(
			row(
				"n8n lost the node's static data",
				'next publish',
				node.webhookUrl,
				outcome,
				await eventsArrive(node.webhookUrl),
				true,
			).goalMet,
		).toBe(true);
	});
});

describe("the credential's API token rotated", () => {
	it('events keep arriving; the old token fails with a clear message, the new one finds the hook in place', async () => {
		const original = sandbox.token;
		let token = original;
		const { node, driver } = published(undefined, () => token);
		expect((await driver().publish()).ok).toBe(true);
		try {
			// The admin revokes the old token in Okta and creates a new one; n8n still holds the old one.
			(sandbox as { token: string }).token = `00rotated${original.slice(9)}`;
			expect(await eventsArrive(node.webhookUrl)).toBe('exactly once');
			const stale = await driver().publish();
			const staleRow = row(
				'API token revoked, credential not updated yet',
				'restart (legacy / queue mode)',
				node.webhookUrl,
				stale,
				await eventsArrive(node.webhookUrl),
				false,
			);
			expect(stale.ok).toBe(false);
			expect(staleRow.message).toMatch(
				/Create a new token in Okta.*update the Okta Event Hook API credential/,
			);
			expect(errorText(stale.error)).not.toContain(original);
			expect(staleRow.hooks).toBe(1);
			token = sandbox.token;
			const fresh = await driver().publish();
			expect(
				row(
					'credential updated with the new token',
					'next publish',
					node.webhookUrl,
					fresh,
					await eventsArrive(node.webhookUrl),
					true,
				).goalMet,
			).toBe(true);
		} finally {
			(sandbox as { token: string }).token = original;
		}
	});
});
