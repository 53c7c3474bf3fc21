import type { Prd } from '../prds/scan.ts';
import type { GenerationResult } from './generator.ts';

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
	/** The spec there is now, which a failed generation leaves in place (its body sizes the estimate of the new one). */
	spec?: { file: string; body?: string } | undefined;
	/**
	 * The model's first answer, when a batch already gave it (see `generate --batch`): it is checked
	 * (and repaired) as an answer of the normal API would be, and nothing is asked for it again.
	 */
	answer?: BatchAnswer | undefined;
}

/** An answer a batch gave to the first request of a spec. */
export interface BatchAnswer {
	/** The batch that answered. */
	batchId: string;
	result: GenerationResult;
}
