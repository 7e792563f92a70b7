/**
 * A pinned, real n8n for development and end-to-end tests.
 *
 * n8n 2.x needs Node >= 24 and this machine runs Node 20, so the first use installs a Node 24
 * binary (the `node` registry package) and the n8n under test into `<repo>/.cache/n8n-<version>/`
 * (gitignored) and writes a marker; later uses reuse it. Each step's reason is beside it below.
 * The version is N8N_TEST_VERSION, else the newest supported one: CI runs the real-n8n suites on
 * both ends of the supported range (compat.ts), `npm run test:compat` on every measured version.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { NEWEST_N8N } from './compat';
import { N8nHttp } from './http';
import { killGroup, killOnExit } from './processGroups';

/** The n8n these tests start: N8N_TEST_VERSION, else the newest supported release. */
export const N8N_VERSION = process.env.N8N_TEST_VERSION || NEWEST_N8N;
export const NODE24_VERSION = '24.9.0';
export { REPO_ROOT } from '../paths';
import { REPO_ROOT } from '../paths';
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const RUNTIME_DIR = path.join(CACHE_DIR, `n8n-${N8N_VERSION}`);
const MARKER = path.join(RUNTIME_DIR, '.installed.json');
const LOCK_DIR = path.join(RUNTIME_DIR, '.install.lock');

export interface N8nRuntime {
	/** Node 24 binary. */
	node: string;
	/** n8n's CLI entry point (run it with `node`). */
	n8nBin: string;
	/** Directory holding the Node 24 binary (put it first on PATH). */
	binDir: string;
}

function runtimePaths(): N8nRuntime {
	const binDir = path.join(RUNTIME_DIR, 'node_modules', '.bin');
	return {
		node: path.join(binDir, 'node'),
		n8nBin: path.join(RUNTIME_DIR, 'node_modules', 'n8n', 'bin', 'n8n'),
		binDir,
	};
}

function isInstalled(): boolean {
	try {
		const marker = JSON.parse(fs.readFileSync(MARKER, 'utf8')) as { n8n?: string; node?: string };
		const paths = runtimePaths();
		return (
			marker.n8n === N8N_VERSION &&
			marker.node === NODE24_VERSION &&
			fs.existsSync(paths.node) &&
			fs.existsSync(paths.n8nBin)
		);
	} catch {
		return false;
	}
}

function step(
	title: string,
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	log: (line: string) => void,
) {
	const started = Date.now();
	log(`[n8n-runtime] ${title}: ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, {
		cwd: RUNTIME_DIR,
		env,
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	if (result.status !== 0) {
		throw new Error(`[n8n-runtime] ${title} failed (exit ${result.status ?? result.signal})`);
	}
	log(`[n8n-runtime] ${title}: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * The environment without what an outer npm/npx put there: `npx tsx ...` exports the repo's
 * `.npmrc` as npm_config_* (ignore-scripts=true among them), which a nested npm would obey.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (!/^npm_/i.test(key)) env[key] = value;
	}
	return { ...env, ...extra };
}

