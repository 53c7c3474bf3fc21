import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { makeFolderInsideProject, resolveInsideProject } from '../files/project-paths.ts';
import { serializeSpecFile, type SpecMetadata } from './spec-file.ts';

/**
 * Writes `<specsDir>/<id>.md` atomically: the text goes to a temporary file in the same folder,
 * is flushed to disk, then renamed over the spec. A crash or a kill at any point leaves either
 * the old spec or the new one, never half of one. Readers ignore the `.<id>.md.*.tmp` files.
 * Throws, writing nothing, when `specsDir` resolves to a folder outside the project.
 */
export async function writeSpecFile(root: string, specsDir: string, metadata: SpecMetadata, body: string): Promise<string> {
	// Checks the metadata first: `prd` (a PRD id) names the file.
	const text = serializeSpecFile(metadata, body);
	const dir = await makeFolderInsideProject(root, specsDir, 'specsDir');
	const target = join(dir, `${metadata.prd}.md`);
	const temporary = join(dir, `.${metadata.prd}.md.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
	// Nothing is removed from a folder outside the project (writing there is refused anyway).
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status !== 'inside') return;
	const names = await readdir(folder.realPath).catch(() => [] as string[]);
	for (const name of names) {
		const pid = Number(/^\..+\.md\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
		if (!pid || isRunning(pid)) continue;
		await rm(join(folder.realPath, name), { force: true });
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
