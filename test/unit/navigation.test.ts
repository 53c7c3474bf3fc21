import { describe, expect, test } from 'vitest';

import type { PrdWithSpec } from '../../src/integration/project.ts';
import { findCurrentPage } from '../../src/integration/rendering/current-page.ts';
import { getFolderTree } from '../../src/integration/rendering/folder-tree.ts';
import { findPrevNext } from '../../src/integration/rendering/pagination.ts';
import { buildSidebarGroup, FOLDERS_LISTED, isCompactSidebar, type SidebarNode } from '../../src/integration/rendering/sidebar.ts';
import { prdStatus, projectReport } from '../helpers/project.ts';

const status = (id: string, title: string, state: PrdWithSpec['state'] = 'fresh', field = 'draft'): PrdWithSpec =>
	prdStatus(id, { title, state, status: field });
const report = projectReport;

const OVERVIEW = { slug: 'prds', title: 'All PRDs' };
const QUESTIONS = { slug: 'open-questions', title: 'Open questions', section: 'x' };
const nested = report(
	[
		status('alpha', 'Alpha'),
		status('payments/checkout', 'Checkout </script><b>"q"</b>', 'stale', 'approved'),
		status('payments/eu/sepa', 'SEPA'),
		status('payments/refunds', 'Refunds', 'missing'),
		status('zeta', 'Zeta'),
	],
	[
		{ path: 'payments', title: 'Payments <img src=x>' },
		{ path: 'payments/eu', title: 'Europe' },
	],
);

/** Every slug a sidebar group links to. */
function slugs(node: SidebarNode): string[] {
	return [...(node.slug ? [node.slug] : []), ...(node.items ?? []).flatMap(slugs)];
}

/** Count of sidebar nodes, groups included. */
function size(node: SidebarNode): number {
	return 1 + (node.items ?? []).reduce((sum, item) => sum + size(item), 0);
}

describe('the folder tree', () => {
	test('reads folder by folder: a folder’s own PRDs, then its sub-folders', () => {
		const tree = getFolderTree(nested);
		expect(tree.order.map((s) => s.prd.id)).toEqual(['alpha', 'zeta', 'payments/checkout', 'payments/refunds', 'payments/eu/sepa']);
		expect(tree.byPath.get('')!.children).toEqual(['payments']);
		expect(tree.byPath.get('payments')!.children).toEqual(['payments/eu']);
		expect(getFolderTree(nested)).toBe(tree);
	});

	test('a folder no report entry names gets a title from its name', () => {
		const tree = getFolderTree(report([status('card-payments/x', 'X')]));
		expect(tree.byPath.get('card-payments')!.folder).toEqual({ path: 'card-payments', title: 'Card payments' });
	});

	test('the current page of a slug: PRD, spec, folder index and its parts, nothing else', () => {
		const tree = getFolderTree(nested);
		expect(findCurrentPage(tree, 'prds/payments/checkout')).toMatchObject({ kind: 'prd', folder: 'payments' });
		expect(findCurrentPage(tree, 'specs/payments/eu/sepa')).toMatchObject({ kind: 'spec', folder: 'payments/eu' });
		expect(findCurrentPage(tree, 'prds/payments/eu')).toEqual({ kind: 'folder', folder: 'payments/eu' });
		expect(findCurrentPage(tree, 'prds/payments/_2')).toEqual({ kind: 'folder', folder: 'payments' });
		expect(findCurrentPage(tree, 'prds/alpha/_2')).toBeUndefined();
		expect(findCurrentPage(tree, 'prds/_by/status-draft')).toBeUndefined();
		expect(findCurrentPage(tree, 'guides/writing')).toBeUndefined();
	});
});

describe('a listed sidebar with folders', () => {
	test('grouped: top-level PRDs, then a group per folder opening with its index page', () => {
		const group = buildSidebarGroup(nested, { label: 'Specs', layout: 'grouped' }, OVERVIEW, QUESTIONS);
		expect(group.items!.map((item) => item.label)).toEqual(['All PRDs', 'Open questions', 'Alpha', 'Zeta', 'Payments ‹img src=x›']);
		const payments = group.items![4]!;
		expect(payments.items!.map((item) => item.label)).toEqual(['Index', 'Checkout ‹/script›‹b›"q"‹/b›', 'Refunds', 'Europe']);
		expect(payments.items![0]).toEqual({ label: 'Index', slug: 'prds/payments' });
		expect(payments.items![3]!.items!.map((item) => item.slug ?? item.label)).toEqual(['prds/payments/eu', 'SEPA']);
	});

	test('flat: the PRDs and the specs each by folder', () => {
		const group = buildSidebarGroup(nested, { label: 'Specs', layout: 'flat' }, false, false);
		const [requirements, specs] = group.items!;
		expect(requirements!.items!.map((item) => item.slug ?? item.label)).toEqual(['prds/alpha', 'prds/zeta', 'Payments ‹img src=x›']);
		expect(slugs(specs!)).toEqual([
			'specs/alpha',
			'specs/zeta',
			'specs/payments/checkout',
			'specs/payments/refunds',
			'specs/payments/eu/sepa',
		]);
	});
});

