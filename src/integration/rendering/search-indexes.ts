import { comparePrdIds } from '../prds/ids.ts';
import type { ProjectReport } from '../project.ts';
import { getPrdSlug, getSpecSlug } from './urls.ts';

/** Where the search indexes of PRD and spec pages go in `dist/` (and are served from, under `base`). */
export const SEARCH_INDEX_DIR = '_prd-specs/search';

/** One search index of PRD and spec pages, written by its own Pagefind run and merged by the search box. */
export interface SearchIndexPart {
	/** Its directory under `dist/` and URL path under the base, with a trailing slash: `_prd-specs/search/1/`. */
	path: string;
	/** Slugs of the pages it indexes: each PRD's page and, when the PRD has one, its spec's. */
	slugs: string[];
}

/**
 * The PRD and spec pages of a site with more than `prdsPerIndex` PRDs, in search indexes of
 * `prdsPerIndex` PRDs each, in id order (so a folder's PRDs stay together); none for a smaller
 * site, whose pages Starlight's own index takes. Placeholder specs are never indexed.
 */
export function planSearchIndexes(report: ProjectReport, prdsPerIndex: number): SearchIndexPart[] {
	if (report.prds.length <= prdsPerIndex) return [];
	const sorted = [...report.prds].sort((a, b) => comparePrdIds(a.prd.id, b.prd.id));
	const parts: SearchIndexPart[] = [];
	for (let start = 0; start < sorted.length; start += prdsPerIndex) {
		const slugs = sorted
			.slice(start, start + prdsPerIndex)
			.flatMap((status) => (status.spec ? [getPrdSlug(status.prd.id), getSpecSlug(status.prd.id)] : [getPrdSlug(status.prd.id)]));
		parts.push({ path: `${SEARCH_INDEX_DIR}/${parts.length + 1}/`, slugs });
	}
	return parts;
}

/** Whether PRD and spec pages are searched in indexes of their own (see `planSearchIndexes`), not in Starlight's. */
export function isSearchedApart(report: ProjectReport, prdsPerIndex: number): boolean {
	return report.prds.length > prdsPerIndex;
}
