import type { PrdSpecsConfig } from '../config.ts';
import type { ProjectReport, SpecState } from '../project.ts';
import { getPrdSlug, getSpecSlug } from './urls.ts';

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

/**
 * The sidebar group of PRDs: one sub-group per PRD holding its requirements and its spec, so a
 * reader goes from one to the other in a click. Specs that are not fresh carry a badge.
 */
export function buildSidebarGroup(
	report: ProjectReport,
	sidebar: Exclude<PrdSpecsConfig['sidebar'], false>,
	overview: PrdSpecsConfig['overview'],
	openQuestions: PrdSpecsConfig['openQuestions'] = false,
): SidebarNode {
	const items: SidebarNode[] = [];
	if (overview !== false && overview.slug !== 'index') items.push({ label: overview.title, slug: overview.slug });
	if (openQuestions !== false) items.push({ label: openQuestions.title, slug: openQuestions.slug });
	const collapsed = report.prds.length > COLLAPSE_ABOVE;
	for (const { prd, state } of report.prds) {
		items.push({
			label: prd.frontmatter.title,
			collapsed,
			items: [
				{ label: 'Requirements', slug: getPrdSlug(prd.id) },
				{
					label: 'Technical spec',
					slug: getSpecSlug(prd.id),
					...(state !== 'fresh' && { badge: BADGES[state] }),
				},
			],
		});
	}
	return { label: sidebar.label, items };
}
