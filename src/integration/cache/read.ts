import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { leadsToFolder, resolveInsideProject } from '../files/project-paths.ts';
import { describeFileType, notRegularFile, readTextFile, symbolicLink } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import { formatCount, PRD_ID_PATTERN } from '../prds/schema.ts';
import type { Problem } from '../problems.ts';
import { parseSpecFile, type CachedSpec } from './spec-file.ts';

export interface SpecCache {
	specs: Map<string, CachedSpec>;
	problems: Problem[];
}

/**
 * Reads every `<specsDir>/<id>.md`, in the sub-folders too: the cache mirrors the PRD folders
 * (`<specsDir>/payments/checkout.md` is the spec of `payments/checkout`). A missing folder is an
 * empty cache. The folder must be inside the project (symbolic links followed); below it only
 * real folders and regular files are read: a spec or a sub-folder that is a symbolic link is
 * refused. Depth and number of files are bounded as for PRDs (`LIMITS`).
 */
export async function readSpecCache(root: string, specsDir: string): Promise<SpecCache> {
	const specs = new Map<string, CachedSpec>();
	const problems: Problem[] = [];
	const unreadable = (code: string): SpecCache => {
		problems.push({
			file: specsDir,
			message: `the spec cache folder cannot be read (${code}).`,
			hint: 'Check that it is a readable folder, or set `specsDir`.',
		});
		return { specs, problems };
	};
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status === 'missing') return { specs, problems };
	if (folder.status === 'outside') {
		// Neither where it leads nor what is there is named.
		problems.push({
			file: specsDir,
			message: `\`${specsDir}\` resolves to a folder outside the project; specs are only read from inside it.`,
			hint: 'Make the spec cache a real folder of the project, not a symbolic link to somewhere else, or set `specsDir`.',
		});
		return { specs, problems };
	}
	if (folder.status === 'unreadable') return unreadable(folder.code);
	let entries: Dirent[];
	try {
		entries = await readdir(folder.realPath, { withFileTypes: true });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		return code === 'ENOENT' ? { specs, problems } : unreadable(code);
	}
	await readFolder({ specsDir, specs, problems, count: 0 }, folder.realPath, '', 0, entries);
	return { specs, problems };
}

interface Walk extends SpecCache {
	specsDir: string;
	/** Spec files met so far; the walk stops at `LIMITS.prdFiles`. */
	count: number;
}

/** Reads the specs of one folder (`path` under the cache, '' at the top, `depth` folders down) and walks its sub-folders. */
async function readFolder(walk: Walk, absoluteDir: string, path: string, depth: number, entries: Dirent[]): Promise<void> {
	const { specsDir, problems } = walk;
	for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
		if (walk.count > LIMITS.prdFiles) return;
		const name = entry.name;
		// Temporary files of an interrupted write (`.<id>.md.<random>.tmp`) are not specs.
		if (name.startsWith('.') || name.startsWith('_')) continue;
		const file = `${specsDir}/${path === '' ? '' : `${path}/`}${name}`;
		if (!name.endsWith('.md')) {
			// Other files, and folders whose name cannot be part of an id, are not the cache's.
			if (entry.isDirectory() && PRD_ID_PATTERN.test(name))
				await enterFolder(walk, join(absoluteDir, name), path === '' ? name : `${path}/${name}`, depth + 1, file);
			else if (entry.isSymbolicLink() && PRD_ID_PATTERN.test(name) && leadsToFolder(join(absoluteDir, name))) {
				problems.push({
					file,
					message: 'is a symbolic link to a folder: only real folders inside the spec cache are read.',
					hint: 'Replace the link with the folder itself, or delete it so that its specs are generated again.',
				});
			}
			continue;
		}
		if (++walk.count > LIMITS.prdFiles) {
			problems.push({
				file: specsDir,
				message: `holds more than ${formatCount(LIMITS.prdFiles)} spec files (counting its sub-folders), so the rest are not read.`,
				hint: `Delete the specs of PRDs that are gone: there may be at most ${formatCount(LIMITS.prdFiles)} PRDs, each with one spec.`,
			});
			return;
		}
		const id = `${path === '' ? '' : `${path}/`}${name.slice(0, -'.md'.length)}`;
		const read = entry.isSymbolicLink()
			? symbolicLink('spec')
			: !entry.isFile()
				? notRegularFile('spec', describeFileType(entry))
				: // Synchronous on purpose, as in `scanPrds`.
					readTextFile(join(absoluteDir, name), { maxBytes: LIMITS.specFileBytes, kind: 'spec' });
		if (!read.ok) {
			problems.push({ file, message: read.message, hint: read.hint });
			continue;
		}
		const result = parseSpecFile(read.text, file, id);
		if (result.ok) walk.specs.set(id, result.spec);
		else problems.push(...result.problems);
	}
}

/** Walks the sub-folder `path`, `depth` folders down, within the depth limit. */
async function enterFolder(walk: Walk, absoluteDir: string, path: string, depth: number, file: string): Promise<void> {
	if (depth > LIMITS.prdFolderDepth) {
		walk.problems.push({
			file,
			message: `is ${formatCount(depth)} folders deep; the spec cache mirrors the PRD folders, which are at most ${formatCount(LIMITS.prdFolderDepth)} deep.`,
			hint: 'Delete the folder: specs are kept at the path of their PRD.',
		});
		return;
	}
	let entries: Dirent[];
	try {
		entries = await readdir(absoluteDir, { withFileTypes: true });
	} catch (error) {
		walk.problems.push({
			file,
			message: `the folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
			hint: 'Check that it is a readable folder, or delete it so that its specs are generated again.',
		});
		return;
	}
	await readFolder(walk, absoluteDir, path, depth, entries);
}
