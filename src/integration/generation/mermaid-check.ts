import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { outlineMarkdown } from '../markdown/outline.ts';

export interface MermaidChecker {
	/** `null` when the diagram parses, else mermaid's error message. */
	check(source: string): Promise<string | null>;
	close(): Promise<void>;
}

// The worker file sits next to this one: `.ts` when run from source, `.js` once compiled.
const WORKER_URL = new URL(`./mermaid-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Longest a diagram may take to parse: mermaid's parser runs on model output. */
export const CHECK_TIMEOUT_MS = 10_000;

/**
 * Starts a worker thread that parses diagrams with mermaid's own parser. A diagram that takes
 * longer than `timeoutMs` to parse is reported as a problem and its worker is ended (a parse
 * that loops cannot be interrupted otherwise); the next check starts a new worker.
 */
export async function startMermaidChecker({ timeoutMs = CHECK_TIMEOUT_MS }: { timeoutMs?: number } = {}): Promise<MermaidChecker> {
	let current = await startWorker();
	return {
		async check(source) {
			if (current.failure) return `the mermaid checker failed: ${current.failure.message}`;
			let timer: ReturnType<typeof setTimeout> | undefined;
			const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
			const result = await Promise.race([current.check(source), timeout]).finally(() => clearTimeout(timer));
			if (result !== 'timeout') return result;
			const stuck = current;
			current = await startWorker();
			await stuck.worker.terminate();
			return `mermaid took longer than ${timeoutMs / 1000} s to parse it; simplify the diagram`;
		},
		async close() {
			await current.worker.terminate();
		},
	};
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

export interface MermaidBlock {
	/** 1-based position among the spec's diagrams. */
	index: number;
	/** The `##` section it is in, if any. */
	section: string | undefined;
	source: string;
}

/** The ```mermaid code blocks of a markdown document (see `outlineMarkdown`), nested ones included. */
export function extractMermaidBlocks(markdown: string): MermaidBlock[] {
	return outlineMarkdown(markdown)
		.codeBlocks.filter((block) => block.lang?.toLowerCase() === 'mermaid')
		.map((block, index) => ({ index: index + 1, section: block.section, source: block.value }));
}
