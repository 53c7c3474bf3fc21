import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, test } from 'vitest';

import { LIMITS } from '../../src/integration/limits.ts';
import { findIdLinks, rewriteIdLinks } from '../../src/integration/markdown/id-links.ts';
import { planAgentFiles, type AgentFileOptions, type HandWrittenPage } from '../../src/integration/rendering/agent-files.ts';
import { findMarkdownLinkTargets } from '../../src/integration/rendering/link-check.ts';
import { prdStatus, projectReport } from '../helpers/project.ts';

const OPTIONS: AgentFileOptions = {
	base: '/docs',
	site: 'https://specs.example.com',
	title: 'Acme specs',
	description: 'What Acme builds.',
	groupLabel: 'Specifications',
	markdownCopies: true,
	llmsTxt: true,
};

function withBody(status: ReturnType<typeof prdStatus>, body: string) {
	status.prd.body = body;
	return status;
}

const report = projectReport(
	[
		withBody(
			prdStatus('checkout', {
				title: 'Checkout [flow](javascript:alert(1))',
				specBody: '# Technical Specification: Checkout\n\n## API\n\nSee [search](spec:search#api).\n',
			}),
			'## Goal\n\nLike [search](prd:search).',
		),
		prdStatus('search', { title: 'Search', state: 'stale', specBody: '# Technical Specification: Search\n\n## API\n\nText.\n' }),
		prdStatus('payments/refunds', { title: 'Refunds', state: 'missing' }),
	],
	[{ path: 'payments', title: 'Payments', description: 'Money.' }],
);
const pages: HandWrittenPage[] = [{ id: 'guides/start', title: 'Getting started', description: 'Set it up.', body: '# Start\n\nRun it.' }];

const files = (options: Partial<AgentFileOptions> = {}, source = report) =>
	new Map(planAgentFiles(source, pages, { ...OPTIONS, ...options }).map((file) => [file.path, file]));

function frontmatterOf(text: string): Record<string, unknown> {
	return load(/^---\n([\s\S]*?)\n---\n/.exec(text)![1]!, { schema: CORE_SCHEMA }) as Record<string, unknown>;
}

describe('markdown copies', () => {
	test('one per PRD and per spec that exists, next to their pages', () => {
		expect([...files().keys()].filter((path) => path.endsWith('.md'))).toEqual([
			'prds/checkout.md',
			'specs/checkout.md',
			'prds/search.md',
			'specs/search.md',
			'prds/payments/refunds.md',
		]);
	});

	test('a spec: its header says where it comes from, its body is the spec, with prd:/spec: links leading to markdown copies', () => {
		const text = files().get('specs/checkout.md')!.text();
		expect(frontmatterOf(text)).toEqual({
			title: 'Technical Specification: Checkout',
			prd: 'Checkout [flow](javascript:alert(1))',
			prdMarkdown: 'https://specs.example.com/docs/prds/checkout.md',
			page: 'https://specs.example.com/docs/specs/checkout/',
			state: 'fresh',
			madeBy: 'model m',
			generatedAt: '2026-11-20T10:00:00Z',
			review: 'not reviewed',
		});
		expect(text.slice(text.indexOf('\n---\n') + 5)).toBe(
			'\n# Technical Specification: Checkout\n\n## API\n\nSee [search](https://specs.example.com/docs/specs/search.md#api).\n',
		);
		expect(files().get('specs/search.md')!.text()).toContain("state: 'stale: the PRD changed after the specification was written'");
	});

	test('a PRD: its fields, its page and its spec', () => {
		const text = files().get('prds/checkout.md')!.text();
		expect(frontmatterOf(text)).toMatchObject({
			title: 'Checkout [flow](javascript:alert(1))',
			status: 'draft',
			page: 'https://specs.example.com/docs/prds/checkout/',
			specification: 'https://specs.example.com/docs/specs/checkout.md',
			specificationState: 'fresh',
		});
		expect(text).toContain('Like [search](https://specs.example.com/docs/prds/search.md).');
		expect(frontmatterOf(files().get('prds/payments/refunds.md')!.text())).toMatchObject({
			specification: null,
			specificationState: 'missing',
		});
	});

	test('without `site`, links are under the base; a title that closes the frontmatter stays inside it', () => {
		const hostile = projectReport([prdStatus('x', { title: '--- #x: [y] &a *b', specBody: '# T\n' })]);
		const text = files({ site: undefined }, hostile).get('specs/x.md')!.text();
		expect(frontmatterOf(text)).toMatchObject({ prd: '--- #x: [y] &a *b', prdMarkdown: '/docs/prds/x.md' });
		expect(text.split('\n---\n')).toHaveLength(2);
	});
});

