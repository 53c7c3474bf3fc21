import type { PrdWithSpec, SpecState } from '../project.ts';
import type { FolderTree } from './folder-tree.ts';
import { INDEX_SEGMENT, PRD_ROUTE, SPEC_ROUTE } from './urls.ts';

/** The spec states in the order pages list them. */
export const SPEC_STATES: readonly SpecState[] = ['fresh', 'stale', 'missing'];

/** What a page is in the tree of PRDs: a PRD or spec page, or a folder's index page (or one of its parts). */
export interface CurrentPage {
	/** The PRD of a PRD or spec page. */
	prd?: PrdWithSpec;
	kind: 'prd' | 'spec' | 'folder';
	/** The folder the page belongs to ('' at the top). */
	folder: string;
}

/**
 * The PRD, spec or folder page at a slug (`prds/payments/checkout`, `specs/x`, `prds/payments`,
 * `prds/payments/_2`), found in the tree's maps without walking the PRDs: the route middleware
 * asks for every page of a build. Undefined for any other page.
 */
export function findCurrentPage(tree: FolderTree, slug: string): CurrentPage | undefined {
	const [route, ...rest] = slug.split('/');
	// A later part of a split page (`_2`) belongs to the page it continues.
	const part = /^_\d+$/.test(rest.at(-1) ?? '');
	if (part) rest.pop();
	const id = rest.join('/');
	if (id === '' || rest[0] === INDEX_SEGMENT) return undefined;
	const prd = part ? undefined : tree.byId.get(id);
	if (prd && route === PRD_ROUTE) return { prd, kind: 'prd', folder: prd.prd.folder };
	if (prd && route === SPEC_ROUTE) return { prd, kind: 'spec', folder: prd.prd.folder };
	if (route === PRD_ROUTE && tree.byPath.has(id)) return { kind: 'folder', folder: id };
	return undefined;
}
