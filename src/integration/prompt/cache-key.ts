import { createHash } from 'node:crypto';

import { getPromptInputs, type PromptSource } from './inputs.ts';

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
 * reach the prompt (`status`, `owner`, `tags`, ...) are not in it. A PRD with requirement ids
 * adds a sixth value, the instruction to cite them; one without keeps the five-value key it had
 * before ids existed, so that its committed spec stays fresh.
 */
export function computeInputHash(templateHash: string, prd: PromptSource): string {
	const { appName, prd: body, constraints, requirements } = getPromptInputs(prd);
	const values = [KEY_VERSION, templateHash, appName, body, constraints];
	if (requirements !== undefined) values.push(requirements);
	return sha256(JSON.stringify(values));
}
