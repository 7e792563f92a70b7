import type { SeenEvents } from './seenEvents';
import { emittedKey } from './emittedKeys';

/**
 * Which events of one hook registration this process has handed to n8n. An event is *done* once
 * n8n created the execution that carries it (it is then in the duplicate filter), and *pending*
 * while a delivery that carries it waits for n8n's answer. A pending event is nobody else's: a
 * parallel delivery of it (Okta's retry) waits for that outcome instead of being dropped, so that
 * an execution n8n never created does not make Okta's retry, or recovery, skip the event.
 */
export class EventClaims {
	private readonly pending = new Map<string, Promise<boolean>>();
	/**
	 * Done since the log cursor last moved past them (their keys, emittedKeys.ts), with when: what
	 * static data must keep. At most `keepDone`, the newest: static data keeps no more, and while
	 * the log is not read (recovery off, or Okta refusing) nothing else would bound it.
	 */
	private readonly doneSinceRead = new Map<string, number>();
	/** Keys of events emitted before this process (from static data). */
	private readonly restored = new Set<string>();

	constructor(
		readonly seen: SeenEvents,
		private readonly keepDone = 1_000,
	) {}

	isDone(uuid: string): boolean {
		return this.seen.has(uuid) || (this.restored.size > 0 && this.restored.has(emittedKey(uuid)));
	}

	isPending(uuid: string): boolean {
		return this.pending.has(uuid);
	}

	/** Marks events done that static data says were emitted before this process (their keys). */
	restore(keys: string[]): void {
		for (const key of keys.slice(-this.keepDone)) {
			this.restored.add(key);
			this.doneSinceRead.set(key, 0);
		}
		this.trimDone();
	}

	/** A claim of one delivery: its uuids are pending until `settle` says whether n8n took them. */
	open(): Claim {
		return new Claim(this);
	}

	/** @internal used by Claim */
	hold(uuid: string, outcome: Promise<boolean>): void {
		this.pending.set(uuid, outcome);
	}

	/** @internal used by Claim */
	outcomeOf(uuid: string): Promise<boolean> | undefined {
		return this.pending.get(uuid);
	}

	/** @internal used by Claim */
	finish(uuids: string[], taken: boolean, now: number): void {
		for (const uuid of uuids) {
			this.pending.delete(uuid);
			if (!taken) continue;
			this.seen.add(uuid);
			this.doneSinceRead.set(emittedKey(uuid), now);
		}
		this.trimDone();
	}

	private trimDone(): void {
		for (const uuid of this.doneSinceRead.keys()) {
			if (this.doneSinceRead.size <= this.keepDone) return;
			this.doneSinceRead.delete(uuid);
		}
	}

	/** The log cursor moved past everything done before `time`: those need no stored copy any more. */
	forgetDoneBefore(time: number): void {
		for (const [uuid, doneAt] of this.doneSinceRead) {
			if (doneAt < time) this.doneSinceRead.delete(uuid);
		}
	}

	/** Keys of done events the log cursor may not have passed yet, newest `limit` (for static data). */
	doneSinceReadList(limit: number): string[] {
		return [...this.doneSinceRead.keys()].slice(-limit);
	}
}

export class Claim {
	readonly uuids: string[] = [];
	private isSettled = false;
	private resolve!: (taken: boolean) => void;
	/** Resolves once n8n's answer says whether it took the execution. */
	readonly settled = new Promise<boolean>((resolve) => (this.resolve = resolve));

	constructor(private readonly claims: EventClaims) {}

	/**
	 * Takes the events nobody has emitted or holds; waits for a delivery that holds one to settle,
	 * then takes it only if that delivery's execution was not created. Check-and-take runs without
	 * an `await` in between, so two deliveries never both take one event.
	 */
	async take<T>(candidates: T[], uuidOf: (candidate: T) => string | undefined): Promise<T[]> {
		const taken: T[] = [];
		let waiting = candidates;
		while (waiting.length > 0) {
			const heldElsewhere: T[] = [];
			const outcomes: Array<Promise<boolean>> = [];
			for (const candidate of waiting) {
				const uuid = uuidOf(candidate);
				if (uuid === undefined) {
					taken.push(candidate); // no uuid: nothing to deduplicate by
				} else if (this.uuids.includes(uuid) || this.claims.isDone(uuid)) {
					continue;
				} else {
					const elsewhere = this.claims.outcomeOf(uuid);
					if (elsewhere) {
						heldElsewhere.push(candidate);
						outcomes.push(elsewhere);
					} else {
						this.takeNow(uuid);
						taken.push(candidate);
					}
				}
			}
			if (heldElsewhere.length > 0) await Promise.all(outcomes);
			waiting = heldElsewhere;
		}
		return taken;
	}

	/** Takes one event synchronously; the caller has checked it is neither done nor pending. */
	takeNow(uuid: string): void {
		this.uuids.push(uuid);
		this.claims.hold(uuid, this.settled);
	}

	/** n8n took the execution (true) or did not (false): done, or free for Okta's retry and recovery. */
	settle(taken: boolean, now = Date.now()): void {
		if (this.isSettled) return;
		this.isSettled = true;
		this.claims.finish(this.uuids, taken, now);
		this.resolve(taken);
	}
}
