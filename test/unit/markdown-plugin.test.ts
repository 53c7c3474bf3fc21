import { readFile } from 'node:fs/promises';

import { createMarkdownProcessor } from '@astrojs/markdown-remark';
import { createSatteriMarkdownProcessor } from '@astrojs/markdown-satteri';
import type { Root } from 'mdast';
import remarkDirective from 'remark-directive';
import { visit } from 'unist-util-visit';
import { describe, expect, test } from 'vitest';

import type { Problem } from '../../src/integration/problems.ts';
import type { BrokenDiagram } from '../../src/integration/rendering/diagram-check.ts';
import { isSafeUrl, resolveSpecLink } from '../../src/integration/rendering/links.ts';
import type { MarkdownPolicy } from '../../src/integration/rendering/markdown-policy.ts';
import { createRemarkPlugin } from '../../src/integration/rendering/remark.ts';
import { createSatteriPlugin } from '../../src/integration/rendering/satteri.ts';

const UNTRUSTED = '/site/src/content/docs/prds/corpus.md';
const TRUSTED = '/site/src/content/docs/guide.md';
const CORPUS = await readFile(new URL('../fixtures/untrusted/xss-corpus.md', import.meta.url), 'utf8');

function policy(problems: Problem[], warnings: Problem[] = [], remoteImages = false): MarkdownPolicy {
	return {
		base: '/docs',
		isUntrusted: (path) => path === UNTRUSTED,
		allowsRemoteImages: () => remoteImages,
		reportWarning: (_path, problem) => warnings.push(problem),
		knownIds: () => new Set(['checkout', 'search']),
		reportProblem: (_path, problem) => problems.push(problem),
		relativePath: (path) => (path === UNTRUSTED ? 'prds/corpus.md' : 'src/content/docs/guide.md'),
		brokenDiagram: (path, source) => (path === UNTRUSTED ? BROKEN_DIAGRAMS.get(source) : undefined),
	};
}

/** Diagrams that the loader found mermaid cannot parse, as `findBrokenDiagrams` reports them (lines of the file). */
const BROKEN_DIAGRAMS = new Map<string, BrokenDiagram>([
	[
		'graph TB\n  A --> B(oops',
		{ line: 7, errorLine: 9, message: "Parse error on line 2: ... got 'PS'", source: 'graph TB\n  A --> B(oops' },
	],
	['notADiagram', { line: 12, message: 'No diagram type detected', source: 'notADiagram' }],
]);

type Render = (
	markdown: string,
	path: string,
	problems: Problem[],
	warnings?: Problem[],
	options?: { directives?: boolean },
) => Promise<string>;

/** Stands in for astro-mermaid, after our plugin: a diagram becomes `<pre class="mermaid">`. */
const mermaidSatteri = {
	name: 'mermaid',
	code: (node: { lang?: string | null; value: string }) =>
		node.lang === 'mermaid'
			? { type: 'html' as const, value: `<pre class="mermaid">${node.value.replace(/</g, '&lt;')}</pre>` }
			: undefined,
};

const mermaidRemark = (tree: Root) => {
	visit(tree, 'code', (node, index, parent) => {
		if (node.lang === 'mermaid' && parent && index !== undefined)
			parent.children[index] = { type: 'html', value: `<pre class="mermaid">${node.value.replace(/</g, '&lt;')}</pre>` };
	});
};

const processors: [string, Render][] = [
	[
		'Sätteri',
		async (markdown, path, problems, warnings = [], { directives = false } = {}) => {
			const processor = await createSatteriMarkdownProcessor({
				mdastPlugins: [createSatteriPlugin(policy(problems, warnings)), mermaidSatteri],
				syntaxHighlight: false,
				features: { directive: directives },
			} as Parameters<typeof createSatteriMarkdownProcessor>[0]);
			return (await processor.render(markdown, { fileURL: new URL(`file://${path}`) })).code;
		},
	],
	[
		'unified (remark)',
		async (markdown, path, problems, warnings = [], { directives = false } = {}) => {
			const remarkPlugins = [createRemarkPlugin(policy(problems, warnings)), () => mermaidRemark];
			const processor = await createMarkdownProcessor({
				remarkPlugins: directives ? [remarkDirective, ...remarkPlugins] : remarkPlugins,
				syntaxHighlight: false,
			});
			return (await processor.render(markdown, { fileURL: new URL(`file://${path}`) })).code;
		},
	],
];

