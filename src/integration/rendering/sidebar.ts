import type { PrdSpecsConfig } from '../config.ts';
import type { ProjectReport, SpecState } from '../project.ts';
import { LIMITS } from '../limits.ts';
import { toSafeTitle } from '../text/plain-text.ts';
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
/** `layout: 'auto'` pairs each PRD with its spec up to this many PRDs, and lists them apart above. */
export const GROUPED_UP_TO = 20;

/** Whether the sidebar pairs each PRD with its spec (`grouped`) for this many PRDs. */
export function isGroupedLayout(sidebar: PrdSpecsConfig['sidebar'], prdCount: number): boolean {
	if (sidebar === false) return false;
	return sidebar.layout === 'grouped' || (sidebar.layout === 'auto' && prdCount <= GROUPED_UP_TO);
}

/**
 * The sidebar group of PRDs. Grouped: one sub-group per PRD holding its requirements and its
 * spec, so a reader goes from one to the other in a click. Flat: a list of PRDs and a list of
 * specs (every page carries the sidebar, and hundreds of sub-groups weigh on each). Specs that
 * are not fresh carry a badge.
 */
export function buildSidebarGroup(
	report: ProjectReport,
	sidebar: Exclude<PrdSpecsConfig['sidebar'], false>,
	overview: PrdSpecsConfig['overview'],
	openQuestions: PrdSpecsConfig['openQuestions'] = false,
): SidebarNode {
	const items: SidebarNode[] = [];
	// Labels are made safe like page titles (see `toSafeTitle`), whatever Starlight does with them.
	const label = (text: string) => toSafeTitle(text, LIMITS.titleChars);
	if (overview !== false && overview.slug !== 'index') items.push({ label: label(overview.title), slug: overview.slug });
	if (openQuestions !== false) items.push({ label: label(openQuestions.title), slug: openQuestions.slug });
	const specLink = (status: ProjectReport['prds'][number], label: string): SidebarNode => ({
		label,
		slug: getSpecSlug(status.prd.id),
		...(status.state !== 'fresh' && { badge: BADGES[status.state] }),
	});
	if (isGroupedLayout(sidebar, report.prds.length)) {
		const collapsed = report.prds.length > COLLAPSE_ABOVE;
		for (const status of report.prds) {
			items.push({
				label: label(status.prd.frontmatter.title),
				collapsed,
				items: [{ label: 'Requirements', slug: getPrdSlug(status.prd.id) }, specLink(status, 'Technical spec')],
			});
		}
	} else if (report.prds.length > 0) {
		items.push(
			{
				label: 'Requirements',
				collapsed: true,
				items: report.prds.map((status) => ({ label: label(status.prd.frontmatter.title), slug: getPrdSlug(status.prd.id) })),
			},
			{
				label: 'Technical specs',
				collapsed: true,
				items: report.prds.map((status) => specLink(status, label(status.prd.frontmatter.title))),
			},
		);
	}
	return { label: sidebar.label, items };
}