describe('a compact sidebar', () => {
	const options = { label: 'Specs', layout: 'auto' as const, listUpTo: 2 };

	test('is used above listUpTo PRDs (50 by default)', () => {
		expect(isCompactSidebar(options, 2)).toBe(false);
		expect(isCompactSidebar(options, 3)).toBe(true);
		expect(isCompactSidebar({ label: 'S', layout: 'auto' }, 50)).toBe(false);
		expect(isCompactSidebar({ label: 'S', layout: 'auto' }, 51)).toBe(true);
		expect(isCompactSidebar(false, 5000)).toBe(false);
	});

	test('the config group: overview, open questions, top-level folders as links; no PRD', () => {
		const group = buildSidebarGroup(nested, options, OVERVIEW, QUESTIONS);
		expect(group).toEqual({
			label: 'Specs',
			items: [
				{ label: 'All PRDs', slug: 'prds' },
				{ label: 'Open questions', slug: 'open-questions' },
				{ label: 'Payments ‹img src=x›', slug: 'prds/payments' },
			],
		});
	});

	test('without an overview to link them, the pages by status are a group of the sidebar', () => {
		const group = buildSidebarGroup(nested, options, false, QUESTIONS);
		expect(group.items!.at(-1)).toEqual({
			label: 'By status',
			collapsed: true,
			items: [
				{ label: 'PRDs: draft', slug: 'prds/_by/status-draft' },
				{ label: 'PRDs: approved', slug: 'prds/_by/status-approved' },
				{ label: 'Specs: fresh', slug: 'prds/_by/spec-fresh' },
				{ label: 'Specs: stale', slug: 'prds/_by/spec-stale' },
				{ label: 'Specs: missing', slug: 'prds/_by/spec-missing' },
			],
		});
	});

	test(`above ${FOLDERS_LISTED} folders, only the current page's is listed (the overview lists them all)`, () => {
		const areas = FOLDERS_LISTED + 1;
		const wide = report(
			Array.from({ length: areas * 2 }, (_, index) => status(`area-${index % areas}/prd-${index}`, `PRD ${index}`)),
			Array.from({ length: areas }, (_, area) => ({ path: `area-${area}`, title: `Area ${area}` })),
		);
		expect(buildSidebarGroup(wide, options, OVERVIEW, QUESTIONS).items!.map((item) => item.label)).toEqual(['All PRDs', 'Open questions']);
		const onPage = buildSidebarGroup(wide, options, OVERVIEW, QUESTIONS, 'prds/area-3/prd-3');
		expect(onPage.items!.map((item) => item.label)).toEqual(['All PRDs', 'Open questions', 'Area 3']);
		expect(slugs(onPage)).toContain('specs/area-3/prd-3');
		// Up to the limit, every top-level folder is listed; without an overview, always.
		const narrow = report(
			Array.from({ length: FOLDERS_LISTED }, (_, index) => status(`area-${index}/prd-${index}`, `PRD ${index}`)),
			Array.from({ length: FOLDERS_LISTED }, (_, area) => ({ path: `area-${area}`, title: `Area ${area}` })),
		);
		expect(buildSidebarGroup(narrow, options, OVERVIEW, QUESTIONS).items).toHaveLength(2 + FOLDERS_LISTED);
		expect(buildSidebarGroup(wide, options, false, QUESTIONS).items).toHaveLength(1 + areas + 1);
	});

	test('on a PRD page: its folders opened down to it, then the PRD with its spec', () => {
		const group = buildSidebarGroup(nested, options, OVERVIEW, QUESTIONS, 'prds/payments/eu/sepa');
		expect(group.items!.map((item) => item.label)).toEqual(['All PRDs', 'Open questions', 'Payments ‹img src=x›']);
		const payments = group.items![2]!;
		expect(payments).toMatchObject({ label: 'Payments ‹img src=x›', collapsed: false });
		expect(payments.items).toHaveLength(2);
		expect(payments.items![0]).toEqual({ label: 'Index', slug: 'prds/payments' });
		const europe = payments.items![1]!;
		expect(europe).toEqual({
			label: 'Europe',
			collapsed: false,
			items: [
				{ label: 'Index', slug: 'prds/payments/eu' },
				{
					label: 'SEPA',
					collapsed: false,
					items: [
						{ label: 'Requirements', slug: 'prds/payments/eu/sepa' },
						{ label: 'Technical spec', slug: 'specs/payments/eu/sepa' },
					],
				},
			],
		});
		// The other PRDs of the folders are not listed.
		expect(slugs(group)).not.toContain('prds/payments/checkout');
	});

	test('on a top-level spec page: the PRD after the folders; a stale spec keeps its badge', () => {
		const group = buildSidebarGroup(nested, options, OVERVIEW, QUESTIONS, 'specs/alpha');
		expect(group.items![3]).toEqual({
			label: 'Alpha',
			collapsed: false,
			items: [
				{ label: 'Requirements', slug: 'prds/alpha' },
				{ label: 'Technical spec', slug: 'specs/alpha' },
			],
		});
		const checkout = buildSidebarGroup(nested, options, OVERVIEW, QUESTIONS, 'prds/payments/checkout');
		expect(checkout.items![2]!.items!.at(-1)!.items![1]).toEqual({
			label: 'Technical spec',
			slug: 'specs/payments/checkout',
			badge: { text: 'stale', variant: 'caution' },
		});
	});

	test('its size does not grow with the number of PRDs', () => {
		const many = (count: number) =>
			report(
				Array.from({ length: count }, (_, index) => status(`area-${index % 4}/prd-${index}`, `PRD ${index}`)),
				[0, 1, 2, 3].map((area) => ({ path: `area-${area}`, title: `Area ${area}` })),
			);
		const small = many(100);
		const large = many(5000);
		expect(size(buildSidebarGroup(large, options, OVERVIEW, QUESTIONS))).toBe(size(buildSidebarGroup(small, options, OVERVIEW, QUESTIONS)));
		expect(size(buildSidebarGroup(large, options, OVERVIEW, QUESTIONS, 'prds/area-1/prd-4001'))).toBe(
			size(buildSidebarGroup(small, options, OVERVIEW, QUESTIONS, 'prds/area-1/prd-1')),
		);
		expect(JSON.stringify(buildSidebarGroup(large, options, OVERVIEW, QUESTIONS)).length).toBeLessThan(1000);
	});
});

