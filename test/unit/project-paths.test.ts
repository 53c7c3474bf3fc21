import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { isInsideFolder, resolveInsideProject } from '../../src/integration/files/project-paths.ts';
import { loadTemplate } from '../../src/integration/prompt/template.ts';
import { LIMITS } from '../../src/integration/limits.ts';
import { writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

const TEMPLATE = '[APP NAME]\n[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\n[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\n';

describe('isInsideFolder', () => {
	test('the folder itself and what is under it, not a sibling with the same prefix', () => {
		expect(isInsideFolder('/site', '/site')).toBe(true);
		expect(isInsideFolder('/site', '/site/prds')).toBe(true);
		expect(isInsideFolder('/site', '/site/..prds')).toBe(true);
		expect(isInsideFolder('/site', '/site-other/prds')).toBe(false);
		expect(isInsideFolder('/site', '/')).toBe(false);
		expect(isInsideFolder('/', '/etc')).toBe(true);
	});
});

describe('resolveInsideProject', () => {
	test('follows links, and says only whether the result is inside', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await mkdir(join(root, 'prds'));
		await symlink(join(root, 'prds'), join(root, 'alias'));
		await symlink(outside, join(root, 'away'));
		await symlink('loop', join(root, 'loop'));
		expect(await resolveInsideProject(root, 'prds')).toMatchObject({ status: 'inside' });
		expect(await resolveInsideProject(root, 'alias')).toMatchObject({ status: 'inside' });
		expect(await resolveInsideProject(root, 'away')).toEqual({ status: 'outside' });
		expect(await resolveInsideProject(root, '..')).toEqual({ status: 'outside' });
		expect(await resolveInsideProject(root, 'nothing')).toEqual({ status: 'missing' });
		expect(await resolveInsideProject(root, 'loop')).toEqual({ status: 'unreadable', code: 'ELOOP' });
	});

	test('a project reached through a link is still the project', async () => {
		const real = await tempDir();
		const links = await tempDir();
		await mkdir(join(real, 'prds'));
		await symlink(real, join(links, 'site'));
		expect(await resolveInsideProject(join(links, 'site'), 'prds')).toMatchObject({ status: 'inside' });
	});
});

describe('loadTemplate and the project', () => {
	test('a template that is a link to a file outside the project is refused without reading it', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await writeFile(join(outside, 'secret.md'), `${TEMPLATE}secret`);
		await mkdir(join(root, 'prompts'));
		await symlink(join(outside, 'secret.md'), join(root, 'prompts/spec.md'));
		expect(await loadTemplate(root, 'prompts/spec.md')).toEqual({
			ok: false,
			problem: {
				file: 'prompts/spec.md',
				field: 'template',
				message: 'the prompt template resolves to a file outside the project.',
				hint: 'Point the `template` option at a file of the project (not at a symbolic link to somewhere else), or remove it to use the built-in prompt.',
			},
		});
		expect((await loadTemplate(root, '../x.md')).ok).toBe(false);
	});

	test('a template linked to a file inside the project is read', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prompts/real.md': TEMPLATE });
		await symlink(join(root, 'prompts/real.md'), join(root, 'prompts/spec.md'));
		expect(await loadTemplate(root, 'prompts/spec.md')).toMatchObject({ ok: true, template: { file: 'prompts/spec.md', text: TEMPLATE } });
	});

	test('a template larger than the limit, not UTF-8, or a folder is refused', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prompts/big.md': TEMPLATE + 'x'.repeat(LIMITS.templateFileBytes) });
		await writeFile(join(root, 'prompts/latin1.md'), Buffer.from(`${TEMPLATE}Caf\xe9`, 'latin1'));
		await mkdir(join(root, 'prompts/folder.md'));
		const message = async (option: string) => {
			const result = await loadTemplate(root, option);
			return result.ok ? 'ok' : result.problem.message;
		};
		expect(await message('prompts/big.md')).toBe('the prompt template is 256.1 KB; a prompt template file may be at most 256 KB.');
		expect(await message('prompts/latin1.md')).toBe('the prompt template is not valid UTF-8 text.');
		expect(await message('prompts/folder.md')).toBe('the prompt template is not a regular file (it is a folder).');
		expect(await message('prompts/missing.md')).toBe('the prompt template cannot be read (ENOENT).');
	});
});
