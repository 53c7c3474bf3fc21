/** URL path segments of the generated pages. Kept fixed so links to them stay valid. */
export const PRD_ROUTE = 'prds';
export const SPEC_ROUTE = 'specs';

export function getPrdSlug(id: string): string {
	return `${PRD_ROUTE}/${id}`;
}

export function getSpecSlug(id: string): string {
	return `${SPEC_ROUTE}/${id}`;
}

/** Site-absolute link to a page slug, honouring Astro's `base` (`/docs` + `prds/x` -> `/docs/prds/x/`). */
export function getPageHref(base: string, slug: string): string {
	const prefix = base.replace(/\/+$/, '');
	return slug === 'index' || slug === '' ? `${prefix}/` : `${prefix}/${slug}/`;
}

/** `prds/<id>.md` and `specs/<id>.md`: the markdown copy of a page, next to it (`prds/<id>/`, `specs/<id>/`). */
export function markdownCopyPath(kind: 'prd' | 'spec', id: string): string {
	return `${kind === 'prd' ? getPrdSlug(id) : getSpecSlug(id)}.md`;
}

/** Site-absolute link to a file of the site, honouring Astro's `base` (`/docs` + `prds/x.md` -> `/docs/prds/x.md`). */
export function getFileHref(base: string, path: string): string {
	return `${base.replace(/\/+$/, '')}/${path}`;
}

/**
 * Segment under `prds/` that holds the pages listing PRDs by status and by spec state. PRD and
 * folder ids are lowercase letters, digits and dashes: a segment starting with `_` is never one.
 */
export const INDEX_SEGMENT = '_by';

/** The index page of a folder of PRDs: `payments/eu` -> `prds/payments/eu`. */
export function getFolderSlug(path: string): string {
	return `${PRD_ROUTE}/${path}`;
}

/** The page listing the PRDs whose author's status is `status` (`draft`, `approved`...). */
export function getStatusSlug(status: string): string {
	return `${PRD_ROUTE}/${INDEX_SEGMENT}/status-${status}`;
}

/** The page listing the PRDs whose spec is in `state` (`fresh`, `stale`, `missing`). */
export function getSpecStateSlug(state: string): string {
	return `${PRD_ROUTE}/${INDEX_SEGMENT}/spec-${state}`;
}

/**
 * Part `part` (1-based) of a page split in parts: the first is the page itself, the next ones
 * are under it in a `_`-segment, which no PRD or folder id can take (`prds` -> `prds/_2`).
 */
export function getPartSlug(slug: string, part: number): string {
	if (part <= 1) return slug;
	return slug === 'index' || slug === '' ? `_${part}` : `${slug}/_${part}`;
}
