/**
 * §2's fixed-rate cells (bench/rates.ts) under the n8n settings that might lift the limit of one
 * n8n on SQLite: a larger SQLite pool, PostgreSQL, and queue mode (Redis, a main, a worker and a
 * webhook process on PostgreSQL). Each setting gets its own fresh stack (Okta sandbox + n8n) and
 * workflows A and floor; everything started here is stopped again, also on failure.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePort, REPO_ROOT, startN8n, type N8nInstance } from '../devkit/n8n/runtime';
import { createNoOpWorkflow, publishAndSettle, startStack, type Stack } from '../devkit/n8n/stack';
import { FINISHED, countExecutions, drain } from './executions';
import { Deliveries, oktaHeaders } from './load';
import { HEADROOM_RATES, RATES, timedRates, type RateKind, type RateTarget } from './rates';
import { startPostgres, startRedis } from './services';
import { floorWorkflow, webhookPath } from './workflows';

/** SQLite's pool size to try. n8n 2.41 always runs SQLite pooled with WAL; its default pool is 3. */
export const SQLITE_POOL_SIZE = 4;
/** Jobs one queue-mode worker runs at once (n8n's default for `n8n worker`). */
export const WORKER_CONCURRENCY = 10;

type Log = (line: string) => void;
const LOG_DIR = path.join(REPO_ROOT, 'test-results');

/**
 * Publishes A (the trigger) and the floor on `stack`; their delivery URLs start with
 * `webhookBase` (the process that answers webhooks: main, or queue mode's webhook process).
 */
async function rateTargets(
	stack: Stack,
	webhookBase: string,
	triggerParameters?: Record<string, unknown>,
): Promise<{ targets: Record<RateKind, RateTarget>; hook: any }> {
	// Without the publication service (N8N_USE_WORKFLOW_PUBLICATION_SERVICE=false) publishing is
	// synchronous and fails with the node's error; there is no publication status to wait for.
	const synchronous = stack.options.env?.N8N_USE_WORKFLOW_PUBLICATION_SERVICE === 'false';
	const publish = async (id: string) =>
		synchronous
			? (await stack.http.publishWorkflow(id), { status: 'published' })
			: await publishAndSettle(stack, id);
	const a = await createNoOpWorkflow(
		stack,
		'bench A: Okta trigger → No Operation',
		triggerParameters,
	);
	const published = await publish(a.id);
	if (published.status !== 'published')
		throw new Error(`workflow A did not publish: ${JSON.stringify(published)}`);
	const aUrl = `${webhookBase}/webhook/${a.webhookId}/webhook`;
	const hook = stack.sandbox.hooks().find((h: any) => h.channel?.config?.uri === aUrl) as any;
	const secret = hook?.channel?.config?.authScheme?.value as string | undefined;
	if (!secret)
		throw new Error(
			`no hook (or no secret) on ${aUrl} in the sandbox: ${JSON.stringify(stack.sandbox.hooks().map((h: any) => h.channel?.config?.uri))}`,
		);
	const floorPath = `bench-floor-${randomBytes(6).toString('hex')}`;
	const floor = await stack.http.createWorkflow(
		floorWorkflow('bench floor: Webhook → No Operation', floorPath),
	);
	const floorPublished = await publish(floor.id);
	if (floorPublished.status !== 'published')
		throw new Error(`the floor did not publish: ${JSON.stringify(floorPublished)}`);
	return {
		targets: {
			A: { id: a.id, url: aUrl, secret },
			floor: { id: floor.id, url: `${webhookBase}${webhookPath(floorPath)}`, secret },
		},
		hook,
	};
}

/** One setting on a regular-mode n8n (one process): a fresh stack with `env`, the rate cells, stopped. */
async function regularMode(
	label: string,
	env: Record<string, string>,
	log: Log,
	cells?: typeof RATES,
) {
	log(`${label}: starting the Okta sandbox and n8n with ${JSON.stringify(env)}`);
	const stack = await startStack({ env }, `bench-${label}`);
	try {
		const { targets } = await rateTargets(stack, stack.n8n.baseUrl);
		return await timedRates(stack, targets, true, {
			ca: fs.readFileSync(stack.tls.caCertPath),
			log,
			cells,
		});
	} finally {
		await stack.close();
	}
}

