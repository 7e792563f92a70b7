import { createHash } from 'node:crypto';

/**
 * What static data keeps of an emitted event so that a restart does not run it again: a key of 12
 * base64url characters (72 bits of the SHA-256 of its uuid), all keys in one string. A uuid in a
 * JSON array takes 39 bytes, a key 12, so the thousands a burst may need (every event emitted
 * since the log cursor last moved, up to two minutes' worth) stay small enough to write at every
 * delivery. Any string works as a uuid. A missed event taken for an emitted one because its key
 * matched: about 1 in 10^17 per event with 10,000 keys kept.
 */
export const KEY_LENGTH = 12;

export function emittedKey(uuid: string): string {
	return createHash('sha256').update(uuid).digest('base64url').slice(0, KEY_LENGTH);
}

/** The keys in a stored string (anything else stored there: none). */
export function splitKeys(stored: unknown): string[] {
	if (typeof stored !== 'string') return [];
	const keys: string[] = [];
	for (let at = 0; at + KEY_LENGTH <= stored.length; at += KEY_LENGTH) {
		keys.push(stored.slice(at, at + KEY_LENGTH));
	}
	return keys;
}
