/**
 * Untrusted text (PRD titles, file names, YAML keys, model output) made safe for the one-line
 * places it ends up in: page titles, sidebar labels, log lines, CI annotations. Every function is
 * a single pass over its input.
 */

/** Line breaks, tabs, C0 and C1 control characters, and the Unicode line and paragraph separators. */
function isControl(code: number): boolean {
	return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
}

/** Bidirectional overrides and isolates, which can make text read differently from what it is. */
function isBidiControl(code: number): boolean {
	return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

/** `text` on one line: every run of whitespace and control characters becomes one space; bidi controls go. */
export function toSingleLine(text: string): string {
	let result = '';
	let pendingSpace = false;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (isBidiControl(code)) continue;
		if (isControl(code) || code === 0x20 || code === 0xa0 || code === 0xfeff) {
			pendingSpace = result.length > 0;
			continue;
		}
		if (pendingSpace) result += ' ';
		pendingSpace = false;
		result += text[index];
	}
	return result;
}

/** At most `max` characters (a surrogate pair is never split), with `…` where text was cut. */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max - 1;
	const code = text.charCodeAt(end - 1);
	if (code >= 0xd800 && code <= 0xdbff) end--;
	return `${text.slice(0, end)}…`;
}

/**
 * A title or label that is safe wherever Starlight puts it, escaped or not: one line, no `<` or
 * `>` (shown as `‹` and `›`), at most `max` characters. Starlight writes page titles into `<title>`
 * without escaping them, so this is what makes a title like `</title><script>` inert; it reads
 * the same in the page heading, the sidebar, prev/next links and search results.
 */
export function toSafeTitle(text: string, max = 200): string {
	return truncate(
		toSingleLine(text).replace(/[<>]/g, (char) => (char === '<' ? '‹' : '›')),
		max,
	);
}

/**
 * Text for one line of a log, an error message or a CI annotation: control characters and line
 * breaks are shown escaped (`\n`, `\u001b`), so that a file name or YAML key cannot start a new
 * line (which GitHub Actions would read as a workflow command such as `::error::`) or colour the
 * terminal; bidi controls are shown escaped too, and so is GitHub's older command form `##[name]`,
 * which it reads anywhere in a line (`#\u0023[`). At most `max` characters.
 */
export function printable(text: string, max = 1000): string {
	return truncate(escapeControls(text, max).replaceAll('##[', '#\\u0023['), max);
}

function escapeControls(text: string, max: number): string {
	let result = '';
	for (let index = 0; index < text.length && result.length <= max; index++) {
		const code = text.charCodeAt(index);
		if (code === 0x0a) result += '\\n';
		else if (code === 0x0d) result += '\\r';
		else if (code === 0x09) result += '\\t';
		else if (isControl(code) || isBidiControl(code)) result += `\\u${code.toString(16).padStart(4, '0')}`;
		else result += text[index];
	}
	return result;
}
