import { parseDocument } from 'yaml';

/** Text with a UTF-8 BOM removed and every line ending turned into `\n`. */
export function normalizeNewlines(text: string): string {
	return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export type FrontmatterResult =
	| { ok: true; data: Record<string, unknown>; body: string }
	| { ok: false; message: string; hint: string };

const FENCE = /^---[ \t]*$/;

/**
 * Splits a markdown file into its YAML frontmatter (which must be a mapping) and its body.
 * Line endings are normalised first, so CRLF files behave like LF ones.
 */
export function parseFrontmatter(source: string): FrontmatterResult {
	const lines = normalizeNewlines(source).split('\n');
	if (!FENCE.test(lines[0] ?? '')) {
		return {
			ok: false,
			message: 'the file has no frontmatter.',
			hint: 'Start the file with a `---` line, the YAML fields (at least `title:`), and another `---` line.',
		};
	}
	const end = lines.findIndex((line, index) => index > 0 && FENCE.test(line));
	if (end === -1) {
		return {
			ok: false,
			message: 'the frontmatter is never closed.',
			hint: 'Add a `---` line after the last frontmatter field.',
		};
	}
	const yamlText = lines.slice(1, end).join('\n');
	const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
	if (document.errors.length > 0) {
		const error = document.errors[0]!;
		// The YAML starts on the file's second line, after the opening `---`.
		const line = error.linePos?.[0]?.line;
		const where = line === undefined ? '' : ` on line ${line + 1}`;
		const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
		return {
			ok: false,
			message: `the frontmatter is not valid YAML${where}: ${reason}.`,
			hint: 'Fix the YAML syntax; quote values that contain `:` or start with a special character.',
		};
	}
	const data: unknown = document.toJS();
	if (data === null || data === undefined) {
		return { ok: true, data: {}, body: lines.slice(end + 1).join('\n') };
	}
	if (typeof data !== 'object' || Array.isArray(data)) {
		return {
			ok: false,
			message: 'the frontmatter is not a set of `field: value` lines.',
			hint: 'Write the frontmatter as YAML fields, e.g. `title: Checkout`.',
		};
	}
	return { ok: true, data: data as Record<string, unknown>, body: lines.slice(end + 1).join('\n') };
}
