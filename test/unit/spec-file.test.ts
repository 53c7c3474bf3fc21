import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { readSpecCache } from '../../src/integration/cache/read.ts';
import { parseSpecFile, serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { removeAbandonedTempFiles, writeSpecFile } from '../../src/integration/cache/write.ts';
import { formatProblems } from '../../src/integration/problems.ts';
import { writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

const metadata: SpecMetadata = {
	prd: 'checkout',
	inputHash: `sha256:${'a'.repeat(64)}`,
	templateHash: `sha256:${'b'.repeat(64)}`,
	source: 'model',
	model: 'gpt-6.1-terra',
	generatedAt: '2026-11-26T10:00:00.000Z',
	usage: { inputTokens: 7000, outputTokens: 5200, requests: 1 },
};

describe('spec files', () => {
	test('serialize then parse gives back the metadata and body', () => {
		const text = serializeSpecFile(metadata, '# Technical Specification: Pay\r\n\r\n## A\r\n');
		expect(text).toMatchInlineSnapshot(`
			"---
			prd: checkout
			inputHash: sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
			templateHash: sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
			source: model
			model: gpt-6.1-terra
			generatedAt: 2026-11-26T10:00:00.000Z
			usage:
			  inputTokens: 7000
			  outputTokens: 5200
			  requests: 1
			---

			# Technical Specification: Pay

			## A
			"
		`);
		expect(parseSpecFile(text, 'src/content/specs/checkout.md', 'checkout')).toEqual({
			ok: true,
			spec: { id: 'checkout', file: 'src/content/specs/checkout.md', metadata, body: '# Technical Specification: Pay\n\n## A' },
		});
	});

	test('bad metadata names the file and each field', () => {
		const text = '---\nprd: other\ninputHash: abc\nsource: robot\nextra: 1\n---\nBody';
		const result = parseSpecFile(text, 'src/content/specs/checkout.md', 'checkout');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(formatProblems(result.problems)).toMatchSnapshot();
	});

	test('a spec that names another PRD is rejected', () => {
		const text = serializeSpecFile({ ...metadata, prd: 'search' }, 'Body');
		const result = parseSpecFile(text, 'src/content/specs/checkout.md', 'checkout');
		expect(result.ok || result.problems[0]).toMatchObject({ field: 'prd', message: 'says "search" but the file is named for "checkout".' });
	});
});

describe('readSpecCache', () => {
	test('reads specs by id and ignores temporary and non-markdown files', async () => {
		const root = await tempDir();
		await writeFiles(root, {
			'src/content/specs/checkout.md': serializeSpecFile(metadata, 'Checkout spec'),
			'src/content/specs/.checkout.md.1234.tmp': 'half written',
			'src/content/specs/notes.txt': 'x',
			'src/content/specs/broken.md': 'no frontmatter',
		});
		const cache = await readSpecCache(root, 'src/content/specs');
		expect([...cache.specs.keys()]).toEqual(['checkout']);
		expect(cache.problems).toEqual([
			expect.objectContaining({ file: 'src/content/specs/broken.md', field: 'frontmatter', message: 'the file has no frontmatter.' }),
		]);
	});

	test('a missing cache folder is an empty cache', async () => {
		expect(await readSpecCache(await tempDir(), 'src/content/specs')).toEqual({ specs: new Map(), problems: [] });
	});
});

describe('writeSpecFile', () => {
	test('writes atomically and removes temporary files of dead processes only', async () => {
		const root = await tempDir();
		await writeSpecFile(root, 'specs', metadata, '# Spec');
		const dead = `.checkout.md.999999999.abcd1234.tmp`;
		const alive = `.checkout.md.${process.pid}.abcd1234.tmp`;
		await writeFiles(root, { [`specs/${dead}`]: 'half', [`specs/${alive}`]: 'in progress' });
		await removeAbandonedTempFiles(root, 'specs');
		expect((await readdir(join(root, 'specs'))).sort()).toEqual([alive, 'checkout.md'].sort());
		expect((await readSpecCache(root, 'specs')).specs.get('checkout')!.body).toBe('# Spec');
	});
});
