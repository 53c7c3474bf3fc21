import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { computeInputHash } from '../../src/integration/prompt/cache-key.ts';
import { serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { parseFrontmatter } from '../../src/integration/prds/frontmatter.ts';
import { DEFAULT_REQUIREMENT_PREFIXES, findRequirements } from '../../src/integration/prds/requirements.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';
import { loadTemplate } from '../../src/integration/prompt/template.ts';

/** Writes files given as `{ 'relative/path': 'content' }` under `root`. */
export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
	for (const [path, content] of Object.entries(files)) {
		await mkdir(dirname(join(root, path)), { recursive: true });
		await writeFile(join(root, path), content);
	}
}

/** A PRD file's text from frontmatter lines and a body. */
export function prdSource(frontmatter: string, body = '## Goal\n\nShip it.\n'): string {
	return `---\n${frontmatter.trim()}\n---\n\n${body}`;
}

/**
 * Writes `<specsDir>/<id>.md` with metadata that marks it as made from the PRD as it is now
 * (with the built-in template), the way a hand-written spec is recorded.
 */
export async function writeFreshSpec(
	root: string,
	id: string,
	body: string,
	{ prdsDir = 'prds', specsDir = 'src/content/specs', ...overrides }: Partial<SpecMetadata> & { prdsDir?: string; specsDir?: string } = {},
): Promise<SpecMetadata> {
	const parsed = parseFrontmatter(await readFile(join(root, prdsDir, `${id}.md`), 'utf8'));
	if (!parsed.ok) throw new Error(`fixture PRD ${id} has bad frontmatter`);
	const template = await loadTemplate(root, undefined);
	if (!template.ok) throw new Error('built-in template missing');
	const prdBody = parsed.body.trim();
	// The requirement ids, as the scan finds them with the default prefixes: they are part of the key.
	const prd = {
		frontmatter: PrdFrontmatterSchema.parse(parsed.data),
		body: prdBody,
		requirements: findRequirements(prdBody, DEFAULT_REQUIREMENT_PREFIXES),
	};
	const metadata: SpecMetadata = {
		prd: id,
		inputHash: computeInputHash(template.template.hash, prd),
		templateHash: template.template.hash,
		source: 'manual',
		generatedAt: '2026-11-01T09:30:00Z',
		note: 'Test fixture.',
		...overrides,
	};
	await writeFiles(root, { [`${specsDir}/${id}.md`]: serializeSpecFile(metadata, body) });
	return metadata;
}