function sleepSync(ms: number) {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Installs Node 24 and n8n (pinned) into .cache/n8n unless a marker says it is already there.
 * Takes about 7 minutes and 2.7 GB the first time. Safe against two processes installing at once.
 */
export function ensureN8nInstalled(
	log: (line: string) => void = (l) => console.log(l),
): N8nRuntime {
	if (isInstalled()) return runtimePaths();
	fs.mkdirSync(RUNTIME_DIR, { recursive: true });
	// A lock directory, so that two jest files or `npm run dev` in parallel don't install twice.
	for (let waited = 0; ; waited += 5000) {
		try {
			fs.mkdirSync(LOCK_DIR);
			break;
		} catch {
			if (isInstalled()) return runtimePaths();
			const age = Date.now() - fs.statSync(LOCK_DIR).mtimeMs;
			if (age > 30 * 60 * 1000) {
				fs.rmSync(LOCK_DIR, { recursive: true, force: true });
				continue;
			}
			if (waited % 60000 === 0) log('[n8n-runtime] waiting for another process installing n8n...');
			sleepSync(5000);
		}
	}
	try {
		if (isInstalled()) return runtimePaths();
		const started = Date.now();
		log(
			`[n8n-runtime] installing Node ${NODE24_VERSION} and n8n ${N8N_VERSION} into ${RUNTIME_DIR} (first time: ~7 min, 2.7 GB)`,
		);
		const pkgJson = path.join(RUNTIME_DIR, 'package.json');
		if (!fs.existsSync(pkgJson)) {
			fs.writeFileSync(
				pkgJson,
				JSON.stringify(
					{
						name: 'n8n-runtime-cache',
						private: true,
						// n8n before 2.1 and 1.x pin xlsx to a tarball on a host this machine cannot reach.
						overrides: { xlsx: 'npm:xlsx@0.18.5' },
					},
					null,
					2,
				) + '\n',
			);
		}
		const paths = runtimePaths();
		const npmFlags = ['--no-audit', '--no-fund', '--save-exact'];
		// 1. Node 24: the `node` package's preinstall script fetches the platform binary package from the registry.
		step(
			'Node 24',
			'npm',
			['install', ...npmFlags, '--ignore-scripts=false', `node@${NODE24_VERSION}`],
			cleanEnv(),
			log,
		);
		const env = cleanEnv({ PATH: `${paths.binDir}${path.delimiter}${process.env.PATH ?? ''}` });
		const version = (
			spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout ?? ''
		).trim();
		if (version !== `v${NODE24_VERSION}`)
			throw new Error(`[n8n-runtime] expected Node ${NODE24_VERSION}, got '${version}'`);
		// 2. n8n without install scripts (the Kafka client's native build needs downloads that fail here).
		step(
			`n8n ${N8N_VERSION}`,
			'npm',
			['install', ...npmFlags, '--ignore-scripts', `n8n@${N8N_VERSION}`],
			env,
			log,
		);
		// 3. sqlite3's native binding, built for Node 24 (once per sqlite3 version: see sqliteBinding).
		sqliteBinding(
			RUNTIME_DIR,
			() => step('sqlite3 for Node 24', 'npm', ['rebuild', 'sqlite3'], env, log),
			log,
		);
		fs.writeFileSync(
			MARKER,
			JSON.stringify(
				{ n8n: N8N_VERSION, node: NODE24_VERSION, installedAt: new Date().toISOString() },
				null,
				2,
			) + '\n',
		);
		log(`[n8n-runtime] installed in ${Math.round((Date.now() - started) / 1000)} s`);
		return paths;
	} finally {
		fs.rmSync(LOCK_DIR, { recursive: true, force: true });
	}
}

/**
 * sqlite3's binding for Node 24 is compiled from source here (minutes of CPU). n8n releases that
 * pin the same sqlite3 share one build, kept in .cache/sqlite3-<version>-node<24.x>; a second
 * install at the same time waits for the first one's build and copies it.
 */
export function sqliteBinding(
	installRoot: string,
	rebuild: () => void,
	log: (line: string) => void,
): void {
	const sqlite3 = path.join(installRoot, 'node_modules', 'sqlite3');
	const version = JSON.parse(fs.readFileSync(path.join(sqlite3, 'package.json'), 'utf8')).version;
	const shared = path.join(CACHE_DIR, `sqlite3-${version}-node${NODE24_VERSION}`);
	const binding = path.join('build', 'Release', 'node_sqlite3.node');
	const lock = `${shared}.lock`;
	fs.mkdirSync(CACHE_DIR, { recursive: true });
	for (let waited = 0; ; waited += 2000) {
		try {
			fs.mkdirSync(lock);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			// Held by another install building it; a lock older than any build is a crashed one's.
			if (waited > 20 * 60 * 1000) fs.rmSync(lock, { recursive: true, force: true });
			else sleepSync(2000);
		}
	}
	try {
		if (fs.existsSync(path.join(shared, 'node_sqlite3.node'))) {
			fs.mkdirSync(path.dirname(path.join(sqlite3, binding)), { recursive: true });
			fs.copyFileSync(path.join(shared, 'node_sqlite3.node'), path.join(sqlite3, binding));
			log(`[n8n-runtime] sqlite3 ${version} for Node 24: the build in ${shared}`);
			return;
		}
		rebuild();
		fs.mkdirSync(shared, { recursive: true });
		fs.copyFileSync(path.join(sqlite3, binding), path.join(shared, 'node_sqlite3.node'));
	} finally {
		fs.rmSync(lock, { recursive: true, force: true });
	}
}

/**
 * The built package (dist/) copied beside the n8n under test, as a community package sits in
 * n8n's nodes folder: its `require('n8n-workflow')` then finds that n8n's own n8n-workflow
 * (.cache/n8n-<version>/node_modules), not the repository's devDependency, as it does in a real
 * install (n8n strips peerDependencies before installing a package). Returns the staged dist/.
 */
export function stageBuiltPackage(): string {
	const dist = path.join(REPO_ROOT, 'dist');
	const files = fs.readdirSync(dist, { recursive: true, withFileTypes: true });
	const newest = Math.max(
		...files
			.filter((f) => f.isFile())
			.map((f) => fs.statSync(path.join(f.parentPath, f.name)).mtimeMs),
	);
	// One folder per build, made once and renamed into place: n8n processes started together
	// (queue mode) share it, and none sees a half-copied package.
	const target = path.join(
		RUNTIME_DIR,
		'extensions',
		`package-${Math.round(newest)}-${files.length}`,
	);
	if (!fs.existsSync(target)) {
		const staging = `${target}.${process.pid}.tmp`;
		fs.rmSync(staging, { recursive: true, force: true });
		fs.cpSync(dist, path.join(staging, 'dist'), { recursive: true });
		fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(staging, 'package.json'));
		try {
			fs.renameSync(staging, target);
		} catch {
			fs.rmSync(staging, { recursive: true, force: true }); // another process was first
		}
	}
	return path.join(target, 'dist');
}

