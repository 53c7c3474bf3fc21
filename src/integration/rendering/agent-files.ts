import { CORE_SCHEMA, dump } from 'js-yaml';

import { getReviewState } from '../cache/review.ts';
import { LIMITS } from '../limits.ts';
import { rewriteIdLinks } from '../markdown/id-links.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import type { PrdWithSpec, ProjectReport } from '../project.ts';
import { toSingleLine } from '../text/plain-text.ts';
import { getFolderTree, type FolderNode } from './folder-tree.ts';
import { getFolderSlug, getPageHref, getPrdSlug, getSpecSlug, markdownCopyPath, PRD_ROUTE } from './urls.ts';

/**
 * What the site publishes for coding agents: a markdown copy of every PRD and spec page
 * (`prds/<id>.md`, `specs/<id>.md`), and `llms.txt` (the llms.txt convention: the site's title,
 * then one line per PRD with its spec, grouped by folder, then the hand-written pages) with the
 * full text in `llms-full.txt`, per folder and in parts of at most `LIMITS.llmsFullBytes` on a
 * large site. Pure: the build writes these files into `dist/`, `astro dev` serves them.
 */

/** A hand-written page of the docs collection (Starlight's docs loader), as `llms.txt` lists it. */
export interface HandWrittenPage {
	/** Its slug: the page is at `<base>/<id>/`. */
	id: string;
	title: string;
	description?: string | undefined;
	/** Its markdown (or MDX) source without frontmatter. */
	body: string;
}

export interface AgentFileOptions {
	/** Astro's `base`. */
	base: string;
	/** Astro's `site`: links are absolute with it, site-relative without. */
	site?: string | undefined;
	/** Starlight's `title` and `description`. */
	title: string;
	description?: string | undefined;
	/** The sidebar group's label, which heads the PRDs outside any folder. */
	groupLabel: string;
	markdownCopies: boolean;
	llmsTxt: boolean;
}

export interface AgentFile {
	/** Path under the site's base: `prds/checkout.md`, `llms.txt`. */
	path: string;
	contentType: 'text/markdown; charset=utf-8' | 'text/plain; charset=utf-8';
	/** Made when asked for: `astro dev` serves one file of many. */
	text: () => string;
}

const MARKDOWN = 'text/markdown; charset=utf-8';
const PLAIN = 'text/plain; charset=utf-8';

/** Every file for agents the site publishes, by path, in a stable order. */
export function planAgentFiles(report: ProjectReport, pages: readonly HandWrittenPage[], options: AgentFileOptions): AgentFile[] {
	const files: AgentFile[] = [];
	const urls = createUrls(options);
	const copies = createCopies(report, urls);
	if (options.markdownCopies) {
		for (const status of report.prds) {
			files.push({ path: markdownCopyPath('prd', status.prd.id), contentType: MARKDOWN, text: () => copies.prd(status) });
			if (status.spec)
				files.push({ path: markdownCopyPath('spec', status.prd.id), contentType: MARKDOWN, text: () => copies.spec(status)! });
		}
	}
	if (options.llmsTxt) files.push(...planLlmsFiles(report, pages, options, urls, copies));
	return files;
}

/** Links as agents get them: absolute with `site`, under the base without. */
interface Urls {
	/** A file under the base (`prds/x.md`). */
	file(path: string): string;
	/** A page (`prds/x` -> `/prds/x/`). */
	page(slug: string): string;
	/** A PRD's markdown copy, or its page when there are no copies. */
	prd(id: string): string;
	spec(id: string): string;
}

