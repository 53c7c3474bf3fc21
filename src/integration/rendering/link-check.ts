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
			for (const rawHref of findAnchorHrefs(htmls[index]!)) {
				const href = decodeEntities(rawHref);
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

/**
 * The `href` of every `<a>` start tag of a page, read in one pass: each tag's attributes are
 * walked once, quoted values included, and the scan goes on after the tag. (A lazy regular
 * expression retried at each `<a` costs time quadratic in the length of a tag that never ends,
 * and pages carry text from PRDs and specs.)
 */
export function findAnchorHrefs(html: string): string[] {
	const hrefs: string[] = [];
	const lower = html.toLowerCase();
	let cursor = 0;
	for (;;) {
		const start = lower.indexOf('<a', cursor);
		if (start === -1) return hrefs;
		cursor = start + 2;
		if (!isSpace(lower[cursor])) continue;
		// Attributes: name, optional `=` and a quoted or bare value, until `>`.
		while (cursor < html.length && lower[cursor] !== '>') {
			if (isSpace(lower[cursor]) || lower[cursor] === '/') {
				cursor++;
				continue;
			}
			const nameStart = cursor;
			while (cursor < html.length && !isSpace(lower[cursor]) && lower[cursor] !== '=' && lower[cursor] !== '>' && lower[cursor] !== '/')
				cursor++;
			const name = lower.slice(nameStart, cursor);
			while (isSpace(lower[cursor])) cursor++;
			if (lower[cursor] !== '=') continue;
			cursor++;
			while (isSpace(lower[cursor])) cursor++;
			const quote = html[cursor];
			let value: string;
			if (quote === '"' || quote === "'") {
				const end = html.indexOf(quote, cursor + 1);
				const valueEnd = end === -1 ? html.length : end;
				value = html.slice(cursor + 1, valueEnd);
				cursor = valueEnd + 1;
			} else {
				const valueStart = cursor;
				while (cursor < html.length && !isSpace(lower[cursor]) && lower[cursor] !== '>') cursor++;
				value = html.slice(valueStart, cursor);
			}
			if (name === 'href') hrefs.push(value);
		}
	}
}

function isSpace(char: string | undefined): boolean {
	return char === ' ' || char === '\n' || char === '\t' || char === '\r' || char === '\f';
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
	return text.replace(
		/&(amp|lt|gt|quot|#39|#x27);/g,
		(_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name]!,
	);
}
