import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { prdSource } from '../helpers/files.ts';
import { addHostileContent, HOSTILE_PAGES } from '../helpers/hostile-site.ts';
import { listElements } from '../helpers/html.ts';
import { parseSpecFile } from '../../src/integration/cache/spec-file.ts';
import { findMarkdownLinkTargets } from '../../src/integration/rendering/link-check.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

/** The fixture site plus hostile PRDs and specs (see `addHostileContent`). */
async function siteWithCorpus(): Promise<string> {
	const dir = await fixtureSite();
	await addHostileContent(dir);
	return dir;
}

/** Elements that markdown, Starlight and astro-mermaid produce in <main>. */
const MAIN_TAGS = new Set(
	'main footer nav div span p a h1 h2 h3 h4 h5 h6 ul ol li em strong code pre blockquote hr br table thead tbody tr th td del input aside svg path figure figcaption button section sup sl-heading-wrapper script link img'.split(
		' ',
	),
);

/** Every HTML file of the built site, by URL path. */
async function readAllPages(dir: string): Promise<Map<string, string>> {
	const files = (await readdir(join(dir, 'dist'), { recursive: true })).filter((file) => file.endsWith('.html'));
	return new Map(
		await Promise.all(
			files.map(async (file) => [`/${file.replace(/index\.html$/, '')}`, await readFile(join(dir, 'dist', file), 'utf8')] as const),
		),
	);
}

