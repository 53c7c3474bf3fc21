/**
 * Provisional version (helper E) of the contract's requirement scanner: helper D's version replaces
 * this file at merge. Hand-written and linear: PRDs and specs are untrusted text, and no user-given
 * pattern ever reaches them.
 */

export interface Requirement {
	/** As written in the PRD, e.g. `FR-12`, `NFR-3`, `REQ-1.2`. */
	id: string;
	/** The rest of the list item's first line or of the heading, as plain text (at most 300 characters). */
	text: string;
	/** 1-based line in the PRD body (add `bodyLine - 1` for the file's line). */
	line: number;
}

/** The prefixes used when the options name none. */
export const DEFAULT_REQUIREMENT_PREFIXES: readonly string[] = ['FR', 'NFR', 'REQ'];

const TEXT_CHARS = 300;

/** Requirement ids at the start of a list item or a heading, in document order (duplicates included). */
export function findRequirements(body: string, prefixes: readonly string[]): Requirement[] {
	const known = new Set(prefixes);
	const found: Requirement[] = [];
	forEachLineOutsideFences(body, (line, number) => {
		let index = skipContainers(line, 0);
		const heading = skipHeadingMarks(line, index);
		index = heading === -1 ? skipListMarker(line, index) : heading;
		if (index === -1) return;
		while (line[index] === '*' || line[index] === '_') index++;
		const token = readId(line, index, known);
		if (!token) return;
		let rest = token.end;
		while (rest < line.length && ' \t*_:.)—–-'.includes(line[rest]!)) rest++;
		found.push({ id: token.id, text: line.slice(rest).trim().slice(0, TEXT_CHARS), line: number });
	});
	return found;
}

/** Every place a spec body cites a requirement id of the given set, in order: the id, the 1-based line, the `##` section heading it is in (undefined before the first). */
export function findCitations(body: string, ids: ReadonlySet<string>): { id: string; line: number; section: string | undefined }[] {
	const prefixes = new Set([...ids].map((id) => id.slice(0, id.indexOf('-'))));
	const found: { id: string; line: number; section: string | undefined }[] = [];
	let section: string | undefined;
	forEachLineOutsideFences(body, (line, number) => {
		const start = skipSpaces(line, 0, 3);
		if (line.startsWith('## ', start) || line.startsWith('##\t', start)) section = line.slice(start + 3).trim();
		else if (line.startsWith('# ', start)) section = undefined;
		for (let index = 0; index < line.length; index++) {
			if (!isUpper(line.charCodeAt(index)) || (index > 0 && isWordChar(line.charCodeAt(index - 1)))) continue;
			const token = readId(line, index, prefixes);
			if (token) {
				if (ids.has(token.id)) found.push({ id: token.id, line: number, section });
				index = token.end - 1;
			} else {
				while (index + 1 < line.length && isUpper(line.charCodeAt(index + 1))) index++;
			}
		}
	});
	return found;
}

/** `FR-12` or `REQ-1.2` at `start` as a whole word, with a known prefix. */
function readId(line: string, start: number, prefixes: ReadonlySet<string>): { id: string; end: number } | undefined {
	let index = start;
	while (index < line.length && index - start <= 10 && isUpper(line.charCodeAt(index))) index++;
	if (index === start || line[index] !== '-' || !prefixes.has(line.slice(start, index))) return undefined;
	const digits = ++index;
	while (isDigit(line.charCodeAt(index))) index++;
	if (index === digits) return undefined;
	if (line[index] === '.' && isDigit(line.charCodeAt(index + 1))) {
		index++;
		while (isDigit(line.charCodeAt(index))) index++;
	}
	if (index < line.length && (isWordChar(line.charCodeAt(index)) || line[index] === '-')) return undefined;
	return { id: line.slice(start, index), end: index };
}

function forEachLineOutsideFences(body: string, visit: (line: string, number: number) => void): void {
	let fence: { char: string; length: number } | undefined;
	body.split('\n').forEach((line, index) => {
		const start = skipSpaces(line, skipContainers(line, 0), 3);
		const char = line[start];
		if (char === '`' || char === '~') {
			let end = start;
			while (line[end] === char) end++;
			if (end - start >= 3) {
				if (!fence) {
					if (char === '~' || !line.includes('`', end)) fence = { char, length: end - start };
					return;
				}
				if (fence.char === char && end - start >= fence.length && line.slice(end).trim() === '') {
					fence = undefined;
					return;
				}
			}
		}
		if (!fence) visit(line, index + 1);
	});
}

/** Past leading white space and `>` quote marks. */
function skipContainers(line: string, index: number): number {
	while (index < line.length && (line[index] === ' ' || line[index] === '\t' || line[index] === '>')) index++;
	return index;
}

function skipSpaces(line: string, index: number, max: number): number {
	const limit = index + max;
	while (index < limit && line[index] === ' ') index++;
	return index;
}

/** Past `#`...`######` and a space, or -1. */
function skipHeadingMarks(line: string, index: number): number {
	let end = index;
	while (line[end] === '#' && end - index < 7) end++;
	if (end === index || end - index > 6 || (line[end] !== ' ' && line[end] !== '\t')) return -1;
	return skipContainers(line, end);
}

/** Past `-`, `*`, `+` or `1.`/`1)` and a space (and a task box), or -1. */
function skipListMarker(line: string, index: number): number {
	let end = index;
	if ('-*+'.includes(line[end] ?? 'x')) end++;
	else {
		while (isDigit(line.charCodeAt(end)) && end - index < 9) end++;
		if (end === index || (line[end] !== '.' && line[end] !== ')')) return -1;
		end++;
	}
	if (line[end] !== ' ' && line[end] !== '\t') return -1;
	end = skipContainers(line, end);
	if (line[end] === '[' && ' xX'.includes(line[end + 1] ?? '') && line[end + 2] === ']') end = skipContainers(line, end + 3);
	return end;
}

function isUpper(code: number): boolean {
	return code >= 65 && code <= 90;
}

function isDigit(code: number): boolean {
	return code >= 48 && code <= 57;
}

function isWordChar(code: number): boolean {
	return isDigit(code) || isUpper(code) || (code >= 97 && code <= 122) || code === 95;
}
