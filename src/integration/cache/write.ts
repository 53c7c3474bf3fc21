import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { serializeSpecFile, type SpecMetadata } from './spec-file.ts';

/**
 * Writes `<specsDir>/<id>.md` atomically: the text goes to a temporary file in the same folder,
 * is flushed to disk, then renamed over the spec. A crash or a kill at any point leaves either
 * the old spec or the new one, never half of one. Readers ignore the `.<id>.md.*.tmp` files.
 */
export async function writeSpecFile(root: string, specsDir: string, metadata: SpecMetadata, body: string): Promise<string> {
	const dir = join(root, specsDir);
	await mkdir(dir, { recursive: true });
	const target = join(dir, `${metadata.prd}.md`);
	const temporary = join(dir, `.${metadata.prd}.md.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	const text = serializeSpecFile(metadata, body);
	try {
		const handle = await open(temporary, 'wx');
		try {
			await handle.writeFile(text, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, target);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
	return `${specsDir}/${metadata.prd}.md`;
}

/**
 * Removes the temporary files of writes whose process is gone (killed mid-write): they are never
 * read, but should not pile up. Files of a process still running (another build) are left alone.
 */
export async function removeAbandonedTempFiles(root: string, specsDir: string): Promise<void> {
	const names = await readdir(join(root, specsDir)).catch(() => [] as string[]);
	for (const name of names) {
		const pid = Number(/^\..+\.md\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
		if (!pid || isRunning(pid)) continue;
		await rm(join(root, specsDir, name), { force: true });
	}
}

function isRunning(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
