/**
 * Requirement ids (`FR-12`, `NFR-3`, `REQ-1.2`): found in a PRD where a requirement is written,
 * and in a spec wherever it cites one. PRD and spec text is untrusted, and the ids' prefixes are
 * the user's: the scanners are hand-written loops over characters, never a regular expression
 * built from an option, and each takes time in proportion to its input whatever it holds.
 */

export interface Requirement {
	/** As written in the PRD, e.g. `FR-12`, `NFR-3`, `REQ-1.2`. */
	id: string;
	/** The rest of the list item's first line or of the heading, as plain text (at most 300 characters). */
	text: string;
	/** 1-based line in the PRD body (add `bodyLine - 1` for the file's line). */
	line: number;
}

/** A place where a spec cites a requirement id. */
export interface Citation {
	id: string;
	/** 1-based line in the spec body. */
	line: number;
	/** Text of the top-level `##` heading the line is under; undefined before the first one. */
	section: string | undefined;
}

/** The prefixes recognized when the `requirements.prefixes` option is not set. */
export const DEFAULT_REQUIREMENT_PREFIXES: readonly string[] = ['FR', 'NFR', 'REQ'];

/** Longest prefix the option accepts (so that looking back from a `-` is bounded). */
export const MAX_PREFIX_LENGTH = 10;

/** Longest requirement text kept. */
const TEXT_CHARS = 300;

/** Requirement ids at the start of a list item or a heading, in document order (duplicates included). */
export function findRequirements(body: string, prefixes: readonly string[]): Requirement[] {
	const known = new Set(prefixes);
	if (known.size === 0) return [];
	// The scan runs on every PRD of every build, and most have no id at all: only the lines with a
	// `<PREFIX>-<digit>` are read, found with `indexOf('-')`, so that a PRD without one costs that
	// single pass. Each line is read once (a line states at most one requirement, at its start),
	// and line numbers and fences are worked out only when there is a candidate.
	const requirements: Requirement[] = [];
	let fences: number[] | undefined;
	let fence = 0;
	let line = 1;
	let counted = 0;
	let lineEnd = -1;
	for (let dash = body.indexOf('-'); dash !== -1; dash = body.indexOf('-', dash + 1)) {
		if (dash < lineEnd || !isDigit(body.charCodeAt(dash + 1)) || !endsWithPrefix(body, dash, known)) continue;
		const lineStart = body.lastIndexOf('\n', dash) + 1;
		lineEnd = body.indexOf('\n', dash);
		if (lineEnd === -1) lineEnd = body.length;
		fences ??= findFencedRanges(body);
		while (fence < fences.length && fences[fence + 1]! <= lineStart) fence += 2;
		if (fence < fences.length && fences[fence]! <= lineStart) continue;
		const found = readRequirementLine(body, lineStart, lineEnd, known);
		if (!found) continue;
		for (let newline = body.indexOf('\n', counted); newline !== -1 && newline < lineStart; newline = body.indexOf('\n', newline + 1)) {
			line++;
			counted = newline + 1;
		}
		requirements.push({ id: found.id, text: found.text, line });
	}
	return requirements;
}

/** Whether a known prefix ends right before `dash` (the run of capitals before it, or a tail of it). */
function endsWithPrefix(text: string, dash: number, prefixes: ReadonlySet<string>): boolean {
	let start = dash;
	while (start > 0 && dash - start < MAX_PREFIX_LENGTH && isUpper(text.charCodeAt(start - 1))) start--;
	for (let from = start; from < dash; from++) if (prefixes.has(text.slice(from, dash))) return true;
	return false;
}

/**
 * The fenced code blocks of a text, as `[start, end)` offset pairs, from the start of the opening
 * fence line to the end of the closing one (an unclosed block runs to the end). Reads as
 * `forEachLine` does, but visits only the lines with three backticks or tildes.
 */
