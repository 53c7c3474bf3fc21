import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { expect, test } from 'vitest';

import { createPageHtmlStore, hasPageHtml, prunePageHtml, readPageHtml, writePageHtml } from '../../src/integration/page-html.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

async function storeIn() {
	const cacheDir = pathToFileURL(`${await tempDir()}/`);
	return createPageHtmlStore(cacheDir);
}

test('keeps each page’s HTML under its digest in the cache directory', async () => {
	const store = await storeIn();
	expect(store.dir).toMatch(/prd-specs[\\/]pages[\\/]?$/);
	expect(await hasPageHtml(store, 'abc')).toBe(false);
	await writePageHtml(store, 'abc', '<p>“Spec” body</p>');
	expect(await hasPageHtml(store, 'abc')).toBe(true);
	expect(await readPageHtml(store, 'specs/x', 'abc')).toBe('<p>“Spec” body</p>');
	// Written through a temporary file renamed into place: nothing else is left.
	expect(await readdir(store.dir)).toEqual(['abc.html']);
});

test('a missing file names the page and the file, and says to build again, without a stack trace', async () => {
	const store = await storeIn();
	const error = (await readPageHtml(store, 'specs/payments/checkout', 'def').then(
		() => undefined,
		(caught: unknown) => caught,
	)) as Error & { hint?: string };
	expect(error).toBeInstanceOf(Error);
	expect(error.message).toContain('/specs/payments/checkout/');
	expect(error.message).toContain(join(store.dir, 'def.html'));
	expect(error.hint).toMatch(/Build again/);
	expect(error.stack).toBe('');
});

test('a write that fails leaves no file behind, and an existing page as it was', async () => {
	const store = await storeIn();
	await writePageHtml(store, 'abc', '<p>old</p>');
	// A directory where the file should go makes the rename fail after the temporary file is written.
	await mkdir(join(store.dir, 'xyz.html'));
	await writeFile(join(store.dir, 'xyz.html', 'inside'), 'x');
	await expect(writePageHtml(store, 'xyz', '<p>new</p>')).rejects.toThrow();
	expect((await readdir(store.dir)).sort()).toEqual(['abc.html', 'xyz.html']);
	expect(await readPageHtml(store, 'specs/x', 'abc')).toBe('<p>old</p>');
});

test('pruning keeps the pages still published and removes the rest, temporary files included', async () => {
	const store = await storeIn();
	await prunePageHtml(store, new Set()); // no directory yet: nothing to do
	await writePageHtml(store, 'keep', 'a');
	await writePageHtml(store, 'gone', 'b');
	await writeFile(join(store.dir, 'keep.html.1a2b3c.tmp'), 'half a page');
	await prunePageHtml(store, new Set(['keep']));
	expect(await readdir(store.dir)).toEqual(['keep.html']);
});