/** A package as the n8n under test has it (e.g. its own n8n-workflow), loaded into this process. */
export function runtimePackage<T>(name: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(path.join(RUNTIME_DIR, 'node_modules', name)) as T;
}

/** A TCP port that was free a moment ago on 127.0.0.1 (and ::). */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** True if nothing listens on the port (so we may bind it). */
export async function isPortFree(port: number): Promise<boolean> {
	return await new Promise((resolve) => {
		const server = net.createServer();
		server.unref();
		server.once('error', () => resolve(false));
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

export interface TlsFiles {
	keyPath: string;
	certPath: string;
	/** CA that signed certPath, and that n8n should also trust for outgoing calls (NODE_EXTRA_CA_CERTS). */
	caCertPath: string;
}

export interface StartN8nOptions {
	/** N8N_USER_FOLDER (n8n keeps `.n8n/` with its SQLite DB and config inside). Default: a fresh temp folder. */
	userFolder?: string;
	/** Default: a free port. */
	port?: number;
	/** Folder(s) for N8N_CUSTOM_EXTENSIONS (`;`-separated). Default: dist/, staged beside that n8n. */
	extensionsDir?: string;
	/** HTTPS files; without them n8n runs on plain HTTP. */
	tls?: TlsFiles;
	/** Sets N8N_USE_WORKFLOW_PUBLICATION_SERVICE (undefined: n8n's default). */
	publicationService?: boolean;
	/** Extra environment for n8n (wins over the defaults). */
	env?: Record<string, string | undefined>;
	/** Where n8n's stdout+stderr go. Default: <userFolder>/n8n.log. */
	logFile?: string;
	/** Also echo n8n's output to this process's stdout. */
	echo?: boolean;
	/**
	 * The n8n sub-command. Default `start` (the main process). `webhook` and `worker` are queue
	 * mode's other processes (they need EXECUTIONS_MODE=queue and a shared database in `env`);
	 * a worker serves no HTTP, so only its ready line is waited for.
	 */
	command?: 'start' | 'webhook' | 'worker';
	/** Give up waiting for /healthz after this long. Default 180 s. */
	startTimeoutMs?: number;
	log?: (line: string) => void;
}

export interface N8nInstance {
	baseUrl: string;
	port: number;
	userFolder: string;
	logFile: string;
	process: ChildProcess;
	http: N8nHttp;
	/** n8n's output so far. */
	output(): string;
	/** Resolves once n8n printed a line matching the pattern (searching from `fromOffset` of output()). */
	waitForOutput(pattern: RegExp, timeoutMs?: number, fromOffset?: number): Promise<string>;
	stop(): Promise<void>;
}

export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const log = options.log ?? ((line: string) => console.log(line));
	const runtime = ensureN8nInstalled(log);
	const userFolder = options.userFolder ?? fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	fs.mkdirSync(userFolder, { recursive: true });
	const port = options.port ?? (await freePort());
	const brokerPort = await freePort();
	const protocol = options.tls ? 'https' : 'http';
	const baseUrl = `${protocol}://localhost:${port}`;
	const logFile = options.logFile ?? path.join(userFolder, 'n8n.log');
	const extensions = options.extensionsDir ?? stageBuiltPackage();
	const command = options.command ?? 'start';
	/** The line each process prints last when it is ready. */
	const readyLine = {
		start: /Editor is now accessible via/,
		webhook: /Webhook listener waiting for requests/,
		worker: /n8n worker is now ready/,
	}[command];

	const env: NodeJS.ProcessEnv = {
		...cleanEnv(),
		PATH: `${runtime.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_HOST: 'localhost',
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PROTOCOL: protocol,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_CUSTOM_EXTENSIONS: extensions,
		N8N_LOG_OUTPUT: 'console',
		NODE_ENV: 'production',
	};
	// Jest and tsx set these; they must not leak into n8n.
	delete env.NODE_OPTIONS;
	delete env.JEST_WORKER_ID;
	delete env.N8N_WEBHOOK_URL;
	delete env.WEBHOOK_URL;
	if (options.tls) {
		env.N8N_SSL_KEY = options.tls.keyPath;
		env.N8N_SSL_CERT = options.tls.certPath;
		env.NODE_EXTRA_CA_CERTS = options.tls.caCertPath;
	}
	if (options.publicationService !== undefined) {
		env.N8N_USE_WORKFLOW_PUBLICATION_SERVICE = String(options.publicationService);
	}
	for (const [key, value] of Object.entries(options.env ?? {})) {
		if (value === undefined) delete env[key];
		else env[key] = value;
	}

	fs.mkdirSync(path.dirname(logFile), { recursive: true });
	const logStream = fs.createWriteStream(logFile, { flags: 'a' });
	logStream.write(
		`\n=== n8n ${N8N_VERSION} ${command} starting ${new Date().toISOString()} on ${baseUrl} ===\n`,
	);
	const child = spawn(runtime.node, [runtime.n8nBin, command], {
		cwd: userFolder,
		env,
		detached: true, // own process group, so stop() also ends the task runner
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	killOnExit(child);

	let output = '';
	const waiters = new Set<() => void>();
	const onData = (chunk: Buffer) => {
		const text = chunk.toString('utf8');
		output += text;
		logStream.write(chunk);
		if (options.echo) process.stdout.write(text.replace(/^/gm, '[n8n] '));
		for (const waiter of [...waiters]) waiter();
	};
	child.stdout!.on('data', onData);
	child.stderr!.on('data', onData);
	const exited = new Promise<void>((resolve) => {
		child.on('exit', (code, signal) => {
			logStream.write(`\n=== n8n exited (${code ?? signal}) ${new Date().toISOString()} ===\n`);
			logStream.end();
			for (const waiter of [...waiters]) waiter();
			resolve();
		});
	});

	const waitForOutput = async (pattern: RegExp, timeoutMs = 60000, fromOffset = 0) =>
		await new Promise<string>((resolve, reject) => {
			const check = () => {
				const match = pattern.exec(output.slice(fromOffset));
				if (match) {
					done();
					resolve(match[0]);
				} else if (child.exitCode !== null || child.signalCode !== null) {
					done();
					reject(new Error(`n8n exited before printing ${pattern}; see ${logFile}`));
				}
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`n8n did not print ${pattern} within ${timeoutMs} ms; see ${logFile}`));
			}, timeoutMs);
			const done = () => {
				clearTimeout(timer);
				waiters.delete(check);
			};
			waiters.add(check);
			check();
		});

	const http = new N8nHttp(baseUrl, options.tls?.caCertPath);
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) {
			killGroup(child, 'SIGTERM');
			const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 20000);
			await exited;
			clearTimeout(timer);
			// The task runner lives in the same group; make sure nothing of it is left.
			killGroup(child, 'SIGKILL');
		}
	};

	const started = Date.now();
	const timeout = options.startTimeoutMs ?? 180000;
	log(
		`[n8n-runtime] starting n8n ${N8N_VERSION} ${command} on ${baseUrl} (user folder ${userFolder}, log ${logFile})`,
	);
	try {
		while (command !== 'worker') {
			if (child.exitCode !== null || child.signalCode !== null) {
				throw new Error(
					`n8n exited during startup (${child.exitCode ?? child.signalCode}); last output:\n${output.slice(-3000)}`,
				);
			}
			if (Date.now() - started > timeout) {
				throw new Error(
					`n8n did not answer /healthz within ${timeout} ms; last output:\n${output.slice(-3000)}`,
				);
			}
			try {
				const res = await http.request('GET', '/healthz', { timeoutMs: 2000 });
				if (res.status === 200) break;
			} catch {
				// not listening yet
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		// /healthz answers before the editor and webhooks are fully up; this line comes last.
		await waitForOutput(readyLine, Math.max(10000, timeout - (Date.now() - started)));
	} catch (error) {
		await stop();
		throw error;
	}
	log(`[n8n-runtime] n8n is up after ${((Date.now() - started) / 1000).toFixed(1)} s`);

	return {
		baseUrl,
		port,
		userFolder,
		logFile,
		process: child,
		http,
		output: () => output,
		waitForOutput,
		stop,
	};
}
