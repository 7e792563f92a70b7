/**
 * Servers started for tests and benchmarks (n8n, PostgreSQL, Redis) run in their own process group
 * (`detached: true`) so that stopping one also ends its children (n8n's task runner, PostgreSQL's
 * backends); none may outlive the process that started it.
 */
import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Signals the child's whole process group (the child alone if it has none); a no-op once it exited. */
export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

/** Kills the child's group with SIGKILL when this process exits, whatever happened, unless it ended first. */
export function killOnExit(child: ChildProcess): void {
	running.add(child);
	child.on('exit', () => running.delete(child));
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const leftOver of running) killGroup(leftOver, 'SIGKILL');
	});
}
