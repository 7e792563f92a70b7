/**
 * `npm run dev -- event`: one MFA preregistration event in the running `npm run dev` session.
 * The sandbox records it in its System Log and delivers it to every active, verified event hook
 * (as Okta does); the command then waits for the run of each dev workflow that carries the
 * event's uuid: at once for the event-hook trigger, at the next poll (every minute) for the
 * polling trigger. The session file tells it where the sandbox and n8n are.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeMfaPreregisterEvent } from '../okta-sandbox/events';
import type { DeliveryResult } from '../okta-sandbox/types';
import type { DevSetup } from './devWorkflows';
import { DEFAULT_OWNER, N8nHttp, waitFor } from './http';
import { CACHE_DIR } from './runtime';

export interface DevSession {
	pid: number;
	n8nUrl: string;
	sandboxUrl: string;
	caCertPath: string;
	workflows: DevSetup['workflows'];
}

export const DEV_HOME = path.join(CACHE_DIR, 'n8n-dev-home');
const SESSION_FILE = path.join(DEV_HOME, 'dev-session.json');

export function writeDevSession(session: DevSession): void {
	fs.writeFileSync(SESSION_FILE, JSON.stringify(session, null, 2));
}

export function removeDevSession(): void {
	fs.rmSync(SESSION_FILE, { force: true });
}

function readDevSession(): DevSession {
	let session: DevSession;
	try {
		session = JSON.parse(fs.readFileSync(SESSION_FILE, 'utf8'));
		process.kill(session.pid, 0);
	} catch {
		throw new Error('`npm run dev` is not running: start it first (in another terminal)');
	}
	return session;
}

type Execution = { id: string; status: string; mode: string; workflowId: string };

/** The workflow's executions, newest first (the editor's own list). */
async function executions(n8n: N8nHttp, workflowId: string): Promise<Execution[]> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = await n8n.rest<{ results: Execution[] }>(
		'GET',
		`/executions?filter=${filter}&limit=20`,
	);
	return list.results;
}

/** The first finished execution, not among `before`, whose data holds the uuid. */
async function runWith(n8n: N8nHttp, workflowId: string, before: string[], uuid: string) {
	for (const execution of await executions(n8n, workflowId)) {
		if (before.includes(execution.id) || ['new', 'running'].includes(execution.status)) continue;
		const detail = await n8n.restRaw('GET', `/executions/${execution.id}`);
		if (detail.text.includes(uuid)) return execution;
	}
	return undefined;
}

export async function sendDevEvent(log: (line: string) => void = console.log): Promise<void> {
	const session = readDevSession();
	const sandbox = new N8nHttp(session.sandboxUrl, session.caCertPath);
	const n8n = new N8nHttp(session.n8nUrl, session.caCertPath);
	await n8n.login(DEFAULT_OWNER);
	const { eventHook, poll } = session.workflows;
	const before = {
		eventHook: (await executions(n8n, eventHook.id)).map((e) => e.id),
		poll: (await executions(n8n, poll.id)).map((e) => e.id),
	};

	const event = makeMfaPreregisterEvent();
	const sent = await sandbox.request<DeliveryResult[]>('POST', '/__sandbox/events', {
		body: { events: [event] },
	});
	if (sent.status !== 200) throw new Error(`the sandbox refused the event: ${sent.text}`);
	log(`Event ${event.uuid} (${event.eventType}) is in the sandbox's System Log.`);
	for (const delivery of sent.json) {
		const last = delivery.attempts.at(-1);
		log(`Delivered to hook ${delivery.hookId} (${delivery.url}): ${last?.status ?? last?.error}`);
	}
	if (sent.json.length === 0) log('No event hook took it (none active, verified and subscribed).');

	const waitForRun = async (workflow: DevSetup['workflows']['poll'], ids: string[], ms: number) => {
		try {
			const run = await waitFor(() => runWith(n8n, workflow.id, ids, event.uuid), {
				timeoutMs: ms,
				intervalMs: 1000,
				what: 'its execution',
			});
			log(
				`"${workflow.name}": execution ${run.id} (${run.mode}, ${run.status}) ${session.n8nUrl}/workflow/${workflow.id}/executions/${run.id}`,
			);
			return true;
		} catch {
			log(`"${workflow.name}": no execution with the event within ${ms / 1000} s`);
			return false;
		}
	};
	const hookRan = await waitForRun(eventHook, before.eventHook, 30_000);
	log("Waiting for the polling trigger's next poll (every minute)...");
	const pollRan = await waitForRun(poll, before.poll, 90_000);
	if (!hookRan || !pollRan) process.exitCode = 1;
}
