import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { readSpecCache } from '../../src/integration/cache/read.ts';
import { parseSpecFile, serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { removeAbandonedTempFiles, writeSpecFile } from '../../src/integration/cache/write.ts';
import { LIMITS } from '../../src/integration/limits.ts';
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
			spec: {
				id: 'checkout',
				file: 'src/content/specs/checkout.md',
				metadata,
				body: '# Technical Specification: Pay\n\n## A',
				bodyLine: 14,
			},
		});
	});

	test('bad metadata names the file and each field', () => {
		const text = '---\nprd: other\ninputHash: abc\nsource: robot\nextra: 1\n---\nBody';
		const result = parseSpecFile(text, 'src/content/specs/checkout.md', 'checkout');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(formatProblems(result.problems)).toMatchSnapshot();
	});

	test('model, note and prd have limits', () => {
		const parse = (fields: Record<string, string>) => {
			const yaml = Object.entries({
				...fields,
				prd: 'checkout',
				inputHash: metadata.inputHash,
				templateHash: metadata.templateHash,
				source: 'model',
				generatedAt: metadata.generatedAt,
			})
				.map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
				.join('\n');
			const result = parseSpecFile(`---\n${yaml}\n---\n# Spec\n`, 'src/content/specs/checkout.md', 'checkout');
			return result.ok ? [] : result.problems.map((problem) => `${problem.field}: ${problem.message}`);
		};
		expect(parse({ model: 'm'.repeat(LIMITS.modelChars) })).toEqual([]);
		expect(parse({ model: 'm'.repeat(LIMITS.modelChars + 1) })).toEqual([
			'model: `model` is 201 characters long; at most 200 are allowed.',
		]);
		expect(parse({ model: 'gpt\nEvil: yes' })).toEqual(['model: `model` must be one line of text.']);
		expect(parse({ model: 'gpt', note: 'n'.repeat(LIMITS.noteChars) })).toEqual([]);
		expect(parse({ model: 'gpt', note: 'n'.repeat(LIMITS.noteChars + 1) })).toEqual([
			'note: `note` is 2,001 characters long; at most 2,000 are allowed.',
		]);
		const badId = parseSpecFile(
			serializeSpecFile(metadata, 'Body').replace('prd: checkout', 'prd: ../../etc/x'),
			'src/content/specs/checkout.md',
			'checkout',
		);
		expect(badId.ok || badId.problems).toEqual([
			expect.objectContaining({
				field: 'prd',
				message: '`prd` must be the id of the PRD: lowercase letters, digits and dashes, with `/` between folders (`payments/checkout`).',
			}),
		]);
		expect(() => serializeSpecFile({ ...metadata, prd: '../outside' }, 'Body')).toThrow();
	});

	test('a `# ` title line longer than the limit is a problem; at the limit it is not', () => {
		const title = (length: number) =>
			parseSpecFile(serializeSpecFile(metadata, `# ${'T'.repeat(length)}\n\n## A\n`), 'src/content/specs/checkout.md', 'checkout');
		expect(title(LIMITS.titleChars).ok).toBe(true);
		const result = title(LIMITS.titleChars + 1);
		expect(result.ok || result.problems).toEqual([
			{
				file: 'src/content/specs/checkout.md',
				field: 'title',
				message: 'the `# ` title line is 201 characters long; at most 200 are published.',
				hint: 'Shorten the title line, or delete the file so that the spec is generated again.',
			},
		]);
	});

	test('records the file line where the body starts, for messages about the body (LF and CRLF)', () => {
		const text = serializeSpecFile(metadata, '# Spec\n\n## A\n');
		const line = text.split('\n').indexOf('# Spec') + 1;
		for (const variant of [text, text.replace(/\n/g, '\r\n')]) {
			const result = parseSpecFile(variant, 'f.md', 'checkout');
			expect(result.ok && result.spec.bodyLine).toBe(line);
		}
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

	test('spec files that are not UTF-8, hold NUL bytes, are links or are too large are refused', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		const good = serializeSpecFile(metadata, 'Checkout spec');
		await writeFiles(root, { 'specs/checkout.md': good });
		await writeFiles(outside, { 'secret.md': serializeSpecFile({ ...metadata, prd: 'secret' }, 'Secret') });
		const dir = join(root, 'specs');
		await writeFile(join(dir, 'latin1.md'), Buffer.from(serializeSpecFile({ ...metadata, prd: 'latin1' }, 'Caf\xe9'), 'latin1'));
		await writeFile(join(dir, 'nul.md'), serializeSpecFile({ ...metadata, prd: 'nul' }, 'A\u0000B'));
		await writeFile(join(dir, 'huge.md'), serializeSpecFile({ ...metadata, prd: 'huge' }, 'x'.repeat(LIMITS.specFileBytes)));
		await symlink(join(outside, 'secret.md'), join(dir, 'secret.md'));
		await symlink('checkout.md', join(dir, 'alias.md'));
		await mkdir(join(dir, 'folder.md'));
		const cache = await readSpecCache(root, 'specs');
		expect([...cache.specs.keys()]).toEqual(['checkout']);
		expect(formatProblems(cache.problems)).toMatchInlineSnapshot(`
			"- specs/alias.md: is a symbolic link: only regular files inside the project are read. Replace the link with the spec file itself, or delete it so that the spec is generated again.
			- specs/folder.md: is not a regular file (it is a folder). A spec must be a regular text file: replace it with one, or remove it.
			- specs/huge.md: is 1,048,900 bytes; a spec file may be at most 1 MB. A generated spec is typically 20-40 KB: shorten it, or delete the file so that the spec is generated again.
			- specs/latin1.md: is not valid UTF-8 text. Save the file as UTF-8 markdown, or delete it so that the spec is generated again.
			- specs/nul.md: contains binary data (NUL bytes). Specs must be markdown text files: delete it so that the spec is generated again.
			- specs/secret.md: is a symbolic link: only regular files inside the project are read. Replace the link with the spec file itself, or delete it so that the spec is generated again."
		`);
		expect(JSON.stringify(cache.problems)).not.toContain(outside);
	});

	test('a cache folder that leads outside the project is one problem that names nothing of what is there', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await writeFiles(outside, { 'checkout.md': serializeSpecFile(metadata, 'Outside') });
		await mkdir(join(root, 'src/content'), { recursive: true });
		await symlink(outside, join(root, 'src/content/specs'));
		const cache = await readSpecCache(root, 'src/content/specs');
		expect(cache.specs.size).toBe(0);
		expect(cache.problems).toEqual([
			{
				file: 'src/content/specs',
				message: '`src/content/specs` resolves to a folder outside the project; specs are only read from inside it.',
				hint: 'Make the spec cache a real folder of the project, not a symbolic link to somewhere else, or set `specsDir`.',
			},
		]);
		expect(formatProblems(cache.problems)).not.toContain(outside);
		expect(formatProblems(cache.problems)).not.toContain('checkout');
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

describe('writeSpecFile outside the project', () => {
	test('refuses a specsDir that is a link to a folder outside, and writes nothing there', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await symlink(outside, join(root, 'specs'));
		await expect(writeSpecFile(root, 'specs', metadata, '# Spec')).rejects.toThrow(
			'`specsDir` (`specs`) resolves to a folder outside the project: nothing is written there.',
		);
		expect(await readdir(outside)).toEqual([]);
		// Temporary files there are not touched either.
		await writeFile(join(outside, '.checkout.md.999999999.abcd1234.tmp'), 'not ours');
		await removeAbandonedTempFiles(root, 'specs');
		expect(await readdir(outside)).toEqual(['.checkout.md.999999999.abcd1234.tmp']);
	});

	test('refuses a specsDir under a linked folder, or above the root, before creating anything', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await mkdir(join(root, 'src'));
		await symlink(outside, join(root, 'src/content'));
		await expect(writeSpecFile(root, 'src/content/specs', metadata, '# Spec')).rejects.toThrow(/resolves to a folder outside the project/);
		expect(await readdir(outside)).toEqual([]);
		await mkdir(join(root, 'site'));
		await expect(writeSpecFile(join(root, 'site'), '../specs', metadata, '# Spec')).rejects.toThrow(
			/resolves to a folder outside the project/,
		);
		expect(await readdir(root)).toEqual(['site', 'src'].sort());
	});

	test('a dangling link as specsDir is not followed to create a folder outside', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await symlink(join(outside, 'made-by-us'), join(root, 'specs'));
		await expect(writeSpecFile(root, 'specs', metadata, '# Spec')).rejects.toThrow();
		expect(await readdir(outside)).toEqual([]);
	});

	test('a specsDir that is a link to a folder inside the project is written', async () => {
		const root = await tempDir();
		await mkdir(join(root, 'cache'));
		await symlink(join(root, 'cache'), join(root, 'specs'));
		expect(await writeSpecFile(root, 'specs', metadata, '# Spec')).toBe('specs/checkout.md');
		expect(await readdir(join(root, 'cache'))).toEqual(['checkout.md']);
	});
});