function findFencedRanges(text: string): number[] {
	const ranges: number[] = [];
	let open: { marker: number; length: number; start: number } | undefined;
	let from = 0;
	let nextBackticks = -2;
	let nextTildes = -2;
	for (;;) {
		if (nextBackticks !== -1 && nextBackticks < from) nextBackticks = text.indexOf('```', from);
		if (nextTildes !== -1 && nextTildes < from) nextTildes = text.indexOf('~~~', from);
		const hit = nextBackticks === -1 ? nextTildes : nextTildes === -1 ? nextBackticks : Math.min(nextBackticks, nextTildes);
		if (hit === -1) break;
		let start = hit;
		while (start > 0 && (isBlank(text.charCodeAt(start - 1)) || text.charCodeAt(start - 1) === GREATER)) start--;
		if (start > 0 && text.charCodeAt(start - 1) !== NEWLINE) {
			from = hit + 1;
			continue;
		}
		let end = text.indexOf('\n', hit);
		if (end === -1) end = text.length;
		const marker = text.charCodeAt(hit);
		let length = 0;
		while (text.charCodeAt(hit + length) === marker) length++;
		if (open) {
			if (marker === open.marker && length >= open.length && text.slice(hit + length, end).trim() === '') {
				ranges.push(open.start, end + 1);
				open = undefined;
			}
		} else if (!(marker === BACKTICK && text.slice(hit + length, end).includes('`'))) {
			open = { marker, length, start };
		}
		from = end + 1;
	}
	if (open) ranges.push(open.start, text.length + 1);
	return ranges;
}

/** Every place a spec body cites a requirement id of the given set, in order: the id, the 1-based line, the `##` section heading it is in (undefined before the first). */
export function findCitations(body: string, ids: ReadonlySet<string>): Citation[] {
	if (ids.size === 0) return [];
	const prefixes = new Set<string>();
	for (const id of ids) prefixes.add(id.slice(0, id.indexOf('-')));
	return findIdTokens(body, prefixes).filter((citation) => ids.has(citation.id));
}

/**
 * Every id-shaped token with one of the prefixes in a spec body (outside fenced code blocks), known
 * to the PRD or not: what tells a spec that cites a requirement the PRD does not have.
 */
export function findIdTokens(body: string, prefixes: ReadonlySet<string>): Citation[] {
	if (prefixes.size === 0 || !hasIdCandidate(body, prefixes)) return [];
	const tokens: Citation[] = [];
	let section: string | undefined;
	forEachLine(body, (start, end, line, inFence) => {
		if (inFence) return;
		const heading = readTopHeading(body, start, end);
		if (heading) section = heading.depth === 2 ? heading.text : undefined;
		for (let dash = body.indexOf('-', start); dash !== -1 && dash < end; dash = body.indexOf('-', dash + 1)) {
			const id = readIdAtDash(body, dash, prefixes, start, end);
			if (id) tokens.push({ id, line, section });
		}
	});
	return tokens;
}

/** Whether the text holds `<PREFIX>-<digit>` for one of the prefixes anywhere (code blocks included): one pass of `indexOf`. */
function hasIdCandidate(text: string, prefixes: ReadonlySet<string>): boolean {
	for (let dash = text.indexOf('-'); dash !== -1; dash = text.indexOf('-', dash + 1)) {
		if (isDigit(text.charCodeAt(dash + 1)) && endsWithPrefix(text, dash, prefixes)) return true;
	}
	return false;
}

/**
 * The id whose `-` is at `dash`, if it is a whole word: a known prefix right before it (not
 * preceded by a letter, digit or `-`), digits after it, an optional `.<digits>`, and then no
 * letter, digit or further `.<digit>`. Looks back at most `MAX_PREFIX_LENGTH + 1`
 * characters, and forward over the digits only.
 */
function readIdAtDash(text: string, dash: number, prefixes: ReadonlySet<string>, lineStart: number, lineEnd: number): string | undefined {
	let start = dash;
	while (start > lineStart && dash - start <= MAX_PREFIX_LENGTH && isUpper(text.charCodeAt(start - 1))) start--;
	if (start === dash || dash - start > MAX_PREFIX_LENGTH) return undefined;
	if (start > lineStart && isWordOrDash(text.charCodeAt(start - 1))) return undefined;
	if (!prefixes.has(text.slice(start, dash))) return undefined;
	const end = readNumber(text, dash + 1, lineEnd);
	return end === -1 ? undefined : text.slice(start, end);
}

