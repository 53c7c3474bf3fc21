import { readFile } from 'node:fs/promises';

import { beforeAll, describe, expect, test } from 'vitest';

import { digestSections, recordSections } from '../../src/integration/markdown/section-digests.ts';
import { writeFreshSpec } from '../helpers/files.ts';
import { listElements } from '../helpers/html.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';

// A spec that records the version it replaced (`replaced`) says which sections its latest
// generation changed: a list near the top linking to them, and a mark on each.

const fixtureSite = useFixtureSite();

describe('the changed sections of a regenerated spec, in a built site', () => {
	let dir: string;
	let result: BuildResult;
	let main: string;
	beforeAll(async () => {
		dir = await fixtureSite();
		const body = await readFile(new URL('../fixtures/site/spec-bodies/billing.md', import.meta.url), 'utf8');
		expect(body).toContain('## API Design');
		// The version replaced: no API Design section, other security text, and a section dropped since.
		const old = body
			.replace('## API Design\n\n`GET /api/usage`\n\n', '')
			.replace('Signed events only.', 'Events are trusted.')
			.replace('## Future Considerations', '## Legacy <b>Import</b> [here](https://evil.example)\n\nCSV.\n\n## Future Considerations');
		await writeFreshSpec(dir, 'billing', body, {
			replaced: { generatedAt: '2026-10-02T08:00:00Z', sections: recordSections(digestSections(old)) },
		});
		// A spec whose replaced version had the same sections shows nothing extra.
		const notifications = '# Spec\n\n## Overview\n\nSame.\n';
		await writeFreshSpec(dir, 'notifications', notifications, {
			replaced: { generatedAt: '2026-10-02T08:00:00Z', sections: recordSections(digestSections(notifications)) },
		});
		result = await buildSite(dir);
		main = getMain(await readPage(dir, 'specs/billing'));
	});

	test('builds', () => {
		expect(result.code, result.output).toBe(0);
	});

	test('the list near the top names each changed section, links to its heading, and names the removed one as text', () => {
		const aside = /<aside aria-label="Changed in the latest generation"[\s\S]*?<\/aside>/.exec(main)?.[0] ?? '';
		expect(aside).toContain('Changed in the latest generation');
		expect(aside).toContain('These sections differ from the version of 2\u00a0Oct\u00a02026:');
		const items = listElements(aside, { fragment: true }).filter((element) => element.name === 'li');
		expect(items.map((item) => item.text)).toEqual(['API Design (new)', 'Security Requirements', 'Legacy <b>Import</b> here (removed)']);
		const links = listElements(aside, { fragment: true }).filter((element) => element.name === 'a');
		expect(links.map((link) => link.attributes.href)).toEqual(['#api-design', '#security-requirements']);
		// Each link leads to a heading of the page; the removed heading's markup and link stayed text.
		const ids = new Set(listElements(main, { fragment: true }).map((element) => element.attributes.id));
		for (const link of links) expect(ids, link.attributes.href).toContain(link.attributes.href!.slice(1));
		expect(aside).not.toContain('evil.example"');
		expect(listElements(aside, { fragment: true }).some((element) => element.name === 'b')).toBe(false);
		// It comes before the spec's first section.
		expect(main.indexOf('Changed in the latest generation')).toBeLessThan(main.indexOf('id="system-architecture-overview"'));
	});

	test('a mark under each added or changed heading, whose id and TOC entry stay as they were', async () => {
		const firstParagraphAfter = (id: string) => {
			const from = main.indexOf(`id="${id}"`);
			expect(from, id).toBeGreaterThan(-1);
			return /<p>([\s\S]*?)<\/p>/.exec(main.slice(from))?.[1];
		};
		expect(firstParagraphAfter('api-design')).toBe('<em>New in the latest generation.</em>');
		expect(firstParagraphAfter('security-requirements')).toBe('<em>Changed in the latest generation.</em>');
		expect(firstParagraphAfter('technology-stack')).not.toContain('latest generation');
		expect(main.match(/in the latest generation\.<\/em>/g)).toHaveLength(2);
		expect(main).toMatch(/<h2 id="api-design">API Design<\/h2>/);
		const html = await readPage(dir, 'specs/billing');
		expect(html).toMatch(/<starlight-toc[\s\S]*href="#api-design"[\s\S]*<\/starlight-toc>/);
		expect(html).toMatch(/<starlight-toc[\s\S]*href="#security-requirements"/);
	});

	test('a spec whose sections are all unchanged shows nothing extra', async () => {
		const notifications = getMain(await readPage(dir, 'specs/notifications'));
		expect(notifications).toContain('id="overview"');
		expect(notifications).not.toContain('latest generation');
	});
});
