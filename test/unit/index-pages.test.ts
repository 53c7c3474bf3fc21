import { Script } from 'node:vm';

import { describe, expect, test } from 'vitest';

import type { PrdWithSpec } from '../../src/integration/project.ts';
import { buildEntries, type DocsEntry, type EntryOptions } from '../../src/integration/rendering/entries.ts';
import { PART_CHARS, splitIntoParts } from '../../src/integration/rendering/page-parts.ts';
import { getTableScript, TABLE_SCRIPT_PATH } from '../../src/integration/rendering/table-script.ts';
import { prdStatus, projectReport } from '../helpers/project.ts';

const HOSTILE = 'Pay </script><script>alert(1)</script> "q" \'s\' <img src=x onerror=alert(2)>';

const status = (id: string, title: string, state: PrdWithSpec['state'] = 'missing', field = 'draft', questions?: string): PrdWithSpec =>
	prdStatus(id, {
		title,
		state,
		status: field,
		owner: 'Team <b>',
		...(questions !== undefined && { specBody: `# Spec\n\n## Clarification Requests or Feedback\n\n${questions}` }),
	});
const report = projectReport;

const options: EntryOptions = {
	base: '/docs',
	overview: { slug: 'prds', title: 'All PRDs' },
	openQuestions: { slug: 'open-questions', title: 'Open questions', section: 'Clarification Requests or Feedback' },
	specsDir: 'src/content/specs',
};

const byId = (entries: DocsEntry[]) => new Map(entries.map((entry) => [entry.id, entry]));

describe('folder index pages', () => {
	const nested = report(
		[
			status('alpha', 'Alpha'),
			status('payments/checkout', HOSTILE, 'fresh', 'approved', '- Which PSP?'),
			status('payments/eu/sepa', 'SEPA'),
		],
		[
			{
				path: 'payments',
				title: 'Payments </script>"x"',
				description: 'Money in and out',
				body: '# Payments\n\nHow we take <b>money</b>.',
				file: 'prds/payments/_index.md',
			},
			{ path: 'payments/eu', title: 'Europe' },
		],
	);
	const pages = byId(buildEntries(nested, { ...options, editLinkBaseUrl: 'https://example.com/edit/' }));

	test('one per folder at /prds/<folder>/, with the title, description and body of its _index.md', () => {
		const payments = pages.get('prds/payments')!;
		expect(payments.kind).toBe('index');
		expect(payments.data).toMatchObject({
			title: 'Payments ‹/script›"x"',
			description: 'Money in and out',
			editUrl: 'https://example.com/edit/prds/payments/_index.md',
		});
		expect(payments.sourceFile).toBe('prds/payments/_index.md');
		expect(payments.body).toContain('How we take <b>money</b>.');
		expect(payments.body).not.toContain('# Payments');
		expect(pages.get('prds/payments/eu')!.data).toMatchObject({ title: 'Europe', editUrl: false });
	});

	test('lists its sub-folders and its own PRDs in the table, escaped', () => {
		const { body } = pages.get('prds/payments')!;
		expect(body).toContain('2 PRDs in this folder and its sub-folders.');
		expect(body).toContain('- [Europe](</docs/prds/payments/eu/>) (1)');
		expect(body).toContain(
			'| [Pay \\</script\\>\\<script\\>alert\\(1\\)\\</script\\> "q" \'s\' \\<img src=x onerror=alert\\(2\\)\\>](</docs/prds/payments/checkout/>) |',
		);
		expect(body).not.toContain('SEPA');
		expect(body).not.toContain('<script>');
		expect(pages.get('prds/payments/eu')!.body).toContain('[SEPA](</docs/prds/payments/eu/sepa/>)');
	});

	test('the overview lists the top-level folders and every PRD, folder by folder', () => {
		const { body } = pages.get('prds')!;
		expect(body).toContain('**Folders:** [Payments \\</script\\>"x"](</docs/prds/payments/>) (2)');
		const order = ['alpha/', 'payments/checkout/', 'payments/eu/sepa/'].map((path) => body.indexOf(`/docs/prds/${path}`));
		expect(order).toEqual([...order].sort((a, b) => a - b));
		expect(order[0]).toBeGreaterThan(-1);
	});

	test('a small site has no pages by status', () => {
		expect([...pages.keys()].filter((id) => id.includes('_by'))).toEqual([]);
	});

	test('pages with the table load the script from the site; PRD pages do not', () => {
		const script = { tag: 'script', attrs: { src: `/docs/${TABLE_SCRIPT_PATH}`, defer: true } };
		expect(pages.get('prds')!.data.head).toContainEqual(script);
		expect(pages.get('prds/payments')!.data.head).toContainEqual(script);
		expect(pages.get('prds/alpha')!.data.head).not.toContainEqual(script);
		expect(pages.get('open-questions')!.data.head).not.toContainEqual(script);
	});
});

