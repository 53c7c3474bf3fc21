import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface MermaidChecker {
	/**
	 * `null` when the diagram parses, else mermaid's error message. Checks run one at a time, in
	 * the order asked; `timeoutMs` (default: the checker's) counts from the moment this one starts.
	 */
	check(source: string, options?: { timeoutMs?: number }): Promise<string | null>;
	close(): Promise<void>;
}

// The worker file sits next to this one: `.ts` when run from source, `.js` once compiled.
const WORKER_URL = new URL(`./mermaid-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Longest a diagram may take to parse: mermaid's parser runs on model output and authors' files. */
export const CHECK_TIMEOUT_MS = 10_000;

/** The version of mermaid that checks diagrams (and draws them in the browser): part of every cached verdict's key. */
export const MERMAID_VERSION = (createRequire(import.meta.url)('mermaid/package.json') as { version: string }).version;

/**
 * Starts a worker thread that parses diagrams with mermaid's own parser. A diagram that takes
 * longer than its timeout to parse is reported as a problem and its worker is ended (a parse
 * that loops cannot be interrupted otherwise); the next check starts a new worker.
 */
export async function startMermaidChecker({ timeoutMs = CHECK_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<MermaidChecker> {
	let current = await startWorker();
	// One check at a time, so that each one's timeout measures its own parse, not a queue.
	let queue: Promise<unknown> = Promise.resolve();
	const checkNow = async (source: string, limit: number): Promise<string | null> => {
		if (current.failure) {
			// The worker died on an earlier diagram (out of memory, say): that one was reported, this one gets a new worker.
			const failed = current;
			current = await startWorker();
			await failed.worker.terminate();
		}
		let timer: ReturnType<typeof setTimeout> | undefined;
		const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limit)));
		const result = await Promise.race([current.check(source), timeout]).finally(() => clearTimeout(timer));
		if (result !== 'timeout') return result;
		const stuck = current;
		current = await startWorker();
		await stuck.worker.terminate();
		return `mermaid took longer than ${formatSeconds(limit)} to parse it; simplify the diagram`;
	};
	return {
		check(source, options) {
			const result = queue.then(() => checkNow(source, Math.max(1, options?.timeoutMs ?? timeoutMs)));
			queue = result.catch(() => undefined);
			return result;
		},
		async close() {
			await queue;
			await current.worker.terminate();
		},
	};
}

function formatSeconds(ms: number): string {
	return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(1))} s`;
}

interface CheckerWorker {
	worker: Worker;
	failure: Error | undefined;
	check(source: string): Promise<string | null>;
}

async function startWorker(): Promise<CheckerWorker> {
	const worker = new Worker(WORKER_URL);
	const pending = new Map<number, (error: string | null) => void>();
	let nextId = 0;
	const state: CheckerWorker = {
		worker,
		failure: undefined,
		check(source) {
			if (state.failure) return Promise.resolve(`the mermaid checker failed: ${state.failure.message}`);
			return new Promise((resolve) => {
				const id = nextId++;
				pending.set(id, resolve);
				worker.postMessage({ id, source });
			});
		},
	};
	worker.on('message', (message: { id?: number; error?: string | null }) => {
		if (message.id === undefined) return;
		pending.get(message.id)?.(message.error ?? null);
		pending.delete(message.id);
	});
	await new Promise<void>((resolve, reject) => {
		const onError = (error: Error) => reject(new Error(`the mermaid checker could not start: ${error.message}`));
		worker.once('error', onError);
		worker.once('message', () => (worker.off('error', onError), resolve()));
	});
	worker.on('error', (error: Error) => {
		state.failure = error;
		for (const settle of pending.values()) settle(`the mermaid checker failed: ${error.message}`);
		pending.clear();
	});
	return state;
}
