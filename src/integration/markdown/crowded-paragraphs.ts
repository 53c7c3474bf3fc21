import { countLineBreaksBetween } from './nesting.ts';

/**
 * Paragraphs crowded with colons. With the directive syntax on (Starlight's asides need it, and
 * Astro's markdown has no switch for text directives alone), Sätteri takes time that grows with
 * the square of the number of unescaped `:` in one paragraph, whatever follows them (`:a`,
 * `10:30`, `a : b`): 16,000 `see:here` words, 144 KB, take over two seconds, a 1 MB PRD of them
 * minutes. A blank line ends the paragraph and the cost with it; `\:` costs nothing.
 *
 * The count is a single pass with `indexOf` (no regular expression, untrusted text), so it is
 * linear whatever the input. It counts every unescaped colon between two blank lines, code spans
 * and tight lists included (code spans cost the parser as much); the limit leaves real prose far
 * behind (a paragraph rarely has a hundred).
 */

export interface CrowdedParagraph {
	/** 1-based line of the colon that went over the limit. */
	line: number;
	/** Colons counted in the paragraph up to that line. */
	count: number;
}

/** The first paragraph of `markdown` (`\n` line endings) with more than `max` unescaped colons, or `undefined`. */
export function findCrowdedParagraph(markdown: string, max: number): CrowdedParagraph | undefined {
	let count = 0;
	let nextBlank = findBlankLine(markdown, 0);
	for (let colon = markdown.indexOf(':'); colon !== -1; colon = markdown.indexOf(':', colon + 1)) {
		if (isEscaped(markdown, colon)) continue;
		while (nextBlank !== -1 && nextBlank < colon) {
			count = 0;
			nextBlank = findBlankLine(markdown, nextBlank + 1);
		}
		if (++count > max) return { line: countLineBreaksBetween(markdown, 0, colon) + 1, count };
	}
	return undefined;
}

/** The problem for such a paragraph; `lineOffset` is the number of lines before the text checked (the frontmatter). */
export function describeCrowdedParagraph(crowded: CrowdedParagraph, max: number, lineOffset = 0): { message: string; hint: string } {
	return {
		message: `the paragraph at line ${crowded.line + lineOffset} has more than ${max.toLocaleString('en-US')} colons; markdown reads each as a possible directive (\`:name[...]\`), at a cost that grows with the square of their number in one paragraph.`,
		hint: 'Split the paragraph with blank lines, or write `\\:` for a colon that opens no directive.',
	};
}

/**
 * Offset of the line break that ends the first blank line (only spaces or tabs) after `from`'s
 * line starts, or -1. Each call reads on from where the previous one stopped.
 */
function findBlankLine(text: string, from: number): number {
	for (let lineBreak = text.indexOf('\n', from); lineBreak !== -1; lineBreak = text.indexOf('\n', lineBreak + 1)) {
		let index = lineBreak + 1;
		while (text.charCodeAt(index) === SPACE || text.charCodeAt(index) === TAB) index++;
		if (text.charCodeAt(index) === LINE_FEED) return index;
	}
	return -1;
}

/** Whether an odd run of backslashes precedes `index` (`\\:` is a backslash, then a colon). The runs before two colons never overlap, so the reads add up to the text's length at most. */
function isEscaped(text: string, index: number): boolean {
	let start = index;
	while (start > 0 && text.charCodeAt(start - 1) === BACKSLASH) start--;
	return (index - start) % 2 === 1;
}

const SPACE = 0x20;
const TAB = 0x09;
const LINE_FEED = 0x0a;
const BACKSLASH = 0x5c;
