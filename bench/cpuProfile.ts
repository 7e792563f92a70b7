/**
 * Reading V8 CPU profiles (`--cpu-prof`) for bench/profile.ts and bench/profile-stacks.ts: the
 * samples taken while the load ran, and which package a frame belongs to.
 */
import * as fs from 'node:fs';

export interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}

export interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export function readCpuProfile(file: string): CpuProfile {
	return JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
}

/**
 * The samples over the load only: from the first sample in code whose URL contains `marker` (the
 * workflow's webhook code) for `windowMs`, each with the time until the next sample.
 */
export function samplesInWindow(
	profile: CpuProfile,
	marker: string,
	windowMs: number,
): Array<{ id: number; us: number }> {
	const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
	const inWindow: Array<{ id: number; us: number }> = [];
	let time = 0;
	let windowStart = -1;
	for (let index = 0; index < profile.samples.length; index++) {
		time += profile.timeDeltas[index] ?? 0;
		const node = nodes.get(profile.samples[index]);
		if (windowStart < 0 && node?.callFrame.url.includes(marker)) windowStart = time;
		if (windowStart < 0 || time > windowStart + windowMs * 1000) continue;
		inWindow.push({ id: profile.samples[index], us: profile.timeDeltas[index + 1] ?? 0 });
	}
	return inWindow;
}

/** The npm package a frame's script is in; this package's own dist, Node's core, or the native frame's name. */
export function packageOf(url: string, functionName: string): string {
	return (
		/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
		(url.includes('/dist/nodes/') || url.includes('/dist/credentials/')
			? 'this package (dist)'
			: url
				? url.startsWith('node:')
					? 'node core'
					: url
				: `(${functionName || 'native'})`)
	);
}
