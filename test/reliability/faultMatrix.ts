/**
 * The fault matrix's machinery, for any event-hook trigger node: every Okta call a lifecycle phase
 * makes, against every failure kind, through the node's real webhook methods driven as n8n 2.41
 * drives them (n8nDriver.ts) against the Okta sandbox. Per cell: hooks left in Okta, the most hooks
 * Okta held at once, what the user is told, no secret in it. A suite describes its node (a
 * MatrixSubject) and its phases; `faultMatrix()` registers the sandboxes and the tests.
 */
import type { IDataObject } from 'n8n-workflow';

import { startOktaSandbox } from '../../devkit/okta-sandbox';
import type { OktaSandbox, Op, SandboxHook } from '../../devkit/okta-sandbox';
import { closedPort, n8nDriver } from './n8nDriver';
import type { ClientFaults, LifecycleHost, LifecycleOutcome } from './n8nDriver';
import { errorText } from './results';

export const ALL_OPS: Op[] = [
	'list',
	'get',
	'create',
	'verify',
	'activate',
	'deactivate',
	'delete',
	'replace',
];
export const KINDS = [
	'400',
	'401',
	'403',
	'404',
	'429 then success',
	'500',
	'timeout',
	'connection refused',
] as const;
export type Kind =
	| (typeof KINDS)[number]
	| 'challenge answered wrongly'
	| 'challenge answered slowly (> 3 s)'
	| 'challenge answered slowly (< 3 s)';
export const CLIENT_TIMEOUT_MS = 300;

export interface MatrixRow {
	phase: string;
	op: Op | 'challenge';
	kind: Kind;
	called: boolean;
	outcome: 'published' | 'unpublished' | 'failed';
	attempts: number;
	hooksLeft: number;
	healthyHooks: number;
	expectedHooks: number;
	/** The most hooks Okta held at once during the faulted run (the org's, all this node's). */
	peakHooks: number;
	/** The hooks left were named to the user (to delete by hand), or Okta answered 404 for a hook it still had. */
	leftoverExplained?: string;
	message?: string;
	description?: string;
	secretLeaked: boolean;
	okMessage: boolean;
	goalMet: boolean;
}

/** One node of the trigger under test, on its own webhook URL. */
export interface MatrixNode {
	hosted: LifecycleHost & { readonly stored: IDataObject; readonly webhookUrl: string };
	driver(faults?: ClientFaults): ReturnType<typeof n8nDriver>;
	/** The hook delivers what the node listens to now (its event types, as chosen). */
	subscribed(hook: SandboxHook): boolean;
	close?(): Promise<void>;
}

export interface Phase<N extends MatrixNode = MatrixNode> {
	name: string;
	/** Published (cleanly) before the faulted run. */
	published: boolean;
	/** What changes between that publish and the faulted run: drift in Okta, an edit in n8n. */
	change?(node: N, sandbox: OktaSandbox): void;
	/** The faulted run. */
	action: 'publish' | 'unpublish';
}

export interface MatrixSubject<N extends MatrixNode = MatrixNode> {
	phases: Array<Phase<N>>;
	/** Before the cells: the sandboxes are up (the first one's CA signs them all). */
	start?(pool: OktaSandbox[]): Promise<void>;
	stop?(): Promise<void>;
	/** A new node against the sandbox's org; `instanceUrl` is n8n's base URL when not the host's. */
	newNode(sandbox: OktaSandbox, context: { refusedPort: number; instanceUrl?: string }): Promise<N>;
}

/** The most hooks the org held at once, from its recorded requests (creates and deletes that succeeded). */
function peakOf(sandbox: OktaSandbox, before: number): number {
	let count = before;
	let peak = before;
	for (const request of sandbox.requests) {
		const succeeded = request.status !== undefined && request.status < 300;
		if (!succeeded) continue;
		if (request.op === 'create') count += 1;
		if (request.op === 'delete') count -= 1;
		peak = Math.max(peak, count);
	}
	return Math.max(peak, sandbox.hooks().length);
}

function secretsSeen(sandbox: OktaSandbox): string[] {
	const values = [sandbox.token];
	for (const hook of sandbox.hooks())
		if (hook.channel.config.authScheme?.value) values.push(hook.channel.config.authScheme.value);
	for (const request of sandbox.requests) {
		const value = (
			request.body as { channel?: { config?: { authScheme?: { value?: string } } } } | undefined
		)?.channel?.config?.authScheme?.value;
		if (value) values.push(value);
	}
	return values;
}