/** End of `<digits>[.<digits>]` starting at `from`, if nothing that continues a word follows; -1 otherwise. */
function readNumber(text: string, from: number, lineEnd: number): number {
	let index = from;
	while (index < lineEnd && isDigit(text.charCodeAt(index))) index++;
	if (index === from) return -1;
	if (text.charCodeAt(index) === DOT && index + 1 < lineEnd && isDigit(text.charCodeAt(index + 1))) {
		index++;
		while (index < lineEnd && isDigit(text.charCodeAt(index))) index++;
		if (text.charCodeAt(index) === DOT && index + 1 < lineEnd && isDigit(text.charCodeAt(index + 1))) return -1;
	}
	if (index < lineEnd && isWord(text.charCodeAt(index))) return -1;
	return index;
}

/**
 * The requirement a line states, if it opens (after quote markers, list markers, a task box and
 * emphasis) a list item or a heading with an id. The markers are stripped in one loop, so that a
 * line of a million `> - ` takes time in proportion to it.
 */
function readRequirementLine(text: string, start: number, end: number, prefixes: ReadonlySet<string>): Omit<Requirement, 'line'> | undefined {
	let index = start;
	let opened = false;
	let heading = false;
	for (;;) {
		while (index < end && isBlank(text.charCodeAt(index))) index++;
		const code = text.charCodeAt(index);
		if (code === GREATER) {
			index++;
			continue;
		}
		if ((code === DASH || code === STAR || code === PLUS) && isBlank(text.charCodeAt(index + 1)) && index + 1 < end) {
			index += 2;
			opened = true;
			continue;
		}
		if (isDigit(code)) {
			let digits = index;
			while (digits < end && digits - index < 9 && isDigit(text.charCodeAt(digits))) digits++;
			const after = text.charCodeAt(digits);
			if ((after === DOT || after === CLOSE_PAREN) && digits + 1 < end && isBlank(text.charCodeAt(digits + 1))) {
				index = digits + 2;
				opened = true;
				continue;
			}
		}
		if (code === HASH) {
			let hashes = index;
			while (hashes < end && hashes - index < 7 && text.charCodeAt(hashes) === HASH) hashes++;
			if (hashes - index <= 6 && hashes < end && isBlank(text.charCodeAt(hashes))) {
				index = hashes + 1;
				opened = true;
				heading = true;
				continue;
			}
		}
		if (opened && code === OPEN_BRACKET && text.charCodeAt(index + 2) === CLOSE_BRACKET && ' xX'.includes(text[index + 1] ?? '')) {
			index += 3;
			continue;
		}
		break;
	}
	if (!opened) return undefined;
	while (index < end && isEmphasis(text.charCodeAt(index))) index++;
	let dash = index;
	while (dash < end && dash - index <= MAX_PREFIX_LENGTH && isUpper(text.charCodeAt(dash))) dash++;
	if (dash === index || text.charCodeAt(dash) !== DASH || !prefixes.has(text.slice(index, dash))) return undefined;
	const idEnd = readNumber(text, dash + 1, end);
	if (idEnd === -1) return undefined;
	return { id: text.slice(index, idEnd), text: requirementText(text.slice(idEnd, Math.min(end, idEnd + 4 * TEXT_CHARS)), heading) };
}

/**
 * What follows an id, as plain text: closing emphasis and a separator (`:`, `-`, `—`, `.`, `)`)
 * gone, and a heading's closing `#` run; `*` and `` ` `` dropped, white space made single spaces.
 * One loop over the characters (the scan runs on every PRD of every build).
 */
function requirementText(rest: string, heading: boolean): string {
	const source = heading ? withoutClosingHashes(rest) : rest;
	let index = 0;
	while (index < source.length && isEmphasis(source.charCodeAt(index))) index++;
	while (index < source.length && SEPARATORS.includes(source[index]!)) index++;
	// The usual text has no markup and single spaces: a slice, not a copy a character at a time.
	if (!NEEDS_CLEANING.test(source)) {
		const plain = source.slice(index).trimEnd();
		return plain.length <= TEXT_CHARS ? plain : `${plain.slice(0, TEXT_CHARS - 1)}…`;
	}
	let text = '';
	let space = false;
	for (; index < source.length && text.length <= TEXT_CHARS; index++) {
		const code = source.charCodeAt(index);
		if (code === STAR || code === BACKTICK) continue;
		if (code === SPACE || code === TAB || code === 0x0d) {
			space = text.length > 0;
			continue;
		}
		if (space) text += ' ';
		space = false;
		text += source[index];
	}
	return text.length <= TEXT_CHARS ? text : `${text.slice(0, TEXT_CHARS - 1)}…`;
}

