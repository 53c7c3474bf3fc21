import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { prdSource, writeFiles } from '../helpers/files.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

/** The `<nav aria-label="Main">` of a page: Starlight's sidebar. */
function getSidebar(html: string): string {
	return /<nav[^>]*aria-label="Main"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
}

/** The previous and next links of a page: [href, label] each. */
function getPagination(html: string): { prev?: [string, string]; next?: [string, string] } {
	const links = /<div class="pagination-links[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';
	const find = (rel: string) => {
		const match = new RegExp(`<a href="([^"]*)" rel="${rel}"[\\s\\S]*?<span class="link-title[^"]*">([^<]*)</span>`).exec(links);
		return match ? ([match[1]!, decode(match[2]!)] as [string, string]) : undefined;
	};
	const prev = find('prev');
	const next = find('next');
	return { ...(prev && { prev }), ...(next && { next }) };
}

/** Text of an HTML text node, its character references read. */
function decode(text: string): string {
	return text.replace(
		/&(quot|#39|#x27|lt|gt|amp);/g,
		(_, name: string) => ({ quot: '"', '#39': "'", '#x27': "'", lt: '<', gt: '>', amp: '&' })[name]!,
	);
}

/** Size of every HTML page of the built site, by URL path. */
async function pageSizes(dir: string): Promise<Map<string, number>> {
	const files = (await readdir(join(dir, 'dist'), { recursive: true })).filter((file) => file.endsWith('.html'));
	return new Map(
		await Promise.all(
			files.map(async (file) => [`/${file.replace(/index\.html$/, '')}`, (await stat(join(dir, 'dist', file))).size] as const),
		),
	);
}

const SIZE_LIMIT = 200_000;
const CHROME_LIMIT = 40_000;

describe('a compact sidebar (more PRDs than sidebar.listUpTo)', () => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await fixtureSite();
		result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ sidebar: { listUpTo: 1 } }) });
	});

	test('builds, and every internal link resolves', () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('Every internal link resolves.');
	});

	test('a PRD page shows the overview, open questions and only its own PRD and spec', async () => {
		const sidebar = getSidebar(await readPage(dir, 'prds/billing'));
		expect(sidebar).toContain('href="/prds/"');
		expect(sidebar).toContain('href="/open-questions/"');
		// The pages by status are linked from the overview, not from every page.
		expect(sidebar).not.toContain('/prds/_by/');
		expect(sidebar).toMatch(/href="\/prds\/billing\/" aria-current="page"/);
		expect(sidebar).toContain('href="/specs/billing/"');
		expect(sidebar).not.toContain('/prds/notifications/');
		expect(getSidebar(await readPage(dir, 'specs/notifications'))).toContain('href="/prds/notifications/"');
		// Hand-written pages get the same group, without a PRD.
		const guide = getSidebar(await readPage(dir, 'guides/writing'));
		expect(guide).toContain('href="/prds/"');
		expect(guide).not.toMatch(/href="\/(prds|specs)\/(billing|notifications)\/"/);
	});

	test('prev/next go PRD, its spec, the next PRD', async () => {
		expect(getPagination(await readPage(dir, 'prds/billing'))).toEqual({
			prev: ['/prds/', 'Product requirements'],
			next: ['/specs/billing/', 'Spec: Usage-based billing'],
		});
		expect(getPagination(await readPage(dir, 'specs/billing'))).toEqual({
			prev: ['/prds/billing/', 'PRD: Usage-based billing'],
			next: ['/prds/notifications/', 'PRD: Notification preferences'],
		});
		expect(getPagination(await readPage(dir, 'specs/notifications')).next).toBeUndefined();
	});

	test('pages by status and spec state list their PRDs in the compact table, with the script', async () => {
		const approved = await readPage(dir, 'prds/_by/status-approved');
		expect(getMain(approved)).toContain('<a href="/prds/billing/">Usage-based billing</a>');
		expect(getMain(approved)).not.toContain('/prds/notifications/');
		expect(getMain(approved)).not.toContain('<th>Tags</th>');
		expect(approved).toContain('<script src="/_prd-specs/prd-table.js" defer');
		expect(getMain(await readPage(dir, 'prds/_by/spec-fresh'))).toContain('/prds/billing/');
		const overview = getMain(await readPage(dir, 'prds'));
		expect(overview).toContain('<a href="/prds/_by/status-draft/">Draft</a>');
	});

	test('the table script is a file of the site', async () => {
		const script = await readFile(join(dir, 'dist/_prd-specs/prd-table.js'), 'utf8');
		expect(script).toContain('function enhancePrdTables');
		expect(script).not.toContain('innerHTML');
	});

	test('every page is under 200 KB, and a PRD page’s chrome under 40 KB', async () => {
		for (const [path, size] of await pageSizes(dir)) expect(size, path).toBeLessThan(SIZE_LIMIT);
		const html = await readPage(dir, 'prds/billing');
		expect(html.length - getMain(html).length).toBeLessThan(CHROME_LIMIT);
	});
});