function faultFor(
	sandbox: OktaSandbox,
	op: Op,
	kind: (typeof KINDS)[number],
): { inject: () => void; faults: ClientFaults } {
	if (kind === '429 then success') return { inject: () => sandbox.rateLimit(op, 1, 1), faults: {} };
	if (kind === 'timeout')
		return {
			inject: () => sandbox.injectFault({ op, kind: 'timeout', times: Infinity }),
			faults: { timeout: { op, ms: CLIENT_TIMEOUT_MS } },
		};
	if (kind === 'connection refused') return { inject: () => undefined, faults: { refuse: op } };
	return {
		inject: () => sandbox.injectFault({ op, status: Number(kind), times: Infinity }),
		faults: {},
	};
}

/**
 * The matrix for one subject: one sandbox per Okta operation, so the cells of one row run
 * concurrently (most of their time is waiting). Call at the top of a suite; `describePhases()`
 * registers a describe per phase: the calls it does not make (a persistent 500 on each: never
 * called, phase unharmed) and every call it makes failing in every way.
 */
export function faultMatrix<N extends MatrixNode>(subject: MatrixSubject<N>) {
	const pool: OktaSandbox[] = [];
	const rows: MatrixRow[] = [];
	const baselineOps = new Map<string, Set<Op>>();
	let refusedPort = 0;

	beforeAll(async () => {
		for (let index = 0; index < ALL_OPS.length; index++) {
			pool.push(
				await startOktaSandbox({
					verificationTimeoutMs: 400,
					verificationRetryDelayMs: 100,
					deliveryRetryDelayMs: 50,
				}),
			);
		}
		refusedPort = await closedPort();
		await subject.start?.(pool);
	});

	afterAll(async () => {
		await subject.stop?.();
		for (const sandbox of pool) await sandbox.close();
	});

	/** The phase's preparation (clean), then its faulted run. */
	async function runPhase(
		sandbox: OktaSandbox,
		phase: Phase<N>,
		inject: (webhookPath: string) => void,
		faults: ClientFaults,
		instanceUrl?: string,
	) {
		sandbox.reset();
		const node = await subject.newNode(sandbox, { refusedPort, instanceUrl });
		if (phase.published) {
			const ready = await node.driver().publish();
			if (!ready.ok) throw ready.error;
			phase.change?.(node, sandbox);
		}
		const hookBefore = node.hosted.stored.hookId as string | undefined;
		sandbox.clearRequests();
		const hooksBefore = sandbox.hooks().length;
		inject(new URL(node.hosted.webhookUrl).pathname);
		const driver = node.driver(faults);
		const outcome: LifecycleOutcome =
			phase.action === 'unpublish' ? await driver.unpublish() : await driver.publish();
		sandbox.clearFaults();
		const peakHooks = peakOf(sandbox, hooksBefore);
		return { node, outcome, hookBefore, sandbox, peakHooks };
	}

	function judge(
		phase: Phase<N>,
		op: MatrixRow['op'],
		kind: Kind,
		run: Awaited<ReturnType<typeof runPhase>>,
	): MatrixRow {
		const { node, outcome, sandbox, peakHooks } = run;
		const url = node.hosted.webhookUrl;
		const hooks = sandbox.hooks().filter((hook) => hook.channel.config.uri === url);
		const healthy = hooks.filter(
			(hook) =>
				hook.status === 'ACTIVE' && hook.verificationStatus === 'VERIFIED' && node.subscribed(hook),
		);
		const called = op === 'challenge' || baselineOps.get(phase.name)!.has(op);
		const result: MatrixRow['outcome'] = !outcome.ok
			? 'failed'
			: phase.action === 'unpublish'
				? 'unpublished'
				: 'published';
		const expectedHooks = result === 'published' ? 1 : 0;
		const text = outcome.error ? errorText(outcome.error) : '';
		const secretLeaked = [...secretsSeen(sandbox), String(node.hosted.stored.secret ?? '')].some(
			(secret) => secret.length > 0 && text.includes(secret),
		);
		let leftoverExplained: string | undefined;
		if (hooks.length > expectedHooks) {
			const description = `${outcome.error?.message ?? ''} ${outcome.error?.description ?? ''}`;
			// Okta itself answering 404 (gone) for a hook it still has: the node believes Okta, as Okta's SDKs do.
			if (kind === '404' && (op === 'deactivate' || op === 'delete'))
				leftoverExplained = 'Okta answered 404 (gone) for a hook it still had';
			// Otherwise Okta refused or failed the removal: the user must learn which hook to delete by hand.
			else if (outcome.error && hooks.every((hook) => description.includes(hook.id)))
				leftoverExplained =
					'Okta refused the removal or could not be reached; the error names the hook to delete by hand';
		}
		const okMessage =
			result !== 'failed' ||
			(!!outcome.error?.message &&
				!!outcome.error.description &&
				(!/^\d{3}$/.test(kind) ||
					leftoverExplained?.startsWith('Okta answered 404') ||
					`${outcome.error.message} ${outcome.error.description}`.includes(`HTTP ${kind}`)));
		const hooksRight =
			result === 'published'
				? hooks.length === 1 && healthy.length === 1 && sandbox.hooks().length === 1
				: hooks.length === 0 || leftoverExplained !== undefined;
		return {
			phase: phase.name,
			op,
			kind,
			called,
			outcome: result,
			attempts: outcome.attempts,
			hooksLeft: hooks.length,
			healthyHooks: healthy.length,
			expectedHooks,
			peakHooks,
			leftoverExplained,
			message: outcome.error?.message,
			description: outcome.error?.description ?? undefined,
			secretLeaked,
			okMessage,
			goalMet: hooksRight && peakHooks <= 1 && okMessage && !secretLeaked,
		};
	}

	/** One cell: its run, judged, its node closed. */
	async function cell(
		sandbox: OktaSandbox,
		phase: Phase<N>,
		op: MatrixRow['op'],
		kind: Kind,
		inject: (webhookPath: string) => void,
		faults: ClientFaults,
		instanceUrl?: string,
	): Promise<MatrixRow> {
		const run = await runPhase(sandbox, phase, inject, faults, instanceUrl);
		const row = judge(phase, op, kind, run);
		await run.node.close?.();
		return row;
	}

	function describePhases(): void {
		describe.each(subject.phases.map((phase) => [phase.name, phase] as const))(
			'%s',
			(name, phase) => {
				beforeAll(async () => {
					const run = await runPhase(pool[0], phase, () => undefined, {});
					await run.node.close?.();
					if (!run.outcome.ok) throw run.outcome.error;
					baselineOps.set(name, new Set(pool[0].requests.map((request) => request.op)));
				});

				it('calls neither activate nor replace (and any other unused call) at all', async () => {
					const unused = ALL_OPS.filter((candidate) => !baselineOps.get(name)!.has(candidate));
					await Promise.all(
						unused.map(async (op, index) => {
							const sandbox = pool[index];
							const row = await cell(
								sandbox,
								phase,
								op,
								'500',
								() => sandbox.injectFault({ op, status: 500, times: Infinity }),
								{},
							);
							rows.push(row);
							expect(sandbox.requests.some((request) => request.op === op)).toBe(false);
							expect(row).toMatchObject({ called: false, goalMet: true });
						}),
					);
				});

				it.each(KINDS)('every call it makes, failing with %s', async (kind) => {
					const used = ALL_OPS.filter((candidate) => baselineOps.get(name)!.has(candidate));
					const cells = await Promise.all(
						used.map(async (op, index) => {
							const { inject, faults } = faultFor(pool[index], op, kind);
							return await cell(pool[index], phase, op, kind, inject, faults);
						}),
					);
					rows.push(...cells);
					expect(cells.filter((row) => !row.goalMet)).toEqual([]);
					if (kind === '429 then success')
						expect(cells.filter((row) => row.outcome === 'failed')).toEqual([]);
				});
			},
		);
	}

	/** What the report reads (test/reliability/results.ts). */
	function figures() {
		const cells = rows.filter((row) => row.called);
		return {
			cells: cells.length,
			goalsMet: cells.filter((row) => row.goalMet).length,
			secretsLeaked: rows.filter((row) => row.secretLeaked).length,
			hooksLeftBehind: cells.filter((row) => row.outcome === 'failed' && row.hooksLeft > 0).length,
			unexplainedLeftBehind: cells.filter(
				(row) => row.hooksLeft > row.expectedHooks && !row.leftoverExplained,
			).length,
			peakHooks: Math.max(0, ...rows.map((row) => row.peakHooks)),
			cellsWithMoreThanOneHook: rows.filter((row) => row.peakHooks > 1).length,
			notCalled: rows.filter((row) => !row.called).map((row) => `${row.phase}: ${row.op}`),
			clientTimeoutMs: CLIENT_TIMEOUT_MS,
			rows,
		};
	}

	return { pool, rows, cell, describePhases, figures };
}