/** Characters that `requirementText` drops or folds. */
const NEEDS_CLEANING = /[*`\t\r]| {2}/;

/** What may stand between an id and its text. */
const SEPARATORS = ' \t:.)]|-–—';

/** A top-level `#` or `##` heading line (up to three spaces before it): its depth and text. */
function readTopHeading(text: string, start: number, end: number): { depth: number; text: string } | undefined {
	let index = start;
	while (index < end && index - start < 3 && text.charCodeAt(index) === SPACE) index++;
	let hashes = index;
	while (hashes < end && hashes - index < 3 && text.charCodeAt(hashes) === HASH) hashes++;
	const depth = hashes - index;
	if (depth === 0 || depth > 2 || (hashes < end && !isBlank(text.charCodeAt(hashes)))) return undefined;
	return { depth, text: withoutClosingHashes(text.slice(hashes, end)).trim() };
}

/** A heading's text without its closing `#` run (one after a space, or all there is). */
function withoutClosingHashes(text: string): string {
	const trimmed = text.trimEnd();
	let start = trimmed.length;
	while (start > 0 && trimmed.charCodeAt(start - 1) === HASH) start--;
	if (start === trimmed.length || (start > 0 && !isBlank(trimmed.charCodeAt(start - 1)))) return trimmed;
	return trimmed.slice(0, start).trimEnd();
}

/**
 * Calls `visit` for each line (offsets of its start and end, 1-based number, whether it is
 * inside a fenced code block or is a fence line). A fence is three or more `` ` `` or `~` at the
 * start of a line (after indentation or quote markers); it closes on a line of at least as many of
 * the same character.
 */
function forEachLine(text: string, visit: (start: number, end: number, line: number, inFence: boolean) => void): void {
	let fence: { marker: number; length: number } | undefined;
	let line = 1;
	for (let start = 0; start <= text.length; line++) {
		let end = text.indexOf('\n', start);
		if (end === -1) end = text.length;
		let index = start;
		while (index < end && (isBlank(text.charCodeAt(index)) || text.charCodeAt(index) === GREATER)) index++;
		const marker = text.charCodeAt(index);
		let length = 0;
		if (marker === BACKTICK || marker === TILDE) while (text.charCodeAt(index + length) === marker) length++;
		if (fence) {
			visit(start, end, line, true);
			if (marker === fence.marker && length >= fence.length && text.slice(index + length, end).trim() === '') fence = undefined;
		} else if (length >= 3 && !(marker === BACKTICK && text.slice(index + length, end).includes('`'))) {
			fence = { marker, length };
			visit(start, end, line, true);
		} else {
			visit(start, end, line, false);
		}
		start = end + 1;
	}
}

const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
const STAR = 0x2a;
const PLUS = 0x2b;
const DOT = 0x2e;
const HASH = 0x23;
const GREATER = 0x3e;
const BACKTICK = 0x60;
const TILDE = 0x7e;
const UNDERSCORE = 0x5f;
const NEWLINE = 0x0a;
const CLOSE_PAREN = 0x29;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isBlank(code: number): boolean {
	return code === SPACE || code === TAB;
}

function isDigit(code: number): boolean {
	return code >= 0x30 && code <= 0x39;
}

function isUpper(code: number): boolean {
	return code >= 0x41 && code <= 0x5a;
}

/** A letter or digit: what continues a word. Not `_`, which closes emphasis (`__FR-1__`). */
function isWord(code: number): boolean {
	return isDigit(code) || isUpper(code) || (code >= 0x61 && code <= 0x7a);
}

function isWordOrDash(code: number): boolean {
	return isWord(code) || code === DASH;
}

function isEmphasis(code: number): boolean {
	return code === STAR || code === UNDERSCORE || code === BACKTICK;
}
