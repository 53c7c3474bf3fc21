import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { LoaderContext } from 'astro/loaders';
import { beforeEach, describe, expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import { prdSpecsLoader } from '../../src/integration/loader.ts';
import { createBuildState, setBuildState } from '../../src/integration/build-state.ts';
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

/** A loader context over a real project folder, with an in-memory store and a counting renderer. */
function createContext(root: string) {
	const entries = new Map<string, Stored>();
	const meta = new Map<string, string>();
	const logs: string[] = [];
	const rendered: string[] = [];
	const logger = Object.fromEntries(['info', 'warn', 'error', 'debug'].map((level) => [level, (m: string) => logs.push(`${level}: ${m}`)]));
	const context = {
		collection: 'docs',
		config: { root: pathToFileURL(`${root}/`), srcDir: pathToFileURL(`${root}/src/`), base: '/', integrations: [] },
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
		parseData: async ({ data }: { data: Record<string, unknown> }) => data,
		generateDigest: (data: unknown) => createHash('sha1').update(JSON.stringify(data)).digest('hex'),
		renderMarkdown: async (body: string, options?: { fileURL?: URL }) => {
			rendered.push(options?.fileURL?.pathname ?? '');
			return { html: `<article>${body.length}</article>` };
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
		expect(entries.get('specs/alpha')).toMatchObject({
			filePath: 'src/content/docs/specs/alpha.md',
			data: { title: 'Technical Specification: Alpha' },
			rendered: { html: expect.stringMatching(/^<article>\d+<\/article>$/) },
		});
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
		expect(error?.message).toContain('3 pages could not be published:');
		expect(error?.message).toContain('- prds/deep.md › body: line 7 opens 40 nested quotes or lists; at most 32 are allowed.');
		expect(error?.message).toContain('- prds/deeper.md › body: line 5 opens 500000 nested quotes or lists; at most 32 are allowed.');
		expect(error?.message).toMatch(/- src\/content\/specs\/beta\.md › body: line \d+ opens 33 nested quotes or lists/);
		expect(rendered.some((path) => /\/(prds\/deep|prds\/deeper|specs\/beta)\.md$/.test(path))).toBe(false);
	});

	test('without the plugin the loader says how to add it', async () => {
		const other = await tempDir();
		const { context } = createContext(other);
		await expect(prdSpecsLoader().load(context)).rejects.toThrow(
			'`prdSpecsLoader()` is used in `src/content.config.ts`, but the `prdSpecs()` plugin is not configured.',
		);
	});
});
