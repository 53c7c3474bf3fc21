import { fileURLToPath } from 'node:url';

import { docsLoader } from '@astrojs/starlight/loaders';
import type { Loader } from 'astro/loaders';

import { getBuildState } from './build-state.ts';
import { watchSources } from './dev/watch-sources.ts';
import { throwPluginError } from './error.ts';
import { clearMarkdownMemo } from './markdown/memo.ts';
import { formatProblems, type Problem } from './problems.ts';
import type { HandWrittenPage } from './rendering/agent-files.ts';
import { loadProject } from './project.ts';
import { takeRenderReports } from './render-reports.ts';
import { buildPageEntries, logRenderWarnings, prunePages, syncEntries, takePreviousEntries } from './sync-entries.ts';

type DocsLoaderOptions = Parameters<typeof docsLoader>[0];

/**
 * Starlight's docs loader plus the PRD and spec pages. Use it in `src/content.config.ts` in
 * place of `docsLoader()`, with the `prdSpecs()` plugin in Starlight's `plugins`.
 */
export function prdSpecsLoader(options?: DocsLoaderOptions): Loader {
	const docs = docsLoader(options);
	return {
		name: 'prd-specs-loader',
		load: async (context) => {
			const root = fileURLToPath(context.config.root);
			const state = getBuildState(root);
			// Reports of renders since the last sync (pages rendered on request in dev) are not this sync's.
			state?.renderReports.clear();
			// Our entries from the last sync: the glob loader deletes every entry it did not load
			// itself, so keep them to reuse their rendered HTML when nothing changed.
			const previous = takePreviousEntries(context);
			await docs.load(context);

			if (!state) {
				throwPluginError(
					'`prdSpecsLoader()` is used in `src/content.config.ts`, but the `prdSpecs()` plugin is not configured.',
					'Add `plugins: [prdSpecs()]` to the `starlight()` options in `astro.config.mjs`.',
				);
			}
			// Before ours are added, the store holds the hand-written pages: `llms.txt` lists them.
			state.handWrittenPages = listHandWrittenPages(context.store.values());
			// What our markdown plugin found in the pages the docs loader rendered: the hand-written ones.
			const handWritten = takeRenderReports(state.renderReports);
			state.report ??= await loadProject(root, state.config);
			const ours = await syncEntries(context, state, buildPageEntries(context, state, state.report), previous);
			await prunePages(context, state);
			// What the scan and the pages parsed is not needed any more (see `memoizeText`).
			clearMarkdownMemo();
			logRenderWarnings(context.logger, [...handWritten.warnings, ...ours.warnings]);
			throwPageProblems([...handWritten.problems, ...ours.problems]);

			watchSources(context, root, state);
		},
	};
}

/** The docs collection's entries as `llms.txt` lists them: drafts and the 404 page left out. */
function listHandWrittenPages(
	entries: Iterable<{ id: string; data: Record<string, unknown>; body?: string | undefined }>,
): HandWrittenPage[] {
	const pages: HandWrittenPage[] = [];
	for (const { id, data, body } of entries) {
		if (data.draft === true || id === '404' || typeof data.title !== 'string') continue;
		pages.push({
			id,
			title: data.title,
			...(typeof data.description === 'string' && { description: data.description }),
			body: body ?? '',
		});
	}
	return pages.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Fails the sync when a page links with `prd:`/`spec:` to an id that does not exist, or cannot be rendered. */
function throwPageProblems(problems: Problem[]): void {
	if (problems.length === 0) return;
	const count = problems.length;
	const links = problems.every((problem) => problem.field?.startsWith('link '));
	throwPluginError(
		links
			? `${count} link${count > 1 ? 's' : ''} to unknown PRDs or specs:\n${formatProblems(problems)}`
			: `${count} page${count > 1 ? 's' : ''} could not be published:\n${formatProblems(problems)}`,
		links
			? 'Fix the ids in the links (`prd:<id>` or `spec:<id>`, where `<id>` is a PRD file name without `.md`).'
			: 'Fix each file as described above, then build again.',
	);
}
