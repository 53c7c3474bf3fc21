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
