import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';

/** Text with a UTF-8 BOM removed and every line ending turned into `\n`. */
export function normalizeNewlines(text: string): string {
	return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

export type FrontmatterResult =
	/** `missing` when the file has no frontmatter and `optional` allowed that. */
	| { ok: true; data: Record<string, unknown>; body: string; bodyLine: number; missing?: true }
	| { ok: false; message: string; hint: string };

/**
 * Splits a markdown file into its YAML frontmatter (which must be a mapping) and its body.
 * Line endings are normalised first, so CRLF files behave like LF ones. With `optional`, a file
 * that does not open with `---` is all body (PRDs written elsewhere have no frontmatter); one
 * that does must still have a valid frontmatter.
 */
export function parseFrontmatter(source: string, { optional = false }: { optional?: boolean } = {}): FrontmatterResult {
	// Only the frontmatter is split into lines: bodies can be long, and there are thousands.
	const text = source.includes('\r') || source.startsWith('\uFEFF') ? normalizeNewlines(source) : source;
	const opening = /^---[ \t]*(?:\n|$)/.exec(text);
	if (!opening) {
		if (optional) return { ok: true, data: {}, body: text, bodyLine: 1, missing: true };
		return {
			ok: false,
			message: 'the file has no frontmatter.',
			hint: 'Start the file with a `---` line, the YAML fields (at least `title:`), and another `---` line.',
		};
	}
	const closingFence = /^---[ \t]*$/gm;
	closingFence.lastIndex = opening[0].length;
	const closing = closingFence.exec(text);
	if (!closing) {
		return {
			ok: false,
			message: 'the frontmatter is never closed.',
			hint: 'Add a `---` line after the last frontmatter field.',
		};
	}
	const yamlEnd = closing.index;
	const bodyStart = yamlEnd + closing[0].length + 1;
	const yamlText = text.slice(opening[0].length, yamlEnd).replace(/\n$/, '');
	const body = text.slice(bodyStart);
	// Line breaks are normalised, so the frontmatter's lines are the file's (it is short).
	const bodyLine = countNewlines(text, bodyStart) + 1;
	let data: unknown;
	try {
		// The core schema keeps dates such as `generatedAt` as text; duplicate keys are errors.
		data = load(yamlText, { schema: CORE_SCHEMA });
	} catch (error) {
		if (!(error instanceof YAMLException)) throw error;
		// The YAML starts on the file's second line, after the opening `---`.
		const where = error.mark ? ` on line ${error.mark.line + 2}` : '';
		return {
			ok: false,
			message: `the frontmatter is not valid YAML${where}: ${error.reason}.`,
			hint: 'Fix the YAML syntax; quote values that contain `:` or start with a special character.',
		};
	}
	if (data === null || data === undefined) {
		return { ok: true, data: {}, body, bodyLine };
	}
	if (typeof data !== 'object' || Array.isArray(data)) {
		return {
			ok: false,
			message: 'the frontmatter is not a set of `field: value` lines.',
			hint: 'Write the frontmatter as YAML fields, e.g. `title: Checkout`.',
		};
	}
	return { ok: true, data: data as Record<string, unknown>, body, bodyLine };
}

function countNewlines(text: string, end: number): number {
	let count = 0;
	for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) count++;
	return count;
}

/** 1-based line of the file where `body.trim()` starts, given the line where `body` starts. */
export function trimmedBodyLine(body: string, bodyLine: number): number {
	let line = bodyLine;
	for (let index = 0; index < body.length && /\s/.test(body[index]!); index++) if (body[index] === '\n') line++;
	return line;
}
