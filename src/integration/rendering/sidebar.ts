import { DEFAULT_LIST_UP_TO, type PrdSpecsConfig } from '../config.ts';
import type { PrdWithSpec, ProjectReport, SpecState } from '../project.ts';
import { PRD_STATUSES } from '../prds/schema.ts';
import { LIMITS } from '../limits.ts';
import { toSafeTitle } from '../text/plain-text.ts';
import { getFolderTree, type FolderNode, type FolderTree } from './folder-tree.ts';
import { findCurrentPage, SPEC_STATES } from './current-page.ts';
import { getFolderSlug, getPrdSlug, getSpecSlug, getSpecStateSlug, getStatusSlug } from './urls.ts';

/** A sidebar item in the shape of Starlight's `sidebar` config (link by slug, or group). */
export interface SidebarNode {
	label: string;
	slug?: string;
	collapsed?: boolean;
	badge?: { text: string; variant: 'caution' | 'note' };
	items?: SidebarNode[];
}

const BADGES: Record<Exclude<SpecState, 'fresh'>, { text: string; variant: 'caution' | 'note' }> = {
	stale: { text: 'stale', variant: 'caution' },
	missing: { text: 'missing', variant: 'note' },
};

/** Groups more than this many PRDs start collapsed (the current page's group still opens). */
const COLLAPSE_ABOVE = 8;
/** `layout: 'auto'` pairs each PRD with its spec up to this many PRDs, and lists them apart above. */
export const GROUPED_UP_TO = 20;
/** The sidebar options this module reads (`listUpTo` defaults to `DEFAULT_LIST_UP_TO`). */
export type SidebarOptions = Pick<Exclude<PrdSpecsConfig['sidebar'], false>, 'label' | 'layout'> &
	Partial<Pick<Exclude<PrdSpecsConfig['sidebar'], false>, 'listUpTo' | 'position'>>;

/** Whether the sidebar pairs each PRD with its spec (`grouped`) for this many PRDs. */
export function isGroupedLayout(sidebar: PrdSpecsConfig['sidebar'] | SidebarOptions, prdCount: number): boolean {
	if (sidebar === false) return false;
	return sidebar.layout === 'grouped' || (sidebar.layout === 'auto' && prdCount <= GROUPED_UP_TO);
}

/** Whether the sidebar is too large to list every PRD for this many PRDs: then it is compact (see `buildCompactItems`). */
export function isCompactSidebar(sidebar: PrdSpecsConfig['sidebar'] | SidebarOptions, prdCount: number): boolean {
	if (sidebar === false) return false;
	return prdCount > (sidebar.listUpTo ?? DEFAULT_LIST_UP_TO);
}

// Labels are made safe like page titles (see `toSafeTitle`), whatever Starlight does with them.
const label = (text: string) => toSafeTitle(text, LIMITS.titleChars);

const specLink = (status: PrdWithSpec, text: string): SidebarNode => ({
	label: text,
	slug: getSpecSlug(status.prd.id),
	...(status.state !== 'fresh' && { badge: BADGES[status.state] }),
});

/** A PRD with its spec, as one group: the grouped layout, and the current PRD of a compact sidebar. */
const prdGroup = (status: PrdWithSpec, collapsed: boolean): SidebarNode => ({
	label: label(status.prd.frontmatter.title),
	collapsed,
	items: [{ label: 'Requirements', slug: getPrdSlug(status.prd.id) }, specLink(status, 'Technical spec')],
});

/**
 * The sidebar group of PRDs. Up to `listUpTo` PRDs it lists them all. Grouped: one sub-group per
 * PRD holding its requirements and its spec, so a reader goes from one to the other in a click.
 * Flat: a list of PRDs and a list of specs (every page carries the sidebar, and hundreds of
 * sub-groups weigh on each). PRDs in folders are in a sub-group per folder. Specs that are not
 * fresh carry a badge. Above `listUpTo` it is compact (see `buildCompactItems`), shaped for the
 * page `currentSlug` (the config's group, without one, shows no PRD).
 */
