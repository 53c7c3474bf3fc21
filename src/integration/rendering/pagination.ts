import type { PrdSpecsConfig } from '../config.ts';
import { LIMITS } from '../limits.ts';
import type { PrdWithSpec } from '../project.ts';
import { toSafeTitle } from '../text/plain-text.ts';
import { findCurrentPage } from './current-page.ts';
import type { FolderTree } from './folder-tree.ts';
import { getFolderSlug, getPrdSlug, getSpecSlug } from './urls.ts';

/** A previous or next page: its label and slug. */
export interface PageLink {
	label: string;
	slug: string;
}

/**
 * Previous and next pages of a PRD or spec page, in reading order within its folder: a PRD, its
 * spec, the next PRD of the folder. The first PRD of a folder goes back to the folder's index page
 * (the overview at the top); the last spec has no next page. Labels name the PRD, as the paired
 * layout's do. Undefined for other pages, which keep Starlight's links. Used where the sidebar does
 * not list every PRD in that order (compact, or with folders), so Starlight's own links would not be.
 */
export function findPrevNext(
	tree: FolderTree,
	slug: string,
	overview: PrdSpecsConfig['overview'],
): { prev?: PageLink | undefined; next?: PageLink | undefined } | undefined {
	const current = findCurrentPage(tree, slug);
	if (!current?.prd || current.kind === 'folder') return undefined;
	const status = current.prd;
	const siblings = tree.byPath.get(current.folder)?.prds ?? [];
	const index = tree.positionInFolder.get(status.prd.id) ?? -1;
	const title = status.prd.frontmatter.title;
	if (current.kind === 'spec') {
		const next = siblings[index + 1];
		return { prev: prdLink(status), next: next && prdLink(next) };
	}
	const previous = siblings[index - 1];
	const next = { label: toSafeTitle(`Spec: ${title}`, LIMITS.titleChars + 6), slug: getSpecSlug(status.prd.id) };
	if (previous) return { prev: specLink(previous), next };
	if (current.folder !== '')
		return {
			prev: { label: toSafeTitle(tree.byPath.get(current.folder)!.folder!.title, LIMITS.titleChars), slug: getFolderSlug(current.folder) },
			next,
		};
	if (overview !== false) return { prev: { label: toSafeTitle(overview.title, LIMITS.titleChars), slug: overview.slug }, next };
	return { next };
}

function prdLink(status: PrdWithSpec): PageLink {
	return { label: toSafeTitle(`PRD: ${status.prd.frontmatter.title}`, LIMITS.titleChars + 5), slug: getPrdSlug(status.prd.id) };
}

function specLink(status: PrdWithSpec): PageLink {
	return { label: toSafeTitle(`Spec: ${status.prd.frontmatter.title}`, LIMITS.titleChars + 6), slug: getSpecSlug(status.prd.id) };
}
