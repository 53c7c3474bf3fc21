import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';

export interface BrokenLink {
	/** URL path of the page that has the link. */
	page: string;
	href: string;
}

/**
 * What the link check keeps between builds: for each page that had no broken link, a digest of
 * its HTML and the paths its links resolved to. Such a page is not scanned again while its HTML
 * is the same and those paths still exist in `dist/`.
 */
export interface LinkRecord {
	version: number;
	base: string;
	/** Every path linked to (under the base, as `/guide/`), once: pages name them by index. */
	targets: string[];
	pages: Record<string, { digest: string; targets: number[] }>;
}

export interface LinkCheck {
	broken: BrokenLink[];
	/** The record for the next build. */
	record: LinkRecord;
	/** Pages in `dist/`, and how many of them were scanned (the others were unchanged). */
	pages: number;
	scanned: number;
}

// Changes when what a record holds, or how links are resolved, changes.
const RECORD_VERSION = 1;

/**
 * Every `<a href>` of the built site that points inside the site but at no page or file of
 * `dist/`, and every `prd:`/`spec:` link left unresolved. External links and same-page anchors
 * are not checked.
 */
export async function findBrokenLinks(distDir: string, base: string): Promise<BrokenLink[]> {
	return (await checkLinks(distDir, base)).broken;
}

/**
 * `findBrokenLinks`, reusing what `previous` (the record of an earlier build, unvalidated) says
 * of unchanged pages. Each page costs a read, a digest and a lookup of each path it links to in
 * the list of `dist/`'s files, so the check grows with the size of the site, not with its square.
 */
