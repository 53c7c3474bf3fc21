import { CORE_SCHEMA, load } from 'js-yaml';

import { LIMITS } from '../limits.ts';

/**
 * What becomes of a mermaid diagram from an untrusted page: rendered (perhaps with parts of its
 * configuration removed), or refused and shown as its source.
 */
export type DiagramVerdict = { action: 'render'; source: string; removed: string[] } | { action: 'refuse'; reason: string };

/**
 * Pins a diagram's configuration to the site's and refuses the constructs that make a reader's
 * browser fetch something. Mermaid's `strict` security level still lets a diagram restyle itself
 * and load remote content: `%%{init}%%` directives and the frontmatter `config:` block can set
 * `themeCSS` (`background-image: url(...)`), `fontFamily` and theme variables that end up in CSS;
 * the `@{ img: ... }` node shape and a participant's `properties` icon load images; style
 * statements are CSS. So:
 *
 * - every `%%{...}%%` directive is removed, and a frontmatter block keeps only its `title`;
 * - a diagram with an image shape, participant `properties`, `url(`, `@import`, or a style
 *   statement with anything but colours, sizes and font names is refused.
 *
 * Each step is one pass over the source (no regular expression that can backtrack over it).
 * Changing what it returns changes the diagrams that build verdicts name: bump `VERDICT_FORMAT`
 * in `diagram-checks.ts` with it.
 */
export function sanitizeDiagram(input: string): DiagramVerdict {
	if (input.length > LIMITS.diagramChars) {
		return {
			action: 'refuse',
			reason: `it is ${input.length.toLocaleString('en-US')} characters long, over the limit of ${LIMITS.diagramChars.toLocaleString('en-US')}`,
		};
	}
	const removed: string[] = [];
	let source = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;

	const frontmatter = splitFrontmatter(source);
	if (frontmatter === 'unclosed') return { action: 'refuse', reason: 'its frontmatter block (`---`) is never closed' };
	if (frontmatter) {
		const { title, otherKeys } = readFrontmatter(frontmatter.yaml);
		if (otherKeys.length > 0) removed.push(`its frontmatter ${otherKeys.map((key) => `\`${key}\``).join(', ')}`);
		source = `${title === undefined ? '' : `---\ntitle: ${JSON.stringify(title)}\n---\n`}${frontmatter.rest}`;
	}

	const withoutDirectives = removeDirectives(source);
	if (withoutDirectives !== source) {
		removed.push('a `%%{...}%%` directive');
		source = trimLeadingNewlines(withoutDirectives);
	}
	// Removing a directive could join `%%` and `{` into a new one: such a diagram is refused.
	if (source.includes('%%{')) return { action: 'refuse', reason: 'it has `%%{...}%%` directives that cannot be removed cleanly' };

	const refusal = findRefusal(source);
	if (refusal) return { action: 'refuse', reason: refusal };
	return { action: 'render', source, removed };
}

/** The diagram's leading `---` block, as mermaid reads it (blank lines before it are skipped). */
function splitFrontmatter(source: string): { yaml: string; rest: string } | 'unclosed' | undefined {
	let lineStart = 0;
	for (;;) {
		const lineEnd = indexOrEnd(source, '\n', lineStart);
		const line = source.slice(lineStart, lineEnd);
		if (line.trim() !== '') {
			if (line.trim() !== '---') return undefined;
			break;
		}
		if (lineEnd === source.length) return undefined;
		lineStart = lineEnd + 1;
	}
	const yamlStart = indexOrEnd(source, '\n', lineStart) + 1;
	let cursor = yamlStart;
	while (cursor <= source.length) {
		const lineEnd = indexOrEnd(source, '\n', cursor);
		if (source.slice(cursor, lineEnd).trim() === '---') {
			return { yaml: source.slice(yamlStart, cursor), rest: source.slice(Math.min(lineEnd + 1, source.length)) };
		}
		if (lineEnd === source.length) break;
		cursor = lineEnd + 1;
	}
	return 'unclosed';
}

function readFrontmatter(yaml: string): { title?: string; otherKeys: string[] } {
	let data: unknown;
	try {
		data = load(yaml, { schema: CORE_SCHEMA });
	} catch {
		return { otherKeys: ['(unreadable YAML)'] };
	}
	if (data === null || typeof data !== 'object' || Array.isArray(data))
		return { otherKeys: data === null || data === undefined ? [] : ['(not a mapping)'] };
	const record = data as Record<string, unknown>;
	const title = typeof record.title === 'string' ? record.title.slice(0, LIMITS.titleChars) : undefined;
	return { ...(title !== undefined && { title }), otherKeys: Object.keys(record).filter((key) => key !== 'title') };
}

/** The source without `%%{` ... `}%%` spans (an unclosed one runs to the end, as in mermaid). */
function removeDirectives(source: string): string {
	let result = '';
	let cursor = 0;
	for (;;) {
		const start = source.indexOf('%%{', cursor);
		if (start === -1) return result + source.slice(cursor);
		result += source.slice(cursor, start);
		const end = source.indexOf('}%%', start + 3);
		if (end === -1) return result;
		cursor = end + 3;
	}
}

const STYLE_STATEMENTS = new Set(['style', 'classdef', 'linkstyle', 'cssclass']);

/** Why a diagram cannot be rendered safely, or undefined. */
function findRefusal(source: string): string | undefined {
	const lower = source.toLowerCase();
	if (lower.includes('url(')) return 'it refers to a URL in a style (`url(...)`), which would make the reader’s browser fetch it';
	if (lower.includes('@import')) return 'it imports a stylesheet (`@import`)';
	if (hasImageShape(source)) return 'it has an image shape (`@{ img: ... }`), which loads a picture from another site';
	let lineStart = 0;
	while (lineStart < source.length) {
		const lineEnd = indexOrEnd(source, '\n', lineStart);
		const line = source.slice(lineStart, lineEnd).trim();
		const firstWord = line.slice(0, indexOrEnd(line, ' ', 0)).toLowerCase();
		if (firstWord === 'properties') return 'a participant has `properties`, whose icon is loaded from a URL';
		if (STYLE_STATEMENTS.has(firstWord) && !isPlainStyle(line)) {
			return `its \`${firstWord}\` statement holds more than colours, sizes and font names`;
		}
		lineStart = lineEnd + 1;
	}
	return undefined;
}

