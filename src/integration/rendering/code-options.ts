import { LIMITS } from '../limits.ts';

/**
 * The options of a fenced code block (its info string after the language) that an untrusted page
 * may pass to Expressive Code. Its options are powerful: a line range such as `{1-2000000000}`
 * makes it allocate an array of that length (the build dies with "Invalid array length"), and a
 * `/regex/` marker runs a regular expression of the author's choosing over the code (`/(a+)+$/`
 * added minutes to a build). So only options that are bounded are kept: `title`, `frame`, the
 * text-wrapping and line-number switches, line ranges within the block's own lines, and literal
 * text markers. Everything else is removed and named in `removed`.
 */
export function sanitizeCodeOptions(meta: string, lineCount: number): { meta: string; removed: string[] } {
	if (meta.length > LIMITS.codeInfoChars) return { meta: '', removed: [`options longer than ${LIMITS.codeInfoChars} characters`] };
	const kept: string[] = [];
	const removed: string[] = [];
	let markers = 0;
	for (const token of tokenize(meta)) {
		const verdict = judge(token, lineCount);
		if (verdict === 'marker' && ++markers > MAX_MARKERS) {
			removed.push(`${preview(token.text)} (more than ${MAX_MARKERS} markers)`);
		} else if (verdict) {
			kept.push(token.text);
		} else {
			removed.push(preview(token.text));
		}
	}
	return { meta: kept.join(' '), removed };
}

const MAX_MARKERS = 20;
const MAX_RANGES = 50;
const MAX_MARKER_CHARS = 100;
const FRAMES = new Set(['code', 'terminal', 'none', 'auto']);
const SWITCHES = new Set(['wrap', 'preserveIndent', 'showLineNumbers']);
const RANGE_KEYS = new Set(['mark', 'ins', 'del', 'collapse']);

interface Token {
	/** The token as written. */
	text: string;
	key?: string;
	/** The value without its quotes, braces or slashes. */
	value?: string;
	kind: 'word' | 'string' | 'range' | 'regex' | 'other';
}

function judge(token: Token, lineCount: number): boolean | 'marker' {
	const { key, value = '', kind } = token;
	if (key === undefined) {
		if (kind === 'word') return SWITCHES.has(token.text);
		if (kind === 'range') return isBoundedRange(value, lineCount);
		if (kind === 'string') return value.length > 0 && value.length <= MAX_MARKER_CHARS ? 'marker' : false;
		return false;
	}
	if (key === 'title') return kind !== 'regex' && kind !== 'range' && value.length <= LIMITS.titleChars;
	if (key === 'frame') return FRAMES.has(value);
	if (SWITCHES.has(key)) return value === 'true' || value === 'false';
	if (key === 'hangingIndent') return /^\d{1,2}$/.test(value);
	if (key === 'startLineNumber') return /^\d{1,6}$/.test(value);
	if (RANGE_KEYS.has(key)) {
		if (kind === 'range') return isBoundedRange(value, lineCount);
		if (kind === 'string' && key !== 'collapse') return value.length > 0 && value.length <= MAX_MARKER_CHARS ? 'marker' : false;
	}
	return false;
}

/** `1, 3-5`: each a line of the block, at most `MAX_RANGES` of them. */
function isBoundedRange(value: string, lineCount: number): boolean {
	const parts = value.split(',');
	if (parts.length > MAX_RANGES) return false;
	return parts.every((part) => {
		const [from, to = from, extra] = part.trim().split('-');
		if (extra !== undefined || !/^\d{1,7}$/.test(from!) || !/^\d{1,7}$/.test(to!)) return false;
		const start = Number(from);
		const end = Number(to);
		return start >= 1 && start <= end && end <= lineCount;
	});
}

/**
 * Splits an info string the way Expressive Code reads it: `key=value` pairs (value quoted, in
 * braces, between slashes, or bare), `{ranges}`, `"strings"`, `/regexes/` and bare words. One pass.
 */
function tokenize(meta: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < meta.length) {
		if (meta[index] === ' ' || meta[index] === '\t') {
			index++;
			continue;
		}
		const start = index;
		let key: string | undefined;
		const keyEnd = scanKey(meta, index);
		if (keyEnd > index && meta[keyEnd] === '=') {
			key = meta.slice(index, keyEnd);
			index = keyEnd + 1;
		}
		const { end, value, kind } = scanValue(meta, index, key !== undefined);
		index = end;
		tokens.push({ text: meta.slice(start, end), ...(key !== undefined && { key }), value, kind });
	}
	return tokens;
}

function scanKey(meta: string, from: number): number {
	let index = from;
	while (index < meta.length && /[A-Za-z0-9_-]/.test(meta[index]!)) index++;
	return index;
}

function scanValue(meta: string, from: number, afterKey: boolean): { end: number; value: string; kind: Token['kind'] } {
	const open = meta[from];
	const close = open === '"' || open === "'" ? open : open === '{' ? '}' : open === '/' ? '/' : undefined;
	if (close !== undefined) {
		let index = from + 1;
		while (index < meta.length && meta[index] !== close) index += meta[index] === '\\' && close !== '}' ? 2 : 1;
		const end = Math.min(index + 1, meta.length);
		const kind = open === '{' ? 'range' : open === '/' ? 'regex' : 'string';
		return { end, value: meta.slice(from + 1, Math.min(index, meta.length)), kind };
	}
	let index = from;
	while (index < meta.length && meta[index] !== ' ' && meta[index] !== '\t') index++;
	return {
		end: index,
		value: meta.slice(from, index),
		kind: afterKey || /^[A-Za-z][\w-]*$/.test(meta.slice(from, index)) ? 'word' : 'other',
	};
}

function preview(text: string): string {
	const short = text.length > 40 ? `${text.slice(0, 39)}…` : text;
	return `\`${short.replace(/`/g, "'")}\``;
}

/** A language name Expressive Code can look up: at most 40 letters, digits and `+#._-`. */
export function isPlainLanguage(lang: string): boolean {
	return lang.length <= 40 && /^[\w+#.-]*$/.test(lang);
}