describe.each(processors)('markdown plugin under %s', (_, render) => {
	test('resolves prd: and spec: links under the base path, in any document', async () => {
		const problems: Problem[] = [];
		const html = await render(
			'See [checkout](prd:checkout), its [API](spec:checkout#api-design) and [ref][s].\n\n[s]: spec:search',
			TRUSTED,
			problems,
		);
		expect(html).toContain('<a href="/docs/prds/checkout/">checkout</a>');
		expect(html).toContain('<a href="/docs/specs/checkout/#api-design">API</a>');
		expect(html).toContain('<a href="/docs/specs/search/">ref</a>');
		expect(problems).toEqual([]);
	});

	test('reports a link to an unknown id with the file and the link', async () => {
		const problems: Problem[] = [];
		await render('See [nothing](prd:nope) and [none](spec:gone).', UNTRUSTED, problems);
		expect(problems).toEqual([
			expect.objectContaining({
				file: 'prds/corpus.md',
				field: 'link prd:nope',
				message: 'points at the PRD "nope", which does not exist.',
			}),
			expect.objectContaining({
				file: 'prds/corpus.md',
				field: 'link spec:gone',
				message: 'points at the spec "gone", which does not exist.',
			}),
		]);
	});

	test('renders the XSS corpus inert in an untrusted document', async () => {
		const html = await render(CORPUS, UNTRUSTED, []);
		// Only markup that markdown itself makes: no element that runs script or loads active
		// content, no event handler, no script or data URL. (Escaped text may mention them.)
		const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
		expect(tags.length).toBeGreaterThan(10);
		const names = new Set(tags.map((tag) => /^<([a-z0-9]+)/i.exec(tag)![1]!.toLowerCase()));
		expect([...names].filter((name) => !['h2', 'p', 'a', 'pre', 'code', 'ul', 'li', 'em', 'strong', 'span'].includes(name))).toEqual([]);
		for (const tag of tags) {
			expect(tag).not.toMatch(/\son[a-z]+\s*=/i);
			expect(tag).not.toMatch(/=\s*["']?\s*(javascript|data|vbscript):/i);
		}
		// What the author wrote is still visible, as text (hast escapes `<` as `&#x3C;`).
		const text = html.replace(/&#x3C;/g, '&lt;').replace(/&#x3E;/g, '&gt;');
		expect(text).toMatch(/&lt;script>|&lt;script&gt;/);
		expect(text).toContain('&lt;img src="x" onerror=');
		expect(html).toContain('javascript link');
		expect(html).toContain('<a href="https://example.com/docs">safe link</a>');
		expect(html).toContain('<a href="../../">relative one</a>');
	});

	test('images load only from the site: remote ones become links, relative ones text', async () => {
		const warnings: Problem[] = [];
		const html = await render(
			'![remote](https://attacker.example/x.png?q=secret) ![proto](//attacker.example/y.png) ![local](../../../../etc/hostname) ![site](/logo.png) ![ref][r] ![later][later]\n\n[r]: https://attacker.example/r.png\n[later]: /ok.png',
			UNTRUSTED,
			[],
			warnings,
		);
		expect(html.match(/<img[^>]*>/g)).toEqual([expect.stringContaining('src="/logo.png"'), expect.stringContaining('src="/ok.png"')]);
		expect(html).toContain('<a href="https://attacker.example/x.png?q=secret">remote</a>');
		expect(html).toContain('<a href="https://attacker.example/r.png">ref</a>');
		expect(html).not.toContain('etc/hostname"');
		expect(warnings.map((w) => w.field)).toEqual([
			'image https://attacker.example/x.png?q=secret',
			'image //attacker.example/y.png',
			'image ../../../../etc/hostname',
			'image https://attacker.example/r.png',
		]);
	});

	test('a diagram mermaid cannot parse is shown as its source under a short notice, on untrusted pages only', async () => {
		const warnings: Problem[] = [];
		const markdown = [
			'```mermaid\ngraph TB\n  A --> B(oops\n```',
			'```mermaid\nnotADiagram\n```',
			'```mermaid\ngraph TB\n  C --> D\n```',
		].join('\n\n');
		const html = await render(markdown, UNTRUSTED, [], warnings);
		expect(html).toContain('Mermaid cannot read this diagram (line 2 of it), so it is shown as its source.');
		expect(html).toContain('Mermaid cannot read this diagram, so it is shown as its source.');
		expect(html.match(/class="mermaid"/g)).toHaveLength(1);
		expect(html).toContain('<pre class="mermaid">graph TB\n  C --> D</pre>');
		expect(html).toMatch(/language-text[^]*A --(&gt;|>) B\(oops/);
		// The loader reports them with file and line; the plugin adds nothing.
		expect(warnings).toEqual([]);
		expect((await render(markdown, TRUSTED, [])).match(/class="mermaid"/g)).toHaveLength(3);
	});

	test('code options are bounded and diagrams pinned; a diagram that loads content is shown as source', async () => {
		const warnings: Problem[] = [];
		const html = await render(
			[
				'```js {1-2000000000} /(a+)+$/ title="ok"\nconst a = 1;\n```',
				"```mermaid\n%%{init: {'themeCSS': 'x'}}%%\ngraph TB\n  A --> B\n```",
				'```mermaid\nflowchart TB\n  A@{ img: "https://attacker.example/i.png" }\n```',
				'```../../x onload=1\nplain\n```',
			].join('\n\n'),
			UNTRUSTED,
			[],
			warnings,
		);
		expect(html).toContain('<pre class="mermaid">graph TB\n  A --> B</pre>');
		expect(html).toContain('This diagram is shown as its source, not drawn: it has an image shape');
		expect(html).toContain('language-text');
		expect(html.match(/class="mermaid"/g)).toHaveLength(1);
		expect(warnings.map((w) => `${w.field}: ${w.message}`)).toEqual([
			'code block js: options `{1-2000000000}`, `/(a+)+$/` were removed.',
			"diagram 1: is drawn without a `%%{...}%%` directive: the site's diagram configuration applies.",
			'diagram 2: is shown as its source, not drawn: it has an image shape (`@{ img: ... }`), which loads a picture from another site.',
			'code block ../../x: has a language name that is not a plain name, so it is shown as plain text.',
			'code block ../../x: options `onload=1` were removed.',
		]);
	});

	test('raw <pre class="mermaid"> HTML is escaped like any other: it cannot smuggle a diagram past the checks', async () => {
		const html = await render(
			'<pre class="mermaid">%%{init: {"themeCSS": "g { background: url(https://attacker.example/x) }"}}%%\ngraph TB\n  A@{ img: "https://attacker.example/i.png" }</pre>\n\nText <pre class="mermaid">inline</pre>.',
			UNTRUSTED,
			[],
		);
		expect(html).not.toMatch(/<pre class="mermaid"/);
		expect(html.replace(/&#x3C;/g, '&lt;').replace(/&gt;/g, '>')).toContain('&lt;pre class="mermaid">');
	});

	test('an aside keeps its default icon', async () => {
		const warnings: Problem[] = [];
		await render(':::note{icon="does-not-exist"}\nHi\n:::', UNTRUSTED, [], warnings, { directives: true });
		expect(warnings).toEqual([
			expect.objectContaining({ field: ':::note', message: 'has a custom `icon`, which is not used on PRD and spec pages.' }),
		]);
	});

	test('leaves hand-written (trusted) documents’ HTML alone', async () => {
		const html = await render('<kbd>Ctrl</kbd> and [mail](mailto:a@example.com)', TRUSTED, []);
		expect(html).toContain('<kbd>Ctrl</kbd>');
		expect(html).toContain('href="mailto:a@example.com"');
	});
});

test('isSafeUrl allows web links and rejects script and data URLs however they are written', () => {
	for (const url of ['https://example.com', 'http://x', 'mailto:a@b.c', '/docs/', '../x', '#top', 'page?q=1:2'])
		expect(isSafeUrl(url), url).toBe(true);
	for (const url of [
		'javascript:alert(1)',
		' JAVASCRIPT:x',
		'java\tscript:x',
		'\u0001javascript:x',
		'data:text/html,x',
		'vbscript:x',
		'file:///etc/passwd',
	]) {
		expect(isSafeUrl(url), url).toBe(false);
	}
});

test('resolveSpecLink', () => {
	const ids = new Set(['checkout']);
	expect(resolveSpecLink('prd:checkout', ids, '/')).toEqual({ kind: 'resolved', href: '/prds/checkout/' });
	expect(resolveSpecLink('spec:checkout#x', ids, '/base/')).toEqual({ kind: 'resolved', href: '/base/specs/checkout/#x' });
	expect(resolveSpecLink('prd:other', ids, '/')).toEqual({ kind: 'unknown', id: 'other', scheme: 'prd' });
	expect(resolveSpecLink('https://x', ids, '/')).toEqual({ kind: 'none' });
});

test('remoteImages: a page that allows remote images shows them (PRD pages with the option)', async () => {
	const warnings: Problem[] = [];
	const processor = await createSatteriMarkdownProcessor({
		mdastPlugins: [createSatteriPlugin(policy([], warnings, true))],
		syntaxHighlight: false,
	});
	const html = (
		await processor.render('![shot](https://screenshots.example/a.png) ![local](x.png)', { fileURL: new URL(`file://${UNTRUSTED}`) })
	).code;
	expect(html).toContain('<img src="https://screenshots.example/a.png" alt="shot">');
	expect(html).not.toContain('x.png"');
	expect(warnings.map((w) => w.field)).toEqual(['image x.png']);
});
