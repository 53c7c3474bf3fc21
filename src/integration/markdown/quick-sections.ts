import { forgiveHeadingHabits } from './heading-habits.ts';

/**
 * The `## ` headings of a document that a single pass can vouch for, as `normalizeHeading` gives
 * them: each is a top-level `##` section with that text in `outlineMarkdown`'s reading. One that
 * is not here may still be there (a setext heading, an indented one, one with markup): ask the
 * outline then.
 *
 * This is the cache check's fast path: every build reads every spec, and parsing 10,000 specs
 * takes three seconds where this takes a tenth of one (about as long as reading them). A `## ` line written at the start of a line is
 * a heading unless something before it holds it, and CommonMark leaves little that can:
 * - a fenced code block opened at the start of a line, which only a closing fence ends: these
 *   are followed;
 * - a list item or a quote cannot: a line that starts without indentation and is not paragraph
 *   text (a fence and a `## ` line are not) ends them;
 * - an HTML block can (`<` after up to three spaces), and a fence opened after spaces may sit in
 *   a list item, so that the next line without them ends it: the pass stops at the first such
 *   line, keeping the headings before it (a line never changes what the lines before it are).
 * Text with carriage returns or a byte order mark is left to the parser.
 */
export function readPlainSections(markdown: string): Set<string> {
	const headings = new Set<string>();
	if (markdown.includes('\r') || markdown.startsWith('\uFEFF')) return headings;
	// Only three kinds of line matter: `## ` ones, and ones that start (after up to three spaces)
	// with a fence or a `<`. Each kind is found with `indexOf`, which skips the other lines far
	// faster than a loop over them; `next*` hold the start of the next line of each kind at or
	// after `position` (-1: none left), and are searched again once `position` has passed them.
	let position = 0;
	let nextHeading = -2;
	let nextBackticks = -2;
	let nextTildes = -2;
	let nextHtml = -2;
	let fence: Fence | undefined;
	for (;;) {
		if (nextBackticks !== -1 && nextBackticks < position) nextBackticks = findIndentedLine(markdown, '```', position);
		if (nextTildes !== -1 && nextTildes < position) nextTildes = findIndentedLine(markdown, '~~~', position);
		if (fence) {
			// Inside a fenced block only a closing fence counts.
			const line = fence.marker === BACKTICK ? nextBackticks : nextTildes;
			if (line === -1) return headings;
			const end = lineEnd(markdown, line);
			if (closesFence(markdown, line, end, fence)) fence = undefined;
			position = end + 1;
			continue;
		}
		if (nextHeading !== -1 && nextHeading < position) nextHeading = findHeadingLine(markdown, position);
		if (nextHtml !== -1 && nextHtml < position) nextHtml = findIndentedLine(markdown, '<', position);
		const line = first(first(nextHeading, nextHtml), first(nextBackticks, nextTildes));
		if (line === -1) return headings;
		const end = lineEnd(markdown, line);
		if (line === nextHtml) return headings;
		if (line === nextHeading) {
			// A heading with markup may read otherwise: it is left to the parser.
			const text = readPlainHeading(markdown, line + 3, end);
			if (text !== undefined) headings.add(text);
		} else {
			let index = line;
			while (markdown.charCodeAt(index) === SPACE) index++;
			fence = opensFence(markdown, index, end);
			// A fence after spaces may be in a list item, which a line without them ends.
			if (fence && index > line) return headings;
		}
		position = end + 1;
	}
}

/** The smaller of two line starts, where -1 is none. */
function first(a: number, b: number): number {
	return a === -1 ? b : b === -1 ? a : Math.min(a, b);
}

function lineEnd(text: string, start: number): number {
	const end = text.indexOf('\n', start);
	return end === -1 ? text.length : end;
}

/** Start of the first line at or after `from` that starts with `## `, or -1. */
function findHeadingLine(text: string, from: number): number {
	if (from === 0 && text.startsWith('## ')) return 0;
	const found = text.indexOf('\n## ', from - 1);
	return found === -1 ? -1 : found + 1;
}

/**
 * Start of the first line at or after `from` that starts with `needle` after up to three spaces,
 * or -1. Each occurrence is checked by looking back at most four characters, so that a long line
 * full of them takes time in proportion to its length.
 */
function findIndentedLine(text: string, needle: string, from: number): number {
	for (let found = text.indexOf(needle, from); found !== -1; found = text.indexOf(needle, found + 1)) {
		let start = found;
		while (start > 0 && found - start < 3 && text.charCodeAt(start - 1) === SPACE) start--;
		if (start >= from && (start === 0 || text.charCodeAt(start - 1) === NEWLINE)) return start;
	}
	return -1;
}

/**
 * The text from `start` to `end`, as `normalizeHeading` gives it (numbering, `&` and trailing
 * punctuation forgiven by the same `forgiveHeadingHabits`), if it reads as itself: letters,
 * digits, spaces, any character outside ASCII, and ASCII punctuation that is never markup
 * (`-.,;'"()/?+%`, and `&` before a space, where it cannot start an entity). Anything else (`*`,
 * `_`, `` ` ``, `[`, `<`, `\\`, `#`, `:`, `~`, `!`, `&x`, control characters) is left to the
 * parser: so is `## 3: Testing Strategy:`, which is then found all the same.
 * A loop over the characters, not a regular expression with Unicode classes: four times faster.
 */
function readPlainHeading(markdown: string, start: number, end: number): string | undefined {
	let spaced = false;
	for (let index = start; index < end; index++) {
		const code = markdown.charCodeAt(index);
		if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39)) continue;
		if (code === SPACE) {
			spaced ||= markdown.charCodeAt(index + 1) === SPACE;
			continue;
		}
		// Tabs, and characters outside ASCII (some are white space), make the text need a full normalization.
		if (code === TAB || code >= 0x80) {
			spaced = true;
			continue;
		}
		if (code === AMPERSAND ? markdown.charCodeAt(index + 1) === SPACE : PLAIN_PUNCTUATION.includes(code)) continue;
		return undefined;
	}
	const text = markdown.slice(start, end);
	return forgiveHeadingHabits((spaced ? text.replace(/\s+/g, ' ') : text).trim().toLowerCase());
}

const PLAIN_PUNCTUATION = Array.from('-.,;\'"()/?+%', (character) => character.charCodeAt(0));

interface Fence {
	marker: number;
	length: number;
}

/** A fence opening on this line at `start` (after any indentation): three or more `` ` `` or `~`; after backticks, no backtick. */
function opensFence(text: string, start: number, end: number): Fence | undefined {
	const marker = text.charCodeAt(start);
	let length = 0;
	while (text.charCodeAt(start + length) === marker) length++;
	if (length < 3) return undefined;
	if (marker === BACKTICK && text.slice(start + length, end).includes('`')) return undefined;
	return { marker, length };
}

/** A closing fence: up to three spaces, at least as many of the same marker, then only spaces or tabs. */
function closesFence(text: string, start: number, end: number, fence: Fence): boolean {
	let index = start;
	while (index < start + 3 && text.charCodeAt(index) === SPACE) index++;
	let length = 0;
	while (text.charCodeAt(index + length) === fence.marker) length++;
	if (length < fence.length) return false;
	for (let rest = index + length; rest < end; rest++) {
		const code = text.charCodeAt(rest);
		if (code !== SPACE && code !== TAB) return false;
	}
	return true;
}

const BACKTICK = 0x60;
const SPACE = 0x20;
const TAB = 0x09;
const AMPERSAND = 0x26;
const NEWLINE = 0x0a;
