/** Quiet time after the last PRD edit before `generation.inDev` generates. */
export const DEV_GENERATION_DELAY_MS = 3000;

/**
 * With `generation.inDev`, specs are generated once edits have stopped for a while, one run at a
 * time. Returns `schedule`: each call restarts the quiet time; a run that comes due while another
 * is going waits for it to end, then for another quiet time, so edits made during a run are seen.
 */
export function createGenerationScheduler(
	generate: () => Promise<void>,
	onError: (error: Error) => void,
	delayMs = DEV_GENERATION_DELAY_MS,
): () => void {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let running: Promise<void> | undefined;
	const run = async (): Promise<void> => {
		if (running) {
			await running;
			return schedule();
		}
		running = generate().finally(() => (running = undefined));
		await running;
	};
	const schedule = () => {
		clearTimeout(timer);
		timer = setTimeout(() => void run().catch(onError), delayMs);
	};
	return schedule;
}