describe.each(['satteri', 'unified'] as const)('built with the %s processor', (processor) => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await siteWithCorpus();
		result = await buildSite(dir, { FIXTURE_PROCESSOR: processor });
	});

	test('builds, and checks that every internal link resolves', () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('Every internal link resolves.');
	});

	test('prd: and spec: links resolve in PRDs and in hand-written pages', async () => {
		const billing = getMain(await readPage(dir, 'prds/billing'));
		expect(billing).toContain('<a href="/prds/notifications/">notification preferences</a>');
		expect(billing).toContain('<a href="/specs/notifications/">technical specification</a>');
		expect(getMain(await readPage(dir, 'guides/writing'))).toContain('<a href="/prds/billing/">billing PRD</a>');
	});

	test('a PRD in a folder has its pages at its path; related and prd: links between folders resolve both ways', async () => {
		const child = getMain(await readPage(dir, 'prds/nested/hostile-child'));
		expect(child).toContain('<a href="/prds/hostile/">the hostile PRD</a>');
		expect(child).toContain('<a href="/specs/nested/hostile-child/">');
		expect(getMain(await readPage(dir, 'specs/nested/hostile-child'))).toContain('<a href="/prds/nested/hostile-child/">');
		// `hostile` is referenced by the PRD in the folder.
		expect(getMain(await readPage(dir, 'prds/hostile'))).toContain('<a href="/prds/nested/hostile-child/">');
	});

	test('the XSS corpus is inert in the PRD page, the spec page and the overview', async () => {
		for (const path of HOSTILE_PAGES.map((page) => page.slice(1, -1))) {
			// Parsed as a browser parses it: markup inside an attribute value (a code block's copy
			// button holds its code) is text there.
			const elements = listElements(getMain(await readPage(dir, path)), { fragment: true });
			expect(elements.length, path).toBeGreaterThan(10);
			// An allow-list: only markup that markdown, Starlight (asides, anchors, tables, code) and
			// astro-mermaid make. Anything else in <main> came from content.
			expect(
				[...new Set(elements.map((element) => element.name))].filter((name) => !MAIN_TAGS.has(name)),
				path,
			).toEqual([]);
			for (const { name, attributes } of elements) {
				const tag = `<${name} ${JSON.stringify(attributes)}>`;
				expect(
					Object.keys(attributes).filter((attribute) => attribute.startsWith('on')),
					tag,
				).toEqual([]);
				for (const value of Object.values(attributes)) expect(value, `${path} ${tag}`).not.toMatch(/^\s*(javascript|data|vbscript):/i);
				// Expressive Code adds its own module script and stylesheet next to code blocks.
				if (name === 'script') expect(attributes, path).toEqual({ type: 'module', src: expect.stringMatching(/^\/_astro\/[\w.-]+$/) });
				if (name === 'link') expect(attributes, path).toEqual({ rel: 'stylesheet', href: expect.stringMatching(/^\/_astro\/[\w.-]+$/) });
				if (['img', 'svg', 'path'].includes(name))
					for (const attribute of ['src', 'href']) expect(attributes[attribute] ?? '', `${path} ${tag}`).not.toMatch(/^(https?:)?\/\//i);
			}
		}
		const prd = getMain(await readPage(dir, 'prds/hostile'));
		expect(prd).toMatch(/&(lt|#x3C);script/);
		expect(prd).toContain('x ‹/title›‹script›window.__pwned_title=1‹/script›</h1>');
	});

	test('titles are inert everywhere Starlight puts them: <title>, meta tags, sidebar, prev/next', async () => {
		const pages = await readAllPages(dir);
		for (const [path, html] of pages) {
			// No element anywhere in the page (head and sidebar included) runs content's script.
			for (const { name, attributes, text } of listElements(html)) {
				if (name === 'script') expect(text, path).not.toMatch(/__(pwned|xss)/);
				for (const [attribute, value] of Object.entries(attributes))
					if (attribute.startsWith('on')) expect(value, `${path} <${name} ${attribute}>`).not.toMatch(/__pwned|__xss|alert/);
			}
		}
		expect(/<title>(.*)<\/title>/.exec(pages.get('/prds/hostile/')!)![1]).toBe(
			'x ‹/title›‹script›window.__pwned_title=1‹/script› | Fixture docs',
		);
		expect(/<title>(.*)<\/title>/.exec(pages.get('/specs/hostile/')!)![1]).toBe(
			'Technical Specification: x ‹/title›‹script›window.__pwned_spec_title=1‹/script› | Fixture docs',
		);
		expect(/<title>(.*)<\/title>/.exec(pages.get('/specs/placeholder/')!)![1]).toBe(
			'Technical specification: p ‹/title›‹script›window.__pwned_placeholder=1‹/script› | Fixture docs',
		);
		expect(/<title>(.*)<\/title>/.exec(pages.get('/prds/title-from-heading/')!)![1]).toBe(
			'h ‹/title›‹script›window.__pwned_heading_title=1‹/script› | Fixture docs',
		);
		expect(pages.get('/prds/billing/')).toContain('x ‹/title›‹script›window.__pwned_title=1‹/script›</span>');
		expect(/<title>(.*)<\/title>/.exec(pages.get('/prds/nested/hostile-child/')!)![1]).toBe(
			'n ‹/title›‹script›window.__pwned_nested_title=1‹/script› | Fixture docs',
		);
	});

	test('nothing of a PRD or spec loads from another site, and their pages carry a Content-Security-Policy', async () => {
		const pages = await readAllPages(dir);
		for (const [path, html] of pages) {
			for (const tag of html.match(/<(img|video|audio|source|link|iframe|object|embed|image)\b[^>]*>/gi) ?? [])
				expect(tag, path).not.toContain('127.0.0.1:9');
		}
		const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/;
		for (const path of [...HOSTILE_PAGES, '/prds/billing/', '/specs/billing/'])
			expect(csp.exec(pages.get(path)!)?.[1], path).toContain("img-src 'self' data:;");
		expect(pages.get('/guides/writing/')).not.toMatch(csp);
		const main = getMain(pages.get('/prds/hostile/')!);
		expect(main).toContain('<a href="http://127.0.0.1:9/markdown-image?q=secret">remote image</a>');
		expect(main).toContain('This diagram is shown as its source, not drawn: it has an image shape');
	});

	test('an upper-case <PRE> or <SCRIPT> block does not turn the rest of the page into text', async () => {
		for (const path of ['prds/hostile', 'specs/hostile']) {
			const main = getMain(await readPage(dir, path));
			expect(main, path).toMatch(/<h3 id="still-markdown-after-the-pre-block">/);
			expect(main, path).toMatch(/<h3 id="still-markdown-after-the-script-block">/);
		}
	});

	test('one spec’s section cannot swallow or relink another’s on the open questions page', async () => {
		const main = getMain(await readPage(dir, 'open-questions'));
		const hijack = main.slice(main.indexOf('Hijacked'), main.indexOf('id="victim"'));
		expect(hijack).toContain('unclosed fence');
		expect(hijack).not.toContain('Victim question');
		expect(main).toMatch(/<li>Victim question: see <a href="https:\/\/docs\.example\/victim">docs<\/a>\.<\/li>/);
		expect(main).not.toContain('attacker.example/docs');
	});

	test('a diagram mermaid cannot parse is named with its file and line on one log line; its markup stays text', async () => {
		const line =
			(await readFile(join(dir, 'prds/hostile.md'), 'utf8')).split('\n').findIndex((text) => text.startsWith('    Broken["</pre>')) + 1;
		expect(result.output).toMatch(
			new RegExp(
				`prds/hostile\\.md › line ${line}: the mermaid diagram that opens at line ${line - 2} does not parse, so its page shows the source instead: Parse error on line 2: \\.\\.\\.am=1</script>" --> B\\[::error file=x::fo Expecting`,
			),
		);
		expect(result.output).toContain('src/content/specs/hostile.md › line ');
		expect(result.output).not.toMatch(/^::error/m);
		const main = getMain(await readPage(dir, 'prds/hostile'));
		expect(main).toContain('Mermaid cannot read this diagram (line 2 of it), so it is shown as its source.');
		// Its source is the text of a code block, markup and all.
		const blocks = listElements(main, { fragment: true }).filter((element) => element.name === 'pre' && element.text.includes('Broken['));
		expect(blocks.map((block) => block.text)).toEqual([
			expect.stringContaining('Broken["</pre><script>window.__pwned_broken_diagram=1</script>" --> B['),
		]);
	});

	test('what was removed or not drawn is named in the build output, file by file', () => {
		expect(result.output).toContain('prds/hostile.md › diagram 6: is shown as its source, not drawn: it has an image shape');
		expect(result.output).toContain('src/content/specs/hostile.md › code block js: options `{1-2000000000}`, `/(a+)+$/` were removed.');
		expect(result.output).toContain('prds/hostile.md › :::note: has a custom `icon`, which is not used on PRD and spec pages.');
		expect(result.output).toContain(
			'prds/hostile.md › image http://127.0.0.1:9/markdown-image?q=secret: is on another site, so it is published as a link, not loaded.',
		);
	});

	test('markdown copies: one per PRD and per spec, next to its page, linked from it, with the text the cache holds', async () => {
		const specsDir = join(dir, 'src/content/specs');
		const specFiles = (await readdir(specsDir, { recursive: true })).filter((file) => file.endsWith('.md') && !file.includes('/.'));
		const prdFiles = (await readdir(join(dir, 'prds'), { recursive: true })).filter(
			(file) => file.endsWith('.md') && !file.endsWith('_index.md'),
		);
		for (const file of prdFiles) {
			const id = file.slice(0, -'.md'.length);
			const copy = await readFile(join(dir, 'dist/prds', file), 'utf8');
			expect(copy, file).toMatch(/^---\ntitle: /);
			expect(getMain(await readPage(dir, `prds/${id}`)), file).toContain(`<a href="/prds/${id}.md">View as markdown</a>`);
		}
		for (const file of specFiles) {
			const id = file.slice(0, -'.md'.length);
			const parsed = parseSpecFile(await readFile(join(specsDir, file), 'utf8'), file, id);
			expect(parsed.ok, file).toBe(true);
			if (!parsed.ok) continue;
			const copy = await readFile(join(dir, 'dist/specs', file), 'utf8');
			// The body after the header is the spec's, its prd:/spec: links led to the copies.
			const body = copy.slice(copy.indexOf('\n---\n') + '\n---\n\n'.length);
			const expected = parsed.spec.body
				.trim()
				.replace(/\]\((prd|spec):([a-z0-9/-]+)/g, (_, scheme: string, target: string) => `](/${scheme}s/${target}.md`);
			expect(body, file).toBe(`${expected}\n`);
			expect(getMain(await readPage(dir, `specs/${id}`)), file).toContain(`<a href="/specs/${id}.md">View as markdown</a>`);
		}
		// No spec, no copy: the placeholder page has nothing to copy.
		await expect(readFile(join(dir, 'dist/specs/placeholder.md'), 'utf8')).rejects.toThrow();
		const billing = await readFile(join(dir, 'dist/prds/billing.md'), 'utf8');
		expect(billing).toContain('[notification preferences](/prds/notifications.md)');
		// Its spec is not generated: the link leads to the placeholder page.
		expect(billing).toContain('[technical specification](/specs/notifications/)');
	});

	test('llms.txt lists every PRD with its spec by folder, and the hand-written pages; every link it has resolves', async () => {
		const llms = await readFile(join(dir, 'dist/llms.txt'), 'utf8');
		expect(llms).toMatch(/^# Fixture docs\n\n/);
		const prdFiles = (await readdir(join(dir, 'prds'), { recursive: true })).filter(
			(file) => file.endsWith('.md') && !file.endsWith('_index.md'),
		);
		for (const file of prdFiles) expect(llms, file).toContain(`](/prds/${file})`);
		expect(llms).toContain('- [Writing a PRD](/guides/writing/)');
		expect(llms).toContain('- [Full text of every page](/llms-full.txt)');
		const targets = findMarkdownLinkTargets(llms);
		expect(targets.length).toBeGreaterThan(prdFiles.length);
		for (const target of targets) {
			const path = join(dir, 'dist', target.split('#')[0]!);
			const file = target.endsWith('/') ? join(path, 'index.html') : path;
			await expect(readFile(file), target).resolves.toBeDefined();
		}
		// The hostile titles make no link of their own, and stay on their line.
		expect(
			llms
				.split('\n')
				.filter((line) => line.startsWith('- ['))
				.every((line) => findMarkdownLinkTargets(line).length <= 2),
		).toBe(true);
		const full = await readFile(join(dir, 'dist/llms-full.txt'), 'utf8');
		for (const file of prdFiles) expect(full, file).toContain(`page: /prds/${file.slice(0, -'.md'.length)}/`);
	});

	test('the open questions page lists every spec’s clarification items', async () => {
		const main = getMain(await readPage(dir, 'open-questions'));
		expect(main).toContain('Which currency do invoices use?');
		expect(main).toContain('Attacker question?');
		expect(main).toMatch(
			/These PRDs have no specification, so no questions yet: <a href="\/prds\/notifications\/">Notification preferences<\/a>/,
		);
	});
});

test('a prd: link to an unknown id fails the build naming the file', async () => {
	const dir = await fixtureSite();
	await writeFile(join(dir, 'prds/dangling.md'), prdSource('title: Dangling', 'Depends on [the ledger](prd:ledger).\n'));
	const result = await buildSite(dir);
	expect(result.code).not.toBe(0);
	expect(result.output).toContain('1 link to unknown PRDs or specs:');
	expect(result.output).toContain('- prds/dangling.md › link prd:ledger: points at the PRD "ledger", which does not exist.');
	expect(result.output).not.toMatch(/^\s+at /m);
});

test('a broken internal link in a hand-written page fails the build naming the page', async () => {
	const dir = await fixtureSite();
	await writeFile(join(dir, 'src/content/docs/guides/broken.md'), '---\ntitle: Broken\n---\nSee [the old page](/guides/removed/).\n');
	const result = await buildSite(dir);
	expect(result.code).not.toBe(0);
	expect(result.output).toContain('1 broken internal link in the built site:\n- /guides/broken/ links to /guides/removed/');
});
