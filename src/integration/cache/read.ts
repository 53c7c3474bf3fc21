import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { resolveInsideProject } from '../files/project-paths.ts';
import { describeFileType, notRegularFile, readTextFile, symbolicLink } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import type { Problem } from '../problems.ts';
import { parseSpecFile, type CachedSpec } from './spec-file.ts';

export interface SpecCache {
	specs: Map<string, CachedSpec>;
	problems: Problem[];
}

/**
 * Reads every `<specsDir>/<id>.md`. A missing folder is an empty cache. The folder must be inside
 * the project (symbolic links followed), and only regular files are read: a spec that is a
 * symbolic link is refused.
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
	for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
		const name = entry.name;
		// Temporary files of an interrupted write (`.<id>.md.<random>.tmp`) are not specs.
		if (!name.endsWith('.md') || name.startsWith('.') || name.startsWith('_')) continue;
		const id = name.slice(0, -'.md'.length);
		const file = `${specsDir}/${name}`;
		const read = entry.isSymbolicLink()
			? symbolicLink('spec')
			: !entry.isFile()
				? notRegularFile('spec', describeFileType(entry))
				: // Synchronous on purpose, as in `scanPrds`.
					readTextFile(join(folder.realPath, name), { maxBytes: LIMITS.specFileBytes, kind: 'spec' });
		if (!read.ok) {
			problems.push({ file, message: read.message, hint: read.hint });
			continue;
		}
		const result = parseSpecFile(read.text, file, id);
		if (result.ok) specs.set(id, result.spec);
		else problems.push(...result.problems);
	}
	return { specs, problems };
}
