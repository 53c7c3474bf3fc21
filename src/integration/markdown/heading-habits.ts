/**
 * A heading's text (already lower-case, single-spaced and trimmed, as `normalizeHeading` makes
 * it) without the habits of the models that write specs, so that `## 1. System Architecture
 * Overview`, `## Technical Risks and Mitigation` and `## Testing Strategy:` are the template's
 * sections and do not cost a repair round:
 * - `&` reads as `and`;
 * - a leading number goes: `1.`, `1)`, `1.2.`, `1.2.3`, `1 -`, `1:`, `1 –`, a roman numeral
 *   with a mark after it (`IV.`, `ii)`, `IX:`, `V –`: a bare `I` is a word), each optionally
 *   after `Section`, `Part` or `Chapter` (`Section 3:`, `Part 2 –`). Other words (`Step 1:`,
 *   `Phase 2`) stay: a template may have sections named so. A heading that is only a number
 *   keeps it;
 * - trailing `.:;,!?` go.
 * Both sides of a comparison are read so, so that a template section written with a habit still
 * matches.
 */
export function forgiveHeadingHabits(text: string): string {
	return dropTrailingPunctuation(dropNumbering(text.includes('&') ? spellAnd(text) : text));
}

/** `&` as `and`; the usual ` & ` without a regular expression, which takes twice as long. */
function spellAnd(text: string): string {
	const spelled = text.replaceAll(' & ', ' and ');
	return spelled.includes('&') ? spelled.replace(/&/g, ' and ').replace(/ {2,}/g, ' ').trim() : spelled;
}

/**
 * Anchored, and every quantifier is bounded, so a match takes a bounded number of steps whatever
 * the heading. Group 1: arabic numbering; group 2: the marks after the number.
 */
const NUMBERING = /^(?:(?:section|part|chapter) )?(?:(\d{1,3}(?:\.\d{1,3}){0,4})|[ivx]{1,6})([.)]?(?: ?[-–—:])?) /;

function dropNumbering(text: string): string {
	if (!mayBeNumbered(text)) return text;
	const match = NUMBERING.exec(text);
	// A roman numeral needs a mark after it: `I Want` is not numbered.
	if (!match || (match[1] === undefined && match[2] === '')) return text;
	const rest = text.slice(match[0].length);
	return rest === '' ? text : rest;
}

/**
 * Whether `NUMBERING` may match, for what a failed match costs: the cache check reads every
 * heading of every spec, and most are not numbered (the template's own `System`, `Security` and
 * `Infrastructure` ones not either).
 */
function mayBeNumbered(text: string): boolean {
	const first = text.charCodeAt(0);
	if (first >= DIGIT_0 && first <= DIGIT_9) return true;
	if (NUMBER_WORDS.some((word) => text.startsWith(word))) return true;
	let index = 0;
	while (ROMAN_DIGITS.includes(text.charCodeAt(index))) index++;
	return index > 0 && ROMAN_ENDS.includes(text.charCodeAt(index));
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const NUMBER_WORDS = ['section ', 'part ', 'chapter '];
const ROMAN_DIGITS = Array.from('ivx', (character) => character.charCodeAt(0));
/** What may follow a roman numeral in `NUMBERING`. */
const ROMAN_ENDS = Array.from('.): ', (character) => character.charCodeAt(0));

/** A loop from the end, not `/[.:;,!? ]+$/`, which takes quadratic time on a long run of spaces inside the text. */
function dropTrailingPunctuation(text: string): string {
	let end = text.length;
	while (end > 0 && TRAILING.includes(text.charCodeAt(end - 1))) end--;
	return end === text.length || end === 0 ? text : text.slice(0, end);
}

const TRAILING = Array.from('.:;,!? ', (character) => character.charCodeAt(0));
