import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';

import { throwPluginError } from './error.ts';
import type { SearchIndexPart } from './rendering/search-indexes.ts';

/**
 * The search indexes of a large site's PRD and spec pages (see `planSearchIndexes`), written after
 * Starlight's own, each by a Pagefind process of its own that ends before the next starts: the
 * memory of one index is given back before the next is built. The search box merges them with
 * Starlight's (`pagefind.mergeIndex`, set by the plugin).
 */
export function createSearchIndexIntegration(parts: SearchIndexPart[], prdsPerIndex: number): AstroIntegration {
	return {
		name: 'astro-prd-specs/search',
		hooks: {
			'astro:build:done': async ({ dir, logger }) => {
				if (parts.length === 0) return;
				const distDir = fileURLToPath(dir);
				const started = performance.now();
				let pages = 0;
				try {
					for (const part of parts) pages += await writeSearchIndex(distDir, part);
				} finally {
					await pagefind.close();
				}
				const seconds = ((performance.now() - started) / 1000).toFixed(1);
				logger.info(
					`${pages} PRD and spec pages indexed for search in ${parts.length} indexes of up to ${prdsPerIndex} PRDs (\`search.prdsPerIndex\`), in ${seconds} s.`,
				);
			},
		},
	};
}

/** Indexes one part's pages as Starlight's index takes a page: its `<main>`, without what is marked `data-pagefind-ignore`. */
async function writeSearchIndex(distDir: string, part: SearchIndexPart): Promise<number> {
	const created = await pagefind.createIndex({ rootSelector: 'main' });
	assertNoErrors(created.errors, part);
	const index = created.index!;
	for (const slug of part.slugs) {
		const sourcePath = `${slug}/index.html`;
		const added = await index.addHTMLFile({ sourcePath, content: await readFile(join(distDir, sourcePath), 'utf8') });
		assertNoErrors(added.errors, part);
	}
	assertNoErrors((await index.writeFiles({ outputPath: join(distDir, part.path) })).errors, part);
	// A new process for the next index: Pagefind's memory grows with the pages it holds.
	await pagefind.close();
	return part.slugs.length;
}

function assertNoErrors(errors: string[], part: SearchIndexPart): void {
	if (errors.length === 0) return;
	throwPluginError(
		`Pagefind could not build the search index \`${part.path}\`: ${errors.join('; ')}`,
		'Check that the `pagefind` package is installed (`npm ci`); a smaller `search.prdsPerIndex` makes each index need less memory.',
	);
}
