import { parseMarkdown, walk } from './parse.ts';

/** The HTML blocks that may hold blank lines: CommonMark ends them at their closing tag, in any case. */
const RAW_TEXT_TAGS = ['pre', 'script', 'style', 'textarea'];

/**
 * Untrusted markdown in which no `<pre>`, `<script>`, `<style>` or `<textarea>` HTML block opens.
 *
 * CommonMark ends such a block at its closing tag matched case-insensitively; Sätteri (Astro 7's
 * markdown parser) matches it case-sensitively, so `<PRE>x</PRE>` opens a block that runs to the
 * next lowercase `</pre>` or to the end of the document, and everything after it (the rest of a
 * PRD, or every later spec's section on a gathered page) becomes one block of text. Untrusted
 * HTML is shown as text anyway, so the `<` that opens each such block is written as `&lt;`: the
 * reader sees the same text and the rest of the document is parsed as markdown.
 */
export function neutralizeRawTextBlocks(markdown: string): string {
	return neutralize(markdown, '&lt;', true);
}

/**
 * `markdown` read as `neutralizeRawTextBlocks` has it read, but with each such `<` made a letter
 * (`x`), so that the text keeps its length: an offset into it is an offset into `markdown`. For
 * finding a document's structure as its page shows it (see `outlineMarkdown`), not for showing it.
 */
export function maskRawTextBlocks(markdown: string, { directives }: { directives: boolean }): string {
	return neutralize(markdown, 'x', directives);
}

/** `markdown` with the `<` of every raw text block opener written as `replacement`. */
function neutralize(markdown: string, replacement: string, directives: boolean): string {
	let text = markdown;
	// A block that swallowed the rest of the document hides the blocks after it, which the next
	// parse finds: real documents need one pass, and a document that needs more than a few is
	// made of such blocks on purpose, so every opener left is escaped as text.
	for (let pass = 0; pass < MAX_PASSES; pass++) {
		if (!mayOpenRawTextBlock(text)) return text;
		const offsets: number[] = [];
		for (const node of walk(parseMarkdown(text, { positions: true, directives }))) {
			if (node.type !== 'html' || !opensRawTextBlock(node.value)) continue;
			const offset = node.position?.start.offset;
			if (offset !== undefined && text[offset] === '<') offsets.push(offset);
		}
		if (offsets.length === 0) return text;
		text = replaceAt(
			text,
			offsets.sort((a, b) => a - b),
			replacement,
		);
	}
	return replaceAt(text, findOpenersAnywhere(text), replacement);
}

const MAX_PASSES = 8;

/** `text` with the `<` at each offset (ascending) written as `replacement`. */
function replaceAt(text: string, offsets: readonly number[], replacement: string): string {
	let result = '';
	let cursor = 0;
	for (const offset of offsets) {
		result += text.slice(cursor, offset) + replacement;
		cursor = offset + 1;
	}
	return result + text.slice(cursor);
}

/** Offsets of every `<pre`, `<script`, `<style` and `<textarea` tag opener, wherever it stands. */
function findOpenersAnywhere(text: string): number[] {
	const lower = text.toLowerCase();
	const offsets: number[] = [];
	for (let index = lower.indexOf('<'); index !== -1; index = lower.indexOf('<', index + 1)) {
		if (opensRawTextBlock(lower.slice(index, index + 10))) offsets.push(index);
	}
	return offsets;
}

/** A cheap test first: most documents have no such tag at all. (A regular expression: no lower-case copy of the text.) */
function mayOpenRawTextBlock(markdown: string): boolean {
	return RAW_TEXT_OPENER.test(markdown);
}

const RAW_TEXT_OPENER = new RegExp(`<(?:${RAW_TEXT_TAGS.join('|')})`, 'i');

function opensRawTextBlock(html: string): boolean {
	const lower = html.slice(0, 10).toLowerCase();
	return RAW_TEXT_TAGS.some((tag) => {
		if (!lower.startsWith(`<${tag}`)) return false;
		const next = lower[tag.length + 1];
		return next === undefined || next === '>' || next === ' ' || next === '\t' || next === '\n';
	});
}
