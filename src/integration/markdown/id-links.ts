import { maskRawTextBlocks } from './html-blocks.ts';
import { blankDeepLines } from './outline.ts';
import { parseMarkdown, walk } from './parse.ts';

/** A `prd:`/`spec:` link destination in a document: where it is in the text, and what it names. */
export interface IdLink {
	/** Offsets of the destination (`prd:checkout#api`) in the text. */
	start: number;
	end: number;
	scheme: 'prd' | 'spec';
	id: string;
	/** `#api-design`, or ''. */
	fragment: string;
}

const ID_LINK = /^(prd|spec):([^#?\s]*)(#\S*)?$/;

/**
 * Every `prd:`/`spec:` destination of the inline links and link definitions of a document, as
 * the parser reads them (not in code, not in raw text blocks), with offsets into `text`. The text
 * may be untrusted: it is read as `outlineMarkdown` reads it, in time proportional to its length.
 */
export function findIdLinks(text: string): IdLink[] {
	const tree = parseMarkdown(maskRawTextBlocks(blankDeepLines(text), { directives: false }), { positions: true, directives: false });
	const links: IdLink[] = [];
	for (const node of walk(tree)) {
		if (node.type !== 'link' && node.type !== 'definition') continue;
		const match = ID_LINK.exec(node.url);
		const start = node.position?.start.offset;
		const end = node.position?.end.offset;
		if (!match || start === undefined || end === undefined) continue;
		// The destination follows the link's text (or a definition's label): search from there, so a text that says the same is not taken for it.
		const from = node.type === 'link' ? (node.children.at(-1)?.position?.end.offset ?? start) : Math.max(start, text.indexOf(']:', start));
		// Within the link's own text: links do not nest, so the searches add up to the document's length.
		const within = text.slice(from, end).indexOf(node.url);
		if (within === -1) continue;
		const at = from + within;
		links.push({ start: at, end: at + node.url.length, scheme: match[1] as 'prd' | 'spec', id: match[2]!, fragment: match[3] ?? '' });
	}
	return links.sort((a, b) => a.start - b.start);
}

/** `text` with each `prd:`/`spec:` destination replaced by what `resolve` makes of it (unchanged where it returns undefined). */
export function rewriteIdLinks(text: string, resolve: (link: IdLink) => string | undefined): string {
	// Most documents have no such link: they are not parsed.
	if (!text.includes('prd:') && !text.includes('spec:')) return text;
	let result = '';
	let cursor = 0;
	for (const link of findIdLinks(text)) {
		const replacement = resolve(link);
		if (replacement === undefined || link.start < cursor) continue;
		result += text.slice(cursor, link.start) + replacement;
		cursor = link.end;
	}
	return result + text.slice(cursor);
}