describe('prev/next of PRD and spec pages', () => {
	const tree = getFolderTree(nested);

	test('PRD, its spec, the next PRD of the same folder, labelled with the PRD', () => {
		expect(findPrevNext(tree, 'prds/payments/checkout', OVERVIEW)).toEqual({
			prev: { label: 'Payments ‹img src=x›', slug: 'prds/payments' },
			next: { label: 'Spec: Checkout ‹/script›‹b›"q"‹/b›', slug: 'specs/payments/checkout' },
		});
		expect(findPrevNext(tree, 'specs/payments/checkout', OVERVIEW)).toEqual({
			prev: { label: 'PRD: Checkout ‹/script›‹b›"q"‹/b›', slug: 'prds/payments/checkout' },
			next: { label: 'PRD: Refunds', slug: 'prds/payments/refunds' },
		});
		expect(findPrevNext(tree, 'prds/payments/refunds', OVERVIEW)).toEqual({
			prev: { label: 'Spec: Checkout ‹/script›‹b›"q"‹/b›', slug: 'specs/payments/checkout' },
			next: { label: 'Spec: Refunds', slug: 'specs/payments/refunds' },
		});
	});

	test('the last spec of a folder has no next page; the first top-level PRD goes back to the overview', () => {
		expect(findPrevNext(tree, 'specs/payments/refunds', OVERVIEW)?.next).toBeUndefined();
		expect(findPrevNext(tree, 'specs/zeta', OVERVIEW)?.next).toBeUndefined();
		expect(findPrevNext(tree, 'prds/alpha', OVERVIEW)?.prev).toEqual({ label: 'All PRDs', slug: 'prds' });
		expect(findPrevNext(tree, 'prds/alpha', false)?.prev).toBeUndefined();
		expect(findPrevNext(tree, 'prds/zeta', OVERVIEW)?.prev).toEqual({ label: 'Spec: Alpha', slug: 'specs/alpha' });
	});

	test('other pages keep Starlight’s links', () => {
		expect(findPrevNext(tree, 'prds/payments', OVERVIEW)).toBeUndefined();
		expect(findPrevNext(tree, 'guides/writing', OVERVIEW)).toBeUndefined();
	});
});
