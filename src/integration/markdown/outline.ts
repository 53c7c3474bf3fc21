import type { Heading, Nodes } from 'mdast';
import GithubSlugger from 'github-slugger';

import { LIMITS } from '../limits.ts';
import { forgiveHeadingHabits } from './heading-habits.ts';
import { maskRawTextBlocks } from './html-blocks.ts';
import { memoizeText } from './memo.ts';
import { findDeepLines } from './nesting.ts';
import { parseMarkdown, walk } from './parse.ts';

/** A place in the outlined text: offset in UTF-16 code units (as `String#slice` counts), 1-based line. */
export interface OutlinePoint {
	offset: number;
	line: number;
}

export interface OutlineHeading {
	depth: number;
	/** Plain text, as a reader sees it: markup, escapes and a closing `#` run gone. */
	text: string;
	/** The id Astro gives it: github-slugger over the document's headings in order (a repeat gets `-1`). */
	slug: string;
	/** Whether it stands at the top of the document, not inside a list or quote. */
	topLevel: boolean;
	start: OutlinePoint;
	end: OutlinePoint;
}

/** A top-level `##` heading and what follows it, up to the next top-level `#` or `##` heading. */
export interface OutlineSection {
	heading: OutlineHeading;
	/** Its markdown, trimmed. */
	body: string;
	/** Where the next section (or the end of the text) starts. */
	end: OutlinePoint;
}

export interface OutlineCodeBlock {
	/** First word of the info string. */
	lang: string | undefined;
	/** The rest of the info string. */
	meta: string | undefined;
	value: string;
	start: OutlinePoint;
	/** Heading text of the section it is in. */
	section: string | undefined;
}

/** What the integration asks of a markdown document, read from one parse. */
export interface MarkdownOutline {
	/** The text outlined (with `\n` line endings): offsets point into it. */
	text: string;
	/** The first top-level heading written as a `# ` line, with text. */
	title: OutlineHeading | undefined;
	/** Every heading, in document order, nested ones included. */
	headings: OutlineHeading[];
	sections: OutlineSection[];
	/** Every fenced or indented code block, nested ones included. */
	codeBlocks: OutlineCodeBlock[];
}

/**
 * Parses a document once (with Sätteri, see `parseMarkdown`) and reads its title, headings,
 * `##` sections and code blocks. The parser decides what is a heading and what is code, as
 * CommonMark says: a `## X` in a fenced block, an HTML block or an indented block is not one; a
 * setext heading (`X` over `---`) and one indented by up to three spaces are.
 *
 * The text may be untrusted and large (a model's whole answer), so parsing must take time in
 * proportion to it:
 * - directives are not parsed (see `parseMarkdown`): `:::` lines are text, and what they enclose
 *   is read as if it stood outside them;
 * - a line that opens more than `LIMITS.nestingDepth` quotes or lists (what makes parsers take
 *   quadratic time) is read as a blank line. Such a document is refused elsewhere anyway.
 *
 * An upper-case `<PRE>` (or `<SCRIPT>`...) line is read as text, as pages show it (see
 * `neutralizeRawTextBlocks`): Sätteri would otherwise let it swallow the rest of the document.
 */
export function outlineMarkdown(markdown: string): MarkdownOutline {
	return memoizeText('outline', markdown, '', () => readOutline(markdown));
}

