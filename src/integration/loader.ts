import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import { docsLoader } from '@astrojs/starlight/loaders';
import type { Loader, LoaderContext } from 'astro/loaders';

import { throwPluginError } from './error.ts';
import { LIMITS } from './limits.ts';
import { neutralizeRawTextBlocks } from './markdown/html-blocks.ts';
import { describeDeepNesting, findDeepNesting } from './markdown/nesting.ts';
import { formatProblem, formatProblems } from './problems.ts';
import { printable } from './text/plain-text.ts';
import { loadProject, type ProjectReport } from './project.ts';
import { buildEntries, type DocsEntry } from './rendering/entries.ts';
import { isGroupedLayout } from './rendering/sidebar.ts';
import { getBuildState, type BuildState } from './build-state.ts';

type DocsLoaderOptions = Parameters<typeof docsLoader>[0];

const META_IDS_KEY = 'prd-specs:entry-ids';
const watched = new WeakSet<object>();
const RELOAD_DELAY_MS = 150;
/** Quiet time after the last PRD edit before `generation.inDev` generates. */
const DEV_GENERATION_DELAY_MS = 3000;

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
			if (state) resetRenderReports(state);
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
			state.report ??= await loadProject(root, state.config);
			await syncEntries(context, state, buildEntries(state.report, getEntryOptions(context, state)), previous);
			logRenderWarnings(context, state);
			throwPageProblems(state);

			// Astro may run the loader again in one dev session: watch the sources once.
			if (context.watcher && !watched.has(context.watcher)) {
				watched.add(context.watcher);
				watchSources(context, root, state);
			}
		},
	};
}

function getEntryOptions(context: LoaderContext, state: BuildState) {
	return {
		base: context.config.base,
		editLinkBaseUrl: state.editLinkBaseUrl,
		overview: state.config.overview,
		openQuestions: state.config.openQuestions,
		pairedPagination: isGroupedLayout(state.config.sidebar, state.report?.prds.length ?? 0),
		specsDir: state.config.specsDir,
		policy: state.config,
		sitePolicies: state.sitePolicies ?? [],
	};
}

function resetRenderReports(state: BuildState): void {
	state.pageProblems.length = 0;
	state.renderWarnings.length = 0;
}

/** What rendering removed from untrusted pages or did not draw, once per message. */
function logRenderWarnings(context: LoaderContext, state: BuildState): void {
	for (const line of new Set(state.renderWarnings.map(formatProblem))) context.logger.warn(line);
}

type StoredEntry = NonNullable<ReturnType<LoaderContext['store']['get']>>;

function takePreviousEntries(context: LoaderContext): Map<string, StoredEntry> {
	const ids: string[] = JSON.parse(context.meta.get(META_IDS_KEY) ?? '[]');
	const previous = new Map<string, StoredEntry>();
	for (const id of ids) {
		const entry = context.store.get(id);
		if (entry) previous.set(id, entry);
	}
	return previous;
}

/** Stores the entries, rendering only those whose content changed; removes ours that are gone. */
async function syncEntries(
	context: LoaderContext,
	state: BuildState,
	entries: DocsEntry[],
	previous: Map<string, StoredEntry>,
): Promise<void> {
	const { store, config } = context;
	// Pages that link with `prd:` must be rendered again when the set of PRDs changes.
	const ids = state.report?.prds.map((status) => status.prd.id).join(' ') ?? '';
	const docsDir = new URL('content/docs/', config.srcDir);
	const rootPath = fileURLToPath(config.root);
	const entryIds = new Set<string>();
	for (const entry of entries) {
		entryIds.add(entry.id);
		assertNoHandWrittenPage(store.get(entry.id)?.filePath, rootPath, entry);
		// The digest is of our own input, so an unchanged page skips validation and rendering.
		const digest = context.generateDigest({ body: entry.body, data: JSON.stringify(entry.data), ids });
		const old = previous.get(entry.id) ?? store.get(entry.id);
		if (old?.digest === digest && old.rendered) {
			store.set(old);
			continue;
		}
		const data = await context.parseData({ id: entry.id, data: entry.data });
		// A path inside the docs collection makes Starlight's path-gated markdown plugins
		// (asides, heading anchors) and the sidebar treat the page like a hand-written one.
		const fileURL = new URL(`${entry.id}.md`, docsDir);
		const source = entry.sourceFile ?? `the generated page /${entry.id}/`;
		state.untrustedFiles.set(fileURLToPath(fileURL), { source, kind: entry.kind });
		// Parsers take time quadratic in how deeply a line nests quotes and lists: checked here,
		// before the page is rendered, rather than in every scan of the project.
		const deep = entry.sourceBody && findDeepNesting(entry.sourceBody.text, LIMITS.nestingDepth);
		if (deep) {
			const { message, hint } = describeDeepNesting(deep, LIMITS.nestingDepth, entry.sourceBody!.firstLine - 1);
			state.pageProblems.push({ file: source, field: 'body', message, hint });
			continue;
		}
		const problemsBefore = state.pageProblems.length;
		let rendered: Awaited<ReturnType<LoaderContext['renderMarkdown']>>;
		try {
			rendered = await context.renderMarkdown(neutralizeRawTextBlocks(entry.body), { fileURL });
		} catch (error) {
			// Untrusted text that a markdown plugin cannot handle: name the file, not a stack trace.
			state.pageProblems.push({
				file: source,
				message: `could not be rendered: ${(error as Error).message}`,
				hint: 'Simplify the markdown around what the message names; report it if the file is ordinary markdown.',
			});
			continue;
		}
		// A page with a link to an unknown PRD is not kept, so that the next sync reports it again.
		if (state.pageProblems.length > problemsBefore) continue;
		const filePath = relative(rootPath, fileURLToPath(fileURL)).split('\\').join('/');
		// No `body`: nothing reads it, and the data store is bundled into the server build.
		store.set({ id: entry.id, data, rendered, digest, filePath });
	}
	for (const [id, entry] of previous) {
		// Pages of PRDs that were removed; keep an entry that a real file has taken over since.
		if (!entryIds.has(id) && store.get(id)?.digest === entry.digest) store.delete(id);
	}
	context.meta.set(META_IDS_KEY, JSON.stringify([...entryIds]));
}

