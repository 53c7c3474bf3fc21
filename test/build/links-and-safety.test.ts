import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { prdSource, writeFreshSpec } from '../helpers/files.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';
import { specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();
const CORPUS = await readFile(new URL('../fixtures/untrusted/xss-corpus.md', import.meta.url), 'utf8');

/** The fixture site plus a PRD and a spec made of the XSS corpus. */
async function siteWithCorpus(): Promise<string> {
	const dir = await fixtureSite();
	await writeFile(join(dir, 'prds/hostile.md'), prdSource('title: Hostile <script>alert("title")</script>\nowner: "<img src=x onerror=alert(1)>"', CORPUS));
	await writeFreshSpec(dir, 'hostile', specText('Hostile', { before: '' }).replace('## Technology Stack', `${CORPUS.replace(/^## /gm, '### ')}\n\n## Technology Stack`));
	return dir;
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

	test('the XSS corpus is inert in the PRD page, the spec page and the overview', async () => {
		for (const path of ['prds/hostile', 'specs/hostile', 'prds', 'open-questions']) {
			const main = getMain(await readPage(dir, path));
			const tags = main.match(/<[a-z][^>]*>/gi) ?? [];
			for (const tag of tags) {
				expect(tag, path).not.toMatch(/\son[a-z]+\s*=/i);
				expect(tag, path).not.toMatch(/=\s*["']?\s*(javascript|data|vbscript):/i);
				expect(tag, path).not.toMatch(/^<(script|iframe|object|embed|style|meta|base|form)\b/i);
			}
		}
		const prd = getMain(await readPage(dir, 'prds/hostile'));
		expect(prd).toMatch(/&(lt|#x3C);script/);
		expect(prd).toContain('Hostile &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;</h1>');
	});

	test('the open questions page lists every spec’s clarification items', async () => {
		const main = getMain(await readPage(dir, 'open-questions'));
		expect(main).toContain('Which currency do invoices use?');
		expect(main).toContain('Which regions must Hostile serve?');
		expect(main).toMatch(/These PRDs have no specification, so no questions yet: <a href="\/prds\/notifications\/">Notification preferences<\/a>/);
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
