import { createHash } from 'node:crypto';

import { getPromptInputs } from './inputs.ts';
import type { Prd } from '../prds/scan.ts';

/** `sha256:<hex>` of a text. */
export function sha256(text: string): string {
	return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}

/** Version of the cache key's definition: bump it when the key changes meaning. */
const KEY_VERSION = 'prd-specs/1';

/**
 * The cache key of a PRD's spec: a hash of exactly what fills the prompt, namely the template
 * (by its own hash) and the three placeholder values (app name, PRD body, constraints), all with
 * `\n` line endings. Filling the template is deterministic, so this identifies the prompt the
 * model is sent, without hashing the whole template again for every PRD. Fields that do not
 * reach the prompt (`status`, `owner`, `tags`, ...) are not in it.
 */
export function computeInputHash(templateHash: string, prd: Pick<Prd, 'body' | 'frontmatter'>): string {
	const { appName, prd: body, constraints } = getPromptInputs(prd);
	return sha256(JSON.stringify([KEY_VERSION, templateHash, appName, body, constraints]));
}
