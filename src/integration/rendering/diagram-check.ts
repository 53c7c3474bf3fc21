import { extractMermaidBlocks } from '../diagrams/mermaid-blocks.ts';
import { findErrorLine, summarizeMermaidError } from '../diagrams/mermaid-message.ts';
import { sanitizeDiagram } from './diagram-safety.ts';

/** A diagram of a page that mermaid cannot parse: the page shows its source instead. */
export interface BrokenDiagram {
	/** Line of the checked text where the diagram's fence opens. */
	line: number;
	/** Line of the checked text that mermaid's message points at, when it names one. */
	errorLine?: number;
	/** Mermaid's message, on one line. */
	message: string;
	/** The diagram as it would be drawn (see `sanitizeDiagram`): what the markdown plugin looks for. */
	source: string;
}

/** Parses one diagram within `timeoutMs`: `null` when it parses, else mermaid's message. */
export type ParseDiagram = (source: string, timeoutMs: number) => Promise<string | null>;

/**
 * The diagrams of a markdown text that would be drawn but that mermaid cannot parse. Diagrams
 * that the site refuses anyway (see `sanitizeDiagram`) are not parsed. The page's diagrams share
 * one time budget: once it is spent, the rest are not parsed but reported, so that a page of
 * many slow diagrams cannot hold up the build.
 */
export async function findBrokenDiagrams(text: string, parse: ParseDiagram, budgetMs: number): Promise<BrokenDiagram[]> {
	const broken: BrokenDiagram[] = [];
	const started = performance.now();
	for (const block of extractMermaidBlocks(text, { exact: true })) {
		const verdict = sanitizeDiagram(block.source);
		if (verdict.action === 'refuse') continue;
		const left = budgetMs - (performance.now() - started);
		const error =
			left > 0
				? await parse(verdict.source, left)
				: `not checked: this page's diagrams took more than ${budgetMs / 1000} s to parse together; split the page or simplify its diagrams`;
		if (error === null) continue;
		// Mermaid counts the lines of what it parsed: they are the file's own when the diagram is drawn as written.
		const line = verdict.source === block.source ? findErrorLine(error) : undefined;
		broken.push({
			line: block.line,
			...(line !== undefined && { errorLine: block.line + line }),
			message: summarizeMermaidError(error),
			source: verdict.source,
		});
	}
	return broken;
}
