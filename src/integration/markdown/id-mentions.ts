import type { Nodes } from 'mdast';

import { maskRawTextBlocks } from './html-blocks.ts';
import { blankDeepLines } from './outline.ts';
import { memoizeText } from './memo.ts';
import { parseMarkdown } from './parse.ts';

/** A requirement id written in the text of a document (not in code or raw HTML). */
export interface IdMention {
	id: string;
	/** Offsets of the id in the document (UTF-16 code units, as `String#slice` counts). */
	start: number;
	end: number;
	/** Whether it is part of a link's text already. */
	inLink: boolean;
}

/**
 * Every `<PREFIX>-<digits>[.<digits>]` id with one of `prefixes`, as a whole word, in the text
 * nodes of a markdown document: code spans, code blocks and raw HTML are not text. The document
 * is parsed as `outlineMarkdown` parses it (untrusted text: deep nesting blanked, no directives),
 * and a text node is read only when its source is its text (no escapes or entities in it), so
 * that an offset found in it is an offset in the document. The scan is hand-written and visits
 * each character once.
 */
export function findIdMentions(markdown: string, prefixes: ReadonlySet<string>): IdMention[] {
	if (prefixes.size === 0) return [];
	return memoizeText('id-mentions', markdown, [...prefixes].sort().join(' '), () => readIdMentions(markdown, prefixes));
}

function readIdMentions(markdown: string, prefixes: ReadonlySet<string>): IdMention[] {
	const tree = parseMarkdown(maskRawTextBlocks(blankDeepLines(markdown), { directives: false }), { positions: true, directives: false });
	const mentions: IdMention[] = [];
	const stack: { node: Nodes; inLink: boolean }[] = [{ node: tree, inLink: false }];
	while (stack.length > 0) {
		const { node, inLink } = stack.pop()!;
		if (node.type === 'text') {
			const start = node.position?.start.offset;
			const end = node.position?.end.offset;
			if (start === undefined || end === undefined || markdown.slice(start, end) !== node.value) continue;
			for (const token of findIdTokens(node.value, prefixes)) {
				mentions.push({ id: token.id, start: start + token.start, end: start + token.end, inLink });
			}
		} else if ('children' in node) {
			const linked = inLink || node.type === 'link' || node.type === 'linkReference';
			for (let index = node.children.length - 1; index >= 0; index--) stack.push({ node: node.children[index]!, inLink: linked });
		}
	}
	return mentions;
}

/** The ids in a plain text, as whole words: not `XFR-1`, not the `FR-1` of `FR-12` or `FR-1-b`. */
export function findIdTokens(text: string, prefixes: ReadonlySet<string>): { id: string; start: number; end: number }[] {
	const tokens: { id: string; start: number; end: number }[] = [];
	let index = 0;
	while (index < text.length) {
		if (!isUpper(text.charCodeAt(index)) || (index > 0 && (isWordChar(text.charCodeAt(index - 1)) || text[index - 1] === '-'))) {
			index++;
			continue;
		}
		const start = index;
		while (index < text.length && isUpper(text.charCodeAt(index))) index++;
		if (text[index] !== '-' || !prefixes.has(text.slice(start, index))) continue;
		const digits = ++index;
		while (isDigit(text.charCodeAt(index))) index++;
		if (index === digits) continue;
		if (text[index] === '.' && isDigit(text.charCodeAt(index + 1))) {
			index++;
			while (isDigit(text.charCodeAt(index))) index++;
		}
		if (index < text.length && (isWordChar(text.charCodeAt(index)) || text[index] === '-')) continue;
		tokens.push({ id: text.slice(start, index), start, end: index });
	}
	return tokens;
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
