import { defineRouteMiddleware, type StarlightRouteData } from '@astrojs/starlight/route-data';

import { buildSidebarGroup, type SidebarNode } from './rendering/sidebar.ts';
import { getPageHref } from './rendering/urls.ts';
import { getBuildStates } from './build-state.ts';

type RouteEntry = StarlightRouteData['sidebar'][number];

/**
 * Starlight's sidebar is built from the config when the server starts. In `astro dev` PRDs
 * come and go and specs turn stale while it runs, so on each page our group is rebuilt from the
 * current project: new PRDs appear, removed ones go, and badges follow the spec states.
 */
export const onRequest = defineRouteMiddleware((context) => {
	const states = getBuildStates();
	// One site per process is the normal case; with several, keep the sidebar as configured.
	const state = states.length === 1 ? states[0] : undefined;
	if (!state?.report || state.config.sidebar === false) return;
	// Typed here rather than through Starlight's `App.Locals` augmentation, which the library build does not load.
	const route = (context.locals as { starlightRoute: StarlightRouteData }).starlightRoute;
	const index = route.sidebar.findIndex(
		(entry) => entry.type === 'group' && entry.label === (state.config.sidebar as { label: string }).label,
	);
	if (index === -1) return;
	const group = buildSidebarGroup(state.report, state.config.sidebar, state.config.overview, state.config.openQuestions);
	route.sidebar[index] = toRouteEntry(group, (import.meta as ImportMeta & { env: { BASE_URL: string } }).env.BASE_URL, route.id);
});

/** A sidebar config item (as `buildSidebarGroup` makes them) as Starlight's route data. */
function toRouteEntry(node: SidebarNode, base: string, currentId: string): RouteEntry {
	const badge = node.badge ? { ...node.badge } : undefined;
	if (node.slug !== undefined) {
		return { type: 'link', label: node.label, href: getPageHref(base, node.slug), isCurrent: node.slug === currentId, badge, attrs: {} };
	}
	const entries = (node.items ?? []).map((child) => toRouteEntry(child, base, currentId));
	const containsCurrent = JSON.stringify(entries).includes('"isCurrent":true');
	return { type: 'group', label: node.label, entries, collapsed: node.collapsed === true && !containsCurrent, badge };
}
