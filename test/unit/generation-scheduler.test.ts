import { afterEach, beforeEach, expect, test, vi } from 'vitest';

import { createGenerationScheduler } from '../../src/integration/dev/generation-scheduler.ts';

const DELAY = 1000;

beforeEach(() => {
	vi.useFakeTimers();
});
afterEach(() => {
	vi.useRealTimers();
});

/** A generation that runs until the test ends it, so that what overlaps does not depend on timing. */
function controlledRuns() {
	const ends: (() => void)[] = [];
	let started = 0;
	const generate = () => {
		started++;
		return new Promise<void>((resolve) => ends.push(resolve));
	};
	return { generate, started: () => started, endRun: () => ends.shift()!() };
}

test('a burst of requests starts one run, once the quiet time has passed since the last one', async () => {
	const runs = controlledRuns();
	const schedule = createGenerationScheduler(runs.generate, () => {}, DELAY);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY - 1);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY - 1);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY - 1);
	expect(runs.started()).toBe(0);
	await vi.advanceTimersByTimeAsync(1);
	expect(runs.started()).toBe(1);
	runs.endRun();
	await vi.advanceTimersByTimeAsync(DELAY * 10);
	expect(runs.started()).toBe(1);
});

test('a run that comes due during another waits for it to end, then for another quiet time', async () => {
	const runs = controlledRuns();
	const schedule = createGenerationScheduler(runs.generate, () => {}, DELAY);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY);
	expect(runs.started()).toBe(1);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY * 5);
	expect(runs.started()).toBe(1);
	runs.endRun();
	await vi.advanceTimersByTimeAsync(DELAY - 1);
	expect(runs.started()).toBe(1);
	await vi.advanceTimersByTimeAsync(1);
	expect(runs.started()).toBe(2);
	runs.endRun();
});

test('a failed run is handed to onError, and the next request runs again', async () => {
	const errors: string[] = [];
	let calls = 0;
	const schedule = createGenerationScheduler(
		() => (++calls === 1 ? Promise.reject(new Error('model unreachable')) : Promise.resolve()),
		(error) => errors.push(error.message),
		DELAY,
	);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY);
	expect(errors).toEqual(['model unreachable']);
	schedule();
	await vi.advanceTimersByTimeAsync(DELAY);
	expect(calls).toBe(2);
	expect(errors).toEqual(['model unreachable']);
});
