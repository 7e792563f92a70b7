/**
 * Reliability, part 1: the fault matrix. Every Okta call the node makes while publishing,
 * re-publishing after drift, restarting and unpublishing, against every failure kind, through the
 * node's real lifecycle methods (driven as n8n 2.41 drives them: 5 attempts with delete between)
 * against the Okta sandbox. Per cell: hooks left in Okta, what the user is told, no secret in it.
 */
import { startHookReceiver } from '../../devkit/okta-sandbox';
import type { HookReceiver } from '../../devkit/okta-sandbox';
import { startTriggerHost } from '../../devkit/n8n/triggerHost';
import type { TriggerHost } from '../../devkit/n8n/triggerHost';
import { faultMatrix } from './faultMatrix';
import type { Phase } from './faultMatrix';
import { n8nDriver } from './n8nDriver';
import type { ClientFaults } from './n8nDriver';
import { recordFigures } from './results';

import { MFA_PREREGISTRATION_EVENT as EVENT } from '../../nodes/events/mfaPreregistration';

const PHASES: Phase[] = [
	{ name: 'publish', published: false, action: 'publish' },
	{
		name: 'republish after drift',
		published: true,
		change: (node, sandbox) =>
			sandbox.updateHook(String(node.hosted.stored.hookId), { status: 'INACTIVE' }),
		action: 'publish',
	},
	{ name: 'restart', published: true, action: 'publish' },
	{ name: 'unpublish', published: true, action: 'unpublish' },
];
const phase = (name: string) => PHASES.find((candidate) => candidate.name === name)!;

let host: TriggerHost;
let receiver: HookReceiver;
let counter = 0;

const matrix = faultMatrix({
	phases: PHASES,
	async start(pool) {
		// The host only serves webhooks here; each driver brings its own sandbox's credentials.
		host = await startTriggerHost({
			credentials: { url: pool[0].url, accessToken: pool[0].token },
			ca: pool[0].caCertPem,
		});
		receiver = await startHookReceiver();
	},
	async stop() {
		await receiver?.close();
		await host?.close();
	},
	async newNode(sandbox, { refusedPort, instanceUrl }) {
		counter += 1;
		const webhookId = `00000000-0000-4000-9000-${String(counter).padStart(12, '0')}`;
		const hosted = host.register({ webhookId, instanceUrl });
		const credentials = { url: sandbox.url, accessToken: sandbox.token };
		return {
			hosted,
			driver: (faults?: ClientFaults) => n8nDriver({ hosted, credentials, faults, refusedPort }),
			subscribed: (hook) => hook.events.items.includes(EVENT),
		};
	},
});

afterAll(() => {
	recordFigures('fault-matrix', matrix.figures());
});

matrix.describePhases();

describe('verification challenge', () => {
	it.each([
		['challenge answered wrongly', { body: { verification: 'not-the-challenge' } }, 'failed'],
		['challenge answered slowly (> 3 s)', { delayMs: 700 }, 'failed'],
		['challenge answered slowly (< 3 s)', { delayMs: 200 }, 'published'],
	] as const)('%s', async (kind, behaviour, expected) => {
		// The clean set-up of a re-publish must verify: only the faulted run meets the bad endpoint.
		const faulted = new Set<string>();
		receiver.behave((request) =>
			request.method === 'GET' && faulted.has(request.path) ? behaviour : undefined,
		);
		const phases = [phase('publish'), phase('republish after drift')];
		await Promise.all(
			phases.map(async (each, index) => {
				const row = await matrix.cell(
					matrix.pool[index],
					each,
					'challenge',
					kind,
					(path) => faulted.add(path),
					{},
					receiver.url,
				);
				matrix.rows.push(row);
				expect(row.outcome).toBe(expected);
				expect(row.goalMet).toBe(true);
				if (expected === 'failed')
					expect(`${row.message} ${row.description}`).toMatch(
						/Unable to verify event hook[\s\S]*3 seconds/,
					);
			}),
		);
	});
});
