import { toSingleLine, truncate } from '../text/plain-text.ts';

/*
 * Markdown for a GitHub comment, written from untrusted text (PRD titles, spec headings, ids, a
 * ref). GitHub renders comments as GitHub-flavoured markdown, keeps some HTML, turns `@name` into a
 * notification and `#12`, `owner/repo#12` or `GH-12` into a link to an issue. A title must do none
 * of that, nor close the table cell it sits in.
 */

/** Longest GitHub comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

/** Zero-width space: after `@` or `#` (or before the `-` of `GH-`), it keeps GitHub from reading a mention or an issue reference. */
const BREAK = '&#8203;';

/**
 * `text` as literal inline markdown on one line, at most `max` characters before escaping: every
 * ASCII punctuation character is written as a numeric character reference, which CommonMark
 * always reads as that character and never as syntax (no emphasis, link, HTML tag, code span,
 * table pipe or entity can start), and a zero-width space follows each `@` and `#` (and comes
 * before the `-` of `GH-`), so that the rendered text mentions nobody and links no issue. One
 * pass, no regular expression.
 */
export function githubText(text: string, max = 200): string {
	const flat = truncate(toSingleLine(text), max);
	let result = '';
	for (let index = 0; index < flat.length; index++) {
		const code = flat.charCodeAt(index);
		const isPunctuation =
			(code >= 0x21 && code <= 0x2f) || (code >= 0x3a && code <= 0x40) || (code >= 0x5b && code <= 0x60) || (code >= 0x7b && code <= 0x7e);
		if (!isPunctuation) {
			result += flat[index];
			continue;
		}
		if (code === 0x2d && index >= 2 && flat.slice(index - 2, index).toLowerCase() === 'gh') result += BREAK;
		result += `&#${code};`;
		if (code === 0x40 || code === 0x23) result += BREAK;
	}
	return result;
}
