import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import { makeFolderInsideProject, makeRealSubfolder, resolveInsideProject } from '../files/project-paths.ts';
import { LIMITS } from '../limits.ts';
import { folderOfId, lastSegmentOf } from '../prds/ids.ts';
import { PRD_ID_PATTERN } from '../prds/schema.ts';
import { serializeSpecFile, type SpecMetadata } from './spec-file.ts';

/**
 * The file operations `writeSpecFile` makes, in this order: `open` the temporary file, `writeFile`,
 * `sync`, `close`, `rename` it over the spec (`rm` it on any error). Production uses
 * `node:fs/promises`; the fault tests (`test/faults/atomic-write.test.ts`) pass wrappers that
 * fail, or stop the process, at each step.
 */
export interface SpecWriteFs {
	open(path: string, flags: 'wx'): Promise<Pick<FileHandle, 'writeFile' | 'sync' | 'close'>>;
	rename(from: string, to: string): Promise<void>;
	rm(path: string, options: { force: true }): Promise<void>;
}

const NODE_FS: SpecWriteFs = { open, rename, rm };

/**
 * Writes `<specsDir>/<id>.md` atomically (`<specsDir>/payments/checkout.md` for a PRD in a folder,
 * creating the folders): the text goes to a temporary file in the same folder,
 * is flushed to disk, then renamed over the spec. A crash or a kill at any point leaves either
 * the old spec or the new one, never half of one. Readers ignore the `.<id>.md.*.tmp` files.
 * Throws, writing nothing, when `specsDir` resolves to a folder outside the project, or a folder
 * of the id is a symbolic link.
 * `fs` is for tests only (see `SpecWriteFs`).
 */
export async function writeSpecFile(
	root: string,
	specsDir: string,
	metadata: SpecMetadata,
	body: string,
	fs: SpecWriteFs = NODE_FS,
): Promise<string> {
	// Checks the metadata first: `prd` (a PRD id) names the file.
	const text = serializeSpecFile(metadata, body);
	// The id's folders (`payments/eu` of `payments/eu/checkout`) are real folders of the cache.
	const dir = await makeRealSubfolder(await makeFolderInsideProject(root, specsDir, 'specsDir'), folderOfId(metadata.prd), specsDir);
	await writeFileAtomically(dir, `${lastSegmentOf(metadata.prd)}.md`, text, fs);
	return `${specsDir}/${metadata.prd}.md`;
}

/**
 * Writes `<dir>/<name>` atomically: the text goes to `.<name>.<pid>.<random>.tmp` in the same
 * folder, is flushed to disk, then renamed over the file. A crash at any point leaves the old file
 * or the new one, never half of one; `removeAbandonedTempFiles` clears what a killed process left.
 */
export async function writeFileAtomically(dir: string, name: string, text: string, fs: SpecWriteFs = NODE_FS): Promise<void> {
	const target = join(dir, name);
	const temporary = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		const handle = await fs.open(temporary, 'wx');
		try {
			await handle.writeFile(text, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fs.rename(temporary, target);
	} catch (error) {
		await fs.rm(temporary, { force: true });
		throw error;
	}
}

/**
 * Removes the temporary files of writes whose process is gone (killed mid-write): they are never
 * read, but should not pile up. Files of a process still running (another build) are left alone.
 */
export async function removeAbandonedTempFiles(root: string, specsDir: string): Promise<void> {
	// Nothing is removed from a folder outside the project (writing there is refused anyway).
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status !== 'inside') return;
	await removeFrom(folder.realPath, 0);
}

/** Removes the abandoned temporary files of one folder of the cache and of its real sub-folders (never through a link). */
async function removeFrom(dir: string, depth: number): Promise<void> {
	const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
	for (const entry of entries) {
		const name = entry.name;
		if (entry.isDirectory()) {
			if (depth < LIMITS.prdFolderDepth && PRD_ID_PATTERN.test(name)) await removeFrom(join(dir, name), depth + 1);
			continue;
		}
		const pid = Number(/^\..+\.(?:md|json)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name)?.[1]);
		if (!pid || isRunning(pid)) continue;
		await rm(join(dir, name), { force: true });
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
