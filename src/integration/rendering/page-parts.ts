import { markdownLink } from './markdown.ts';
import { getPageHref, getPartSlug } from './urls.ts';

/**
 * Markdown characters one part of a long page may hold. A part must stay under 200 KB of HTML
 * with the page's chrome (at most 40 KB, see `sidebar.listUpTo`). Markdown becomes at most about
 * twice its length in HTML (an escaped `\<` is `&lt;`, a table cell gains `<td></td>`; measured:
 * a row of the PRD table is 1.6 times its markdown), so 80,000 characters keep a part near 170 KB
 * in the worst case and near 140 KB usually.
 */
export const PART_CHARS = 80_000;

/**
 * Blocks cut into parts of at most `budget` characters each, in order, never splitting a block (a
 * block longer than the budget has a part to itself). One part when everything fits, as small
 * sites have.
 */
export function splitIntoParts<T>(blocks: readonly T[], size: (block: T) => number, budget = PART_CHARS): T[][] {
	const parts: T[][] = [[]];
	let used = 0;
	for (const block of blocks) {
		const length = size(block) + 1;
		const current = parts.at(-1)!;
		if (current.length > 0 && used + length > budget) {
			parts.push([block]);
			used = length;
		} else {
			current.push(block);
			used += length;
		}
	}
	return parts;
}

/** The line that links the parts of a page, on each part: `Part 2 of 3: 1 · **2** · 3`. Empty for a page in one part. */
export function partsNavigation(base: string, slug: string, part: number, count: number, noun = 'Part'): string {
	if (count <= 1) return '';
	const links = Array.from({ length: count }, (_, index) =>
		index + 1 === part ? `**${index + 1}**` : markdownLink(String(index + 1), getPageHref(base, getPartSlug(slug, index + 1))),
	);
	return `${noun} ${part} of ${count}: ${links.join(' · ')}`;
}
