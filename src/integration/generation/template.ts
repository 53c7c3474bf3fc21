import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { normalizeNewlines } from '../prds/frontmatter.ts';
import type { Problem } from '../problems.ts';
import { sha256 } from '../cache/hash.ts';
import { PLACEHOLDERS } from './prompt.ts';

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

/** Reads the configured prompt template (or the bundled one) and checks its placeholders. */
export async function loadTemplate(root: string, templateOption: string | undefined): Promise<TemplateResult> {
	const path = templateOption === undefined ? DEFAULT_TEMPLATE_PATH : isAbsolute(templateOption) ? templateOption : join(root, templateOption);
	const file = templateOption ?? '(built-in template)';
	let text: string;
	try {
		text = normalizeNewlines(await readFile(path, 'utf8'));
	} catch (error) {
		return {
			ok: false,
			problem: {
				file,
				field: 'template',
				message: `the prompt template cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
				hint: 'Point the `template` option at a readable file relative to the project root, or remove it to use the built-in prompt.',
			},
		};
	}
	const missing = Object.values(PLACEHOLDERS).filter((placeholder) => !text.includes(placeholder));
	if (missing.length > 0) {
		return {
			ok: false,
			problem: {
				file,
				field: 'template',
				message: `the prompt template lacks the placeholder${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')}.`,
				hint: `A template must contain ${Object.values(PLACEHOLDERS).map((m) => `\`${m}\``).join(', ')}: they are filled from each PRD.`,
			},
		};
	}
	return { ok: true, template: { file, text, hash: sha256(text), sections: getTemplateSections(text) } };
}

/** The `## ` headings of the `<technical_spec_template>` block, outside code fences. */
export function getTemplateSections(text: string): string[] {
	const match = /<technical_spec_template[^>]*>([\s\S]*?)<\/technical_spec_template>/.exec(text);
	if (!match) return [];
	return getHeadings(match[1]!, 2);
}

/** Text of the ATX headings of one level, skipping fenced code blocks. */
export function getHeadings(markdown: string, level: number): string[] {
	const headings: string[] = [];
	const prefix = `${'#'.repeat(level)} `;
	let fence: string | undefined;
	for (const line of markdown.split('\n')) {
		const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
		if (fenceMatch) {
			const marker = fenceMatch[1]!;
			if (fence === undefined) fence = marker;
			else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
			continue;
		}
		if (fence === undefined && line.startsWith(prefix)) {
			headings.push(line.slice(prefix.length).replace(/\s+#+\s*$/, '').trim());
		}
	}
	return headings;
}