const NESTED = {
	'prds/payments/_index.md': prdSource('title: Payments </script>"x"\ndescription: Money in and out', 'How we take **money**.\n'),
	'prds/payments/checkout.md': prdSource(
		'title: Checkout </script><b>"q"</b>\nstatus: review\nowner: Payments team\nrelated: [payments/eu/sepa, billing]',
		'## Goal\n\nSee [SEPA](prd:payments/eu/sepa) and [its spec](spec:payments/eu/sepa).\n',
	),
	'prds/payments/refunds.md': prdSource('title: Refunds\nstatus: draft'),
	'prds/payments/eu/sepa.md': prdSource('title: SEPA debits\nstatus: draft'),
};

/** The fixture site with PRDs in `payments/` and `payments/eu/`. */
async function nestedSite(): Promise<string> {
	const dir = await fixtureSite();
	await writeFiles(dir, NESTED);
	return dir;
}

describe.each([
	['listed', 50],
	['compact', 1],
] as const)('PRDs in nested folders, %s sidebar', (mode, listUpTo) => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await nestedSite();
		result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ sidebar: { listUpTo } }) });
	});

	test('builds; PRD and spec pages at /prds/<folder>/<name>/ and /specs/<folder>/<name>/; every link resolves', async () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('Every internal link resolves.');
		for (const path of [
			'prds/payments/checkout',
			'specs/payments/checkout',
			'prds/payments/eu/sepa',
			'specs/payments/eu/sepa',
			'prds/payments',
			'prds/payments/eu',
		]) {
			expect(existsSync(join(dir, 'dist', path, 'index.html')), path).toBe(true);
		}
		for (const [path, size] of await pageSizes(dir)) expect(size, path).toBeLessThan(SIZE_LIMIT);
	});

	test('links and related PRDs take folder ids; hostile titles are escaped', async () => {
		const html = await readPage(dir, 'prds/payments/checkout');
		const main = getMain(html);
		expect(main).toContain('<a href="/prds/payments/eu/sepa/">SEPA</a>');
		expect(main).toContain('<a href="/specs/payments/eu/sepa/">its spec</a>');
		expect(main).toContain(
			'<strong>Related:</strong> <a href="/prds/payments/eu/sepa/">SEPA debits</a>, <a href="/prds/billing/">Usage-based billing</a>',
		);
		expect(getMain(await readPage(dir, 'prds/billing'))).toContain('<strong>Referenced by:</strong> <a href="/prds/payments/checkout/">');
		expect(html).not.toContain('</script><b>');
	});

	test('a folder’s index page: its _index.md, its sub-folders, its PRDs in the table', async () => {
		const html = await readPage(dir, 'prds/payments');
		const main = getMain(html);
		expect(html).not.toContain('</script>"x"');
		expect(main).toContain('How we take <strong>money</strong>.');
		expect(main).toContain('<a href="/prds/payments/eu/">');
		expect(main).toContain('<a href="/prds/payments/refunds/">Refunds</a>');
		expect(main).not.toContain('<a href="/prds/payments/eu/sepa/">');
		expect(html).toContain('<script src="/_prd-specs/prd-table.js" defer');
		expect(getMain(await readPage(dir, 'prds/payments/eu'))).toContain('<a href="/prds/payments/eu/sepa/">SEPA debits</a>');
		const overview = getMain(await readPage(dir, 'prds'));
		expect(overview).toContain('href="/prds/payments/"');
		expect(overview).toContain('href="/prds/payments/eu/sepa/"');
	});

	test('the sidebar shows the folders', async () => {
		const sidebar = getSidebar(await readPage(dir, 'prds/payments/eu/sepa'));
		expect(sidebar).toContain('href="/prds/payments/"');
		expect(sidebar).toContain('href="/prds/payments/eu/"');
		expect(sidebar).toMatch(/href="\/prds\/payments\/eu\/sepa\/" aria-current="page"/);
		expect(sidebar).toContain('href="/specs/payments/eu/sepa/"');
		if (mode === 'compact') {
			expect(sidebar).not.toContain('href="/prds/payments/checkout/"');
			expect(sidebar).not.toContain('href="/prds/billing/"');
		} else {
			expect(sidebar).toContain('href="/prds/payments/checkout/"');
			expect(sidebar).toContain('href="/prds/billing/"');
		}
	});

	test('prev/next stay within a folder: PRD, its spec, the next PRD of the folder', async () => {
		expect(getPagination(await readPage(dir, 'prds/payments/checkout'))).toEqual({
			prev: ['/prds/payments/', 'Payments ‹/script›"x"'],
			next: ['/specs/payments/checkout/', 'Spec: Checkout ‹/script›‹b›"q"‹/b›'],
		});
		expect(getPagination(await readPage(dir, 'specs/payments/checkout'))).toMatchObject({
			next: ['/prds/payments/refunds/', 'PRD: Refunds'],
		});
		expect(getPagination(await readPage(dir, 'specs/payments/refunds')).next).toBeUndefined();
	});
});
