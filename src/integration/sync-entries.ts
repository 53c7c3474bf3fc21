import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { LoaderContext } from 'astro/loaders';

import type { BuildState } from './build-state.ts';
import { resolveStrict } from './config.ts';
import { startDiagramChecks } from './diagram-checks.ts';
import { throwPluginError } from './error.ts';
import { neutralizeRawTextBlocks } from './markdown/html-blocks.ts';
import { findSlowMarkdown } from './markdown/slow-markdown.ts';
import { createPageHtmlStore, hasPageHtml, prunePageHtml, writePageHtml, type PageHtmlStore } from './page-html.ts';
import { formatProblem, type Problem } from './problems.ts';
import type { ProjectReport } from './project.ts';
import { openRenderReport, takeRenderReport, type RenderReport, type RenderReports } from './render-reports.ts';
import type { BrokenDiagram } from './rendering/diagram-check.ts';
import { buildEntries, type DocsEntry } from './rendering/entries.ts';
import { isSearchedApart } from './rendering/search-indexes.ts';
import { isGroupedLayout } from './rendering/sidebar.ts';

// What the loader's content sync and the dev watcher's refresh share: both turn the project into
// our docs entries and store them, so neither has to import the other.

const META_IDS_KEY = 'prd-specs:entry-ids';

/** The PRD and spec pages of a project, with the site's options. */
export function buildPageEntries(context: LoaderContext, state: BuildState, report: ProjectReport): DocsEntry[] {
	return buildEntries(report, {
		base: context.config.base,
		editLinkBaseUrl: state.editLinkBaseUrl,
		overview: state.config.overview,
		openQuestions: state.config.openQuestions,
		pairedPagination: isGroupedLayout(state.config.sidebar, report.prds.length),
		listUpTo: state.config.sidebar === false ? undefined : state.config.sidebar.listUpTo,
		searchApart: isSearchedApart(report, state.config.search.prdsPerIndex),
		specsDir: state.config.specsDir,
		markdownCopies: state.config.markdownCopies,
		policy: state.config,
		sitePolicies: state.sitePolicies ?? [],
	});
}

/** What rendering removed from untrusted pages or did not draw, once per message. */
export function logRenderWarnings(logger: LoaderContext['logger'], warnings: Problem[]): void {
	for (const line of new Set(warnings.map(formatProblem))) logger.warn(line);
}

export type StoredEntry = NonNullable<ReturnType<LoaderContext['store']['get']>>;

/** Our entries from the last sync, by id. */
export function takePreviousEntries(context: LoaderContext): Map<string, StoredEntry> {
	const ids = JSON.parse(context.meta.get(META_IDS_KEY) ?? '[]') as string[];
	const previous = new Map<string, StoredEntry>();
	for (const id of ids) {
		const entry = context.store.get(id);
		if (entry) previous.set(id, entry);
	}
	return previous;
}

/**
 * Stores the entries, rendering only those whose content changed; removes ours that are gone.
 * Returns what the pages rendered now reported: problems (links to unknown ids, nesting too deep,
 * a render that failed), whose pages are not stored, and warnings.
 */
