import { outlineMarkdown } from '../markdown/outline.ts';

export interface MermaidBlock {
	/** 1-based position among the document's diagrams. */
	index: number;
	/** The `##` section it is in, if any. */
	section: string | undefined;
	/** 1-based line of its opening fence in the document. */
	line: number;
	source: string;
}

/**
 * The ```mermaid code blocks of a markdown document (see `outlineMarkdown`), nested ones included.
 * `exact` keeps only blocks whose language is `mermaid` as written, which are the ones the site
 * draws; without it `Mermaid` counts too (a model's spelling, fixed before it is saved).
 */
export function extractMermaidBlocks(markdown: string, { exact = false }: { exact?: boolean } = {}): MermaidBlock[] {
	return outlineMarkdown(markdown)
		.codeBlocks.filter((block) => (exact ? block.lang === 'mermaid' : block.lang?.toLowerCase() === 'mermaid'))
		.map((block, index) => ({ index: index + 1, section: block.section, line: block.start.line, source: block.value }));
}
