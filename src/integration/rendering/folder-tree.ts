import type { PrdFolder } from '../prds/folders.ts';
import type { PrdWithSpec, ProjectReport, SpecState } from '../project.ts';

/** One folder of the PRD folder with what it holds directly. The top folder has the path ''. */
export interface FolderNode {
	path: string;
	/** Its `PrdFolder` (title, description, `_index.md`); undefined for the top folder. */
	folder?: PrdFolder;
	/** PRDs directly in it, in the report's order. */
	prds: PrdWithSpec[];
	/** Paths of its sub-folders, sorted. */
	children: string[];
}

export interface FolderTree {
	/** Every folder by path, the top folder ('') included. */
	byPath: Map<string, FolderNode>;
	/** PRDs in reading order: a folder's own PRDs, then each sub-folder's, depth first. Sidebars and prev/next follow it. */
	order: PrdWithSpec[];
	/** Every PRD by id. */
	byId: Map<string, PrdWithSpec>;
	/** Each PRD's position among its folder's own PRDs, by id. */
	positionInFolder: Map<string, number>;
	/** The PRD statuses (`draft`...) and the spec states (`fresh`...) that some PRD has: each has an index page. */
	statuses: Set<string>;
	states: Set<SpecState>;
}

const trees = new WeakMap<ProjectReport, FolderTree>();

/**
 * The folders of a report as a tree, made once per report: every page of a build asks for it
 * (sidebar, prev/next), so nothing per page walks all PRDs. A folder a PRD names that the report
 * does not list (reports made by hand) gets a title from its name.
 */
export function getFolderTree(report: ProjectReport): FolderTree {
	const known = trees.get(report);
	if (known) return known;
	const byPath = new Map<string, FolderNode>([['', { path: '', prds: [], children: [] }]]);
	const ensure = (path: string, folder?: PrdFolder): FolderNode => {
		const existing = byPath.get(path);
		if (existing) {
			if (folder) existing.folder = folder;
			return existing;
		}
		const node: FolderNode = { path, folder: folder ?? { path, title: titleFromName(path) }, prds: [], children: [] };
		byPath.set(path, node);
		const parent = ensure(parentOf(path));
		parent.children.push(path);
		return node;
	};
	for (const folder of report.folders) ensure(folder.path, folder);
	for (const status of report.prds) ensure(status.prd.folder).prds.push(status);
	for (const node of byPath.values()) node.children.sort();
	const order: PrdWithSpec[] = [];
	const walk = (node: FolderNode) => {
		order.push(...node.prds);
		for (const child of node.children) walk(byPath.get(child)!);
	};
	walk(byPath.get('')!);
	const tree: FolderTree = {
		byPath,
		order,
		byId: new Map(report.prds.map((status) => [status.prd.id, status])),
		positionInFolder: new Map([...byPath.values()].flatMap((node) => node.prds.map((status, index) => [status.prd.id, index] as const))),
		statuses: new Set(report.prds.map((status) => status.prd.frontmatter.status)),
		states: new Set(report.prds.map((status) => status.state)),
	};
	trees.set(report, tree);
	return tree;
}

/** The folder holding a path: `payments` for `payments/eu`, '' for `payments`. */
export function parentOf(path: string): string {
	const slash = path.lastIndexOf('/');
	return slash === -1 ? '' : path.slice(0, slash);
}

/** The folders from the top down to `path`, `path` included and '' excluded: `payments`, `payments/eu`. */
export function foldersDownTo(path: string): string[] {
	if (path === '') return [];
	const segments = path.split('/');
	return segments.map((_, index) => segments.slice(0, index + 1).join('/'));
}

/** A folder's title made from its last segment (`card-payments` -> `Card payments`), as the scan does without `_index.md`. */
function titleFromName(path: string): string {
	const name = path.slice(path.lastIndexOf('/') + 1).replaceAll('-', ' ');
	return name.charAt(0).toUpperCase() + name.slice(1);
}
