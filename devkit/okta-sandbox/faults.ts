/** Injected faults on the management API: matched in order, each used up after `times` matches. */
import type { Fault, Op } from './types';

export interface ActiveFault extends Fault {
	remaining: number;
	/** Matching requests still to let through before this fault applies. */
	toSkip: number;
	/** For rateLimit(): seconds from the moment of the answer to X-Rate-Limit-Reset. */
	resetInSeconds?: number;
}

export class FaultList {
	private list: ActiveFault[] = [];

	add(fault: Fault, extra: Partial<ActiveFault> = {}): void {
		const times = fault.times ?? 1;
		if (!(times > 0)) throw new Error(`fault.times must be > 0, got ${times}`);
		const skip = fault.skip ?? 0;
		if (!(skip >= 0)) throw new Error(`fault.skip must be >= 0, got ${skip}`);
		this.list.push({ ...fault, ...extra, remaining: times, toSkip: skip });
	}

	/** The first fault matching this request, consuming one use of it (or one of its skips). */
	take(op: Op, method: string, path: string): ActiveFault | undefined {
		const index = this.list.findIndex((f) => matches(f, op, method, path));
		if (index < 0) return undefined;
		const fault = this.list[index];
		if (fault.toSkip > 0) {
			fault.toSkip -= 1;
			return undefined;
		}
		fault.remaining -= 1;
		if (fault.remaining <= 0) this.list.splice(index, 1);
		return fault;
	}

	clear(): void {
		this.list = [];
	}

	get size(): number {
		return this.list.length;
	}
}

function matches(f: Fault, op: Op, method: string, path: string): boolean {
	if (f.op && f.op !== op) return false;
	if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
	if (f.path instanceof RegExp) {
		f.path.lastIndex = 0;
		if (!f.path.test(path)) return false;
	} else if (typeof f.path === 'string' && f.path !== path) return false;
	return true;
}

/** Fault as sent to the control API: `path` is a regex source, `times` may be "Infinity" or -1. */
export function faultFromJson(input: unknown): Fault {
	if (typeof input !== 'object' || input === null || Array.isArray(input))
		throw new Error('fault must be an object');
	const raw = input as Record<string, unknown>;
	const fault = { ...raw } as Fault & Record<string, unknown>;
	if (typeof raw.path === 'string') fault.path = new RegExp(raw.path);
	if (raw.times === 'Infinity' || raw.times === -1 || raw.times === null) fault.times = Infinity;
	if (
		raw.kind !== undefined &&
		!['status', 'timeout', 'reset', 'delay'].includes(raw.kind as string)
	) {
		throw new Error(`unknown fault kind ${String(raw.kind)}`);
	}
	return fault;
}
