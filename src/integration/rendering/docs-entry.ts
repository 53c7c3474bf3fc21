/**
 * What a page is: a PRD, a spec (or its placeholder), or a page gathered from several: the
 * overview, open questions, or an index page (a folder's, or the PRDs of one status).
 */
export type PageKind = 'prd' | 'spec' | 'overview' | 'open-questions' | 'index';

/** A page to add to Starlight's `docs` collection. */
export interface DocsEntry {
	/** Entry id, which is also the page slug (`prds/checkout`). */
	id: string;
	kind: PageKind;
	/** Starlight frontmatter; validated by the collection schema before it is stored. */
	data: Record<string, unknown>;
	/** Markdown to render. */
	body: string;
	/** The real file the page comes from, for digests and messages; undefined for generated pages. */
	sourceFile?: string;
	/** The markdown of that file shown on the page, and the file's line where it starts: checked before rendering. */
	sourceBody?: { text: string; firstLine: number };
}