/**
 * What queue mode does with this trigger, checked before loading it: where Okta's verification
 * went, and whether the webhook process sees the secret main stored in the workflow's static data
 * (right secret: 200 and one execution run by the worker; wrong secret: 401 and none).
 */
async function queueModeChecks(stack: Stack, target: RateTarget, hook: any, webhookBase: string) {
	const deliveries = new Deliveries(1);
	const before = await countExecutions(stack, target.id, FINISHED);
	const right = await stack.http.request('POST', target.url, {
		headers: oktaHeaders(target.secret),
		rawBody: deliveries.next(),
	});
	await drain(stack, target.id, before, 1, true);
	const afterRight = await countExecutions(stack, target.id, FINISHED);
	const wrong = await stack.http.request('POST', target.url, {
		headers: oktaHeaders(`${target.secret}x`),
		rawBody: deliveries.next(),
	});
	// Nothing should start; give a wrongly started run time to show up.
	await new Promise((r) => setTimeout(r, 2000));
	const afterWrong = await countExecutions(stack, target.id, FINISHED);
	// Whether main, too, serves the production URL (and enqueues the run), and let that run finish
	// before the load so that it is not counted in the first cell.
	const onMain = await stack.http.request(
		'POST',
		target.url.replace(webhookBase, stack.n8n.baseUrl),
		{
			headers: oktaHeaders(target.secret),
			rawBody: deliveries.next(),
		},
	);
	if (onMain.status === 200) await drain(stack, target.id, afterWrong, 1, true);
	const afterMain = await countExecutions(stack, target.id, FINISHED);
	return {
		hookUri: hook.channel.config.uri,
		hookVerificationStatus: hook.verificationStatus ?? null,
		hookStatus: hook.status ?? null,
		rightSecret: { status: right.status, executionsRun: afterRight - before },
		wrongSecret: { status: wrong.status, executionsRun: afterWrong - afterRight },
		sameUrlOnMain: { status: onMain.status, executionsRun: afterMain - afterWrong },
	};
}

/**
 * Queue mode: PostgreSQL, Redis, main (`n8n start`, REST API and publishing), one worker
 * (`n8n worker`, runs the executions) and one webhook process (`n8n webhook`, answers Okta), all
 * with the same encryption key. Main registers the hooks with N8N_WEBHOOK_URL = the webhook
 * process, so Okta's verification and deliveries go there.
 */
async function queueMode(
	env: Record<string, string>,
	publicationService: boolean | undefined,
	log: Log,
	triggerParameters?: Record<string, unknown>,
) {
	const redis = await startRedis(LOG_DIR);
	const folders: string[] = [];
	const processes: N8nInstance[] = [];
	let stack: Stack | undefined;
	try {
		const webhookPort = await freePort();
		const webhookBase = `https://localhost:${webhookPort}`;
		const shared = {
			...env,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('base64url'),
			N8N_WEBHOOK_URL: `${webhookBase}/`,
			...(publicationService === undefined
				? {}
				: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: String(publicationService) }),
		};
		log(
			`queue: starting the Okta sandbox and n8n main (publication service: ${publicationService ?? 'default'})`,
		);
		stack = await startStack({ env: shared }, 'bench-queue-main');
		const other = async (command: 'webhook' | 'worker', port?: number) => {
			const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), `n8n-bench-queue-${command}-`));
			folders.push(userFolder);
			log(`queue: starting n8n ${command}`);
			const instance = await startN8n({
				command,
				port,
				userFolder,
				tls: stack!.tls,
				logFile: path.join(LOG_DIR, `n8n-bench-queue-${command}.log`),
				env: {
					...shared,
					QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
					...(command === 'worker'
						? { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(WORKER_CONCURRENCY) }
						: {}),
				},
				log: () => undefined,
			});
			processes.push(instance);
			return instance;
		};
		await other('worker');
		await other('webhook', webhookPort);
		const { targets, hook } = await rateTargets(stack, webhookBase, triggerParameters);
		const checks = await queueModeChecks(stack, targets.A, hook, webhookBase);
		log(`queue: checks ${JSON.stringify(checks)}`);
		if (
			checks.rightSecret.status !== 200 ||
			checks.rightSecret.executionsRun !== 1 ||
			checks.wrongSecret.status !== 401
		) {
			throw new Error(`queue mode does not run the trigger as expected: ${JSON.stringify(checks)}`);
		}
		const rows = await timedRates(stack, targets, true, {
			ca: fs.readFileSync(stack.tls.caCertPath),
			log,
		});
		return {
			rows,
			checks,
			workerConcurrency: WORKER_CONCURRENCY,
			publicationService: publicationService ?? null,
		};
	} finally {
		for (const instance of processes.reverse()) await instance.stop();
		if (stack) await stack.close();
		await redis.stop();
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
	}
}

