/**
 * Where n8n spends its CPU per delivery: starts the bench stack with n8n under `--cpu-prof`, sends
 * one-event deliveries back to back (concurrency 1) to one workflow only, stops n8n and sums the
 * profile's self time by package and by function. One n8n per workflow, so profiles don't mix.
 *
 *   npx tsx bench/profile.ts [A|floor|floorAuth|B] [deliveries]
 *
 * Call stacks of the profile (who calls the expression engine and SQLite): bench/profile-stacks.ts.
 *
 * Not part of `npm run bench`; writes .cache/bench/profile-<kind>.json and prints a summary.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { createNoOpWorkflow, publishAndSettle, startStack } from '../devkit/n8n/stack';
import { REPO_ROOT } from '../devkit/n8n/runtime';
import { Deliveries, oktaHeaders, percentile, runLoad } from './load';
import { packageOf, readCpuProfile, samplesInWindow } from './cpuProfile';
import { floorWorkflow, handBuiltWorkflow, webhookPath } from './workflows';

/**
 * Self time by package and function, over the load only: from the first sample in the workflow's
 * webhook code (`marker`) for `windowMs`.
 */
function summarize(file: string, deliveries: number, marker: string, windowMs: number) {
	const profile = readCpuProfile(file);
	const selfUs = new Map<number, number>();
	for (const { id, us } of samplesInWindow(profile, marker, windowMs))
		selfUs.set(id, (selfUs.get(id) ?? 0) + us);
	const byPackage = new Map<string, number>();
	const byFunction = new Map<string, number>();
	let totalUs = 0;
	for (const node of profile.nodes) {
		const us = selfUs.get(node.id) ?? 0;
		if (!us) continue;
		totalUs += us;
		const pkg = packageOf(node.callFrame.url, node.callFrame.functionName);
		byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
		const fn = `${node.callFrame.functionName || '(anonymous)'} ${pkg}:${node.callFrame.lineNumber + 1}`;
		byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
	}
	const top = (map: Map<string, number>, n: number) =>
		[...map.entries()]
			.sort((a, b) => b[1] - a[1])
			.slice(0, n)
			.map(([name, us]) => ({ name, msPerDelivery: Number((us / 1000 / deliveries).toFixed(3)) }));
	return {
		windowMs,
		totalMsPerDelivery: Number((totalUs / 1000 / deliveries).toFixed(3)),
		packages: top(byPackage, 25),
		functions: top(byFunction, 40),
	};
}