describe('a large site', () => {
	const count = 1500;
	const large = report(
		Array.from({ length: count }, (_, index) =>
			status(
				`prd-${String(index).padStart(4, '0')}`,
				index === 7 ? HOSTILE : `A PRD with a fairly ordinary title, number ${index}`,
				index % 3 === 0 ? 'fresh' : 'missing',
				index % 2 === 0 ? 'draft' : 'review',
				index % 3 === 0 ? `- Question ${index}: ${'why? '.repeat(40)}` : undefined,
			),
		),
	);
	const entries = buildEntries(large, options);
	const pages = byId(entries);

	test('the overview is cut into parts that link to each other, each within the budget', () => {
		const parts = entries.filter((entry) => entry.kind === 'overview');
		expect(parts.length).toBeGreaterThan(1);
		expect(parts.map((part) => part.id)).toEqual(['prds', ...parts.slice(1).map((_, index) => `prds/_${index + 2}`)]);
		for (const [index, part] of parts.entries()) {
			expect(part.body.length).toBeLessThan(PART_CHARS + 2000);
			expect(part.data.title).toBe(`All PRDs (part ${index + 1} of ${parts.length})`);
			expect(part.body).toContain(`Part ${index + 1} of ${parts.length}: `);
			expect(part.body).toContain('| PRD | Status | Owner | Spec | Generated | Review |');
		}
		expect(parts[0]!.body).toContain('[2](</docs/prds/_2/>)');
		expect(parts[1]!.body).toContain('[1](</docs/prds/>)');
		// Every PRD is in exactly one part.
		const rows = parts.flatMap((part) => part.body.split('\n').filter((line) => line.startsWith('| [')));
		expect(rows).toHaveLength(count);
	});

	test('the compact table has no tags or model column and escapes hostile titles and owners', () => {
		const body = pages.get('prds')!.body;
		expect(body).not.toContain('| Tags |');
		expect(body).toContain('\\</script\\>\\<script\\>alert\\(1\\)');
		expect(body).toContain('| Team \\<b\\> |');
		expect(body).not.toMatch(/(?<!\\)<(?:script|img)/);
	});

	test('pages by PRD status and by spec state, at URLs no id can take', () => {
		expect(pages.get('prds/_by/status-draft')!.data.title).toMatch(/^Draft PRDs/);
		expect(pages.get('prds/_by/status-review')).toBeDefined();
		expect(pages.get('prds/_by/status-approved')).toBeUndefined();
		expect(pages.get('prds/_by/spec-fresh')!.body).toContain('500 PRDs whose spec is *fresh*.');
		expect(pages.get('prds/_by/spec-missing')).toBeDefined();
		expect(pages.get('prds/_by/spec-stale')).toBeUndefined();
		expect(pages.get('prds')!.body).toContain(
			'**By status:** [Draft](</docs/prds/_by/status-draft/>) · [Review](</docs/prds/_by/status-review/>).',
		);
	});

	test('open questions are cut into parts too, every spec’s section in one of them', () => {
		const parts = entries.filter((entry) => entry.kind === 'open-questions');
		expect(parts.length).toBeGreaterThan(1);
		expect(parts[1]!.id).toBe('open-questions/_2');
		for (const part of parts) expect(part.body.length).toBeLessThan(PART_CHARS + 2000);
		const sections = parts.reduce((sum, part) => sum + (part.body.match(/^## /gm)?.length ?? 0), 0);
		// 500 specs, and the heading of the PRDs without one.
		expect(sections).toBe(501);
	});

	test('listUpTo decides what is large', () => {
		const small = byId(buildEntries(large, { ...options, listUpTo: 5000 }));
		expect(small.get('prds/_by/status-draft')).toBeUndefined();
		expect(small.get('prds')!.body).toContain('| Tags |');
	});
});

test('splitIntoParts keeps blocks whole and in order, one part when all fits', () => {
	expect(splitIntoParts(['aaaa', 'bb', 'cccc', 'd'], (block) => block.length, 8)).toEqual([
		['aaaa', 'bb'],
		['cccc', 'd'],
	]);
	expect(splitIntoParts(['a'.repeat(20), 'b'], (block) => block.length, 8)).toEqual([['a'.repeat(20)], ['b']]);
	expect(splitIntoParts(['a', 'b'], (block) => block.length)).toEqual([['a', 'b']]);
	expect(splitIntoParts([], (block: string) => block.length)).toEqual([[]]);
});

describe('the table script', () => {
	const script = getTableScript();

	test('is plain JavaScript that runs on its own', () => {
		// Compiled, not run: it needs a page.
		expect(() => new Script(script)).not.toThrow();
		expect(script.length).toBeLessThan(8000);
	});

	test('never parses text as HTML', () => {
		expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|eval\(/);
		expect(script).toContain('textContent');
		expect(script).toContain('aria-sort');
	});
});
