import { getPageHref, getPrdSlug, getSpecSlug } from './urls.ts';

/** URL schemes a link in untrusted markdown may use. Everything else (javascript:, data:, vbscript:, file:...) is dropped. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);

/**
 * Whether a link target is safe to publish from untrusted markdown: relative URLs, anchors and
 * http(s)/mailto. Browsers ignore tabs, newlines and leading control characters in a scheme
 * (`java\tscript:`), so those are removed before the scheme is read.
 */
export function isSafeUrl(url: string): boolean {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what browsers skip in a scheme
	const compact = url.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
	const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
	return scheme === undefined || SAFE_SCHEMES.has(scheme);
}

export type SpecLinkResult =
	{ kind: 'none' } | { kind: 'resolved'; href: string } | { kind: 'unknown'; id: string; scheme: 'prd' | 'spec' };

const SPEC_LINK = /^(prd|spec):([^#?\s]*)(#[^\s]*)?$/;

/** `prd:checkout` -> `/prds/checkout/`, `spec:checkout#api-design` -> `/specs/checkout/#api-design`. */
export function resolveSpecLink(url: string, knownIds: ReadonlySet<string>, base: string): SpecLinkResult {
	const match = SPEC_LINK.exec(url.trim());
	if (!match) return { kind: 'none' };
	const scheme = match[1] as 'prd' | 'spec';
	const id = match[2]!;
	if (!knownIds.has(id)) return { kind: 'unknown', id, scheme };
	const slug = scheme === 'prd' ? getPrdSlug(id) : getSpecSlug(id);
	return { kind: 'resolved', href: `${getPageHref(base, slug)}${match[3] ?? ''}` };
}