export async function syncEntries(
	context: LoaderContext,
	state: BuildState,
	entries: DocsEntry[],
	previous: Map<string, StoredEntry>,
): Promise<RenderReport> {
	const { store, config } = context;
	const found: RenderReport = { problems: [], warnings: [] };
	const ids = digestPrdIds(state.report, (text) => context.generateDigest(text));
	const rootPath = fileURLToPath(config.root);
	const entryIds = new Set<string>();
	const strict = resolveStrict(state.config);
	// Diagrams are parsed in a worker while pages render: page N+1's while page N renders.
	const diagramChecks = startDiagramChecks(context.meta, (text) => context.generateDigest(text));
	const verdicts = entries.map((entry) => diagramChecks.check(entry.id, entry.sourceBody?.text ?? entry.body));
	// Pages that Starlight renders on request (`prerender: false`) keep their HTML in the store,
	// which is deployed with the server; Astro's cache directory is not.
	const pages = state.htmlInStore ? undefined : (state.pageHtml ??= createPageHtmlStore(config.cacheDir));
	// Stored together once every page is rendered: Astro writes its whole store to disk 500 ms after
	// the last change, and a write that starts mid-sync is written again when it ends.
	const ready: StoredEntry[] = [];
	const published = new Map<string, DocsEntry>();
	try {
		for (const [index, entry] of entries.entries()) {
			assertPublishedOnce(published.get(entry.id), entry);
			published.set(entry.id, entry);
			entryIds.add(entry.id);
			assertNoHandWrittenPage(store.get(entry.id)?.filePath, rootPath, entry);
			const broken = await verdicts[index]!;
			if (entry.sourceFile)
				found[strict ? 'problems' : 'warnings'].push(...broken.map((diagram) => describeBrokenDiagram(entry, diagram, strict)));
			const stored = await syncEntry(context, state, pages, entry, broken, ids, previous, found);
			if (stored) ready.push(stored);
		}
	} finally {
		await diagramChecks.finish();
	}
	for (const entry of ready) store.set(entry);
	if (pages) pages.ids = new Set(ready.map((entry) => entry.id));
	const failure = diagramChecks.failure();
	if (failure) {
		found.warnings.push({
			file: 'diagrams',
			message: `were not checked: ${failure}.`,
			hint: 'Pages are published with their diagrams unchecked. Check that the `mermaid` package is installed (`npm ci`).',
		});
	}
	for (const [id, entry] of previous) {
		// Pages of PRDs that were removed; keep an entry that a real file has taken over since.
		if (!entryIds.has(id) && store.get(id)?.digest === entry.digest) store.delete(id);
	}
	context.meta.set(META_IDS_KEY, JSON.stringify([...entryIds]));
	return found;
}

/**
 * Pages that link with `prd:` must be rendered again when the set of PRDs changes, so every page's
 * digest holds the PRD ids: as one digest of the list, taken once a sync (the list itself in each
 * page's digest cost time in the number of PRDs for every page, quadratic for the site).
 */
export function digestPrdIds(report: ProjectReport | undefined, digest: (text: string) => string): string {
	return digest(report?.prds.map((status) => status.prd.id).join(' ') ?? '');
}

/**
 * Removes the HTML files of pages no longer stored, after a whole sync (see `prunePageHtml`).
 */
export async function prunePages(context: LoaderContext, state: BuildState): Promise<void> {
	const pages = state.pageHtml;
	if (!pages) return;
	const digests = new Set<string>();
	for (const id of pages.ids) {
		const digest = context.store.get(id)?.digest;
		if (typeof digest === 'string') digests.add(digest);
	}
	await prunePageHtml(pages, digests);
}

/**
 * One page as it is to be stored, rendering it only when its content changed (its HTML goes to
 * `pages`, see `page-html.ts`); adds what its render reported to `found`. Undefined when the page
 * is not published.
 */
async function syncEntry(
	context: LoaderContext,
	state: BuildState,
	pages: PageHtmlStore | undefined,
	entry: DocsEntry,
	broken: BrokenDiagram[],
	ids: string,
	previous: Map<string, StoredEntry>,
	found: RenderReport,
): Promise<StoredEntry | undefined> {
	const { store, config } = context;
	const docsDir = new URL('content/docs/', config.srcDir);
	const rootPath = fileURLToPath(config.root);
	// The digest is of our own input, so an unchanged page skips validation and rendering.
	const digest = context.generateDigest({
		body: entry.body,
		data: JSON.stringify(entry.data),
		ids,
		diagrams: broken.map((diagram) => diagram.source),
	});
	const old = previous.get(entry.id) ?? store.get(entry.id);
	if (old?.digest === digest && old.rendered && (pages ? await hasPageHtml(pages, digest) : old.rendered.html !== '')) return old;
	const data = await context.parseData({ id: entry.id, data: entry.data });
	// A path inside the docs collection makes Starlight's path-gated markdown plugins
	// (asides, heading anchors) and the sidebar treat the page like a hand-written one.
	const fileURL = new URL(`${entry.id}.md`, docsDir);
	const source = entry.sourceFile ?? `the generated page /${entry.id}/`;
	state.untrustedFiles.set(fileURLToPath(fileURL), {
		source,
		kind: entry.kind,
		brokenDiagrams: new Map(broken.map((diagram) => [diagram.source, diagram])),
	});
	// Parsers take time quadratic in how deeply a line nests quotes and lists, and in the colons
	// of a paragraph: checked here, before the page is rendered, rather than in every scan.
	const slow = entry.sourceBody && findSlowMarkdown(entry.sourceBody.text, entry.sourceBody.firstLine - 1);
	if (slow) {
		found.problems.push({ file: source, field: 'body', ...slow });
		return undefined;
	}
	const render = await renderPage(context, state.renderReports, neutralizeRawTextBlocks(entry.body), fileURL);
	found.problems.push(...render.report.problems);
	found.warnings.push(...render.report.warnings);
	if (!render.ok) {
		// Untrusted text that a markdown plugin cannot handle: name the file, not a stack trace.
		found.problems.push({
			file: source,
			message: `could not be rendered: ${render.error.message}`,
			hint: 'Simplify the markdown around what the message names; report it if the file is ordinary markdown.',
		});
		return undefined;
	}
	// A page with a link to an unknown PRD is not kept, so that the next sync reports it again.
	if (render.report.problems.length > 0) return undefined;
	const filePath = relative(rootPath, fileURLToPath(fileURL)).split('\\').join('/');
	if (!pages) return { id: entry.id, data, rendered: render.rendered, digest, filePath };
	await writePageHtml(pages, digest, render.rendered.html);
	// No `body` (nothing reads it) and no HTML (in `pages`): the data store is written whole after
	// every sync and bundled into the server build. The headings stay, for the table of contents.
	const { metadata } = render.rendered;
	return { id: entry.id, data, rendered: metadata ? { html: '', metadata } : { html: '' }, digest, filePath };
}

