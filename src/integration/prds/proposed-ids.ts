/**
 * Requirement ids proposed for a PRD written without them (`prd-specs ids`): each top-level list
 * item under a requirement-like heading gets the next `FR-n` (or `NFR-n` under a non-functional
 * one), written right after its list marker.
 */

/** Headings whose list items are functional requirements, compared as `headingKey` gives them. */
export const FUNCTIONAL_HEADINGS = ['Requirements', 'Functional requirements', 'User stories', 'Features'];
/** Headings whose list items are non-functional requirements. */
export const NON_FUNCTIONAL_HEADINGS = ['Non-functional requirements', 'Quality attributes'];

export interface ProposedId {
	id: string;
	/** 1-based line in the PRD body. */
	line: number;
	/** The line as it is. */
	before: string;
	/** The line with the id. */
	after: string;
	/** The heading it is under, as written. */
	heading: string;
}

const FUNCTIONAL = new Set(FUNCTIONAL_HEADINGS.map(headingKey));
const NON_FUNCTIONAL = new Set(NON_FUNCTIONAL_HEADINGS.map(headingKey));

/**
 * The ids to add to a PRD body, in document order: `FR-1`, `FR-2`, ... for the items under
 * functional headings and `NFR-1`, ... under non-functional ones. A section runs to the next
 * heading of its level or higher; items in code fences, nested items and continuation lines are
 * left alone. Every step is one pass over a line.
 */
export function proposeRequirementIds(body: string): ProposedId[] {
	const proposed: ProposedId[] = [];
	const next = { FR: 1, NFR: 1 };
	let section: { depth: number; prefix: 'FR' | 'NFR' | undefined; heading: string } | undefined;
	let fence: string | undefined;
	let listIndent: number | undefined;
	const lines = body.split('\n');
	lines.forEach((text, index) => {
		const trimmed = text.trimStart();
		const indent = text.length - trimmed.length;
		if (fence !== undefined) {
			const run = readFence(trimmed);
			if (run && run[0] === fence[0] && run.length >= fence.length && trimmed.slice(run.length).trim() === '') fence = undefined;
			return;
		}
		const fenceRun = readFence(trimmed);
		if (fenceRun) {
			fence = fenceRun;
			return;
		}
		if (indent > 3) return;
		const heading = readHeading(trimmed);
		if (heading) {
			// A subheading stays in a requirement section (`### Checkout` under `## Requirements`).
			if (section?.prefix && heading.depth > section.depth) return;
			const key = headingKey(heading.text);
			const prefix = FUNCTIONAL.has(key) ? 'FR' : NON_FUNCTIONAL.has(key) ? 'NFR' : undefined;
			section = { depth: heading.depth, prefix, heading: heading.text };
			listIndent = undefined;
			return;
		}
		if (!section?.prefix) return;
		const marker = readListMarker(text, indent);
		if (marker === undefined) {
			// A paragraph at the left margin ends the list; the next one starts afresh.
			if (indent === 0 && trimmed !== '') listIndent = undefined;
			return;
		}
		// An item indented more than the list's first one is nested in it: a detail.
		if (listIndent !== undefined && indent > listIndent) return;
		listIndent = indent;
		const rest = text.slice(marker);
		// Nothing, or a thematic break (`- - -`), is not a requirement.
		if (rest.replace(/[-*_\s]/g, '') === '') return;
		const id = `${section.prefix}-${next[section.prefix]++}`;
		proposed.push({ id, line: index + 1, before: text, after: `${text.slice(0, marker)}${id}: ${rest}`, heading: section.heading });
	});
	return proposed;
}

/**
 * A heading's text made comparable: lower case, a leading number (`3.`, `2.1`) and trailing
 * punctuation gone, `-` and runs of spaces made one space.
 */
export function headingKey(text: string): string {
	const key = text
		.toLowerCase()
		.replace(/^[\d.)\s]+/, '')
		.replace(/[-\s]+/g, ' ');
	// A loop, not `/[\s:.]+$/`, which retries at every character of a long run.
	let end = key.length;
	while (end > 0 && ' :.'.includes(key[end - 1]!)) end--;
	return key.slice(0, end).trim();
}

/** `#`-`######` and a space, then the text (without a closing `#` run). */
function readHeading(trimmed: string): { depth: number; text: string } | undefined {
	let depth = 0;
	while (depth < 7 && trimmed.charCodeAt(depth) === 0x23) depth++;
	if (depth === 0 || depth > 6 || (trimmed.length > depth && trimmed[depth] !== ' ' && trimmed[depth] !== '\t')) return undefined;
	let text = trimmed.slice(depth).trim();
	let end = text.length;
	while (end > 0 && text[end - 1] === '#') end--;
	if (end === 0 || text[end - 1] === ' ') text = text.slice(0, end).trim();
	return { depth, text };
}

/** Three or more backticks or tildes at the start of a line: the run that closes it. */
function readFence(trimmed: string): string | undefined {
	const marker = trimmed[0];
	if (marker !== '`' && marker !== '~') return undefined;
	let length = 0;
	while (trimmed[length] === marker) length++;
	return length >= 3 ? marker.repeat(length) : undefined;
}

/** Where the text of a top-level list item starts (after `- `, `* `, `+ `, `1. `, `1) ` and a task box), or undefined. */
function readListMarker(text: string, indent: number): number | undefined {
	let index = indent;
	const char = text[index];
	if (char === '-' || char === '*' || char === '+') {
		index++;
	} else {
		const start = index;
		while (index - start < 9 && text.charCodeAt(index) >= 0x30 && text.charCodeAt(index) <= 0x39) index++;
		if (index === start || (text[index] !== '.' && text[index] !== ')')) return undefined;
		index++;
	}
	if (text[index] !== ' ' && text[index] !== '\t') return undefined;
	while (text[index] === ' ' || text[index] === '\t') index++;
	if (text[index] === '[' && text[index + 2] === ']' && ' xX'.includes(text[index + 1] ?? '') && text[index + 3] === ' ') index += 4;
	return index;
}