describe('llms.txt', () => {
	test('the title, then every PRD by folder with its spec, the hand-written pages, and the full text', () => {
		const text = files().get('llms.txt')!.text();
		expect(text).toBe(
			[
				'# Acme specs',
				'> What Acme builds.',
				'Product requirements documents (PRDs) and the technical specification written from each, as markdown. A specification’s state says whether it is up to date with its PRD (`fresh`) or was written from an older version (`stale`).'.replace(
					'’',
					"'",
				),
				'## Specifications\n\n' +
					'- [Checkout \\[flow\\](javascript:alert(1))](https://specs.example.com/docs/prds/checkout.md) and its [technical specification](https://specs.example.com/docs/specs/checkout.md) (fresh)\n' +
					'- [Search](https://specs.example.com/docs/prds/search.md) and its [technical specification](https://specs.example.com/docs/specs/search.md) (stale)',
				'## Payments\n\nMoney.\n\n- [Refunds](https://specs.example.com/docs/prds/payments/refunds.md) (no technical specification yet)',
				'## Docs\n\n- [Getting started](https://specs.example.com/docs/guides/start/): Set it up.',
				'## Optional\n\n- [Full text of every page](https://specs.example.com/docs/llms-full.txt)',
			].join('\n\n') + '\n',
		);
		// The hostile title makes no link of its own: each line has exactly its two links.
		expect(findMarkdownLinkTargets(text.split('\n').find((line) => line.startsWith('- [Checkout'))!)).toEqual([
			'https://specs.example.com/docs/prds/checkout.md',
			'https://specs.example.com/docs/specs/checkout.md',
		]);
	});

	test('llms-full.txt holds the hand-written pages, then every PRD and spec copy', () => {
		const full = files().get('llms-full.txt')!.text();
		const order = [
			'# Start',
			'Like [search]',
			'# Technical Specification: Checkout',
			'# Technical Specification: Search',
			'title: Refunds',
		];
		expect(order.map((part) => full.indexOf(part))).toEqual([...order.map((part) => full.indexOf(part))].sort((a, b) => a - b));
		expect(order.every((part) => full.includes(part))).toBe(true);
	});

	test('a large site: full text per folder, in parts under the size limit; folders listed apart above the PRD limit', () => {
		const big = 'x'.repeat(200_000);
		const many = Array.from({ length: 30 }, (_, index) =>
			prdStatus(`${index % 2 ? 'payments/' : ''}p-${index}`, { title: `P ${index}`, specBody: `# T ${index}\n\n${big}\n` }),
		);
		const plan = files({}, projectReport(many, [{ path: 'payments', title: 'Payments' }]));
		const fullFiles = [...plan.keys()].filter((path) => path.includes('llms-full') || path.includes('llms-docs'));
		expect(fullFiles).toEqual([
			'llms-docs.txt',
			'prds/llms-full.txt',
			'prds/llms-full-2.txt',
			'prds/payments/llms-full.txt',
			'prds/payments/llms-full-2.txt',
		]);
		for (const path of fullFiles) expect(Buffer.byteLength(plan.get(path)!.text())).toBeLessThanOrEqual(LIMITS.llmsFullBytes);
		expect(plan.get('llms.txt')!.text()).toContain(
			'- [Full text: payments, part 2](https://specs.example.com/docs/prds/payments/llms-full-2.txt)',
		);

		const crowd = Array.from({ length: LIMITS.llmsListedPrds + 1 }, (_, index) => prdStatus(`${index % 2 ? 'payments/' : ''}q-${index}`));
		const crowded = files({}, projectReport(crowd, [{ path: 'payments', title: 'Payments' }]));
		const llms = crowded.get('llms.txt')!.text();
		expect(llms).toContain('## Folders\n\n- [Payments](https://specs.example.com/docs/prds/payments/llms.txt): 1000 PRDs');
		expect(
			crowded
				.get('prds/payments/llms.txt')!
				.text()
				.split('\n')
				.filter((line) => line.startsWith('- [')),
		).toHaveLength(1000);
	});

	test('options: no copies, llms.txt links the pages; no llms.txt, no llms files', () => {
		const noCopies = files({ markdownCopies: false });
		expect([...noCopies.keys()].some((path) => path.endsWith('.md'))).toBe(false);
		expect(noCopies.get('llms.txt')!.text()).toContain(
			'- [Search](https://specs.example.com/docs/prds/search/) and its [technical specification](https://specs.example.com/docs/specs/search/) (stale)',
		);
		expect([...files({ llmsTxt: false }).keys()].some((path) => path.endsWith('.txt'))).toBe(false);
	});
});

describe('prd:/spec: links in a document', () => {
	test('inline links and definitions, not code, not a title that repeats the destination', () => {
		const text =
			'A [x](prd:a) and [prd:b](prd:b "prd:b").\n\n`[c](prd:c)`\n\n```\n[d](prd:d)\n```\n\n[ref]: spec:e#f\n\n[y](https://x.test)';
		expect(findIdLinks(text).map((link) => [text.slice(link.start, link.end), link.scheme, link.id, link.fragment])).toEqual([
			['prd:a', 'prd', 'a', ''],
			['prd:b', 'prd', 'b', ''],
			['spec:e#f', 'spec', 'e', '#f'],
		]);
		expect(rewriteIdLinks(text, (link) => (link.id === 'b' ? `/prds/${link.id}.md` : undefined))).toBe(
			text.replace('[prd:b](prd:b', '[prd:b](/prds/b.md'),
		);
	});

	test('time in proportion to the text: 20,000 links, and a megabyte of brackets', () => {
		const many = Array.from({ length: 20_000 }, (_, index) => `[l${index}](prd:p-${index})`).join(' ');
		expect(findIdLinks(many)).toHaveLength(20_000);
		expect(findIdLinks('[x]('.repeat(250_000))).toEqual([]);
	});
});
