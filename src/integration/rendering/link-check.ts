import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

export interface BrokenLink {
	/** URL path of the page that has the link. */
	page: string;
	href: string;
}

/**
 * Every `<a href>` of the built site that points inside the site but at no page or file of
 * `dist/`, and every `prd:`/`spec:` link left unresolved. External links and same-page anchors
 * are not checked.
 */
export async function findBrokenLinks(distDir: string, base: string): Promise<BrokenLink[]> {
	const basePath = `/${base.replace(/^\/+|\/+$/g, '')}`.replace(/\/$/, '');
	const pages = (await readdir(distDir, { recursive: true })).filter((file) => file.endsWith('.html'));
	const exists = new Map<string, Promise<boolean>>();
	const check = (path: string) => {
		if (!exists.has(path)) exists.set(path, targetExists(distDir, path));
		return exists.get(path)!;
	};
	// Every page repeats the sidebar's links: an absolute link is checked once for the whole site.
	const absolute = new Map<string, Promise<boolean>>();
	const resolves = (page: string, href: string): Promise<boolean> => {
		if (href.startsWith('/') && absolute.has(href)) return absolute.get(href)!;
		const path = decodeURIComponent(posix.resolve(posix.join(basePath || '/', page), href.split(/[?#]/)[0]!));
		const result = basePath && !`${path}/`.startsWith(`${basePath}/`) ? Promise.resolve(false) : check(path.slice(basePath.length));
		if (href.startsWith('/')) absolute.set(href, result);
		return result;
	};
	const broken: BrokenLink[] = [];
	const files = pages.sort();
	// Read a few pages at a time; the checks themselves are cheap.
	for (let start = 0; start < files.length; start += 16) {
		const batch = files.slice(start, start + 16);
		const htmls = await Promise.all(batch.map((file) => readFile(join(distDir, file), 'utf8')));
		for (const [index, file] of batch.entries()) {
			const page = `/${file.split('\\').join('/')}`.replace(/index\.html$/, '').replace(/\.html$/, '/');
			for (const match of htmls[index]!.matchAll(/<a\b[^>]*?\shref=(?:"([^"]*)"|'([^']*)')/gi)) {
				const href = decodeEntities(match[1] ?? match[2] ?? '');
				if (/^(prd|spec):/i.test(href)) {
					broken.push({ page: `${basePath}${page}`, href });
					continue;
				}
				if (href === '' || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
				if (!(await resolves(page, href))) broken.push({ page: `${basePath}${page}`, href });
			}
		}
	}
	return broken;
}

async function targetExists(distDir: string, path: string): Promise<boolean> {
	for (const candidate of [path, join(path, 'index.html'), `${path.replace(/\/$/, '')}.html`]) {
		try {
			if ((await stat(join(distDir, candidate))).isFile()) return true;
		} catch {
			/* try the next form */
		}
	}
	return false;
}

function decodeEntities(text: string): string {
	return text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name]!);
}
