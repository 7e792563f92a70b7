import { SeenEvents, seenEventsFor } from '../../../nodes/events/seenEvents';

describe('the duplicate filter', () => {
	it('remembers what it saw', () => {
		const seen = new SeenEvents(3);
		seen.add('a');
		expect(seen.has('a')).toBe(true);
		expect(seen.has('b')).toBe(false);
	});

	it('stays within its capacity, forgetting the oldest first', () => {
		const seen = new SeenEvents(3);
		for (const uuid of ['a', 'b', 'c', 'd']) seen.add(uuid);
		expect(seen.size).toBe(3);
		expect(seen.has('a')).toBe(false);
		expect(['b', 'c', 'd'].every((uuid) => seen.has(uuid))).toBe(true);
	});

	it('gives each registration its own filter, and the same one on every call', () => {
		const production = seenEventsFor('https://n8n/webhook/1/webhook who1');
		const test = seenEventsFor('https://n8n/webhook-test/1/webhook who2');
		production.add('event-1');
		expect(test.has('event-1')).toBe(false);
		expect(seenEventsFor('https://n8n/webhook/1/webhook who1').has('event-1')).toBe(true);
	});

	it('survives a round trip through stored JSON, oldest first, within capacity', () => {
		const seen = new SeenEvents(3);
		for (const uuid of ['a', 'b', 'c', 'd']) seen.add(uuid);
		const stored = JSON.parse(JSON.stringify(seen)) as unknown;
		expect(stored).toEqual(['b', 'c', 'd']);
		const restored = SeenEvents.fromList(stored, 2);
		expect(restored.toJSON()).toEqual(['c', 'd']);
		restored.add('e');
		expect(restored.toJSON()).toEqual(['d', 'e']);
	});

	it('rebuilds from whatever static data holds, keeping only UUID strings', () => {
		expect(SeenEvents.fromList(undefined, 5).size).toBe(0);
		expect(SeenEvents.fromList({ a: 1 }, 5).size).toBe(0);
		expect(SeenEvents.fromList(['a', 7, null, '', { b: 1 }, 'a', 'c'], 5).toJSON()).toEqual([
			'a',
			'c',
		]);
	});
});