function createUrls(options: AgentFileOptions): Urls {
	const origin = options.site ? new URL(options.site).origin : '';
	const base = `/${options.base.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
	const file = (path: string) => `${origin}${base}/${path}`;
	const page = (slug: string) => `${origin}${getPageHref(options.base, slug)}`;
	return {
		file,
		page,
		prd: (id) => (options.markdownCopies ? file(markdownCopyPath('prd', id)) : page(getPrdSlug(id))),
		spec: (id) => (options.markdownCopies ? file(markdownCopyPath('spec', id)) : page(getSpecSlug(id))),
	};
}

/** The markdown copies of the pages, each made once (`llms-full.txt` repeats them). */
interface Copies {
	prd(status: PrdWithSpec): string;
	/** The spec's copy; undefined when it has none (its page is a placeholder). */
	spec(status: PrdWithSpec): string | undefined;
}

function createCopies(report: ProjectReport, urls: Urls): Copies {
	const known = new Map(report.prds.map((status) => [status.prd.id, status]));
	const made = new Map<string, string>();
	const once = (key: string, make: () => string) => {
		let text = made.get(key);
		if (text === undefined) made.set(key, (text = make()));
		return text;
	};
	// `prd:`/`spec:` links lead to the markdown copies (an unknown id fails the build before this);
	// a spec not generated yet has no copy, only its placeholder page.
	const links = (text: string) =>
		rewriteIdLinks(text, ({ scheme, id, fragment }) => {
			const target = known.get(id);
			if (!target) return undefined;
			if (scheme === 'prd') return `${urls.prd(id)}${fragment}`;
			return `${target.spec ? urls.spec(id) : urls.page(getSpecSlug(id))}${fragment}`;
		});
	return {
		prd: (status) =>
			once(`prd:${status.prd.id}`, () => {
				const { prd } = status;
				const { frontmatter } = prd;
				const header = {
					title: frontmatter.title,
					...(frontmatter.description && { description: frontmatter.description }),
					status: frontmatter.status,
					...(frontmatter.owner && { owner: frontmatter.owner }),
					page: urls.page(getPrdSlug(prd.id)),
					specification: status.spec ? urls.spec(prd.id) : null,
					specificationState: describeState(status),
				};
				return `${frontmatterBlock(header)}${links(prd.body).trim()}\n`;
			}),
		spec: (status) => {
			const { prd, spec } = status;
			if (!spec) return undefined;
			return once(`spec:${prd.id}`, () => {
				const { metadata } = spec;
				const review = getReviewState(spec);
				const header = {
					title: splitLeadingH1(spec.body).heading ?? `Technical specification: ${prd.frontmatter.title}`,
					prd: prd.frontmatter.title,
					prdMarkdown: urls.prd(prd.id),
					page: urls.page(getSpecSlug(prd.id)),
					state: describeState(status),
					madeBy: metadata.source === 'model' ? `model ${metadata.model ?? 'unknown'}` : 'hand',
					generatedAt: metadata.generatedAt,
					review: review.reviewed
						? `reviewed by ${review.by} on ${review.at.slice(0, 10)}`
						: review.reason === 'changed'
							? `not reviewed: changed after ${review.by} approved it on ${review.at.slice(0, 10)}`
							: 'not reviewed',
				};
				return `${frontmatterBlock(header)}${links(spec.body).trim()}\n`;
			});
		},
	};
}

function describeState(status: PrdWithSpec): string {
	if (status.state === 'stale')
		return `stale: the ${status.staleBecause === 'template' ? 'prompt template' : 'PRD'} changed after the specification was written`;
	return status.state;
}

/** YAML frontmatter: values from PRDs and specs are quoted by the YAML writer, never spliced. */
function frontmatterBlock(fields: Record<string, unknown>): string {
	return `---\n${dump(fields, { schema: CORE_SCHEMA, lineWidth: -1, noRefs: true, sortKeys: false })}---\n\n`;
}

/**
 * Text from PRDs and the site in `llms.txt`: one line, with the characters that make links
 * (`[`, `]`, `<`, `>`) and escapes escaped, so that a title cannot add a link of its own. Agents
 * read it as text: nothing else is escaped.
 */
function llmsText(text: string): string {
	return toSingleLine(text).replace(/[\\[\]<>]/g, (char) => `\\${char}`);
}

/** `[title](url)` with the title as `llmsText` makes it. */
function link(label: string, url: string): string {
	return `[${llmsText(label)}](${url})`;
}

function planLlmsFiles(
	report: ProjectReport,
	pages: readonly HandWrittenPage[],
	options: AgentFileOptions,
	urls: Urls,
	copies: Copies,
): AgentFile[] {
	const tree = getFolderTree(report);
	const folders = [...tree.byPath.values()].filter((node) => node.prds.length > 0 || node.path === '');
	const prdLine = (status: PrdWithSpec) => {
		const { prd } = status;
		const description = prd.frontmatter.description ? `: ${llmsText(prd.frontmatter.description)}` : '';
		const spec = status.spec
			? ` and its ${link('technical specification', urls.spec(prd.id))} (${status.state})`
			: ' (no technical specification yet)';
		return `- ${link(prd.frontmatter.title, urls.prd(prd.id))}${spec}${description}`;
	};
	const folderHeading = (node: FolderNode) => (node.path === '' ? options.groupLabel : folderTitles(tree.byPath, node.path));

	// The full text: every PRD and its spec, one folder after another, cut where a file would pass the limit.
	const entries = (node: FolderNode) =>
		node.prds.map((status) => [copies.prd(status), copies.spec(status)].filter((text): text is string => text !== undefined).join('\n'));
	const docsText = pages.map(
		(page) =>
			`---\n${dump({ title: page.title, page: urls.page(page.id) }, { schema: CORE_SCHEMA, lineWidth: -1 })}---\n\n${page.body.trim()}\n`,
	);
	const full: AgentFile[] = [];
	const allTexts = [...docsText, ...folders.flatMap(entries)];
	const small = allTexts.reduce((sum, text) => sum + Buffer.byteLength(text) + 1, 0) <= LIMITS.llmsFullBytes;
	if (small) {
		full.push({ path: 'llms-full.txt', contentType: PLAIN, text: () => allTexts.join('\n') });
	} else {
		if (docsText.length > 0) full.push(...parts('llms-docs.txt', docsText));
		for (const node of folders) {
			if (node.prds.length === 0) continue;
			full.push(...parts(`${node.path === '' ? PRD_ROUTE : getFolderSlug(node.path)}/llms-full.txt`, entries(node)));
		}
	}

	// Up to `LIMITS.llmsListedPrds` PRDs, every one is listed here; above, each folder's are listed
	// in a file of the folder's own, and this one lists the folders (and the PRDs outside them).
	const listed = report.prds.length <= LIMITS.llmsListedPrds;
	const sections: string[] = [];
	const folderLines: string[] = [];
	const folderFiles: AgentFile[] = [];
	for (const node of folders) {
		if (node.prds.length === 0) continue;
		const about = node.folder?.description ? `${llmsText(node.folder.description)}\n\n` : '';
		const list = () => `${about}${node.prds.map(prdLine).join('\n')}`;
		if (listed || node.path === '') {
			sections.push(`## ${llmsText(folderHeading(node))}\n\n${list()}`);
			continue;
		}
		const path = `${getFolderSlug(node.path)}/llms.txt`;
		folderFiles.push({ path, contentType: PLAIN, text: () => `# ${llmsText(folderHeading(node))}\n\n${list()}\n` });
		folderLines.push(`- ${link(folderHeading(node), urls.file(path))}: ${node.prds.length} PRDs`);
	}
	if (folderLines.length > 0) sections.push(`## Folders\n\n${folderLines.join('\n')}`);
	if (pages.length > 0) {
		sections.push(
			`## Docs\n\n${pages
				.map((page) => `- ${link(page.title, urls.page(page.id))}${page.description ? `: ${llmsText(page.description)}` : ''}`)
				.join('\n')}`,
		);
	}
	sections.push(`## Optional\n\n${full.map((file) => `- ${link(describeFull(file.path), urls.file(file.path))}`).join('\n')}`);
	const intro = [
		`# ${llmsText(options.title)}`,
		...(options.description ? [`> ${llmsText(options.description)}`] : []),
		`Product requirements documents (PRDs) and the technical specification written from each${options.markdownCopies ? ', as markdown' : ''}. A specification's state says whether it is up to date with its PRD (\`fresh\`) or was written from an older version (\`stale\`).`,
	];
	const llms: AgentFile = { path: 'llms.txt', contentType: PLAIN, text: () => `${[...intro, ...sections].join('\n\n')}\n` };
	return [llms, ...folderFiles, ...full];
}

