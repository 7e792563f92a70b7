import type { IDataObject } from 'n8n-workflow';
import { ObservableObject } from 'n8n-workflow';

import { keepMarkedUntilSaved, markedCount } from '../../../nodes/events/staticDataSave';

/** Static data as n8n holds it: changes mark the root, a new Workflow around it clears the mark. */
function staticData() {
	const root = ObservableObject.create({ 'node:Trigger': { hookId: 'h1' } } as IDataObject);
	const node = root['node:Trigger'] as IDataObject;
	const reset = () =>
		Object.defineProperty(root, '__dataChanged', { value: false, writable: true });
	return { root, node, reset, changed: () => root.__dataChanged === true };
}

function outcome() {
	let settle!: (taken: boolean) => void;
	const settled = new Promise<boolean>((resolve) => (settle = resolve));
	return { settled, settle };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("keeping a delivery's static data marked changed while n8n creates its execution", () => {
	it('marks it again after n8n cleared the mark, until n8n has decided', async () => {
		const data = staticData();
		const delivery = outcome();
		keepMarkedUntilSaved(data.node, 'hookId', delivery.settled);
		expect(data.changed()).toBe(true);
		data.reset(); // WorkflowRunner.run wraps the same object in a Workflow of its own
		await wait(20);
		expect(data.changed()).toBe(true);
		expect(data.node).toEqual({ hookId: 'h1' });

		delivery.settle(true);
		await wait(0);
		data.reset(); // n8n saved it
		expect(markedCount()).toBe(0);
		await wait(20);
		expect(data.changed()).toBe(false);
	});

	it('marks once more when n8n took the execution, not when it did not', async () => {
		const taken = staticData();
		const failed = staticData();
		const [a, b] = [outcome(), outcome()];
		keepMarkedUntilSaved(taken.node, 'hookId', a.settled);
		keepMarkedUntilSaved(failed.node, 'hookId', b.settled);
		taken.reset();
		failed.reset();
		a.settle(true);
		b.settle(false);
		await wait(0);
		expect(taken.changed()).toBe(true);
		expect(failed.changed()).toBe(false);
	});

	it('serves every delivery in flight from one loop, and stops when none is left', async () => {
		const deliveries = Array.from({ length: 200 }, () => ({ data: staticData(), ...outcome() }));
		for (const delivery of deliveries)
			keepMarkedUntilSaved(delivery.data.node, 'hookId', delivery.settled);
		expect(markedCount()).toBe(200);
		for (const delivery of deliveries) delivery.data.reset();
		const timers = jest.spyOn(global, 'setTimeout');
		await wait(20);
		// One timer every 5 ms for all of them (a loop per delivery would set hundreds).
		expect(timers.mock.calls.length).toBeLessThanOrEqual(10);
		timers.mockRestore();
		expect(deliveries.every((delivery) => delivery.data.changed())).toBe(true);
		for (const delivery of deliveries) delivery.settle(true);
		await wait(0);
		expect(markedCount()).toBe(0);
	});

	it('counts two deliveries on the same object until both decided', async () => {
		const data = staticData();
		const [first, second] = [outcome(), outcome()];
		keepMarkedUntilSaved(data.node, 'hookId', first.settled);
		keepMarkedUntilSaved(data.node, 'hookId', second.settled);
		first.settle(true);
		await wait(0);
		expect(markedCount()).toBe(1);
		second.settle(false);
		await wait(0);
		expect(markedCount()).toBe(0);
	});
});
