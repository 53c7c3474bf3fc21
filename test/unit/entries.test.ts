import { describe, expect, test } from 'vitest';

import type { CachedSpec } from '../../src/integration/cache/spec-file.ts';
import type { PrdWithSpec, ProjectReport } from '../../src/integration/project.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';
import { buildEntries, type EntryOptions } from '../../src/integration/rendering/entries.ts';
import { splitLeadingH1 } from '../../src/integration/markdown/title.ts';
import { escapeMarkdown, markdownCode } from '../../src/integration/rendering/markdown.ts';
import { buildSidebarGroup, isGroupedLayout } from '../../src/integration/rendering/sidebar.ts';

function status(id: string, frontmatter: Record<string, unknown>, state: PrdWithSpec['state'], spec?: Partial<CachedSpec>): PrdWithSpec {
	return {
		prd: {
			id,
			folder: '',
			file: `prds/${id}.md`,
			frontmatter: PrdFrontmatterSchema.parse(frontmatter),
			body: `# ${id}\n\n## Goal\n\nText of ${id}.`,
			requirements: [],
		},
		inputHash: `sha256:${'c'.repeat(64)}`,
		state,
		...(state === 'stale' && { staleBecause: 'prd' as const }),
		...(spec && {
			spec: {
				id,
				file: `src/content/specs/${id}.md`,
				body: `# Technical Specification: ${id}\n\n## System Architecture Overview\n\nSpec of ${id}.`,
				metadata: {
					prd: id,
					inputHash: `sha256:${'d'.repeat(64)}`,
					templateHash: `sha256:${'e'.repeat(64)}`,
					source: 'model',
					model: 'gpt-6.1-terra',
					generatedAt: '2026-11-20T08:00:00Z',
					usage: { inputTokens: 6500, outputTokens: 5100 },
				},
				...spec,
			},
		}),
	};
}

const report: ProjectReport = {
	problems: [],
	warnings: [],
	folders: [],
	prds: [
		status(
			'checkout',
			{ title: 'Checkout <b>flow</b>', status: 'approved', owner: 'Pay team', tags: ['web'], related: ['search'] },
			'fresh',
			{},
		),
		status('search', { title: 'Search', owner: 'Search | team' }, 'stale', {}),
		status('new-one', { title: 'New one' }, 'missing'),
	],
};

const options: EntryOptions = {
	base: '/docs',
	overview: { slug: 'prds', title: 'Product requirements' },
	openQuestions: { slug: 'open-questions', title: 'Open questions', section: 'Clarification Requests or Feedback' },
	specsDir: 'src/content/specs',
};

const CSP_META = {
	tag: 'meta',
	attrs: { 'http-equiv': 'Content-Security-Policy', content: expect.stringContaining("img-src 'self' data:;") as unknown },
};