function readOutline(markdown: string): MarkdownOutline {
	const text = markdown.includes('\r') ? markdown.replace(/\r\n?/g, '\n') : markdown;
	const tree = parseMarkdown(maskRawTextBlocks(blankDeepLines(text), { directives: false }), { positions: true, directives: false });
	const slugger = new GithubSlugger();
	const headings: OutlineHeading[] = [];
	const codeBlocks: OutlineCodeBlock[] = [];
	// Headings and code blocks are blocks: only the blocks that hold blocks are entered, not the
	// paragraphs and tables, whose inline nodes are most of a tree.
	const stack: { node: Nodes; topLevel: boolean }[] = tree.children.map((node) => ({ node, topLevel: true })).reverse();
	while (stack.length > 0) {
		const { node, topLevel } = stack.pop()!;
		if (node.type === 'heading') {
			const plain = plainText(node);
			headings.push({
				depth: node.depth,
				text: plain,
				slug: slugger.slug(plain),
				topLevel,
				start: point(node, 'start'),
				end: point(node, 'end'),
			});
		} else if (node.type === 'code') {
			codeBlocks.push({
				lang: node.lang ?? undefined,
				meta: node.meta ?? undefined,
				value: node.value,
				start: point(node, 'start'),
				section: undefined,
			});
		} else if (BLOCK_CONTAINERS.has(node.type) && 'children' in node) {
			for (let index = node.children.length - 1; index >= 0; index--) stack.push({ node: node.children[index]!, topLevel: false });
		}
	}
	const sections = findSections(text, headings);
	placeInSections(codeBlocks, sections);
	// An ATX heading is one line; a setext heading has its underline on another.
	const title = headings.find(
		(heading) => heading.topLevel && heading.depth === 1 && heading.text !== '' && heading.start.line === heading.end.line,
	);
	return { text, title, headings, sections, codeBlocks };
}

/** The mdast nodes whose children are blocks (directives are not parsed). */
const BLOCK_CONTAINERS = new Set<string>(['blockquote', 'list', 'listItem', 'footnoteDefinition']);

/** The first section whose heading reads `heading`, compared as `normalizeHeading` does. */
export function findSection(outline: MarkdownOutline, heading: string): OutlineSection | undefined {
	const wanted = normalizeHeading(heading);
	return outline.sections.find((section) => normalizeHeading(section.heading.text) === wanted);
}

/**
 * Headings compare without case, emphasis or code marks, with runs of white space as one space,
 * and without the numbering, `&` and trailing punctuation of `forgiveHeadingHabits`.
 */
export function normalizeHeading(text: string): string {
	return forgiveHeadingHabits(text.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase());
}

function findSections(text: string, headings: readonly OutlineHeading[]): OutlineSection[] {
	const boundaries = headings.filter((heading) => heading.topLevel && heading.depth <= 2);
	const sections: OutlineSection[] = [];
	for (const [index, heading] of boundaries.entries()) {
		if (heading.depth !== 2) continue;
		const next = boundaries[index + 1];
		const end = next ? next.start : { offset: text.length, line: countLines(text) };
		sections.push({ heading, body: text.slice(heading.end.offset, end.offset).trim(), end });
	}
	return sections;
}

/** Sets each block's section; both lists are in document order, so one pass over each. */
function placeInSections(blocks: OutlineCodeBlock[], sections: readonly OutlineSection[]): void {
	let index = 0;
	for (const block of blocks) {
		const offset = block.start.offset;
		while (index < sections.length && sections[index]!.end.offset <= offset) index++;
		const section = sections[index];
		block.section = section && section.heading.start.offset <= offset ? section.heading.text : undefined;
	}
}

function point(node: Nodes, which: 'start' | 'end'): OutlinePoint {
	const position = node.position![which];
	return { offset: position.offset!, line: position.line };
}

/**
 * A heading's text as Astro reads it for its id: the text of its words, code and links; images
 * and footnote references add nothing. Raw HTML counts as text, as our pages show it.
 */
function plainText(heading: Heading): string {
	let text = '';
	for (const node of walk(heading)) {
		if (node.type === 'text' || node.type === 'inlineCode' || node.type === 'html') text += node.value;
		else if (node.type === 'break') text += ' ';
	}
	return text.trim();
}

/** `text` with every line that nests too deeply made blank (spaces), so that offsets stay as they are. */
export function blankDeepLines(text: string): string {
	let result = '';
	let cursor = 0;
	for (const deep of findDeepLines(text, LIMITS.nestingDepth)) {
		let end = text.indexOf('\n', deep.offset);
		if (end === -1) end = text.length;
		result += text.slice(cursor, deep.offset) + ' '.repeat(end - deep.offset);
		cursor = end;
	}
	return cursor === 0 ? text : result + text.slice(cursor);
}

function countLines(text: string): number {
	let lines = 1;
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
	return lines;
}
