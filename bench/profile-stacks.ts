/**
 * Call-stack view of a CPU profile written by bench/profile.ts: who calls into the expression
 * runtime and into SQLite/TypeORM, as total time by caller chain (not only self time).
 *
 *   npx tsx bench/profile-stacks.ts <file.cpuprofile> <marker> <windowMs> <deliveries> [depth]
 *
 * <marker> and <windowMs> as in bench/profile.ts (the first sample whose URL contains the marker
 * opens the window). For every sample in the window whose leaf frame (or any frame) is in a
 * "target" package, the nearest `depth` caller frames outside that package's dependencies are the
 * key; times are ms per delivery. Async stacks end at the last await, so a chain may be short.
 */
import { packageOf, readCpuProfile, samplesInWindow } from './cpuProfile';
import type { ProfileNode } from './cpuProfile';

const [file, marker, windowArg, deliveriesArg, depthArg] = process.argv.slice(2);
const windowMs = Number(windowArg);
const deliveries = Number(deliveriesArg);
const depth = Number(depthArg ?? 4);

const profile = readCpuProfile(file);
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map<number, number>();
for (const node of profile.nodes)
	for (const child of node.children ?? []) parent.set(child, node.id);

const pkgOf = packageOf;
const frameName = (node: ProfileNode) => {
	const { functionName, url, lineNumber } = node.callFrame;
	const file = url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
	return `${functionName || '(anon)'} ${file.split('/').slice(-2).join('/')}:${lineNumber + 1}`;
};
const stackOf = (id: number) => {
	const stack: ProfileNode[] = [];
	for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
		const node = nodes.get(at);
		if (node && node.callFrame.functionName !== '(root)') stack.push(node);
	}
	return stack; // leaf first
};

const inWindow = samplesInWindow(profile, marker, windowMs);

const ms = (us: number) => Number((us / 1000 / deliveries).toFixed(3));
const top = (map: Map<string, number>, n: number) =>
	[...map.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([name, us]) => `${ms(us).toFixed(3).padStart(8)}  ${name}`);

// 1. Inclusive time per function (each function counted once per sample).
const inclusive = new Map<string, number>();
for (const { id, us } of inWindow) {
	const seen = new Set<string>();
	for (const node of stackOf(id)) {
		const name = `${frameName(node)} [${pkgOf(node.callFrame.url, node.callFrame.functionName)}]`;
		if (seen.has(name)) continue;
		seen.add(name);
		inclusive.set(name, (inclusive.get(name) ?? 0) + us);
	}
}
process.stdout.write(
	`== inclusive ms/delivery, top functions in n8n, n8n-core, n8n-workflow, @n8n/* and this package\n`,
);
process.stdout.write(
	`${top(
		new Map(
			[...inclusive].filter(([name]) =>
				/\[(n8n|n8n-core|n8n-workflow|@n8n\/[^\]]+|this package)\]$/.test(name),
			),
		),
		Number(process.env.TOP ?? 70),
	).join('\n')}\n`,
);

// 2. Samples that touch a target package: total time by the nearest caller frames outside it.
const targets: Array<[string, RegExp]> = [
	['expression runtime (incl. isolated-vm native)', /@n8n\/expression-runtime|isolated-vm/],
	['sqlite3 / typeorm', /sqlite3|@n8n\/typeorm/],
];
const libs =
	/expression-runtime|isolated-vm|sqlite3|typeorm|node core|\(native|\(garbage|\(program|reflect-metadata|rxjs|\bdi\b|\/di|tslib/;
for (const [label, re] of targets) {
	const byChain = new Map<string, number>();
	let total = 0;
	for (const { id, us } of inWindow) {
		const stack = stackOf(id);
		if (!stack.some((node) => re.test(node.callFrame.url))) continue;
		total += us;
		// The first frame in the target package, walking from the root; then its callers.
		const rootFirst = [...stack].reverse();
		const entry = rootFirst.findIndex((node) => re.test(node.callFrame.url));
		const callers = rootFirst
			.slice(0, entry)
			.filter((node) => !libs.test(pkgOf(node.callFrame.url, node.callFrame.functionName)))
			.slice(-depth)
			.map(frameName);
		const key = `${callers.join(' > ') || '(no caller: async resumption)'} >> ${frameName(rootFirst[entry])}`;
		byChain.set(key, (byChain.get(key) ?? 0) + us);
	}
	process.stdout.write(
		`\n== ${label}: ${ms(total)} ms/delivery in total, by caller chain\n${top(byChain, 30).join('\n')}\n`,
	);
}
