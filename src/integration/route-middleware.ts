/// <reference types="astro/client" />
import { defineRouteMiddleware, type StarlightRouteData } from '@astrojs/starlight/route-data';
import { render } from 'astro:content';

import { buildSidebarGroup, isCompactSidebar, type SidebarNode } from './rendering/sidebar.ts';
import { getFolderTree } from './rendering/folder-tree.ts';
import { findPrevNext, type PageLink } from './rendering/pagination.ts';
import { getPageHref } from './rendering/urls.ts';
import { getBuildStates, type BuildState } from './build-state.ts';
import { hasPageHtml, readPageHtml } from './page-html.ts';

type RouteEntry = StarlightRouteData['sidebar'][number];
type RouteLink = NonNullable<StarlightRouteData['pagination']['next']>;

/**
 * Gives our pages their content, and shapes our sidebar group and prev/next links per page.
 *
 * Our pages' HTML is kept in files, not in Astro's content store (see `page-html.ts`): Starlight
 * renders the stored entry, whose HTML is empty, and the content is rendered here from the file.
 *
 * Starlight builds the sidebar from the config once; our group there is what is true for the
 * whole build. Per page:
 * - in `astro dev`, PRDs come and go and specs turn stale while it runs, so the group is rebuilt
 *   from the current project: new PRDs appear, removed ones go, and badges follow the spec states;
 * - in a compact sidebar (more PRDs than `listUpTo`), the config holds no PRD at all (its size, on
 *   every page, would grow with them): the current page's folders and PRD are added here;
 * - with a compact sidebar or folders, Starlight's prev/next (the neighbours in the flattened
 *   sidebar) would not follow the PRDs: they are set to the PRD, its spec, the next PRD of its folder.
 */
export const onRequest = defineRouteMiddleware(async (context) => {
	const states = getBuildStates();
	// Typed here rather than through Starlight's `App.Locals` augmentation, which the library build does not load.
	const route = (context.locals as { starlightRoute: StarlightRouteData }).starlightRoute;
	await renderStoredPage(route, states);
	// One site per process is the normal case; with several, keep the sidebar as configured.
	const state = states.length === 1 ? states[0] : undefined;
	if (!state?.report || state.config.sidebar === false) return;
	const { report, config } = state;
	const sidebar = state.config.sidebar;
	const env = (import.meta as ImportMeta & { env: { BASE_URL: string; DEV?: boolean } }).env;
	const compact = isCompactSidebar(sidebar, report.prds.length);
	if (env.DEV === true || compact) {
		const label = sidebar.label;
		const index = route.sidebar.findIndex((entry) => entry.type === 'group' && entry.label === label);
		if (index !== -1) {
			const group = buildSidebarGroup(report, sidebar, config.overview, config.openQuestions, route.id);
			route.sidebar[index] = toRouteEntry(group, env.BASE_URL, route.id);
		}
	}
	if (compact || report.folders.length > 0) {
		const links = findPrevNext(getFolderTree(report), route.id, config.overview);
		if (links) {
			const { prev, next } = (route.entry as { data: { prev?: unknown; next?: unknown } }).data;
			// A page's own `prev`/`next: false` would still win, as in Starlight; ours set labels only.
			route.pagination = {
				prev: prev === false ? undefined : links.prev && toRouteLink(links.prev, env.BASE_URL),
				next: next === false ? undefined : links.next && toRouteLink(links.next, env.BASE_URL),
			};
		}
	}
});

/** Sets the content of one of our pages from the HTML the content sync kept for its digest. */
async function renderStoredPage(route: StarlightRouteData, states: BuildState[]): Promise<void> {
	const entry = route.entry;
	if (typeof entry.digest !== 'string') return;
	const owners = states.flatMap((state) => (state.pageHtml?.ids.has(entry.id) ? [state.pageHtml] : []));
	if (owners.length === 0) return;
	const digest = entry.digest;
	// Several sites in one process may each have a page of this id: the one with this digest's file.
	let pages = owners[0]!;
	if (owners.length > 1) {
		for (const owner of owners) {
			if (!(await hasPageHtml(owner, digest))) continue;
			pages = owner;
			break;
		}
	}
	const html = await readPageHtml(pages, entry.id, digest);
	const rendered = (await render({ ...entry, rendered: { ...entry.rendered, html } })) as {
		Content: NonNullable<StarlightRouteData['Content']>;
	};
	route.Content = rendered.Content;
}

function toRouteLink(link: PageLink, base: string): RouteLink {
	return { type: 'link', label: link.label, href: getPageHref(base, link.slug), isCurrent: false, badge: undefined, attrs: {} };
}

/** A sidebar config item (as `buildSidebarGroup` makes them) as Starlight's route data. */
function toRouteEntry(node: SidebarNode, base: string, currentId: string): RouteEntry {
	const badge = node.badge ? { ...node.badge } : undefined;
	if (node.slug !== undefined) {
		return { type: 'link', label: node.label, href: getPageHref(base, node.slug), isCurrent: node.slug === currentId, badge, attrs: {} };
	}
	const entries = (node.items ?? []).map((child) => toRouteEntry(child, base, currentId));
	const containsCurrent = entries.some(containsCurrentEntry);
	return { type: 'group', label: node.label, entries, collapsed: node.collapsed === true && !containsCurrent, badge };
}

function containsCurrentEntry(entry: RouteEntry): boolean {
	return entry.type === 'link' ? entry.isCurrent : entry.entries.some(containsCurrentEntry);
}
