/**
 * How deeply one line of markdown nests quotes and lists. Every `>`, `-`, `*`, `+` or `1.` marker
 * that opens at the start of a line (`> > - - 1. x`) puts the rest of the line one container
 * deeper, and markdown parsers take time that grows with the square of that depth: a 1 MB line of
 * `- - - - ...` stalls a build for minutes. This check is a single pass over the text, with index
 * loops only (it reads untrusted text), so it is linear whatever the input.
 */

export interface DeepNesting {
	/** 1-based line number in the text given. */
	line: number;
	/** Container markers that open at the start of that line. */
	depth: number;
}

/**
 * The first line (of `markdown`, with `\n` line endings) on which more than `maxDepth` quote or
 * list markers open, or `undefined` when there is none.
 */
export function findDeepNesting(markdown: string, maxDepth: number): DeepNesting | undefined {
	for (const deep of findDeepLines(markdown, maxDepth)) return { line: deep.line, depth: deep.depth };
	return undefined;
}

/** Every line (of `markdown`, with `\n` line endings) on which more than `maxDepth` quote or list markers open, with its offset. */
export function* findDeepLines(markdown: string, maxDepth: number): Generator<DeepNesting & { offset: number }> {
	if (maxDepth < 1) {
		yield* findDeepLinesOneByOne(markdown, maxDepth);
		return;
	}
	// Only a line that opens two containers in a row can open more: a regular expression finds
	// those (bounded quantifiers and disjoint alternatives, so it is linear), and the count is
	// made on them alone. Real documents have few such lines, if any.
	const first = countOpeningMarkers(markdown, 0);
	if (first > maxDepth) yield { line: 1, depth: first, offset: 0 };
	const twoMarkers = new RegExp(TWO_MARKERS);
	let line = 1;
	let counted = 0;
	for (let match = twoMarkers.exec(markdown); match; match = twoMarkers.exec(markdown)) {
		// The match starts at the line break before the line.
		const offset = match.index + 1;
		line += countLineBreaksBetween(markdown, counted, offset);
		counted = offset;
		const depth = countOpeningMarkers(markdown, offset);
		if (depth > maxDepth) yield { line, depth, offset };
		twoMarkers.lastIndex = offset;
	}
}

/**
 * A line break, then a line whose first two markers each open a container: `> >`, `- -`, `1. >`...
 * Starting with a literal `\n` lets the engine skip ahead to line breaks (a `^` with the `m` flag
 * is tried at every position, several times slower).
 */
const TWO_MARKERS = /\n {0,3}(?:>[ \t]?|[-*+][ \t]|\d{1,9}[.)][ \t]) {0,3}(?:>|[-*+][ \t]|\d{1,9}[.)][ \t])/g;

/** `\n` line breaks in `text` from offset `from` up to (not including) `to`. */
export function countLineBreaksBetween(text: string, from: number, to: number): number {
	let count = 0;
	for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) count++;
	return count;
}

function* findDeepLinesOneByOne(markdown: string, maxDepth: number): Generator<DeepNesting & { offset: number }> {
	let line = 1;
	let start = 0;
	while (start <= markdown.length) {
		// Most lines start with a letter, `#`, `|` or nothing: they open no container.
		if (mayOpenContainer(markdown.charCodeAt(start))) {
			const depth = countOpeningMarkers(markdown, start);
			if (depth > maxDepth) yield { line, depth, offset: start };
		}
		const end = markdown.indexOf('\n', start);
		if (end === -1) break;
		start = end + 1;
		line++;
	}
}

/**
 * The problem for a line that nests too deeply. `lineOffset` is the number of lines before the
 * text that was checked (the frontmatter), so that the line number is the file's.
 */
export function describeDeepNesting(deep: DeepNesting, maxDepth: number, lineOffset = 0): { message: string; hint: string } {
	return {
		message: `line ${deep.line + lineOffset} opens ${deep.depth} nested quotes or lists; at most ${maxDepth} are allowed.`,
		hint: 'Put fewer `>` quote markers and `-`, `*`, `+` or `1.` list markers at the start of one line (each opens a quote or list inside the previous one); write a horizontal rule as `---`.',
	};
}

/** Line breaks in `text`: `\n`, `\r\n` and a lone `\r` each count once, as `normalizeNewlines` sees them. */
export function countLineBreaks(text: string): number {
	let count = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code === 0x0a) count++;
		else if (code === 0x0d && text.charCodeAt(index + 1) !== 0x0a) count++;
	}
	return count;
}

/** Container markers opening at `start`: after up to 3 spaces, a `>` or a list marker; repeated. */
function countOpeningMarkers(text: string, start: number): number {
	let depth = 0;
	let index = start;
	for (;;) {
		let spaces = 0;
		while (spaces < 3 && text.charCodeAt(index) === SPACE) {
			index++;
			spaces++;
		}
		const code = text.charCodeAt(index);
		if (code === GREATER_THAN) {
			// A block quote marker, with an optional space after it.
			depth++;
			index++;
			if (isSpaceOrTab(text.charCodeAt(index))) index++;
			continue;
		}
		if ((code === DASH || code === STAR || code === PLUS) && isSpaceOrTab(text.charCodeAt(index + 1))) {
			depth++;
			index += 2;
			continue;
		}
		if (isDigit(code)) {
			// An ordered list marker: 1 to 9 digits, `.` or `)`, then a space or a tab.
			let digits = 1;
			while (digits <= 9 && isDigit(text.charCodeAt(index + digits))) digits++;
			const delimiter = text.charCodeAt(index + digits);
			if (digits <= 9 && (delimiter === DOT || delimiter === CLOSE_PAREN) && isSpaceOrTab(text.charCodeAt(index + digits + 1))) {
				depth++;
				index += digits + 2;
				continue;
			}
		}
		return depth;
	}
}

const SPACE = 0x20;
const TAB = 0x09;
const GREATER_THAN = 0x3e;
const DASH = 0x2d;
const STAR = 0x2a;
const PLUS = 0x2b;
const DOT = 0x2e;
const CLOSE_PAREN = 0x29;

function mayOpenContainer(code: number): boolean {
	return code === SPACE || code === GREATER_THAN || code === DASH || code === STAR || code === PLUS || isDigit(code);
}

function isSpaceOrTab(code: number): boolean {
	return code === SPACE || code === TAB;
}

function isDigit(code: number): boolean {
	return code >= 0x30 && code <= 0x39;
}
