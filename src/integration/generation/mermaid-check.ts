import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

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

/** The ```mermaid fenced blocks of a markdown document. */
export function extractMermaidBlocks(markdown: string): MermaidBlock[] {
	const blocks: MermaidBlock[] = [];
	let section: string | undefined;
	let fence: { marker: string; lines: string[]; mermaid: boolean } | undefined;
	for (const line of markdown.split('\n')) {
		const marker = /^\s{0,3}(`{3,}|~{3,})(.*)$/.exec(line);
		if (fence) {
			if (marker && marker[1]![0] === fence.marker[0] && marker[1]!.length >= fence.marker.length && marker[2]!.trim() === '') {
				if (fence.mermaid) blocks.push({ index: blocks.length + 1, section, source: fence.lines.join('\n') });
				fence = undefined;
			} else {
				fence.lines.push(line);
			}
		} else if (marker) {
			fence = { marker: marker[1]!, lines: [], mermaid: marker[2]!.trim().split(/\s+/)[0]?.toLowerCase() === 'mermaid' };
		} else if (line.startsWith('## ')) {
			section = line.slice(3).trim();
		}
	}
	return blocks;
}