/** Fails the sync when a page links with `prd:`/`spec:` to an id that does not exist, or cannot be rendered. */
function throwPageProblems(state: BuildState): void {
	if (state.pageProblems.length === 0) return;
	const count = state.pageProblems.length;
	const links = state.pageProblems.every((problem) => problem.field?.startsWith('link '));
	throwPluginError(
		links
			? `${count} link${count > 1 ? 's' : ''} to unknown PRDs or specs:\n${formatProblems(state.pageProblems)}`
			: `${count} page${count > 1 ? 's' : ''} could not be published:\n${formatProblems(state.pageProblems)}`,
		links
			? 'Fix the ids in the links (`prd:<id>` or `spec:<id>`, where `<id>` is a PRD file name without `.md`).'
			: 'Fix each file as described above, then build again.',
	);
}

/** Fails when a real file in the docs collection already publishes the page we would add. */
function assertNoHandWrittenPage(filePath: string | undefined, rootPath: string, entry: DocsEntry): void {
	if (!filePath || !existsSync(join(rootPath, filePath))) return;
	throwPluginError(
		`\`${filePath}\` and ${entry.sourceFile ? `\`${entry.sourceFile}\`` : 'the integration'} both publish the page \`/${entry.id}/\`.`,
		entry.sourceFile
			? 'Rename or move the hand-written page: PRD and spec pages live under `prds/` and `specs/`.'
			: 'Rename the hand-written page, or give the generated page another path with the `overview.slug` or `openQuestions.slug` option of `prdSpecs()` (or turn it off with `overview: false` / `openQuestions: false`).',
	);
}

/** In `astro dev`: re-scan when a PRD, a spec or the template changes, and update the pages. */
function watchSources(context: LoaderContext, root: string, state: BuildState): void {
	const watcher = context.watcher!;
	const dirs = [state.config.prdsDir, state.config.specsDir].map((dir) => join(root, dir));
	const template = state.config.template ? join(root, state.config.template) : undefined;
	watcher.add(template ? [...dirs, template] : dirs);
	let reloadTimer: ReturnType<typeof setTimeout> | undefined;
	let generationTimer: ReturnType<typeof setTimeout> | undefined;
	let generating: Promise<void> | undefined;

	const refresh = async (reason: string) => {
		const report = await loadProject(root, state.config);
		if (report.problems.length > 0) context.logger.error(`PRD problems:\n${formatProblems(report.problems)}`);
		await publish(report, reason);
	};
	const publish = async (report: ProjectReport, reason: string) => {
		state.report = report;
		resetRenderReports(state);
		const previous = takePreviousEntries(context);
		await syncEntries(context, state, buildEntries(report, getEntryOptions(context, state)), previous);
		logRenderWarnings(context, state);
		if (state.pageProblems.length > 0) context.logger.error(`Pages that could not be published:\n${formatProblems(state.pageProblems)}`);
		context.logger.info(`Updated the PRD and spec pages (${printable(reason, 300)}).`);
	};
	// With `generation.inDev`, specs are generated once edits have stopped for a while, one run at a time.
	const generate = async () => {
		if (generating) {
			await generating;
			return scheduleGeneration();
		}
		generating = (async () => {
			// Imported here: the loader is bundled into the site's server build, which should not
			// carry the OpenAI client and the generation code.
			const { prepareSpecs } = await import('./pipeline.ts');
			const { report, outcomes } = await prepareSpecs({ root, config: state.config, logger: context.logger, mayGenerate: true });
			if (outcomes.length > 0) await publish(report, 'specs generated');
		})().finally(() => (generating = undefined));
		await generating;
	};
	const scheduleGeneration = () => {
		clearTimeout(generationTimer);
		generationTimer = setTimeout(
			() => void generate().catch((error: Error) => context.logger.error(`Generation failed: ${error.message}`)),
			DEV_GENERATION_DELAY_MS,
		);
	};

	const onChange = (path: string) => {
		if (!dirs.some((dir) => path.startsWith(dir)) && path !== template) return;
		clearTimeout(reloadTimer);
		reloadTimer = setTimeout(() => {
			refresh(`${relative(root, path)} changed`).catch((error: Error) =>
				context.logger.error(`Could not update the PRD pages: ${error.message}`),
			);
			if (state.config.generation.inDev && !path.startsWith(dirs[1]!)) scheduleGeneration();
		}, RELOAD_DELAY_MS);
	};
	for (const event of ['add', 'change', 'unlink'] as const) watcher.on(event, onChange);
}
