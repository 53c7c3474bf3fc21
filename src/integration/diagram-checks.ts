import { CHECK_TIMEOUT_MS, MERMAID_VERSION, startMermaidChecker, type MermaidChecker } from './diagrams/mermaid-check.ts';
import { findBrokenDiagrams, type BrokenDiagram } from './rendering/diagram-check.ts';

/** Where verdicts are kept between builds: the loader's meta store, which Astro keeps with the data store. */
export interface VerdictStore {
	get(key: string): string | undefined;
	set(key: string, value: string): void;
}

export interface DiagramChecks {
	/**
	 * The diagrams of a page's markdown that mermaid cannot parse. A page whose text is unchanged
	 * since the last build gets its verdict from the store, unparsed. Pages are checked one at a
	 * time in the order asked, in a worker thread, so checking page N+1 overlaps rendering page N.
	 */
	check(pageId: string, text: string): Promise<BrokenDiagram[]>;
	/** Why diagrams could not be checked at all (mermaid's worker did not start), once checks are done. */
	failure(): string | undefined;
	/** Keeps this sync's verdicts (those of pages no longer published are dropped) and stops the worker. */
	finish(): Promise<void>;
}

const STORE_KEY = 'prd-specs:diagram-checks';
// Changes when what is stored, or how diagrams are checked, changes: that includes the rules of
// `sanitizeDiagram`, since a verdict names the diagram by the source those rules leave.
const VERDICT_FORMAT = 1;

interface StoredVerdicts {
	version: string;
	pages: Record<string, { digest: string; broken: BrokenDiagram[] }>;
}

export function startDiagramChecks(
	store: VerdictStore,
	digest: (text: string) => string,
	{ startChecker = startMermaidChecker }: { startChecker?: () => Promise<MermaidChecker> } = {},
): DiagramChecks {
	const version = `${VERDICT_FORMAT}/${MERMAID_VERSION}`;
	const previous = readVerdicts(store.get(STORE_KEY), version);
	const kept: StoredVerdicts = { version, pages: {} };
	// The same diagram on several pages (a spec and the open questions gathered from it) is parsed once.
	const parsed = new Map<string, Promise<string | null>>();
	let checker: Promise<MermaidChecker> | undefined;
	let startFailure: string | undefined;
	let queue: Promise<unknown> = Promise.resolve();

	const parse = async (source: string, timeoutMs: number): Promise<string | null> => {
		let result = parsed.get(source);
		if (!result) {
			checker ??= startChecker();
			result = checker.then((started) => started.check(source, { timeoutMs }));
			parsed.set(source, result);
		}
		return result;
	};

	const checkNow = async (pageId: string, text: string): Promise<BrokenDiagram[]> => {
		const key = digest(text);
		const cached = previous.pages[pageId];
		if (cached?.digest === key) {
			kept.pages[pageId] = cached;
			return cached.broken;
		}
		if (startFailure !== undefined) return [];
		try {
			const broken = await findBrokenDiagrams(text, parse, CHECK_TIMEOUT_MS);
			kept.pages[pageId] = { digest: key, broken };
			return broken;
		} catch (error) {
			// Mermaid's worker did not start: the pages are published unchecked, and the build says so once.
			startFailure = error instanceof Error ? error.message : String(error);
			return [];
		}
	};

	return {
		check(pageId, text) {
			const result = queue.then(() => checkNow(pageId, text));
			queue = result.catch(() => undefined);
			return result;
		},
		failure: () => startFailure,
		async finish() {
			await queue;
			if (startFailure === undefined) store.set(STORE_KEY, JSON.stringify(kept));
			await checker?.then(
				(started) => started.close(),
				() => undefined,
			);
		},
	};
}

function readVerdicts(json: string | undefined, version: string): StoredVerdicts {
	const empty: StoredVerdicts = { version, pages: {} };
	if (!json) return empty;
	try {
		const stored = JSON.parse(json) as Partial<StoredVerdicts>;
		return stored.version === version && stored.pages && typeof stored.pages === 'object' ? (stored as StoredVerdicts) : empty;
	} catch {
		return empty;
	}
}
