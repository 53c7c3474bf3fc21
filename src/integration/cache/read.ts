import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import type { Problem } from '../problems.ts';
import { parseSpecFile, type CachedSpec } from './spec-file.ts';

export interface SpecCache {
	specs: Map<string, CachedSpec>;
	problems: Problem[];
}

/** Reads every `<specsDir>/<id>.md`. A missing folder is an empty cache. */
export async function readSpecCache(root: string, specsDir: string): Promise<SpecCache> {
	const specs = new Map<string, CachedSpec>();
	const problems: Problem[] = [];
	let names: string[];
	try {
		names = await readdir(join(root, specsDir));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { specs, problems };
		problems.push({
			file: specsDir,
			message: `the spec cache folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
			hint: 'Check that it is a readable folder, or set `specsDir`.',
		});
		return { specs, problems };
	}
	for (const name of names.sort()) {
		// Temporary files of an interrupted write (`.<id>.md.<random>.tmp`) are not specs.
		if (!name.endsWith('.md') || name.startsWith('.') || name.startsWith('_')) continue;
		const id = name.slice(0, -'.md'.length);
		const file = `${specsDir}/${name}`;
		let source: string;
		try {
			// Synchronous on purpose, as in `scanPrds`.
			source = readFileSync(join(root, specsDir, name), 'utf8');
		} catch (error) {
			problems.push({
				file,
				message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
				hint: 'Check the file, or delete it and let the build regenerate the spec.',
			});
			continue;
		}
		const result = parseSpecFile(source, file, id);
		if (result.ok) specs.set(id, result.spec);
		else problems.push(...result.problems);
	}
	return { specs, problems };
}
