import { expect, test } from 'vitest';

import { findBrokenLinks } from '../../src/integration/rendering/link-check.ts';
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