async function main() {
	// floorAuth: the floor with header auth, i.e. with a credential (n8n checks credential access per execution).
	const kind = (process.argv[2] ?? 'A') as 'A' | 'B' | 'floor' | 'floorAuth';
	const amount = Number(process.argv[3] ?? 300);
	const profileDir = fs.mkdtempSync(path.join(REPO_ROOT, '.cache', 'bench', `cpuprof-${kind}-`));
	// BENCH_EXTENSIONS_DIR: load a locally built variant of the package instead of dist/ (a prototype).
	const extensionsDir = process.env.BENCH_EXTENSIONS_DIR;
	// BENCH_PROFILE_LABEL names the variant (default `<kind>-prototype` with BENCH_EXTENSIONS_DIR);
	// BENCH_N8N_ENV (JSON) adds n8n settings, e.g. '{"N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE":"true"}'.
	const label = process.env.BENCH_PROFILE_LABEL ?? `${kind}${extensionsDir ? '-prototype' : ''}`;
	const extraEnv = JSON.parse(process.env.BENCH_N8N_ENV ?? '{}') as Record<string, string>;
	const stack = await startStack(
		{
			env: { ...extraEnv, NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` },
			...(extensionsDir ? { extensionsDir } : {}),
		},
		`bench-profile-${label}`,
	);
	let url: string;
	let secret = 'bench-floor-has-no-auth';
	let result: Awaited<ReturnType<typeof runLoad>> | undefined;
	let runMs: { p50: number; p90: number; completedPerSecond: number } | undefined;
	try {
		if (kind === 'A') {
			const a = await createNoOpWorkflow(stack, 'profile A');
			await publishAndSettle(stack, a.id);
			url = a.productionUrl;
			const hook = stack.sandbox
				.hooks()
				.find(
					(h: { channel?: { config?: { uri?: string } } }) => h.channel?.config?.uri === url,
				) as {
				channel: { config: { authScheme: { value: string } } };
			};
			secret = hook.channel.config.authScheme.value;
		} else if (kind === 'B' || kind === 'floorAuth') {
			secret = 'bench-profile-secret-0123456789abcdefghijkl';
			const credential = await stack.http.createCredential('profile auth', 'httpHeaderAuth', {
				name: 'Authorization',
				value: secret,
			});
			const auth = { id: credential.id, name: credential.name };
			const workflow = await stack.http.createWorkflow(
				kind === 'B'
					? handBuiltWorkflow('profile B', 'profile-b', auth)
					: floorWorkflow('profile floor+auth', 'profile-b', auth),
			);
			await publishAndSettle(stack, workflow.id);
			url = `${stack.n8n.baseUrl}${webhookPath('profile-b')}`;
		} else {
			const workflow = await stack.http.createWorkflow(
				floorWorkflow('profile floor', 'profile-floor'),
			);
			await publishAndSettle(stack, workflow.id);
			url = `${stack.n8n.baseUrl}${webhookPath('profile-floor')}`;
		}
		result = await runLoad({
			url,
			headers: oktaHeaders(secret),
			deliveries: new Deliveries(1),
			connections: 1,
			amount,
			maxMs: 60_000,
		});
		process.stdout.write(
			`${kind}: ${result.ok} ok in ${result.elapsedMs} ms, p50 ${percentile(result.latencies, 50)} ms\n`,
		);
		await new Promise((r) => setTimeout(r, 3000));
		// A answers before its execution runs: the answer rate is not the completion rate. Wait for the
		// backlog (up to 60 s), then take the newest 250 executions' first start to last stop.
		type Run = { startedAt: string; stoppedAt?: string | null };
		let executions = await stack.http.api<{ data: Run[] }>('GET', `/executions?limit=250`);
		for (
			let waited = 0;
			waited < 60_000 &&
			(executions.data.length < Math.min(250, amount) || executions.data.some((e) => !e.stoppedAt));
			waited += 1000
		) {
			await new Promise((r) => setTimeout(r, 1000));
			executions = await stack.http.api<{ data: Run[] }>('GET', `/executions?limit=250`);
		}
		const durations = executions.data.map(
			(e) => Date.parse(e.stoppedAt ?? '') - Date.parse(e.startedAt),
		);
		const firstStart = Math.min(...executions.data.map((e) => Date.parse(e.startedAt)));
		const lastStop = Math.max(...executions.data.map((e) => Date.parse(e.stoppedAt ?? '')));
		runMs = {
			p50: percentile(durations, 50),
			p90: percentile(durations, 90),
			completedPerSecond: Number(
				((executions.data.length / (lastStop - firstStart)) * 1000).toFixed(1),
			),
		};
		process.stdout.write(
			`${kind}: execution startedAt→stoppedAt p50 ${runMs.p50} ms, p90 ${runMs.p90} ms; ${executions.data.length} executions finished at ${runMs.completedPerSecond}/s\n`,
		);
	} finally {
		await stack.close();
	}
	// The main process's profile is the largest (the task runner's is nearly empty).
	const files = fs.readdirSync(profileDir).map((f) => path.join(profileDir, f));
	const main = files.sort((x, y) => fs.statSync(y).size - fs.statSync(x).size)[0];
	const marker = kind === 'A' ? 'OktaMfaPreregistrationTrigger' : 'nodes/Webhook/Webhook.node';
	// The whole load (answers and runs): to the last answer plus the time for the last runs.
	const summary = summarize(main, result?.ok ?? amount, marker, (result?.elapsedMs ?? 0) + 500);
	const out = path.join(REPO_ROOT, '.cache', 'bench', `profile-${label}.json`);
	fs.writeFileSync(
		out,
		JSON.stringify(
			{
				kind: label,
				extensionsDir,
				deliveries: result?.ok,
				elapsedMs: result?.elapsedMs,
				answerP50Ms: result && percentile(result.latencies, 50),
				runMs,
				...summary,
			},
			null,
			2,
		),
	);
	process.stdout.write(
		`${JSON.stringify(summary.packages.slice(0, 15), null, 1)}\n${JSON.stringify(summary.functions.slice(0, 25), null, 1)}\n`,
	);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
