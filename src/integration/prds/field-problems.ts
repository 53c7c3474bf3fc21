import type { IssueContext } from '../schema-problems.ts';
import { truncate } from '../text/plain-text.ts';
import { lastSegmentOf } from './ids.ts';
import { formatCount, ONE_LINE_RULE } from './schema.ts';

/**
 * Wording shared by the frontmatter of PRDs and of folders' `_index.md`: messages name the field
 * and quote users' values only in part, and a mistyped name or id gets a "did you mean".
 */

/** Longest part of a user's value (an id, a file name) quoted in a message. */
const QUOTE_CHARS = 60;

/** `value` cut to what a message quotes of it. */
export function quote(value: string): string {
	return truncate(value, QUOTE_CHARS);
}

/** The message of a schema issue, naming the field by its full path (`tags[3]`). */
export function describeIssue({ issue, field, value, missing }: IssueContext): string {
	if (missing) return `\`${field}\` is required.`;
	if (issue.code === 'too_big' && issue.origin === 'string' && typeof value === 'string') {
		// The schema trims values before it measures them.
		return `\`${field}\` is ${formatCount(value.trim().length)} characters long; at most ${formatCount(Number(issue.maximum))} are allowed.`;
	}
	if (issue.code === 'custom' && issue.params?.['rule'] === ONE_LINE_RULE) return `\`${field}\` must be one line of text.`;
	return issue.message;
}

/** `, e.g. "checkout"` when a known value is one or two edits away from `value`. */
export function suggest(value: string, known: readonly string[]): string {
	// The edit distance is at least the difference in length: a long value is never compared.
	const close = known.find((candidate) => Math.abs(candidate.length - value.length) <= 2 && editDistance(candidate, value) <= 2);
	return close ? ` (did you mean "${quote(close)}"?)` : '';
}

/**
 * `, e.g. "payments/checkout"`: a known id one or two edits away from `value`, else one with the
 * same last segment (a PRD moved into a folder keeps its file name).
 */
export function suggestId(value: string, ids: Iterable<string>): string {
	const known = [...ids];
	const close = suggest(value, known);
	if (close !== '') return close;
	const name = lastSegmentOf(value);
	const moved = known.find((id) => lastSegmentOf(id) === name);
	return moved === undefined ? '' : ` (did you mean "${quote(moved)}"?)`;
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}
