import { existsSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { prdSource, writeFreshSpec } from '../helpers/files.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

describe('astro build of a site using the integration, on the committed cache', () => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await fixtureSite();
		result = await buildSite(dir);
	});

	test('builds with no API key and logs the missing spec by file', () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('prds/notifications.md has no spec yet: /specs/notifications/ is published as a placeholder.');
		expect(result.output).toContain('2 PRDs: 1 fresh, 0 stale, 1 missing.');
	});

	test('the log has no line per diagram from astro-mermaid and no chunk-size warning about mermaid', () => {
		expect(result.output).not.toContain('[astro-mermaid]');
		expect(result.output).not.toContain('Some chunks are larger than');
	});

	test('publishes a page per PRD and per spec, next to the hand-written pages', () => {
		for (const path of ['prds/billing', 'specs/billing', 'prds/notifications', 'specs/notifications', 'prds', 'guides/writing', '']) {
			expect(existsSync(join(dir, 'dist', path, 'index.html')), path).toBe(true);
		}
	});

	test('the PRD page links to its spec, related PRD, and renders its diagram and asides', async () => {
		const main = getMain(await readPage(dir, 'prds/billing'));
		expect(main).toContain('<h1 id="_top"');
		expect(main).toContain('Usage-based billing</h1>');
		expect(main).toContain('href="/specs/billing/"');
		expect(main).toContain('<strong>Related:</strong> <a href="/prds/notifications/">Notification preferences</a>');
		expect(main).toContain('<pre class="mermaid">flowchart LR');
		expect(main).toContain('class="starlight-aside starlight-aside--tip"');
		const notifications = getMain(await readPage(dir, 'prds/notifications'));
		expect(notifications).toContain('<strong>Referenced by:</strong> <a href="/prds/billing/">Usage-based billing</a>');
	});

	test('the spec page links back to its PRD, has a TOC and the mermaid markup', async () => {
		const html = await readPage(dir, 'specs/billing');
		const main = getMain(html);
		expect(main).toContain('Technical Specification: Meterly</h1>');
		expect(main).toContain('<strong>PRD:</strong> <a href="/prds/billing/">Usage-based billing</a>');
		expect(main).toContain('<pre class="mermaid">graph TB');
		expect(main).toContain('id="system-architecture-overview"');
		expect(html).toMatch(/<starlight-toc[\s\S]*href="#clarification-requests-or-feedback"/);
		expect(main).not.toContain('Stale specification');
	});

	test('the HTML of PRD and spec pages is kept beside Astro’s content store, not in it', async () => {
		// Astro writes its whole store after each sync: the pages' HTML there made that write grow with the site.
		const cache = join(dir, 'node_modules/.astro');
		const store = await readFile(join(cache, 'data-store.json'), 'utf8');
		expect(store).toContain('specs/billing');
		expect(store).toContain('system-architecture-overview'); // the headings stay, for the table of contents
		expect(store).not.toContain('class=\\"sl-heading-wrapper');
		const pages = await readdir(join(cache, 'prd-specs/pages'));
		// 2 PRDs, 2 specs, the overview and open questions; nothing left of earlier renders.
		expect(pages.filter((name) => name.endsWith('.html'))).toHaveLength(6);
		expect(pages.every((name) => /^[\w-]+\.html$/.test(name))).toBe(true);
	});

	test('a missing spec is a placeholder page, not a broken link', async () => {
		const main = getMain(await readPage(dir, 'specs/notifications'));
		expect(main).toContain('Not generated yet');
		expect(main).toContain('<a href="/prds/notifications/">Notification preferences</a>');
		expect(main).toContain('OPENAI_API_KEY=... npm run build');
	});

	test('the sidebar groups each PRD with its spec and keeps the site’s own groups', async () => {
		const html = await readPage(dir, 'guides/writing');
		const sidebar = /<nav[^>]*aria-label="Main"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
		expect(sidebar).toMatch(/Specifications[\s\S]*Usage-based billing[\s\S]*href="\/prds\/billing\/"[\s\S]*href="\/specs\/billing\/"/);
		expect(sidebar).toMatch(/href="\/specs\/notifications\/"[\s\S]*?missing/);
		expect(sidebar).toMatch(/Guides[\s\S]*href="\/guides\/writing\/"/);
	});

	test('the overview lists every PRD with its status, owner and spec state', async () => {
		const main = getMain(await readPage(dir, 'prds'));
		expect(main).toMatch(/<a href="\/prds\/billing\/">Usage-based billing<\/a><\/td>\s*<td>Approved<\/td>\s*<td>Payments team<\/td>/);
		expect(main).toMatch(/<a href="\/specs\/billing\/">Fresh<\/a>/);
		expect(main).toMatch(/<a href="\/specs\/notifications\/">Missing<\/a>/);
	});

	test('search indexes the spec but not the placeholder', async () => {
		expect(await readPage(dir, 'specs/billing')).toContain('data-pagefind-body');
		expect(await readPage(dir, 'specs/notifications')).not.toContain('data-pagefind-body');
	});
});

