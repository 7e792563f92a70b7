/**
 * `npm run dev`: the package inside a real, pinned n8n (2.41.1), with the Okta sandbox as Okta.
 *
 * Builds the package, starts the sandbox (https://localhost:8443 unless busy) and n8n
 * (https://localhost:5678 unless busy; user folder .cache/n8n-dev-home, kept between runs), sets up
 * the owner, an Okta credential and the example workflow "Okta YubiKey shipment", publishes it and
 * prints how to log in and how to make the sandbox send an event. `tsc --watch` rebuilds dist/ on
 * change; n8n loads nodes at start, so restart `npm run dev` to pick up a change. Ctrl-C stops all.
 *
 * Options: --port <n8n port> --sandbox-port <port> --fresh (start with an empty n8n user folder)
 *          --no-watch --echo (show n8n's log)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OWNER, waitFor } from '../devkit/n8n/http';
import {
	CACHE_DIR,
	REPO_ROOT,
	ensureN8nInstalled,
	freePort,
	isPortFree,
	startN8n,
	type N8nInstance,
} from '../devkit/n8n/runtime';
import {
	SHIPMENT_NODE,
	createOktaCredential,
	findTriggerType,
	triggerWorkflow,
} from '../devkit/n8n/workflows';
import { startOktaSandbox } from '../devkit/okta-sandbox';
import { getTestPki } from '../devkit/okta-sandbox/pki';

const WORKFLOW_NAME = 'Okta YubiKey shipment';

function arg(name: string): string | undefined {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

async function pickPort(preferred: number) {
	return (await isPortFree(preferred)) ? preferred : await freePort();
}

async function main() {
	const started = Date.now();
	const cleanups: Array<() => Promise<void> | void> = [];
	let stopping = false;
	const stopAll = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\n[dev] stopping...');
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				console.error('[dev] cleanup failed:', error);
			}
		}
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	try {
		ensureN8nInstalled();

		console.log('[dev] building the package (npm run build)...');
		const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
		if (build.status !== 0) throw new Error('npm run build failed');

		const pki = await getTestPki();
		const sandbox = await startOktaSandbox({
			port: await pickPort(Number(arg('sandbox-port') ?? 8443)),
		});
		cleanups.push(() => sandbox.close());
		console.log(`[dev] Okta sandbox on ${sandbox.url}`);

		const userFolder = path.join(CACHE_DIR, 'n8n-dev-home');
		if (flag('fresh')) fs.rmSync(userFolder, { recursive: true, force: true });
		const n8n: N8nInstance = await startN8n({
			userFolder,
			port: await pickPort(Number(arg('port') ?? 5678)),
			extensionsDir: path.join(REPO_ROOT, 'dist'),
			tls: { keyPath: pki.serverKeyPath, certPath: pki.serverCertPath, caCertPath: pki.caCertPath },
			echo: flag('echo'),
		});
		cleanups.push(() => n8n.stop());
		n8n.process.on('exit', (code) => {
			if (!stopping) {
				console.error(`[dev] n8n exited (${code}); see ${n8n.logFile}`);
				void stopAll(1);
			}
		});

		const http = n8n.http;
		await http.setupOrLogin(DEFAULT_OWNER);
		await http.createApiKey(`dev-${Date.now()}`);
		const trigger = await findTriggerType(http);

		// The sandbox is new on every run (new token, maybe a new port): replace the example workflow
		// and its credential. Unpublishing is asynchronous in 2.x: delete only once it settled.
		const workflows = await http.api<any>('GET', '/workflows?limit=250');
		for (const old of workflows.data.filter((w: any) => w.name === WORKFLOW_NAME)) {
			if (old.active) await http.unpublishWorkflow(old.id).catch(() => undefined);
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
		const credentials = await http.rest<any[]>('GET', '/credentials');
		for (const old of credentials.filter(
			(c) => c.type === 'oktaEventHookApi' && c.name === 'Okta sandbox',
		)) {
			await http.api('DELETE', `/credentials/${old.id}`);
		}
		const credential = await createOktaCredential(http, sandbox.url, sandbox.token);

		// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the API assigns the webhook id itself
		const { webhookId, ...workflowBody } = triggerWorkflow({
			name: WORKFLOW_NAME,
			triggerType: trigger.name,
			triggerVersion: trigger.version,
			credential,
			downstream: [SHIPMENT_NODE],
		});
		const workflow = await http.createWorkflow(workflowBody);
		await http.publishWorkflow(workflow.id);
		let published = 'unknown';
		try {
			const status = await waitFor(
				async () => {
					const s = await http.publicationStatus(workflow.id);
					return s && ['published', 'partial', 'failed'].includes(s.status) ? s : undefined;
				},
				{ timeoutMs: 60000, what: 'publication' },
			);
			published = JSON.stringify(status);
		} catch (error) {
			published = String(error);
		}
		const hooks = sandbox.hooks();

		let watcher: ChildProcess | undefined;
		if (!flag('no-watch')) {
			watcher = spawn(
				path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc'),
				['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'],
				{
					cwd: REPO_ROOT,
					stdio: ['ignore', 'pipe', 'pipe'],
				},
			);
			let changed = false;
			watcher.stdout!.on('data', (d: Buffer) => {
				for (const line of d.toString().split('\n')) {
					if (/File change detected/.test(line)) changed = true;
					else if (/error TS/.test(line)) console.log(`[tsc] ${line.trim()}`);
					else if (/Found \d+ errors?/.test(line) && changed) {
						changed = false;
						console.log(
							/Found 0 errors/.test(line)
								? '[tsc] dist/ rebuilt: restart `npm run dev` so that n8n loads the change'
								: `[tsc] ${line.trim()}`,
						);
					}
				}
			});
			cleanups.push(() => {
				watcher?.kill();
			});
		}

		const seconds = ((Date.now() - started) / 1000).toFixed(0);
		console.log(`
================ n8n dev (ready in ${seconds} s) ================
Editor:    ${n8n.baseUrl}/workflow/${workflow.id}
Login:     ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}
Node type: ${trigger.name} (v${trigger.version})
Workflow:  "${WORKFLOW_NAME}" (id ${workflow.id}), publication: ${published}
Sandbox:   ${sandbox.url} (token ${sandbox.token}); hooks: ${hooks.map((h: any) => `${h.id} ${h.status}/${h.verificationStatus} -> ${h.channel?.config?.uri}`).join(', ') || 'none'}
Emit an MFA preregistration event:
  npm run sandbox -- emit --url ${sandbox.url} --count 1
n8n log:   ${n8n.logFile}
The browser must trust the test CA (${pki.caCertPath}) or accept the warning.
Ctrl-C stops n8n, the sandbox${watcher ? ' and tsc --watch' : ''}.
=================================================================`);
	} catch (error) {
		console.error('[dev] failed:', error);
		await stopAll(1);
	}
}

void main();