export function buildSidebarGroup(
	report: ProjectReport,
	sidebar: SidebarOptions,
	overview: PrdSpecsConfig['overview'],
	openQuestions: PrdSpecsConfig['openQuestions'] = false,
	currentSlug?: string,
): SidebarNode {
	const items: SidebarNode[] = [];
	if (overview !== false && overview.slug !== 'index') items.push({ label: label(overview.title), slug: overview.slug });
	if (openQuestions !== false) items.push({ label: label(openQuestions.title), slug: openQuestions.slug });
	const tree = getFolderTree(report);
	if (isCompactSidebar(sidebar, report.prds.length)) {
		items.push(...buildCompactItems(tree, currentSlug, overview !== false));
	} else if (isGroupedLayout(sidebar, report.prds.length)) {
		const collapsed = report.prds.length > COLLAPSE_ABOVE;
		items.push(...listFolder(tree, tree.byPath.get('')!, collapsed, (status) => prdGroup(status, collapsed), true));
	} else if (report.prds.length > 0) {
		const root = tree.byPath.get('')!;
		items.push(
			{
				label: 'Requirements',
				collapsed: true,
				items: listFolder(
					tree,
					root,
					true,
					(status) => ({ label: label(status.prd.frontmatter.title), slug: getPrdSlug(status.prd.id) }),
					true,
				),
			},
			{
				label: 'Technical specs',
				collapsed: true,
				items: listFolder(tree, root, true, (status) => specLink(status, label(status.prd.frontmatter.title)), false),
			},
		);
	}
	return { label: sidebar.label, items };
}

/** A folder's PRDs (each as `item` makes it), then a group per sub-folder, opening with a link to its index page when `indexLinks`. */
function listFolder(
	tree: FolderTree,
	node: FolderNode,
	collapsed: boolean,
	item: (status: PrdWithSpec) => SidebarNode,
	indexLinks: boolean,
): SidebarNode[] {
	return [
		...node.prds.map(item),
		...node.children.map((path): SidebarNode => {
			const child = tree.byPath.get(path)!;
			return {
				label: label(child.folder!.title),
				collapsed,
				items: [
					...(indexLinks ? [{ label: 'Index', slug: getFolderSlug(path) }] : []),
					...listFolder(tree, child, collapsed, item, indexLinks),
				],
			};
		}),
	];
}

/**
 * Sub-folders a compact sidebar lists under a folder (the top included) when the overview is
 * there to list them all: above it, only the one on the way to the current page. Each costs every
 * page about 200 bytes, and a site of 5,000 PRDs may sort them into a hundred folders.
 */
export const FOLDERS_LISTED = 12;

/**
 * The part of a compact sidebar below the overview and open questions: what every page shows
 * whatever the number of PRDs. The top-level folders, each a link to its index page (up to
 * `FOLDERS_LISTED`); the folders from the top down to the current page's, opened (its index page,
 * its sub-folders); the current PRD with its spec, in its folder. The pages of PRDs by status and
 * by spec state are linked from the overview; without one, from a group here. The config sidebar
 * (no current page) holds a few links only: Starlight copies it for every page.
 */
function buildCompactItems(tree: FolderTree, currentSlug: string | undefined, withOverview: boolean): SidebarNode[] {
	const current = currentSlug === undefined ? undefined : findCurrentPage(tree, currentSlug);
	const currentFolder = current?.folder ?? '';
	const prdItems = (path: string): SidebarNode[] => {
		if (!current?.prd || current.prd.prd.folder !== path) return [];
		return [prdGroup(current.prd, false)];
	};
	const folderItem = (path: string): SidebarNode => {
		const node = tree.byPath.get(path)!;
		const title = label(node.folder!.title);
		if (!isOnPath(path)) return { label: title, slug: getFolderSlug(path) };
		return {
			label: title,
			collapsed: false,
			items: [{ label: 'Index', slug: getFolderSlug(path) }, ...listed(node.children).map(folderItem), ...prdItems(path)],
		};
	};
	const isOnPath = (path: string) => currentFolder === path || currentFolder.startsWith(`${path}/`);
	// Index pages list every sub-folder; the overview lists the top-level ones.
	const listed = (children: string[]) => (withOverview && children.length > FOLDERS_LISTED ? children.filter(isOnPath) : children);
	const statuses = PRD_STATUSES.filter((status) => tree.statuses.has(status));
	const states = SPEC_STATES.filter((state) => tree.states.has(state));
	const items = [...listed(tree.byPath.get('')!.children).map(folderItem), ...prdItems('')];
	if (withOverview) return items;
	return [
		...items,
		{
			label: 'By status',
			collapsed: true,
			items: [
				...statuses.map((status) => ({ label: `PRDs: ${status}`, slug: getStatusSlug(status) })),
				...states.map((state) => ({ label: `Specs: ${state}`, slug: getSpecStateSlug(state) })),
			],
		},
	];
}
