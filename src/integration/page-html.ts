import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { throwPluginError } from './error.ts';

/**
 * The rendered HTML of our PRD and spec pages, kept in files between content sync and page
 * generation rather than in Astro's content store. Astro writes its store whole after a sync
 * (as one string, or with `experimental.collectionStorage: 'chunked'` in chunks it measures
 * character by character): measured at 1,000 PRDs, a store holding the pages' HTML is 137 million
 * characters and takes 113 s to write in chunks, 0.8 µs a character; near 4,000 PRDs one string
 * no longer fits in V8. Without the HTML it holds the pages' data and headings, some 3% of that.
 *
 * Files are named by the page's digest (of everything its render depends on), so an unchanged
 * page finds its HTML from the last build, and a page that changed never reads an older render.
 */
export interface PageHtmlStore {
	/** The directory of the files: `prd-specs/pages/` in Astro's cache directory. */
	dir: string;
	/** Ids of the entries whose HTML is here (our pages); the route middleware serves these. */
	ids: Set<string>;
}

export function createPageHtmlStore(cacheDir: URL): PageHtmlStore {
	return { dir: fileURLToPath(new URL('prd-specs/pages/', cacheDir)), ids: new Set() };
}

export function pageHtmlFile(store: PageHtmlStore, digest: string): string {
	return join(store.dir, `${digest}.html`);
}

export async function hasPageHtml(store: PageHtmlStore, digest: string): Promise<boolean> {
	try {
		await access(pageHtmlFile(store, digest));
		return true;
	} catch {
		return false;
	}
}

/**
 * Writes a page's HTML to a temporary file and renames it into place, so that a build killed
 * meanwhile leaves either no file or the whole page, never part of one.
 */
export async function writePageHtml(store: PageHtmlStore, digest: string, html: string): Promise<void> {
	await mkdir(store.dir, { recursive: true });
	const target = pageHtmlFile(store, digest);
	const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
	try {
		await writeFile(temporary, html);
		await rename(temporary, target);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
}

/** The HTML of one of our pages, or a message naming the page and what to do when it is gone. */
export async function readPageHtml(store: PageHtmlStore, pageId: string, digest: string): Promise<string> {
	const file = pageHtmlFile(store, digest);
	try {
		return await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		return throwPluginError(
			`The rendered page \`/${pageId}/\` is missing: \`${file}\` was removed after the content sync.`,
			'Build again (or restart `astro dev`); the page is rendered again. Do not clear Astro’s cache directory while a build or `astro dev` runs.',
		);
	}
}

/**
 * Removes the files of pages that are no longer published (and temporary files a killed build
 * left), keeping `digests`. Only after a whole sync: in `astro dev`, a page requested while the
 * watcher refreshes may still read the file of its previous render.
 */
export async function prunePageHtml(store: PageHtmlStore, digests: ReadonlySet<string>): Promise<void> {
	let names: string[];
	try {
		names = await readdir(store.dir);
	} catch {
		return;
	}
	const stale = names.filter((name) => !(name.endsWith('.html') && digests.has(name.slice(0, -'.html'.length))));
	await Promise.all(stale.map((name) => rm(join(store.dir, name), { force: true })));
}
