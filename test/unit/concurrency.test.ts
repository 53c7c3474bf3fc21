import { expect, test } from 'vitest';

import { mapWithConcurrency } from '../../src/integration/generation/run.ts';

test('mapWithConcurrency starts exactly `limit` tasks, one more as each ends, and keeps the input order', async () => {
	const pending: { item: number; resolve: (value: string) => void }[] = [];
	const started: number[] = [];
	const run = mapWithConcurrency([1, 2, 3, 4, 5], 2, (item) => {
		started.push(item);
		return new Promise<string>((resolve) => pending.push({ item, resolve }));
	});
	// Tasks are settled by hand, so what runs at once does not depend on timing.
	const settle = async (item: number) => {
		pending
			.splice(
				pending.findIndex((p) => p.item === item),
				1,
			)[0]!
			.resolve(`done ${item}`);
		await new Promise((resolve) => setImmediate(resolve));
	};
	await new Promise((resolve) => setImmediate(resolve));
	expect(started).toEqual([1, 2]);
	await settle(2);
	expect(started).toEqual([1, 2, 3]);
	await settle(1);
	await settle(3);
	expect(started).toEqual([1, 2, 3, 4, 5]);
	expect(pending.map((p) => p.item)).toEqual([4, 5]);
	await settle(5);
	await settle(4);
	expect(await run).toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
});