/**
 * How `llms.txt` names a full-text file (one of the paths made above, never user text): `Full text
 * of every page`, `Full text of the hand-written pages`, `Full text: payments, part 2`.
 */
function describeFull(path: string): string {
	if (path === 'llms-full.txt') return 'Full text of every page';
	const part = /-(\d+)\.txt$/.exec(path)?.[1];
	const ofPart = part ? `, part ${part}` : '';
	if (path.startsWith('llms-docs')) return `Full text of the hand-written pages${ofPart}`;
	const folder = path.slice(`${PRD_ROUTE}/`.length, path.lastIndexOf('/llms-full'));
	return `Full text: ${folder || 'PRDs outside folders'}${ofPart}`;
}

/** `Payments / EU`: a folder's title after its parents'. */
function folderTitles(byPath: Map<string, FolderNode>, path: string): string {
	const titles: string[] = [];
	for (let current = path; current !== ''; current = current.includes('/') ? current.slice(0, current.lastIndexOf('/')) : '') {
		titles.unshift(byPath.get(current)?.folder?.title ?? current);
	}
	return titles.join(' / ');
}

/** Texts joined into files of at most `LIMITS.llmsFullBytes` (a text larger than that alone gets a file of its own): `x.txt`, `x-2.txt`... */
function parts(path: string, texts: readonly string[]): AgentFile[] {
	const groups: string[][] = [];
	let size = Number.POSITIVE_INFINITY;
	for (const text of texts) {
		const bytes = Buffer.byteLength(text) + 1;
		if (size + bytes > LIMITS.llmsFullBytes) {
			groups.push([]);
			size = 0;
		}
		groups.at(-1)!.push(text);
		size += bytes;
	}
	return groups.map((group, index) => ({
		path: index === 0 ? path : path.replace(/\.txt$/, `-${index + 1}.txt`),
		contentType: PLAIN,
		text: () => group.join('\n'),
	}));
}