/**
 * n8n 2.41 runs expressions in an isolated-vm isolate and, by default, takes (and afterwards throws
 * away) one for every webhook request and execution even when nothing is evaluated; this trigger
 * evaluates nothing, so with lazy acquisition it needs none (docs/PROFILE-NOTES.md).
 */
const LAZY_ISOLATE = { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' };

/** The settings sections, in the order they run. */
export const SETTING_SECTIONS = [
	'sqlitePool',
	'lazyIsolate',
	'postgres',
	'queue',
	'queueLazyIsolate',
	'queueLazyIsolateRecoveryOff',
];

/** The settings sections; `only` picks some of SETTING_SECTIONS (default: all). */
export async function measureSettings(log: Log, only?: string[]) {
	const want = (name: string) => !only?.length || only.includes(name);
	const results: Record<string, any> = {};
	/** Each setting with when it was measured and how long it took (partial runs merge them one by one). */
	const measure = async (name: string, run: () => Promise<Record<string, any>>) => {
		const started = Date.now();
		let result: Record<string, any>;
		try {
			result = await run();
		} catch (error) {
			// One setting that cannot run here (say, no redis-server) must not cost the others' figures.
			log(`${name}: not measured: ${error instanceof Error ? error.message : String(error)}`);
			return;
		}
		results[name] = {
			date: new Date().toISOString(),
			seconds: Math.round((Date.now() - started) / 1000),
			...result,
		};
	};
	if (want('sqlitePool')) {
		const env = { DB_SQLITE_POOL_SIZE: String(SQLITE_POOL_SIZE) };
		await measure('sqlitePool', async () => ({
			env,
			rows: await regularMode('sqlite-pool', env, log),
		}));
	}
	if (want('lazyIsolate')) {
		await measure('lazyIsolate', async () => ({
			env: LAZY_ISOLATE,
			rows: await regularMode('lazy-isolate', LAZY_ISOLATE, log, [...RATES, ...HEADROOM_RATES]),
		}));
	}
	const queueSections = ['queue', 'queueLazyIsolate', 'queueLazyIsolateRecoveryOff'];
	for (const name of ['postgres', ...queueSections].filter(want)) {
		await measure(name, async () => {
			// A fresh database each, so that the queue-mode run does not start on the other's executions.
			const pg = await startPostgres(LOG_DIR);
			try {
				if (name === 'postgres')
					return {
						env: { DB_TYPE: 'postgresdb' },
						rows: await regularMode('postgres', pg.env, log),
					};
				const lazy = name === 'queue' ? {} : LAZY_ISOLATE;
				// What recovery's static-data write (one per delivery) costs the webhook process.
				const trigger =
					name === 'queueLazyIsolateRecoveryOff' ? { recoverMissedEvents: false } : undefined;
				return {
					env: { DB_TYPE: 'postgresdb', EXECUTIONS_MODE: 'queue', ...lazy },
					...(trigger ? { trigger } : {}),
					...(await queueMode({ ...pg.env, ...lazy }, QUEUE_PUBLICATION_SERVICE, log, trigger)),
				};
			} finally {
				await pg.stop();
			}
		});
	}
	return results;
}

/**
 * N8N_USE_WORKFLOW_PUBLICATION_SERVICE for queue mode (undefined: n8n's default, on). Queue mode
 * works with either: BENCH_QUEUE_PUBLICATION_SERVICE=false runs the section with synchronous
 * publishing (the 1.x behaviour), and the checks pass the same way.
 */
export const QUEUE_PUBLICATION_SERVICE: boolean | undefined = process.env
	.BENCH_QUEUE_PUBLICATION_SERVICE
	? process.env.BENCH_QUEUE_PUBLICATION_SERVICE === 'true'
	: undefined;
