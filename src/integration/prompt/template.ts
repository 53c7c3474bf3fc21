import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { resolveInsideProject } from '../files/project-paths.ts';
import { readTextFile } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import { normalizeNewlines } from '../prds/frontmatter.ts';
import type { Problem } from '../problems.ts';
import { getHeadings } from '../markdown/sections.ts';
import { sha256 } from './cache-key.ts';
import { PLACEHOLDERS } from './inputs.ts';

/** The bundled prompt template. */
export const DEFAULT_TEMPLATE_PATH = fileURLToPath(new URL('./templates/technical-spec.md', import.meta.url));

export interface PromptTemplate {
	/** Path relative to the project root, or `(built-in)` for the bundled template. */
	file: string;
	/** Template text with `\n` line endings. */
	text: string;
	/** `sha256:<hex>` of `text`: part of every spec's cache key. */
	hash: string;
	/** H2 headings of the spec template inside `<technical_spec_template>`: every spec must have them. */
	sections: string[];
}

export type TemplateResult = { ok: true; template: PromptTemplate } | { ok: false; problem: Problem };

/**
 * Reads the configured prompt template (or the bundled one) and checks its placeholders. A
 * configured template must resolve to a regular UTF-8 file inside the project, of at most
 * `LIMITS.templateFileBytes`.
 */
export async function loadTemplate(root: string, templateOption: string | undefined): Promise<TemplateResult> {
	const file = templateOption ?? '(built-in template)';
	const problem = (message: string, hint: string): TemplateResult => ({ ok: false, problem: { file, field: 'template', message, hint } });
	let text: string;
	if (templateOption === undefined) {
		text = normalizeNewlines(await readFile(DEFAULT_TEMPLATE_PATH, 'utf8'));
	} else {
		const resolved = await resolveInsideProject(root, templateOption);
		if (resolved.status === 'outside') {
			return problem(
				'the prompt template resolves to a file outside the project.',
				'Point the `template` option at a file of the project (not at a symbolic link to somewhere else), or remove it to use the built-in prompt.',
			);
		}
		if (resolved.status !== 'inside') {
			return problem(
				`the prompt template cannot be read (${resolved.status === 'missing' ? 'ENOENT' : resolved.code}).`,
				'Point the `template` option at a readable file relative to the project root, or remove it to use the built-in prompt.',
			);
		}
		const read = readTextFile(resolved.realPath, { maxBytes: LIMITS.templateFileBytes, kind: 'prompt template' });
		if (!read.ok) return problem(`the prompt template ${read.message}`, read.hint);
		text = normalizeNewlines(read.text);
	}
	const missing = Object.values(PLACEHOLDERS).filter((placeholder) => !text.includes(placeholder));
	if (missing.length > 0) {
		return {
			ok: false,
			problem: {
				file,
				field: 'template',
				message: `the prompt template lacks the placeholder${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')}.`,
				hint: `A template must contain ${Object.values(PLACEHOLDERS)
					.map((m) => `\`${m}\``)
					.join(', ')}: they are filled from each PRD.`,
			},
		};
	}
	return { ok: true, template: { file, text, hash: sha256(text), sections: getTemplateSections(text) } };
}

/** The `##` sections of the `<technical_spec_template>` block's content, as the parser reads them (see `outlineMarkdown`). */
export function getTemplateSections(text: string): string[] {
	// `indexOf`, not a lazy regular expression: one pass whatever the file holds.
	const open = text.indexOf('<technical_spec_template');
	const contentStart = open === -1 ? -1 : text.indexOf('>', open) + 1;
	const close = contentStart <= 0 ? -1 : text.indexOf('</technical_spec_template>', contentStart);
	if (close === -1) return [];
	return getHeadings(text.slice(contentStart, close), 2);
}