export async function checkLinks(distDir: string, base: string, previous?: unknown, site?: string): Promise<LinkCheck> {
	const basePath = `/${base.replace(/^\/+|\/+$/g, '')}`.replace(/\/$/, '');
	const files = await listFiles(distDir);
	const kept = readRecord(previous, base);
	// Pages link to the same paths over and over (the sidebar's): each is looked up once.
	const found = new Map<string, boolean>();
	const exists = (path: string) => {
		let result = found.get(path);
		if (result === undefined) {
			const file = posix.normalize(path).replace(/^\/+/, '');
			result = files.has(file) || files.has(posix.join(file, 'index.html')) || files.has(`${file.replace(/\/$/, '')}.html`);
			found.set(path, result);
		}
		return result;
	};
	// Every page repeats the sidebar's links: an absolute link is resolved once for the whole site.
	const absolute = new Map<string, string | undefined>();
	// The path under the base that a link points at; undefined when it points outside the base.
	const resolve = (page: string, href: string): string | undefined => {
		if (href.startsWith('/') && absolute.has(href)) return absolute.get(href);
		const path = decodeURIComponent(posix.resolve(posix.join(basePath || '/', page), href.split(/[?#]/)[0]!));
		const result = basePath && !`${path}/`.startsWith(`${basePath}/`) ? undefined : path.slice(basePath.length) || '/';
		if (href.startsWith('/')) absolute.set(href, result);
		return result;
	};
	const targets = new Map<string, number>();
	const record: LinkRecord = { version: RECORD_VERSION, base, targets: [], pages: {} };
	const remember = (page: string, digest: string, paths: Iterable<string>) => {
		const indexes = [...paths].map((path) => {
			let index = targets.get(path);
			if (index === undefined) {
				index = record.targets.push(path) - 1;
				targets.set(path, index);
			}
			return index;
		});
		record.pages[page] = { digest, targets: indexes };
	};

	const broken: BrokenLink[] = [];
	const pages = [...files].filter((file) => file.endsWith('.html')).sort();
	let scanned = 0;
	// Read a few pages at a time; the checks themselves are cheap.
	for (let start = 0; start < pages.length; start += 16) {
		const batch = pages.slice(start, start + 16);
		const contents = await Promise.all(batch.map((file) => readFile(join(distDir, file))));
		for (const [index, file] of batch.entries()) {
			const page = `/${file}`.replace(/index\.html$/, '').replace(/\.html$/, '/');
			const content = contents[index]!;
			const digest = createHash('sha256').update(content).digest('base64');
			const before = kept?.pages.get(page);
			if (before?.digest === digest) {
				const paths = before.targets.map((target) => kept!.targets[target]);
				if (paths.every((path) => path !== undefined && exists(path))) {
					remember(page, digest, paths as string[]);
					continue;
				}
			}
			scanned++;
			const paths = new Set<string>();
			let pageBroken = false;
			for (const rawHref of findAnchorHrefs(content.toString('utf8'))) {
				const href = decodeEntities(rawHref);
				if (/^(prd|spec):/i.test(href)) {
					broken.push({ page: `${basePath}${page}`, href });
					pageBroken = true;
					continue;
				}
				if (href === '' || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
				const path = resolve(page, href);
				if (path !== undefined && exists(path)) {
					paths.add(path);
				} else {
					broken.push({ page: `${basePath}${page}`, href });
					pageBroken = true;
				}
			}
			// A page with a broken link fails the build: it is scanned again next time.
			if (!pageBroken) remember(page, digest, paths);
		}
	}
	// The lists for coding agents (`llms.txt`) link with markdown, absolute with the site's URL.
	const origin = site ? new URL(site).origin : undefined;
	for (const file of [...files].filter((name) => LLMS_FILE.test(name)).sort()) {
		const text = await readFile(join(distDir, file), 'utf8');
		for (const target of findMarkdownLinkTargets(text)) {
			const href = origin && target.startsWith(`${origin}/`) ? target.slice(origin.length) : target;
			if (href === '' || href.startsWith('#') || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) continue;
			const path = resolve('/', href);
			if (path === undefined || !exists(path)) broken.push({ page: `${basePath}/${file}`, href: target });
		}
	}
	return { broken, record, pages: pages.length, scanned };
}

/**
 * `llms.txt` and `prds/payments/llms.txt`: the lists of the llms.txt convention, all of whose links
 * are the site's. (The full-text files hold what authors wrote, links included, as it is.)
 */
const LLMS_FILE = /(^|\/)llms\.txt$/;

/**
 * The destination of every `[text](destination)` of a markdown text, in one pass (`](` found with
 * `indexOf`, the destination read up to `)` or a space). Escaped brackets (`\]`) make no link.
 */
export function findMarkdownLinkTargets(text: string): string[] {
	const targets: string[] = [];
	for (let at = text.indexOf('](', 0); at !== -1; at = text.indexOf('](', at + 2)) {
		if (text[at - 1] === '\\') continue;
		let end = at + 2;
		while (end < text.length && text[end] !== ')' && !isSpace(text[end])) end++;
		if (text[end] === ')') targets.push(text.slice(at + 2, end).replace(/^<|>$/g, ''));
	}
	return targets;
}

/** Every file of `dist/`, as `/`-separated paths relative to it (a link to a file through a symbolic link counts). */
async function listFiles(distDir: string): Promise<Set<string>> {
	const files = new Set<string>();
	for (const entry of await readdir(distDir, { recursive: true, withFileTypes: true })) {
		const path = join(entry.parentPath, entry.name);
		if (entry.isFile() || (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isFile())) {
			files.add(relative(distDir, path).split(sep).join('/'));
		}
	}
	return files;
}

/** The usable part of an earlier record: nothing when it is of another version or base, or malformed. */
function readRecord(
	value: unknown,
	base: string,
): { targets: readonly (string | undefined)[]; pages: Map<string, { digest: string; targets: number[] }> } | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	const record = value as Partial<LinkRecord>;
	if (record.version !== RECORD_VERSION || record.base !== base || !Array.isArray(record.targets)) return undefined;
	if (typeof record.pages !== 'object' || record.pages === null) return undefined;
	const pages = new Map<string, { digest: string; targets: number[] }>();
	for (const [page, entry] of Object.entries(record.pages as Record<string, unknown>)) {
		const { digest, targets } = (entry ?? {}) as Partial<{ digest: unknown; targets: unknown }>;
		if (typeof digest === 'string' && Array.isArray(targets) && targets.every((target) => Number.isInteger(target)))
			pages.set(page, { digest, targets: targets as number[] });
	}
	return { targets: record.targets.map((target) => (typeof target === 'string' ? target : undefined)), pages };
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

function decodeEntities(text: string): string {
	return text.replace(
		/&(amp|lt|gt|quot|#39|#x27);/g,
		(_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name]!,
	);
}
