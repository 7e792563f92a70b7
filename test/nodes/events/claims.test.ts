import { SeenEvents } from '../../../nodes/events/seenEvents';
import { EventClaims } from '../../../nodes/events/claims';
import { emittedKey } from '../../../nodes/events/emittedKeys';

describe('event claims', () => {
	it('keep at most the newest `keepDone` events done since the last read, however many run', async () => {
		const claims = new EventClaims(new SeenEvents(100_000), 3);
		for (let index = 0; index < 10; index++) {
			const claim = claims.open();
			await claim.take([`e${index}`], (uuid) => uuid);
			claim.settle(true, index);
		}
		expect(claims.doneSinceReadList(100)).toEqual(['e7', 'e8', 'e9'].map(emittedKey));
		// The duplicate filter still knows every one of them.
		expect(claims.isDone('e0')).toBe(true);
	});

	it('keep the restored ones within the same bound, and know them as done by their uuid', () => {
		const claims = new EventClaims(new SeenEvents(100), 2);
		claims.restore(['a', 'b', 'c'].map(emittedKey));
		expect(claims.doneSinceReadList(100)).toEqual(['b', 'c'].map(emittedKey));
		expect(claims.isDone('c')).toBe(true);
		expect(claims.isDone('d')).toBe(false);
	});

	it('forget what the cursor passed', async () => {
		const claims = new EventClaims(new SeenEvents(100), 10);
		for (const [uuid, at] of [
			['early', 1],
			['late', 5],
		] as const) {
			const claim = claims.open();
			await claim.take([uuid], (id) => id);
			claim.settle(true, at);
		}
		claims.forgetDoneBefore(3);
		expect(claims.doneSinceReadList(10)).toEqual([emittedKey('late')]);
	});
});
