/**
 * Remembers the event UUIDs one hook registration has already emitted, so Okta's at-least-once
 * retries do not run the workflow twice. Bounded: the oldest UUIDs are forgotten first.
 * Lives in this process's memory (see the README on queue mode with several webhook processes).
 */
export class SeenEvents {
	private readonly uuids = new Set<string>();

	constructor(private readonly capacity: number) {}

	has(uuid: string): boolean {
		return this.uuids.has(uuid);
	}

	add(uuid: string): void {
		if (this.uuids.has(uuid)) return;
		this.uuids.add(uuid);
		if (this.uuids.size > this.capacity) {
			// A Set iterates in insertion order: the first value is the oldest.
			this.uuids.delete(this.uuids.values().next().value as string);
		}
	}

	get size(): number {
		return this.uuids.size;
	}

	/** The UUIDs, oldest first: what a caller stores (e.g. in n8n's static data) to rebuild the filter. */
	toJSON(): string[] {
		return [...this.uuids];
	}

	/** The filter a stored list describes; anything but non-empty strings is skipped, the newest `capacity` kept. */
	static fromList(uuids: unknown, capacity: number): SeenEvents {
		const seen = new SeenEvents(capacity);
		if (Array.isArray(uuids)) {
			for (const uuid of uuids) if (typeof uuid === 'string' && uuid !== '') seen.add(uuid);
		}
		return seen;
	}
}

/** Okta retries within seconds; 10,000 UUIDs cover far more than any retry window at Okta's daily cap. */
export const UUIDS_PER_REGISTRATION = 10_000;
const MAX_REGISTRATIONS = 1_000;

const registrations = new Map<string, SeenEvents>();

/**
 * The filter of one registration, keyed by the caller (mode, n8n webhook id and Okta hook id): the
 * test listener's hook and the published one never share a filter.
 */
export function seenEventsFor(registrationKey: string): SeenEvents {
	let seen = registrations.get(registrationKey);
	if (seen) {
		registrations.delete(registrationKey);
	} else {
		seen = new SeenEvents(UUIDS_PER_REGISTRATION);
		if (registrations.size >= MAX_REGISTRATIONS) {
			registrations.delete(registrations.keys().next().value as string);
		}
	}
	// Re-inserting keeps the map ordered from least to most recently used.
	registrations.set(registrationKey, seen);
	return seen;
}
