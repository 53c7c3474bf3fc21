import { createHash } from 'node:crypto';

import { fillTemplate, getPromptInputs } from '../generation/prompt.ts';
import type { Prd } from '../prds/scan.ts';

/** `sha256:<hex>` of a text. */
export function sha256(text: string): string {
	return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/**
 * The cache key of a PRD's spec: the hash of the filled prompt, i.e. of exactly what the
 * model would be sent (template text, app name, PRD body, constraints, all with `\n` line
 * endings). Fields that do not reach the prompt (`status`, `owner`, `tags`, ...) are not in it.
 */
export function computeInputHash(templateText: string, prd: Pick<Prd, 'body' | 'frontmatter'>): string {
	return sha256(fillTemplate(templateText, getPromptInputs(prd)));
}
