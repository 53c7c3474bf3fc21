import type { Prd } from '../prds/scan.ts';

/**
 * A PRD whose spec to generate, as the caller hands it over: what generation reads of it. The
 * project's `PrdWithSpec` is one; generation does not load the project itself.
 */
export interface GenerationTarget {
	prd: Pick<Prd, 'id' | 'file' | 'body' | 'frontmatter'> & Partial<Pick<Prd, 'requirements'>>;
	/** Cache key the new spec records, so that it is fresh for the PRD and template it was made from. */
	inputHash: string;
	/** Why it is generated (`fresh`: regeneration was forced). */
	state: 'fresh' | 'stale' | 'missing';
	/** The spec there is now, which a failed generation leaves in place. */
	spec?: { file: string };
}