/** A diagram of a PRD or spec file that mermaid cannot parse, by the file's line. */
function describeBrokenDiagram(entry: DocsEntry, diagram: BrokenDiagram, strict: boolean): Problem {
	const offset = (entry.sourceBody?.firstLine ?? 1) - 1;
	const line = offset + (diagram.errorLine ?? diagram.line);
	const opens = diagram.errorLine === undefined ? 'at this line' : `that opens at line ${offset + diagram.line}`;
	return {
		file: entry.sourceFile ?? `/${entry.id}/`,
		field: `line ${line}`,
		message: `the mermaid diagram ${opens} does not parse, so ${strict ? 'strict mode stops the build' : 'its page shows the source instead'}: ${diagram.message}.`,
		hint: strict
			? 'Fix the diagram (the Mermaid Live Editor, https://mermaid.live, shows where it fails), or make the block ```text if it is not meant to be drawn; or turn strict mode off (`strict: false`, `PRD_SPECS_STRICT=0`).'
			: 'Fix the diagram (the Mermaid Live Editor, https://mermaid.live, shows where it fails), or make the block ```text if it is not meant to be drawn.',
	};
}

type Rendered = Awaited<ReturnType<LoaderContext['renderMarkdown']>>;

/** Renders one of our pages under a report of its own, so that what the markdown plugin reports is this render's only. */
async function renderPage(
	context: LoaderContext,
	reports: RenderReports,
	body: string,
	fileURL: URL,
): Promise<{ ok: true; rendered: Rendered; report: RenderReport } | { ok: false; error: Error; report: RenderReport }> {
	const path = fileURLToPath(fileURL);
	openRenderReport(reports, path);
	try {
		const rendered = await context.renderMarkdown(body, { fileURL });
		return { ok: true, rendered, report: takeRenderReport(reports, path) };
	} catch (error) {
		return { ok: false, error: error as Error, report: takeRenderReport(reports, path) };
	}
}

/** Fails when two of our pages have one URL (an `overview.slug` that is a folder's path, say): one would silently replace the other. */
function assertPublishedOnce(earlier: DocsEntry | undefined, entry: DocsEntry): void {
	if (!earlier) return;
	throwPluginError(
		`\`/${entry.id}/\` would be published twice: as ${describePage(earlier)} and as ${describePage(entry)}.`,
		'Give the overview or the open-questions page a `slug` (`overview.slug`, `openQuestions.slug`) that no folder or PRD of `prds/` uses.',
	);
}

function describePage(entry: DocsEntry): string {
	switch (entry.kind) {
		case 'prd':
			return `the page of \`${entry.sourceFile ?? entry.id}\``;
		case 'spec':
			return entry.sourceFile ? `the page of \`${entry.sourceFile}\`` : 'a spec placeholder';
		case 'overview':
			return 'the overview (`overview.slug`)';
		case 'open-questions':
			return 'the open-questions page (`openQuestions.slug`)';
		case 'index':
			return 'the index page of a folder or status';
	}
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
