import type { PrdSpecsConfig } from '../config.ts';
import type { PageKind } from './docs-entry.ts';

/** A Starlight `head` entry. */
export interface HeadEntry {
	tag: 'meta';
	attrs: Record<string, string>;
}

/**
 * The built-in policy of pages that show untrusted text. It governs what markup and CSS can load
 * (images, fonts, stylesheets, media, plugins, the base URL), which is how a page's content could
 * make a reader's browser contact another host, and leaves scripts and connections to the site
 * (Starlight, search, analytics it may add). Escaping keeps content from running script at all.
 */
function builtInPolicy(allowRemoteImages: boolean): string {
	return [
		`img-src 'self' data:${allowRemoteImages ? ' https:' : ''}`,
		"media-src 'self'",
		"font-src 'self' data:",
		"style-src 'self' 'unsafe-inline'",
		"object-src 'none'",
		"base-uri 'self'",
		"form-action 'self'",
	].join('; ');
}

/**
 * The `<meta http-equiv="Content-Security-Policy">` entries of one of our pages: the site's own
 * policies (Starlight would otherwise replace them with ours, and the browser enforces every
 * policy given) and ours, unless the `contentSecurityPolicy` option is `false`.
 */
export function getPolicyHead(
	kind: PageKind,
	options: Pick<PrdSpecsConfig, 'contentSecurityPolicy' | 'remoteImages'>,
	sitePolicies: readonly HeadEntry[],
): HeadEntry[] {
	if (options.contentSecurityPolicy === false) return [];
	const policy =
		typeof options.contentSecurityPolicy === 'string'
			? options.contentSecurityPolicy
			: builtInPolicy(kind === 'prd' && options.remoteImages === 'prds');
	return [...sitePolicies, { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: policy } }];
}

/** Entries of Starlight's `head` option that set a Content-Security-Policy. */
export function findSitePolicies(
	head: readonly { tag: string; attrs?: Record<string, string | boolean | undefined> | undefined }[] | undefined,
): HeadEntry[] {
	return (head ?? [])
		.filter((entry) => entry.tag === 'meta' && String(entry.attrs?.['http-equiv'] ?? '').toLowerCase() === 'content-security-policy')
		.map((entry) => ({
			tag: 'meta',
			attrs: Object.fromEntries(Object.entries(entry.attrs ?? {}).filter((pair): pair is [string, string] => typeof pair[1] === 'string')),
		}));
}