describe('astro build after edits', () => {
	test('a status edit keeps the spec fresh; a body edit publishes it as stale', async () => {
		const dir = await fixtureSite();
		const prdPath = join(dir, 'prds/billing.md');
		const original = await readFile(prdPath, 'utf8');

		await writeFile(prdPath, original.replace('status: approved', 'status: review').replace('owner: Payments team', 'owner: Finance team'));
		let result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('1 fresh, 0 stale, 1 missing');
		expect(getMain(await readPage(dir, 'specs/billing'))).not.toContain('Stale specification');

		await writeFile(
			prdPath,
			original.replace('Meter every API call per customer.', 'Meter every API call and every webhook per customer.'),
		);
		result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('prds/billing.md changed since `src/content/specs/billing.md` was generated');
		expect(getMain(await readPage(dir, 'specs/billing'))).toContain('Stale specification');
	});

	test('a new PRD with no spec builds with a placeholder, and fails in strict mode naming it', async () => {
		const dir = await fixtureSite();
		await writeFile(join(dir, 'prds/new.md'), prdSource('title: Brand new'));
		let result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('prds/new.md has no spec yet');
		expect(getMain(await readPage(dir, 'specs/new'))).toContain('Not generated yet');

		result = await buildSite(dir, { PRD_SPECS_STRICT: '1' });
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Strict mode: 2 PRDs have no fresh spec:');
		expect(result.output).toContain('- prds/new.md: no spec in `src/content/specs/new.md`.');
		expect(result.output).not.toMatch(/^\s+at /m);
	});

	test('PRDs without frontmatter are published with the title of their heading, or of their file name', async () => {
		const dir = await fixtureSite();
		await writeFile(
			join(dir, 'prds/checkout-flow.md'),
			'# Product Requirements Document: One-tap checkout\n\n## Goal\n\nPay in one tap.\n',
		);
		await writeFile(join(dir, 'prds/order-history.md'), 'Orders, listed by date.\n');
		// A real-world PRD, copied as it is, when the shared fixtures are on this machine.
		const realWorld = '/work/shared/fixtures/spec-chain-sample/PRD.md';
		const withRealWorld = existsSync(realWorld);
		if (withRealWorld) await copyFile(realWorld, join(dir, 'prds/real-world.md'));
		const result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		const checkout = getMain(await readPage(dir, 'prds/checkout-flow'));
		expect(checkout).toContain('One-tap checkout</h1>');
		expect(checkout).not.toContain('Product Requirements Document');
		expect(checkout).toContain('Pay in one tap.');
		expect(getMain(await readPage(dir, 'prds/order-history'))).toContain('Order history</h1>');
		expect(getMain(await readPage(dir, 'specs/checkout-flow'))).toContain('One-tap checkout');
		if (withRealWorld) {
			const main = getMain(await readPage(dir, 'prds/real-world'));
			const heading = /^# (?:Product Requirements Document: )?(.*)$/m.exec(await readFile(realWorld, 'utf8'))![1]!.trim();
			expect(main).toContain(`${heading}</h1>`);
			expect(main).not.toContain('Product Requirements Document:');
		}
	});

	test('a broken diagram in a PRD and in a hand-written spec: one warning each with file and line, pages show the source, strict fails', async () => {
		const dir = await fixtureSite();
		const broken = '```mermaid\ngraph TB\n    UI["Web app" --> API[API gateway\n    API -->\n```';
		const prdPath = join(dir, 'prds/notifications.md');
		await writeFile(prdPath, `${await readFile(prdPath, 'utf8')}\n## Flow\n\n${broken}\n`);
		// Fresh for the PRD as it is now, so that strict mode has nothing but the diagrams to refuse.
		await writeFreshSpec(
			dir,
			'notifications',
			`# Technical Specification: Notifier\n\n## System Architecture Overview\n\n- Senders:\n\n  ${broken.replaceAll('\n', '\n  ')}\n`,
		);
		/** `file › line N: the mermaid diagram that opens at line M`, counted in the file as written. */
		const where = async (file: string) => {
			const lines = (await readFile(join(dir, file), 'utf8')).split('\n');
			const errorLine = lines.findIndex((line) => line.trim() === 'UI["Web app" --> API[API gateway') + 1;
			return `${file} › line ${errorLine}: the mermaid diagram that opens at line ${errorLine - 2} does not parse`;
		};
		const prdWarning = await where('prds/notifications.md');
		const specWarning = await where('src/content/specs/notifications.md');

		for (const build of ['cold', 'warm']) {
			const result = await buildSite(dir);
			expect(result.code, result.output).toBe(0);
			for (const warning of [prdWarning, specWarning]) {
				expect(
					result.output.split(`${warning}, so its page shows the source instead: Parse error on line 2:`),
					`${build}: ${warning}`,
				).toHaveLength(2);
			}
			for (const page of ['prds/notifications', 'specs/notifications']) {
				const main = getMain(await readPage(dir, page));
				expect(main).toContain('Mermaid cannot read this diagram (line 2 of it), so it is shown as its source.');
				expect(main).toMatch(/data-language="text"[^]*UI\["Web app" --&gt; API\[API gateway/);
				expect(main).not.toContain('class="mermaid"');
			}
		}
		// The billing pages' diagrams parse: they are drawn.
		expect(getMain(await readPage(dir, 'specs/billing'))).toContain('<pre class="mermaid">graph TB');

		const result = await buildSite(dir, { PRD_SPECS_STRICT: '1' });
		expect(result.code).not.toBe(0);
		expect(result.output).toContain(`${prdWarning}, so strict mode stops the build`);
		expect(result.output).toContain(`${specWarning}, so strict mode stops the build`);
		expect(result.output).toContain('turn strict mode off (`strict: false`, `PRD_SPECS_STRICT=0`)');
		expect(result.output).not.toMatch(/^\s+at /m);
	});

	test('`strict: true` in the config fails the build on a stale spec alone', async () => {
		// (A missing spec with `strict: true` is in generation-build.test.ts, after a failed generation.)
		const dir = await fixtureSite();
		await writeFreshSpec(dir, 'notifications', '# Technical Specification: Notifier\n');
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('Produce a monthly invoice.', 'Produce a weekly invoice.'));
		const result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ strict: true }) });
		expect(result.code, result.output).not.toBe(0);
		expect(result.output).toContain(
			'Strict mode: 1 PRD has no fresh spec:\n- prds/billing.md: `src/content/specs/billing.md` is stale (the PRD changed since it was generated).',
		);
		expect(result.output).toContain('turn strict mode off (`strict: false`, `PRD_SPECS_STRICT=0`)');
		expect(result.output).not.toMatch(/^\s+at /m);
		expect(existsSync(join(dir, 'dist/specs/billing/index.html'))).toBe(false);
	});

	test('broken frontmatter fails the build naming the file and field, without a stack trace', async () => {
		const dir = await fixtureSite();
		await writeFile(join(dir, 'prds/broken.md'), '---\ntitle: Broken\nstatus: someday\nrelated: notifications\n---\n\nBody.\n');
		const result = await buildSite(dir);
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('2 problems in the PRDs or the spec cache:');
		expect(result.output).toContain('- prds/broken.md › status: `status` must be one of: draft, review, approved, superseded, archived.');
		expect(result.output).toContain('- prds/broken.md › related: `related` must be a list of text.');
		expect(result.output).not.toMatch(/^\s+at /m);
	});
});