describe('buildEntries', () => {
	const entries = buildEntries(report, options);
	const byId = new Map(entries.map((entry) => [entry.id, entry]));

	test('one PRD page and one spec page per PRD, plus the overview', () => {
		expect(entries.map((entry) => entry.id)).toEqual([
			'prds/checkout',
			'specs/checkout',
			'prds/search',
			'specs/search',
			'prds/new-one',
			'specs/new-one',
			'prds',
			'open-questions',
		]);
	});

	test('the PRD page links to its spec and to related PRDs both ways, under the base path', () => {
		const checkout = byId.get('prds/checkout')!;
		expect(checkout.data).toEqual({ title: 'Checkout ‹b›flow‹/b›', editUrl: false, head: [CSP_META] });
		expect(checkout.body).toContain('](</docs/specs/checkout/>)');
		expect(checkout.body).toContain('**Related:** [Search](</docs/prds/search/>)');
		expect(checkout.body).not.toMatch(/^# checkout$/m);
		expect(byId.get('prds/search')!.body).toContain('**Referenced by:** [Checkout \\<b\\>flow\\</b\\>](</docs/prds/checkout/>)');
	});

	test('the spec page starts with its provenance and links back to the PRD', () => {
		const spec = byId.get('specs/checkout')!;
		expect(spec.data).toMatchObject({ title: 'Technical Specification: checkout' });
		expect(spec.body.split('\n\n')[0]).toBe(
			'**PRD:** [Checkout \\<b\\>flow\\</b\\>](</docs/prds/checkout/>) · **Made by:** model `gpt-6.1-terra` · **Date:** 20\u00a0Nov\u00a02026 · **Tokens:** 6,500 in / 5,100 out · **Cache key:** `dddddddddddd`',
		);
		expect(spec.body).not.toContain('Stale');
	});

	test('a stale spec is published with a warning', () => {
		expect(byId.get('specs/search')!.body).toMatch(
			/^:::caution\[Stale specification\]\nThe PRD \[Search\]\(<\/docs\/prds\/search\/>\) changed after/,
		);
		expect(byId.get('prds/search')!.body).toContain(':::caution[Technical specification is stale]\nThis PRD changed after its');
	});

	test('a spec a batch answered says so beside its tokens', () => {
		const answered = status('search', { title: 'Search' }, 'fresh', {});
		const metadata = answered.spec!.metadata;
		answered.spec!.metadata = {
			...metadata,
			usage: { inputTokens: 10, outputTokens: 20, batch: { id: 'batch_1', inputTokens: 10, outputTokens: 20 } },
		};
		const page = buildEntries({ prds: [answered], folders: [], problems: [], warnings: [] }, options).find((e) => e.id === 'specs/search')!;
		expect(page.body).toContain('**Tokens:** 10 in / 20 out (Batch API) · **Cache key:**');
	});

	test('a spec made stale by the prompt template says so on both pages, not that the PRD changed', () => {
		const stale = { ...status('search', { title: 'Search' }, 'stale', {}), staleBecause: 'template' as const };
		const pages = new Map(
			buildEntries({ prds: [stale], folders: [], problems: [], warnings: [] }, options).map((entry) => [entry.id, entry]),
		);
		expect(pages.get('prds/search')!.body).toContain(':::caution[Technical specification is stale]\nThe prompt template changed after its');
		expect(pages.get('specs/search')!.body).toContain('The prompt template changed after this specification was generated');
		expect(pages.get('open-questions')!.body).toContain('which is stale: the prompt template changed after these were written');
		expect(pages.get('prds/search')!.body).not.toContain('This PRD changed');
	});

	test('a missing spec is a placeholder that says how to generate it, kept out of search', () => {
		const placeholder = byId.get('specs/new-one')!;
		expect(placeholder.data).toMatchObject({ title: 'Technical specification: New one', pagefind: false });
		expect(placeholder.body).toContain('OPENAI_API_KEY=... npm run build');
		expect(placeholder.body).toContain('`src/content/specs/new-one.md`');
	});

	test('the overview lists every PRD with status, owner, tags and spec state, escaping cell text', () => {
		const overview = byId.get('prds')!;
		expect(overview.body).toContain('3 PRDs: 1 fresh, 1 stale, 1 missing.');
		expect(overview.body).toContain(
			'| [Checkout \\<b\\>flow\\</b\\>](</docs/prds/checkout/>) | Approved | Pay team | web | [Fresh](</docs/specs/checkout/>) | gpt\\-6.1\\-terra | 20\u00a0Nov\u00a02026 |',
		);
		expect(overview.body).toContain(
			'| [Search](</docs/prds/search/>) | Draft | Search \\| team | — | [Stale](</docs/specs/search/>) | gpt\\-6.1\\-terra | 20\u00a0Nov\u00a02026 |',
		);
		expect(overview.body).toContain('| [New one](</docs/prds/new-one/>) | Draft | — | — | [Missing](</docs/specs/new-one/>) | — | — |');
	});

	test('edit links point at the real PRD and spec files when Starlight has editLink.baseUrl', () => {
		const withEdit = buildEntries(report, { ...options, editLinkBaseUrl: 'https://example.com/repo/edit/main' });
		expect(withEdit.find((e) => e.id === 'prds/checkout')!.data.editUrl).toBe('https://example.com/repo/edit/main/prds/checkout.md');
		expect(withEdit.find((e) => e.id === 'specs/checkout')!.data.editUrl).toBe(
			'https://example.com/repo/edit/main/src/content/specs/checkout.md',
		);
	});

	test('no overview when it is turned off; the home page when its slug is index', () => {
		expect(buildEntries(report, { ...options, overview: false }).some((e) => e.id === 'prds')).toBe(false);
		expect(buildEntries(report, { ...options, overview: { slug: 'index', title: 'Home' } }).at(-2)!.id).toBe('index');
		expect(buildEntries(report, { ...options, openQuestions: false }).some((e) => e.id === 'open-questions')).toBe(false);
	});

	test('the open questions page gathers each spec’s clarification section by PRD, linking back', () => {
		const withQuestions: ProjectReport = {
			...report,
			prds: [
				status('checkout', { title: 'Checkout' }, 'fresh', {
					body: '# Technical Specification: Pay\n\n## API Design\n\nx\n\n## Clarification Requests or Feedback\n\n- Which PSP?\n- Refund window?\n\n```md\n## not a heading\n```',
				}),
				status('search', { title: 'Search' }, 'stale', {
					body: '# Technical Specification: S\n\n## Clarification Requests or Feedback\n\n1. Languages?\n\n## Appendix\n\nNot a question.',
				}),
				status('new-one', { title: 'New one' }, 'missing'),
			],
		};
		const page = buildEntries(withQuestions, options).find((e) => e.id === 'open-questions')!;
		expect(page.data).toMatchObject({ title: 'Open questions' });
		expect(page.body).toContain(
			'## Checkout\n\nFrom the [technical specification](</docs/specs/checkout/#clarification-requests-or-feedback>) of [Checkout](</docs/prds/checkout/>).\n\n- Which PSP?\n- Refund window?\n\n```md\n## not a heading\n```',
		);
		expect(page.body).toContain(
			'## Search\n\nFrom the [technical specification](</docs/specs/search/#clarification-requests-or-feedback>) of [Search](</docs/prds/search/>), which is stale',
		);
		expect(page.body).toContain('1. Languages?');
		expect(page.body).not.toContain('Not a question.');
		expect(page.body).toContain(
			'## No spec yet\n\nThese PRDs have no specification, so no questions yet: [New one](</docs/prds/new-one/>).',
		);
	});
});

test('the sidebar groups each PRD with its spec and badges specs that are not fresh', () => {
	expect(
		buildSidebarGroup(
			report,
			{ label: 'Specifications', position: 'start', layout: 'auto' },
			{ slug: 'prds', title: 'All PRDs' },
			{ slug: 'open-questions', title: 'Open questions', section: 'x' },
		),
	).toEqual({
		label: 'Specifications',
		items: [
			{ label: 'All PRDs', slug: 'prds' },
			{ label: 'Open questions', slug: 'open-questions' },
			{
				label: 'Checkout ‹b›flow‹/b›',
				collapsed: false,
				items: [
					{ label: 'Requirements', slug: 'prds/checkout' },
					{ label: 'Technical spec', slug: 'specs/checkout' },
				],
			},
			{
				label: 'Search',
				collapsed: false,
				items: [
					{ label: 'Requirements', slug: 'prds/search' },
					{ label: 'Technical spec', slug: 'specs/search', badge: { text: 'stale', variant: 'caution' } },
				],
			},
			{
				label: 'New one',
				collapsed: false,
				items: [
					{ label: 'Requirements', slug: 'prds/new-one' },
					{ label: 'Technical spec', slug: 'specs/new-one', badge: { text: 'missing', variant: 'note' } },
				],
			},
		],
	});
});

describe('markdown helpers', () => {
	test('escapeMarkdown leaves no markup, HTML or directive', () => {
		expect(escapeMarkdown('<script>x</script> *a* [l](javascript:x) :::note')).toBe(
			'\\<script\\>x\\</script\\> \\*a\\* \\[l\\]\\(javascript\\:x\\) \\:\\:\\:note',
		);
	});

	test('splitLeadingH1 takes the first line heading only', () => {
		expect(splitLeadingH1('\n# Title #\n\nBody')).toEqual({ heading: 'Title', rest: 'Body' });
		expect(splitLeadingH1('Intro\n# Later')).toEqual({ rest: 'Intro\n# Later' });
	});
});

test('markdownCode shows backticks literally', () => {
	expect(markdownCode('gpt-6.1-terra')).toBe('`gpt-6.1-terra`');
	expect(markdownCode('a`b')).toBe('``a`b``');
	expect(markdownCode('`x`')).toBe('`` `x` ``');
});

test('with our sidebar, prev/next links name the PRD they lead to', () => {
	const entries = buildEntries(report, { ...options, pairedPagination: true });
	const data = (id: string) => entries.find((e) => e.id === id)!.data;
	expect(data('prds/checkout')).toMatchObject({ next: 'Spec: Checkout ‹b›flow‹/b›' });
	expect(data('prds/checkout').prev).toBeUndefined();
	expect(data('specs/checkout')).toMatchObject({ prev: 'PRD: Checkout ‹b›flow‹/b›', next: 'PRD: Search' });
	expect(data('prds/search')).toMatchObject({ prev: 'Spec: Checkout ‹b›flow‹/b›', next: 'Spec: Search' });
	expect(data('specs/new-one')).toMatchObject({ prev: 'PRD: New one' });
	expect(data('specs/new-one').next).toBeUndefined();
	expect(buildEntries(report, options).find((e) => e.id === 'prds/search')!.data.prev).toBeUndefined();
});

test('a flat sidebar lists PRDs and specs apart; auto switches to it above 20 PRDs', () => {
	const flat = buildSidebarGroup(report, { label: 'Specs', position: 'end', layout: 'flat' }, false, false);
	expect(flat).toEqual({
		label: 'Specs',
		items: [
			{
				label: 'Requirements',
				collapsed: true,
				items: [
					{ label: 'Checkout ‹b›flow‹/b›', slug: 'prds/checkout' },
					{ label: 'Search', slug: 'prds/search' },
					{ label: 'New one', slug: 'prds/new-one' },
				],
			},
			{
				label: 'Technical specs',
				collapsed: true,
				items: [
					{ label: 'Checkout ‹b›flow‹/b›', slug: 'specs/checkout' },
					{ label: 'Search', slug: 'specs/search', badge: { text: 'stale', variant: 'caution' } },
					{ label: 'New one', slug: 'specs/new-one', badge: { text: 'missing', variant: 'note' } },
				],
			},
		],
	});
	expect(isGroupedLayout({ label: 'S', position: 'start', layout: 'auto' }, 20)).toBe(true);
	expect(isGroupedLayout({ label: 'S', position: 'start', layout: 'auto' }, 21)).toBe(false);
	expect(isGroupedLayout({ label: 'S', position: 'start', layout: 'grouped' }, 500)).toBe(true);
	expect(isGroupedLayout(false, 1)).toBe(false);
});
