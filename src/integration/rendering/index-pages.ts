import type { PrdSpecsConfig } from '../config.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import type { ProjectReport } from '../project.ts';
import { PRD_STATUSES } from '../prds/schema.ts';
import { SPEC_STATES } from './current-page.ts';
import type { DocsEntry } from './docs-entry.ts';
import { getFolderTree, type FolderNode, type FolderTree } from './folder-tree.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';
import { getEditUrl } from './page-data.ts';
import { capitalize, STATE_LABELS, type TableOptions } from './prd-table.ts';
import { buildTablePages } from './table-pages.ts';
import { getFolderSlug, getPageHref, getSpecStateSlug, getStatusSlug } from './urls.ts';

export interface IndexPageOptions {
	base: string;
	editLinkBaseUrl?: string | undefined;
	/** More PRDs than the sidebar lists: the table is compact and there are pages by status. */
	large: boolean;
}

/**
 * The pages that list PRDs: the overview, each folder's index page (when PRDs are in folders) and,
 * on large sites, the PRDs of each status and of each spec state. Each is cut into parts when long.
 */
export function buildIndexEntries(report: ProjectReport, options: IndexPageOptions, overview: PrdSpecsConfig['overview']): DocsEntry[] {
	const tree = getFolderTree(report);
	// The coverage column appears once a PRD has requirement ids: a site without any keeps its table.
	const table: TableOptions = {
		base: options.base,
		compact: options.large,
		traced: report.prds.some((status) => status.prd.requirements.length > 0),
	};
	const entries: DocsEntry[] = [];
	if (overview !== false) entries.push(...buildOverviewPages(report, tree, options, table, overview));
	for (const node of tree.byPath.values()) {
		if (node.path !== '') entries.push(...buildFolderPages(tree, node, options, table));
	}
	if (options.large) {
		for (const status of PRD_STATUSES) {
			const prds = report.prds.filter((s) => s.prd.frontmatter.status === status);
			if (prds.length === 0) continue;
			entries.push(
				...buildTablePages(
					{
						slug: getStatusSlug(status),
						kind: 'index',
						title: `${capitalize(status)} PRDs`,
						description: `Every PRD whose status is ${status}.`,
						intro: [`${countPrds(prds.length)} with the status *${status}*.`],
						empty: '',
						// Rows of the overview again: search finds them there.
						data: { pagefind: false },
					},
					prds,
					table,
				),
			);
		}
		for (const state of SPEC_STATES) {
			const prds = report.prds.filter((s) => s.state === state);
			if (prds.length === 0) continue;
			entries.push(
				...buildTablePages(
					{
						slug: getSpecStateSlug(state),
						kind: 'index',
						title: `PRDs with a ${state} spec`,
						description: `Every PRD whose technical specification is ${state}.`,
						intro: [`${countPrds(prds.length)} whose spec is *${STATE_LABELS[state].toLowerCase()}*.`],
						empty: '',
						// Rows of the overview again: search finds them there.
						data: { pagefind: false },
					},
					prds,
					table,
				),
			);
		}
	}
	return entries;
}

function buildOverviewPages(
	report: ProjectReport,
	tree: FolderTree,
	options: IndexPageOptions,
	table: TableOptions,
	overview: Exclude<PrdSpecsConfig['overview'], false>,
): DocsEntry[] {
	const counts = SPEC_STATES.map((state) => [state, report.prds.filter((s) => s.state === state).length] as const)
		.filter(([, count]) => count > 0)
		.map(([state, count]) => `${count} ${state}`);
	const folders = tree.byPath.get('')!.children.map((path) => folderLink(tree, path, options.base));
	const intro = [
		overview.description ? escapeMarkdown(overview.description) : '',
		`${countPrds(report.prds.length)}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}. A *stale* spec was written from an earlier version of its PRD; a *missing* one has not been generated yet.`,
		folders.length > 0 ? `**Folders:** ${folders.join(' · ')}` : '',
		options.large ? byStatusLinks(tree, options.base) : '',
	].filter(Boolean);
	return buildTablePages(
		{
			slug: overview.slug,
			kind: 'overview',
			title: overview.title,
			description: overview.description ?? 'Every product requirements document and the state of its technical specification.',
			intro,
			empty: 'There are no PRDs yet. Add one as `<id>.md` in the PRD folder.',
		},
		// Folders keep their PRDs together, in the order of the sidebar.
		tree.order,
		table,
	);
}

/** A folder's index page: its `_index.md` (title, description, body), its sub-folders, its own PRDs. */
function buildFolderPages(tree: FolderTree, node: FolderNode, options: IndexPageOptions, table: TableOptions): DocsEntry[] {
	const folder = node.folder!;
	const body = folder.body === undefined ? '' : splitLeadingH1(folder.body).rest;
	const subFolders = node.children.map((path) => `- ${folderLink(tree, path, options.base)}`);
	const below = countBelow(tree, node);
	const intro = [
		body,
		`${countPrds(below)} in this folder${node.children.length > 0 ? ' and its sub-folders' : ''}.`,
		subFolders.length > 0 ? `**Folders:**\n\n${subFolders.join('\n')}` : '',
	].filter(Boolean);
	return buildTablePages(
		{
			slug: getFolderSlug(node.path),
			kind: 'index',
			title: folder.title,
			description: folder.description ?? `The PRDs of the folder ${node.path}.`,
			intro,
			empty: node.children.length > 0 ? 'Its PRDs are in the folders above.' : '',
			...(folder.file !== undefined && {
				sourceFile: folder.file,
				...(folder.body !== undefined && { sourceBody: { text: folder.body, firstLine: folder.bodyLine ?? 1 } }),
			}),
			data: { editUrl: folder.file === undefined ? false : getEditUrl(options.editLinkBaseUrl, folder.file) },
		},
		node.prds,
		table,
	);
}

function folderLink(tree: FolderTree, path: string, base: string): string {
	const node = tree.byPath.get(path)!;
	return `${markdownLink(node.folder!.title, getPageHref(base, getFolderSlug(path)))} (${countBelow(tree, node)})`;
}

/** PRDs in a folder and all its sub-folders. */
function countBelow(tree: FolderTree, node: FolderNode): number {
	return node.children.reduce((sum, path) => sum + countBelow(tree, tree.byPath.get(path)!), node.prds.length);
}

function byStatusLinks(tree: FolderTree, base: string): string {
	const statuses = PRD_STATUSES.filter((status) => tree.statuses.has(status)).map((status) =>
		markdownLink(capitalize(status), getPageHref(base, getStatusSlug(status))),
	);
	const states = SPEC_STATES.filter((state) => tree.states.has(state)).map((state) =>
		markdownLink(STATE_LABELS[state], getPageHref(base, getSpecStateSlug(state))),
	);
	return `**By status:** ${statuses.join(' · ')}. **By spec:** ${states.join(' · ')}.`;
}

function countPrds(count: number): string {
	return `${count} PRD${count === 1 ? '' : 's'}`;
}
