import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { formatBytes, readTextFile } from '../../src/integration/files/read-text-file.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

/** Makes a FIFO with `mkfifo`; false where there is no such command. */
function makeFifo(path: string): boolean {
	try {
		execFileSync('mkfifo', [path], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
}

describe('readTextFile', () => {
	test('reads a regular UTF-8 file (a byte-order mark is dropped)', async () => {
		const dir = await tempDir();
		await writeFile(join(dir, 'a.md'), '\uFEFF# Café ✓\n');
		expect(readTextFile(join(dir, 'a.md'), { maxBytes: 1024, kind: 'PRD' })).toEqual({ ok: true, text: '# Café ✓\n' });
		await writeFile(join(dir, 'empty.md'), '');
		expect(readTextFile(join(dir, 'empty.md'), { maxBytes: 1024, kind: 'PRD' })).toEqual({ ok: true, text: '' });
	});

	test('a file of exactly the limit is read, one byte more is refused without reading it', async () => {
		const dir = await tempDir();
		await writeFile(join(dir, 'limit.md'), 'a'.repeat(1024));
		await writeFile(join(dir, 'over.md'), 'a'.repeat(1025));
		expect(readTextFile(join(dir, 'limit.md'), { maxBytes: 1024, kind: 'PRD' }).ok).toBe(true);
		expect(readTextFile(join(dir, 'over.md'), { maxBytes: 1024, kind: 'PRD' })).toMatchObject({
			ok: false,
			message: 'is 1,025 bytes; a PRD file may be at most 1 KB.',
		});
	});

	test('the size and the limit are given in KB or MB', async () => {
		const dir = await tempDir();
		await writeFile(join(dir, 'big.md'), Buffer.alloc(Math.round(3.2 * 1024 * 1024), 0x61));
		const result = readTextFile(join(dir, 'big.md'), { maxBytes: 1024 * 1024, kind: 'PRD' });
		expect(result).toMatchObject({ ok: false, message: 'is 3.2 MB; a PRD file may be at most 1 MB.' });
		expect(result.ok || result.hint).toMatch(/^Shorten the PRD/);
		const spec = readTextFile(join(dir, 'big.md'), { maxBytes: 1024 * 1024, kind: 'spec' });
		expect(spec).toMatchObject({ ok: false, message: 'is 3.2 MB; a spec file may be at most 1 MB.' });
		const template = readTextFile(join(dir, 'big.md'), { maxBytes: 256 * 1024, kind: 'prompt template' });
		expect(template).toMatchObject({ ok: false, message: 'is 3.2 MB; a prompt template file may be at most 256 KB.' });
		expect(formatBytes(812)).toBe('812 bytes');
		expect(formatBytes(1536)).toBe('1.5 KB');
	});

	test('a symbolic link is never followed: to a file, to /dev/zero, to nowhere', async () => {
		const dir = await tempDir();
		await writeFile(join(dir, 'real.md'), 'text');
		await symlink(join(dir, 'real.md'), join(dir, 'to-file.md'));
		await symlink('/dev/zero', join(dir, 'to-zero.md'));
		await symlink('/etc/passwd', join(dir, 'to-passwd.md'));
		await symlink('nowhere.md', join(dir, 'dangling.md'));
		for (const name of ['to-file.md', 'to-zero.md', 'to-passwd.md', 'dangling.md']) {
			const result = readTextFile(join(dir, name), { maxBytes: 1024, kind: 'PRD' });
			expect(result, name).toEqual({
				ok: false,
				message: 'is a symbolic link: only regular files inside the project are read.',
				hint: 'Replace the link with the PRD file itself.',
			});
		}
		expect(readTextFile(join(dir, 'to-zero.md'), { maxBytes: 1024, kind: 'spec' })).toMatchObject({
			hint: 'Replace the link with the spec file itself, or delete it so that the spec is generated again.',
		});
	});

	test('a FIFO is refused at once, without waiting for a writer', async (context) => {
		const dir = await tempDir();
		if (!makeFifo(join(dir, 'pipe.md'))) context.skip();
		expect(readTextFile(join(dir, 'pipe.md'), { maxBytes: 1024, kind: 'PRD' })).toMatchObject({
			ok: false,
			message: 'is not a regular file (it is a named pipe).',
		});
	});

	test('a folder and a device are not regular files', async () => {
		const dir = await tempDir();
		await mkdir(join(dir, 'folder.md'));
		expect(readTextFile(join(dir, 'folder.md'), { maxBytes: 1024, kind: 'PRD' })).toMatchObject({
			ok: false,
			message: 'is not a regular file (it is a folder).',
		});
		if (existsSync('/dev/zero')) {
			expect(readTextFile('/dev/zero', { maxBytes: 1024, kind: 'spec' })).toMatchObject({
				ok: false,
				message: 'is not a regular file (it is a device).',
			});
		}
	});

	test('a missing file cannot be read', async () => {
		const dir = await tempDir();
		expect(readTextFile(join(dir, 'missing.md'), { maxBytes: 1024, kind: 'PRD' })).toMatchObject({
			ok: false,
			message: 'cannot be read (ENOENT).',
		});
	});

	test('text that is not UTF-8, or holds NUL bytes, is refused', async () => {
		const dir = await tempDir();
		await writeFile(join(dir, 'latin1.md'), Buffer.from('Caf\xe9', 'latin1'));
		await writeFile(join(dir, 'utf16.md'), Buffer.from('\uFEFFHello', 'utf16le'));
		await writeFile(join(dir, 'nul.md'), 'A\u0000B');
		expect(readTextFile(join(dir, 'latin1.md'), { maxBytes: 1024, kind: 'PRD' })).toEqual({
			ok: false,
			message: 'is not valid UTF-8 text.',
			hint: 'Save the file as UTF-8 markdown.',
		});
		expect(readTextFile(join(dir, 'utf16.md'), { maxBytes: 1024, kind: 'spec' })).toMatchObject({ ok: false });
		expect(readTextFile(join(dir, 'nul.md'), { maxBytes: 1024, kind: 'PRD' })).toEqual({
			ok: false,
			message: 'contains binary data (NUL bytes).',
			hint: 'PRDs must be markdown text files.',
		});
	});
});
