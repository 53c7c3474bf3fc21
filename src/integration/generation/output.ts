import { unwrapWholeFence } from '../markdown/fence-wrapper.ts';
import { outlineMarkdown } from '../markdown/outline.ts';
import { normalizeNewlines } from '../prds/frontmatter.ts';

export interface CleanedOutput {
	/** The spec: from its `# ` title to the end, planning removed. */
	body: string;
	/** What is wrong with the output as a whole (no title, planning left open). */
	problems: string[];
}

/**
 * Turns a model's answer into the spec it publishes: the private `<technical_planning>` block
 * and anything before the spec's `# ` title go, and a whole-answer ```markdown fence is unwrapped.
 */
export function cleanSpecOutput(text: string): CleanedOutput {
	const problems: string[] = [];
	const { text: output0, unclosedAt } = removePlanningBlocks(normalizeNewlines(text));
	let output = output0;
	if (unclosedAt !== -1) {
		// An unclosed planning block runs to the spec's title, if there is one after it.
		const rest = output.slice(unclosedAt);
		const title = findTitleLine(rest);
		if (title === -1) problems.push('The `<technical_planning>` block is never closed and no specification follows it.');
		output = output.slice(0, unclosedAt) + (title === -1 ? '' : rest.slice(title));
	}
	output = unwrapWholeFence(output.trim());
	const title = findTitleLine(output);
	if (title === -1) {
		problems.push('The answer has no `# Technical Specification: <app name>` title line, so no specification was found.');
		return { body: output.trim(), problems };
	}
	return { body: output.slice(title).trim(), problems };
}

/** Offset of the spec's title (see `MarkdownOutline.title`: a top-level `# ` heading, not one in a code block), or -1. */
function findTitleLine(text: string): number {
	return outlineMarkdown(text).title?.start.offset ?? -1;
}

const PLANNING_OPEN = '<technical_planning';
const PLANNING_CLOSE = '</technical_planning';

/**
 * The text without its `<technical_planning ...>...</technical_planning>` blocks (tag names in
 * any case), and where an unclosed one opens (-1 if none). One pass with `indexOf`: model output
 * is untrusted, and a lazy regular expression retried at every `<technical_planning` of an
 * answer that never closes one takes time quadratic in its length.
 */
function removePlanningBlocks(text: string): { text: string; unclosedAt: number } {
	const lower = text.toLowerCase();
	let result = '';
	let cursor = 0;
	for (;;) {
		const open = findTag(lower, PLANNING_OPEN, cursor);
		if (open === -1) return { text: result + text.slice(cursor), unclosedAt: -1 };
		const openEnd = lower.indexOf('>', open);
		const close = openEnd === -1 ? -1 : findTag(lower, PLANNING_CLOSE, openEnd);
		const closeEnd = close === -1 ? -1 : lower.indexOf('>', close);
		if (closeEnd === -1 || !/^\s*$/.test(lower.slice(close + PLANNING_CLOSE.length, closeEnd))) {
			return { text: result + text.slice(cursor), unclosedAt: result.length + (open - cursor) };
		}
		result += text.slice(cursor, open);
		cursor = closeEnd + 1;
	}
}

/** Index of `<name` followed by a character that ends a tag name, from `from`; -1 if none. */
function findTag(lower: string, name: string, from: number): number {
	for (let index = lower.indexOf(name, from); index !== -1; index = lower.indexOf(name, index + 1)) {
		const next = lower[index + name.length];
		if (next === undefined || next === '>' || next === '/' || /\s/.test(next)) return index;
	}
	return -1;
}
