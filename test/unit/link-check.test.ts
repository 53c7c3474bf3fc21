import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { checkLinks, findBrokenLinks } from '../../src/integration/rendering/link-check.ts';
import { writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

test('finds internal links to missing pages, relative or absolute, under the base path', async () => {
	const dist = await tempDir();
	const page = (links: string[]) => `<html><body>${links.map((href) => `<a class="x" href="${href}">l</a>`).join('')}</body></html>`;
	await writeFiles(dist, {
		'index.html': page(['/docs/guide/', '/docs/missing/', 'https://example.com/', '#top', 'mailto:a@b.c', '//cdn.example/x']),
		'guide/index.html': page(['../', '../guide/#part', 'other.html', '../assets/logo.svg', '/elsewhere/', 'prd:ghost', '/docs/a%20b/']),
		'guide/other.html': page(['./']),
		'assets/logo.svg': '<svg/>',
		'a b/index.html': page([]),
	});
	expect(await findBrokenLinks(dist, '/docs/')).toEqual([
		{ page: '/docs/guide/', href: '/elsewhere/' },
		{ page: '/docs/guide/', href: 'prd:ghost' },
		{ page: '/docs/', href: '/docs/missing/' },
	]);
});

test('llms.txt files: their markdown links are checked too, absolute ones with the site’s URL', async () => {
	const dist = await tempDir();
	await writeFiles(dist, {
		'index.html': '<html></html>',
		'prds/a.md': '# A',
		'prds/a/index.html': '<html></html>',
		'llms.txt':
			'# Site\n\n- [A](https://site.test/docs/prds/a.md); [spec](https://site.test/docs/specs/a.md)\n- [Page](/docs/prds/a/)\n- [Gone](/docs/gone/)\n- [Elsewhere](https://other.test/x) [escaped\\](/docs/nope)\n',
		'prds/payments/llms.txt': '- [B](https://site.test/docs/prds/b.md)\n',
		'notes.txt': '[not ours](/docs/nope/)',
		'llms-full.txt': '[what an author wrote](/docs/nope/)',
	});
	expect((await checkLinks(dist, '/docs/', undefined, 'https://site.test/docs/')).broken).toEqual([
		{ page: '/docs/llms.txt', href: 'https://site.test/docs/specs/a.md' },
		{ page: '/docs/llms.txt', href: '/docs/gone/' },
		{ page: '/docs/prds/payments/llms.txt', href: 'https://site.test/docs/prds/b.md' },
	]);
});

describe('the record kept between builds', () => {
	const page = (links: string[], text = '') =>
		`<html><body>${text}${links.map((href) => `<a href="${href}">l</a>`).join('')}</body></html>`;
	async function site() {
		const dist = await tempDir();
		await writeFiles(dist, {
			'index.html': page(['/guide/', '/about/']),
			'guide/index.html': page(['../', 'setup/']),
			'guide/setup/index.html': page(['/']),
			'about/index.html': page([]),
		});
		return dist;
	}

	test('an unchanged page is not scanned again, a changed one is', async () => {
		const dist = await site();
		const first = await checkLinks(dist, '/');
		expect(first).toMatchObject({ broken: [], pages: 4, scanned: 4 });
		// The record goes through JSON between builds.
		const record: unknown = JSON.parse(JSON.stringify(first.record));
		expect(await checkLinks(dist, '/', record)).toMatchObject({ broken: [], scanned: 0 });

		await writeFiles(dist, { 'guide/index.html': page(['../', 'setup/', '/missing/']) });
		const second = await checkLinks(dist, '/', record);
		expect(second).toMatchObject({ broken: [{ page: '/guide/', href: '/missing/' }], scanned: 1 });
		// A page with a broken link is not recorded: it is scanned until it is fixed.
		expect(await checkLinks(dist, '/', second.record)).toMatchObject({ broken: [{ page: '/guide/', href: '/missing/' }], scanned: 1 });
	});

	test('a page whose target was removed is scanned again and its link reported, though its HTML is the same', async () => {
		const dist = await site();
		const { record } = await checkLinks(dist, '/');
		await rm(join(dist, 'guide/setup'), { recursive: true });
		expect(await checkLinks(dist, '/', record)).toMatchObject({ broken: [{ page: '/guide/', href: 'setup/' }], scanned: 1 });
	});

	test('a record of another base path, of another version or malformed is not used', async () => {
		const dist = await site();
		const { record } = await checkLinks(dist, '/');
		for (const previous of [{ ...record, version: 0 }, { ...record, pages: 'x' }, 'garbage', null])
			expect(await checkLinks(dist, '/', previous)).toMatchObject({ broken: [], scanned: 4 });
		expect((await checkLinks(dist, '/docs/', record)).scanned).toBe(4);
		// Paths it no longer names: every page that links somewhere is scanned (the one without links need not be).
		expect(await checkLinks(dist, '/', { ...record, targets: [] })).toMatchObject({ broken: [], scanned: 3 });
	});
});
