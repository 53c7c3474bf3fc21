import { LIMITS } from '../limits.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import { formatCount, tooLongMessage } from './schema.ts';

/**
 * Words that open a PRD's heading without naming anything (`# Product Requirements Document:
 * Checkout`), lowercase, longest first so that `doc` does not stop `document` short.
 */
const TITLE_PREFIXES = ['product requirements document', 'product requirements doc', 'prd'];

/** What may follow a prefix before the name: `PRD: Checkout`, `PRD - Checkout`, `PRD – Checkout`. */
const SEPARATORS = new Set([':', '-', '\u2013', '\u2014', '|']);

export type DerivedTitle = { ok: true; title: string } | { ok: false; message: string; hint: string };

/**
 * The title of a PRD whose frontmatter has none: its leading `# ` heading (the one its page drops,
 * so the title is shown once), without a "PRD:" prefix, or else its file name made readable.
 * `bodyLine` is the file's line where `body` starts, named when the heading is too long.
 */
export function deriveTitle(body: string, bodyLine: number, id: string): DerivedTitle {
	const { heading } = splitLeadingH1(body);
	if (heading === undefined) return { ok: true, title: titleFromId(id) };
	const title = oneLine(withoutPrdPrefix(heading)).trim();
	if (title === '') return { ok: true, title: titleFromId(id) };
	if (title.length > LIMITS.titleChars) {
		return {
			ok: false,
			message: tooLongMessage(`the first heading (line ${formatCount(headingLine(body, bodyLine))}), used as the title,`, title.length, LIMITS.titleChars),
			hint: 'Shorten the heading, or add a frontmatter with a shorter `title:` (a `---` line, `title: …`, and another `---` line).',
		};
	}
	return { ok: true, title };
}

/**
 * `PRD: Checkout` -> `Checkout`, any case; the heading as it is when no prefix and separator
 * open it. Compared character by character: no regular expression meets the heading.
 */
export function withoutPrdPrefix(heading: string): string {
	for (const prefix of TITLE_PREFIXES) {
		if (heading.slice(0, prefix.length).toLowerCase() !== prefix) continue;
		let index = skipSpaces(heading, prefix.length);
		// `Product Requirements Document (PRD): Checkout`.
		if (heading.slice(index, index + 5).toLowerCase() === '(prd)') index = skipSpaces(heading, index + 5);
		if (!SEPARATORS.has(heading[index] ?? '')) continue;
		return heading.slice(index + 1).trim();
	}
	return heading;
}

/** `checkout-flow` -> `Checkout flow`: ids are lowercase letters, digits and dashes. */
export function titleFromId(id: string): string {
	const words = id.replaceAll('-', ' ');
	return words.charAt(0).toUpperCase() + words.slice(1);
}

function skipSpaces(text: string, start: number): number {
	let index = start;
	while (text[index] === ' ' || text[index] === '\t') index++;
	return index;
}

/** Control characters (a tab, a C1 code) as spaces: a title is one line of text. */
function oneLine(text: string): string {
	let result = '';
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		result += code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 ? ' ' : text[index];
	}
	return result;
}

/** 1-based line of the file that holds the leading heading of `body`. */
function headingLine(body: string, bodyLine: number): number {
	let line = bodyLine;
	for (let index = 0; index < body.length && body[index] !== '#'; index++) if (body[index] === '\n') line++;
	return line;
}