describe('the files for coding agents, as options and the site decide', () => {
	test('`markdownCopies: false` and `llmsTxt: false`: no copies, no "View as markdown", no llms files', async () => {
		const dir = await fixtureSite();
		const result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ markdownCopies: false, llmsTxt: false }) });
		expect(result.code, result.output).toBe(0);
		const files = await readdir(join(dir, 'dist'), { recursive: true });
		expect(files.filter((file) => /\.md$|llms[^/]*\.txt$/.test(file))).toEqual([]);
		expect(getMain(await readPage(dir, 'specs/billing'))).not.toContain('View as markdown');
		expect(result.output).not.toContain('Written for coding agents');
	});

	test('a `public/llms.txt` of the site stays, with a warning that says how to silence it; the copies are written', async () => {
		const dir = await fixtureSite();
		await writeFile(join(dir, 'public/llms.txt'), '# Our own\n');
		const result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		expect(await readFile(join(dir, 'dist/llms.txt'), 'utf8')).toBe('# Our own\n');
		expect(result.output).toContain(
			'dist/llms.txt exists already (from `public/` or another integration, such as starlight-llms-txt), so ours is not written. Set `llmsTxt: false`',
		);
		expect(result.output).toContain('Written for coding agents: 3 markdown copies of PRD and spec pages, 1 full-text file.');
		expect(await readFile(join(dir, 'dist/specs/billing.md'), 'utf8')).toMatch(/^---\ntitle: /);
	});
});
