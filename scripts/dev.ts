/**
 * `npm run dev`: the package inside a real, pinned n8n (2.41.1), with the Okta sandbox as Okta.
 *
 * Builds the package, starts the sandbox (https://localhost:8443 unless busy) and n8n
 * (https://localhost:5678 unless busy; user folder .cache/n8n-dev-home, kept between runs), and
 * sets up (devkit/n8n/devWorkflows.ts) the owner, both Okta credentials, a published workflow per
 * trigger (the Okta Trigger pair on user.lifecycle.create and group.user_membership.add) and both
 * example workflows. `tsc --watch` rebuilds dist/ on change; n8n loads nodes at
 * start, so restart `npm run dev` to pick up a change. Ctrl-C stops all.
 *
 * `npm run dev -- event` (in another terminal): one MFA preregistration event, delivered to the
 * hooks and in the System Log; waits for both workflows' runs (devkit/n8n/devEvent.ts).
 *
 * Options: --port <n8n port> --sandbox-port <port> --fresh (start with an empty n8n user folder)
 *          --no-watch --echo (show n8n's log)
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEV_HOME, removeDevSession, sendDevEvent, writeDevSession } from '../devkit/n8n/devEvent';
import { DEV_EVENT_TYPES, DEV_NAMES, setUpDevWorkflows } from '../devkit/n8n/devWorkflows';
import { DEFAULT_OWNER } from '../devkit/n8n/http';
import {
	REPO_ROOT,
	ensureN8nInstalled,
	freePort,
	isPortFree,
	startN8n,
} from '../devkit/n8n/runtime';
import { startOktaSandbox } from '../devkit/okta-sandbox';
import { getTestPki } from '../devkit/okta-sandbox/pki';

const arg = (name: string) => {
	const i = process.argv.indexOf(`--${name}`);
	return i >= 0 ? process.argv[i + 1] : undefined;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const pickPort = async (preferred: number) =>
	(await isPortFree(preferred)) ? preferred : await freePort();

/** `tsc --watch` on the package; says when dist/ was rebuilt (n8n needs a restart to load it). */
function watchSources() {
	const tsc = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
	const watcher = spawn(tsc, ['-p', 'tsconfig.json', '--watch', '--preserveWatchOutput'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let changed = false;
	watcher.stdout.on('data', (d: Buffer) => {
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
	return () => void watcher.kill();
}

async function main() {
	const started = Date.now();
	const cleanups: Array<() => Promise<void> | void> = [removeDevSession];
	let stopping = false;
	const stopAll = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\n[dev] stopping...');
		for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(console.error);
		process.exit(code);
	};
	process.on('SIGINT', () => void stopAll(0));
	process.on('SIGTERM', () => void stopAll(0));

	try {
		ensureN8nInstalled();
		console.log('[dev] building the package (npm run build)...');
		if (spawnSync('npm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' }).status !== 0)
			throw new Error('npm run build failed');

		const pki = getTestPki();
		const sandbox = await startOktaSandbox({
			port: await pickPort(Number(arg('sandbox-port') ?? 8443)),
		});
		cleanups.push(() => sandbox.close());
		console.log(`[dev] Okta sandbox on ${sandbox.url}`);

		if (flag('fresh')) fs.rmSync(DEV_HOME, { recursive: true, force: true });
		const n8n = await startN8n({
			userFolder: DEV_HOME,
			port: await pickPort(Number(arg('port') ?? 5678)),
			tls: { keyPath: pki.serverKeyPath, certPath: pki.serverCertPath, caCertPath: pki.caCertPath },
			echo: flag('echo'),
		});
		cleanups.push(() => n8n.stop());
		n8n.process.on('exit', (code) => {
			if (stopping) return;
			console.error(`[dev] n8n exited (${code}); see ${n8n.logFile}`);
			void stopAll(1);
		});

		await n8n.http.setupOrLogin(DEFAULT_OWNER);
		await n8n.http.createApiKey(`dev-${Date.now()}`);
		const dev = await setUpDevWorkflows(n8n.http, sandbox);
		const { workflows, credentials, published } = dev;
		writeDevSession({
			pid: process.pid,
			n8nUrl: n8n.baseUrl,
			sandboxUrl: sandbox.url,
			caCertPath: pki.caCertPath,
			workflows,
		});
		if (!flag('no-watch')) cleanups.push(watchSources());

		const open = (w: { id: string; name: string }) =>
			`${n8n.baseUrl}/workflow/${w.id}  "${w.name}"`;
		const hooks = sandbox.hooks().map((h) => `${h.id} ${h.status}/${h.verificationStatus}`);
		console.log(`
================ n8n dev (ready in ${((Date.now() - started) / 1000).toFixed(0)} s) ================
Log in:      ${n8n.baseUrl}  ${DEFAULT_OWNER.email} / ${DEFAULT_OWNER.password}
             (the browser must trust the test CA ${pki.caCertPath}, or accept the warning)
Workflows:   ${open(workflows.eventHook)}  ${published.eventHook}
             ${open(workflows.poll)}  ${published.poll}, polls every minute
             ${open(workflows.oktaTrigger)}  ${published.oktaTrigger}
             ${open(workflows.oktaPoll)}  ${published.oktaPoll}, polls every minute
             ${open(workflows.example)}  imported, with pinned data
             ${open(workflows.welcomeExample)}  imported, with pinned data
Credentials: "${DEV_NAMES.apiToken}" (token ${sandbox.token})
             "${DEV_NAMES.oauth}" (client ${credentials.oauth.clientId}, scopes ${credentials.oauth.scopes.join(' ')}, admin role)
Okta:        ${sandbox.url}  hooks: ${hooks.join(', ') || 'none'}

Make an MFA preregistration event (delivered to the hooks and in the System Log), in another terminal:
  npm run dev -- event
Events of the Okta Trigger pair's types (${DEV_EVENT_TYPES.join(', ')}):
  npm run sandbox -- emit --url ${sandbox.url} --event-type ${DEV_EVENT_TYPES.join(',')}
Okta's event hook Preview, after "Listen for test event" in the editor:
  npm run sandbox -- preview --url ${sandbox.url}
n8n's log: ${n8n.logFile}
Ctrl-C stops n8n, the sandbox${flag('no-watch') ? '' : ' and tsc --watch'}.
=====================================================================`);
	} catch (error) {
		console.error('[dev] failed:', error);
		await stopAll(1);
	}
}

if (process.argv[2] === 'event')
	sendDevEvent().catch((error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
else void main();
