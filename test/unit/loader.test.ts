import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { LoaderContext } from 'astro/loaders';
import { beforeEach, describe, expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import { prdSpecsLoader } from '../../src/integration/loader.ts';
import { createBuildState, getBuildState, setBuildState } from '../../src/integration/build-state.ts';
import type { Problem } from '../../src/integration/problems.ts';
import { renderReportFor } from '../../src/integration/render-reports.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

interface Stored {
	id: string;
	data: Record<string, unknown>;
	body?: string;
	digest?: string;
	filePath?: string;
	rendered?: { html: string };
}

/** The HTML files the sync kept beside the store (see page-html.ts), by name. */
async function pageFiles(root: string): Promise<string[]> {
	return (await readdir(join(root, 'node_modules/.astro/prd-specs/pages'))).sort();
}

/** A loader context over a real project folder, with an in-memory store and a counting renderer. */
function createContext(root: string) {
	const entries = new Map<string, Stored>();
	const meta = new Map<string, string>();
	const logs: string[] = [];
	const rendered: string[] = [];
	const logger = Object.fromEntries(['info', 'warn', 'error', 'debug'].map((level) => [level, (m: string) => logs.push(`${level}: ${m}`)]));
	const context = {
		collection: 'docs',
		config: {
			root: pathToFileURL(`${root}/`),
			srcDir: pathToFileURL(`${root}/src/`),
			cacheDir: pathToFileURL(`${root}/node_modules/.astro/`),
			base: '/',
			integrations: [],
		},
		store: {
			get: (id: string) => entries.get(id),
			set: (entry: Stored) => (entries.set(entry.id, entry), true),
			delete: (id: string) => void entries.delete(id),
			has: (id: string) => entries.has(id),
			keys: () => [...entries.keys()],
			values: () => [...entries.values()],
			entries: () => [...entries.entries()],
			clear: () => entries.clear(),
		},
		meta: {
			get: (k: string) => meta.get(k),
			set: (k: string, v: string) => void meta.set(k, v),
			has: (k: string) => meta.has(k),
			delete: (k: string) => void meta.delete(k),
		},
		logger,
		parseData: ({ data }: { data: Record<string, unknown> }) => Promise.resolve(data),
		generateDigest: (data: unknown) => createHash('sha1').update(JSON.stringify(data)).digest('hex'),
		renderMarkdown: (body: string, options?: { fileURL?: URL }) => {
			rendered.push(options?.fileURL?.pathname ?? '');
			return Promise.resolve({ html: `<article>${body.length}</article>` });
		},
		entryTypes: new Map(),
	};
	return { context: context as unknown as LoaderContext, entries, logs, rendered };
}

describe('prdSpecsLoader', () => {
	let root: string;
	beforeEach(async () => {
		root = await tempDir();
		await mkdir(join(root, 'src/content/docs'), { recursive: true });
		await writeFiles(root, {
			'prds/alpha.md': prdSource('title: Alpha\nrelated: [beta]'),
			'prds/beta.md': prdSource('title: Beta'),
		});
		await writeFreshSpec(root, 'alpha', '# Technical Specification: Alpha\n\n## System Architecture Overview\n\nA.');
		setBuildState(root, createBuildState(validateConfig({})));
	});

	test('adds PRD, spec, placeholder and overview entries with paths inside the docs collection', async () => {
		const { context, entries, rendered } = createContext(root);
		await prdSpecsLoader().load(context);
		expect([...entries.keys()].sort()).toEqual(['open-questions', 'prds', 'prds/alpha', 'prds/beta', 'specs/alpha', 'specs/beta']);
		const spec = entries.get('specs/alpha')!;
		// The HTML is kept in a file named by the entry's digest, not in the store.
		expect(spec).toMatchObject({
			filePath: 'src/content/docs/specs/alpha.md',
			data: { title: 'Technical Specification: Alpha' },
			rendered: { html: '' },
		});
		const html = await readFile(join(root, 'node_modules/.astro/prd-specs/pages', `${spec.digest}.html`), 'utf8');
		expect(html).toMatch(/^<article>\d+<\/article>$/);
		expect(await pageFiles(root)).toHaveLength(6);
		expect(entries.get('specs/beta')!.data).toMatchObject({ pagefind: false });
		expect(rendered).toContain(join(root, 'src/content/docs/prds/alpha.md'));
	});

	test('a second sync renders nothing again unless a source changed, and drops pages of removed PRDs', async () => {
		const { context, entries, rendered } = createContext(root);
		await prdSpecsLoader().load(context);
		const firstCount = rendered.length;
		await prdSpecsLoader().load(context);
		expect(rendered.length).toBe(firstCount);
		expect(entries.size).toBe(6);

		await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nstatus: approved\nrelated: [beta]') });
		setBuildState(root, createBuildState(validateConfig({})));
		await prdSpecsLoader().load(context);
		// The PRD page (status shown) and the overview changed; the spec page did not.
		expect(rendered.slice(firstCount).map((path) => path.slice(root.length))).toEqual([
			'/src/content/docs/prds/alpha.md',
			'/src/content/docs/prds.md',
		]);

		await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nstatus: approved') });
		await rm(join(root, 'prds/beta.md'));
		setBuildState(root, createBuildState(validateConfig({})));
		await prdSpecsLoader().load(context);
		expect([...entries.keys()].sort()).toEqual(['open-questions', 'prds', 'prds/alpha', 'specs/alpha']);
		// The files of beta's pages, and of alpha's and the overview's earlier renders, are gone.
		expect(await pageFiles(root)).toEqual([...entries.values()].map((entry) => `${entry.digest}.html`).sort());

		// A page whose file went missing (a cleared cache) is rendered again, though its entry did not change.
		const count = rendered.length;
		await rm(join(root, 'node_modules/.astro/prd-specs/pages', `${entries.get('specs/alpha')!.digest}.html`));
		setBuildState(root, createBuildState(validateConfig({})));
		await prdSpecsLoader().load(context);
		expect(rendered.slice(count).map((path) => path.slice(root.length))).toEqual(['/src/content/docs/specs/alpha.md']);
		expect(await pageFiles(root)).toHaveLength(4);
	});

	test('with Starlight’s `prerender: false`, pages keep their HTML in the store, which is deployed with the server', async () => {
		setBuildState(root, createBuildState(validateConfig({}), { htmlInStore: true }));
		const { context, entries, rendered } = createContext(root);
		await prdSpecsLoader().load(context);
		expect(entries.get('specs/alpha')!.rendered!.html).toMatch(/^<article>\d+<\/article>$/);
		expect(existsSync(join(root, 'node_modules/.astro/prd-specs/pages'))).toBe(false);
		const count = rendered.length;
		setBuildState(root, createBuildState(validateConfig({}), { htmlInStore: true }));
		await prdSpecsLoader().load(context);
		expect(rendered.length).toBe(count);
	});

	test('the list of PRD ids is digested once a sync, not once a page, and a new PRD still renders every page again', async () => {
		const { context, rendered } = createContext(root);
		const digested: unknown[] = [];
		const digest = (data: unknown) => createHash('sha1').update(JSON.stringify(data)).digest('hex');
		context.generateDigest = (data) => (digested.push(data), digest(data));
		await prdSpecsLoader().load(context);
		expect(digested.filter((data) => JSON.stringify(data).includes('alpha beta'))).toEqual(['alpha beta']);

		const firstCount = rendered.length;
		await writeFiles(root, { 'prds/gamma.md': prdSource('title: Gamma') });
		setBuildState(root, createBuildState(validateConfig({})));
		await prdSpecsLoader().load(context);
		// The pages of alpha and beta (5) again, because a `prd:` link may now resolve, and gamma's two.
		expect(rendered.length - firstCount).toBe(firstCount + 2);
	});

	test('two generated pages at one URL fail the sync naming both, rather than one replacing the other', async () => {
		setBuildState(root, createBuildState(validateConfig({ overview: { slug: 'prds/alpha' } })));
		const { context } = createContext(root);
		await expect(prdSpecsLoader().load(context)).rejects.toThrow(
			'`/prds/alpha/` would be published twice: as the page of `prds/alpha.md` and as the overview (`overview.slug`).',
		);
	});

	test('a hand-written page at a generated URL fails the sync naming both files', async () => {
		await writeFiles(root, { 'src/content/docs/prds/alpha.md': '---\ntitle: Mine\n---\nHand-written.' });
		const { context, entries } = createContext(root);
		entries.set('prds/alpha', { id: 'prds/alpha', data: {}, filePath: 'src/content/docs/prds/alpha.md' });
		// The glob loader would keep the real file's entry; stand in for it after it runs.
		const loader = prdSpecsLoader();
		const originalKeys = context.store.keys;
		context.store.keys = () => originalKeys().filter((id) => id !== 'prds/alpha');
		await expect(loader.load(context)).rejects.toThrow(
			'`src/content/docs/prds/alpha.md` and `prds/alpha.md` both publish the page `/prds/alpha/`.',
		);
	});

	test('a PRD or spec line that nests quotes or lists too deeply is not rendered: the sync fails naming file and line', async () => {
		await writeFiles(root, {
			'prds/deep.md': prdSource('title: Deep', `## Goal\n\n${'> '.repeat(40)}deep\n`),
			'prds/deeper.md': prdSource('title: Deeper', `${'- '.repeat(500_000)}x\n`),
			'prds/colons.md': prdSource('title: Colons', `## Goal\n\nFine: one colon.\n\n${'see:here '.repeat(100_000)}\n`),
		});
		await writeFreshSpec(root, 'beta', `# Technical Specification: Beta\n\n## A\n\n${'1. '.repeat(33)}x\n`);
		setBuildState(root, createBuildState(validateConfig({})));
		const { context, rendered } = createContext(root);
		const error = await prdSpecsLoader()
			.load(context)
			.then(
				() => undefined,
				(thrown: Error) => thrown,
			);
		expect(error?.message).toContain('4 pages could not be published:');
		expect(error?.message).toContain('- prds/colons.md › body: the paragraph at line 9 has more than 1,000 colons;');
		expect(error?.message).toContain('- prds/deep.md › body: line 7 opens 40 nested quotes or lists; at most 32 are allowed.');
		expect(error?.message).toContain('- prds/deeper.md › body: line 5 opens 500000 nested quotes or lists; at most 32 are allowed.');
		expect(error?.message).toMatch(/- src\/content\/specs\/beta\.md › body: line \d+ opens 33 nested quotes or lists/);
		expect(rendered.some((path) => /\/(prds\/deep|prds\/deeper|prds\/colons|specs\/beta)\.md$/.test(path))).toBe(false);
	});

	test('a page’s link problems are those of its own render: it is not stored, and what other files report meanwhile does not count', async () => {
		const { context, entries, logs } = createContext(root);
		const reports = getBuildState(root)!.renderReports;
		const render = context.renderMarkdown.bind(context);
		// Stands in for our markdown plugin, which files what it finds under the path it renders.
		context.renderMarkdown = async (body, options) => {
			const path = fileURLToPath(options!.fileURL!);
			// A page of another collection, rendered at the same time (Astro loads collections in parallel).
			renderReportFor(reports, join(root, 'src/content/blog/other.md')).problems.push(linkProblem('src/content/blog/other.md', 'gone'));
			if (path.endsWith('/prds/beta.md')) {
				renderReportFor(reports, path).problems.push(linkProblem('prds/beta.md', 'nope'));
				renderReportFor(reports, path).warnings.push({
					file: 'prds/beta.md',
					field: 'diagram 1',
					message: 'is shown as its source.',
					hint: 'Fix it.',
				});
			}
			return render(body, options);
		};
		const error = await prdSpecsLoader()
			.load(context)
			.then(
				() => undefined,
				(thrown: Error) => thrown,
			);
		expect(error?.message).toContain('1 link to unknown PRDs or specs:\n- prds/beta.md › link prd:nope: points at the PRD "nope"');
		expect(error?.message).not.toContain('prd:gone');
		expect(entries.has('prds/beta')).toBe(false);
		expect([...entries.keys()].sort()).toEqual(['open-questions', 'prds', 'prds/alpha', 'specs/alpha', 'specs/beta']);
		expect(logs).toContain('warn: prds/beta.md › diagram 1: is shown as its source. Fix it.');
	});

	test('link problems of the hand-written pages that the docs loader renders fail the sync too', async () => {
		await writeFiles(root, { 'src/content/docs/guide.md': '---\ntitle: Guide\n---\nSee [it](prd:nope).\n' });
		const { context, entries } = createContext(root);
		const reports = getBuildState(root)!.renderReports;
		// Markdown files of the docs collection, rendered by the glob loader through the site's processor.
		Object.assign(context, {
			entryTypes: new Map([
				[
					'.md',
					{
						getEntryInfo: ({ contents }: { contents: string }) => ({ data: { title: 'Guide' }, body: contents }),
						getRenderFunction: () => (entry: { filePath: string }) => {
							renderReportFor(reports, entry.filePath).problems.push(linkProblem('src/content/docs/guide.md', 'nope'));
							return { html: '<p>Guide</p>' };
						},
					},
				],
			]),
		});
		await expect(prdSpecsLoader().load(context)).rejects.toThrow(
			'1 link to unknown PRDs or specs:\n- src/content/docs/guide.md › link prd:nope: points at the PRD "nope"',
		);
		expect(entries.has('guide')).toBe(true);
		expect(entries.has('prds/alpha')).toBe(true);
	});

	test('without the plugin the loader says how to add it', async () => {
		const other = await tempDir();
		const { context } = createContext(other);
		await expect(prdSpecsLoader().load(context)).rejects.toThrow(
			'`prdSpecsLoader()` is used in `src/content.config.ts`, but the `prdSpecs()` plugin is not configured.',
		);
	});
});

function linkProblem(file: string, id: string): Problem {
	return {
		file,
		field: `link prd:${id}`,
		message: `points at the PRD "${id}", which does not exist.`,
		hint: 'Use the id of a PRD (its file name without `.md`): `prd:<id>`.',
	};
}