/** `A@{ shape: image, img: "https://..." }`: each `@{ ... }` block is read once, in order. */
function hasImageShape(source: string): boolean {
	let cursor = 0;
	for (;;) {
		const start = source.indexOf('@{', cursor);
		if (start === -1) return false;
		const end = indexOrEnd(source, '}', start);
		const block = source.slice(start + 2, end);
		let keyStart = 0;
		while ((keyStart = block.indexOf('img', keyStart)) !== -1) {
			const before = keyStart === 0 ? ' ' : block[keyStart - 1]!;
			let after = keyStart + 3;
			if (block[after] === '"' || block[after] === "'") after++;
			while (block[after] === ' ' || block[after] === '\t') after++;
			if (' \t\n,{"\''.includes(before) && block[after] === ':') return true;
			keyStart += 3;
		}
		cursor = end;
	}
}

/** A style statement whose declarations are only words, numbers, colours and punctuation of lists. */
function isPlainStyle(line: string): boolean {
	for (const char of line) {
		if (
			char === '\\' ||
			char === '{' ||
			char === '}' ||
			char === '<' ||
			char === '>' ||
			char === '@' ||
			char === '/' ||
			char === '*' ||
			char === '`'
		)
			return false;
	}
	return true;
}

function trimLeadingNewlines(text: string): string {
	let start = 0;
	while (text[start] === '\n') start++;
	return text.slice(start);
}

function indexOrEnd(text: string, search: string, from: number): number {
	const index = text.indexOf(search, from);
	return index === -1 ? text.length : index;
}
