import { join } from 'node:path';

import { isRealSubfolder, resolveInsideProject } from '../files/project-paths.ts';
import { readTextFile } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import { folderOfId } from '../prds/ids.ts';
import { digestSections, recordSections } from '../markdown/section-digests.ts';
import { parseSpecFile, type SpecMetadata } from './spec-file.ts';

/**
 * What a new spec records of the one it is about to replace (`replaced` in its metadata): the old
 * file's date and the digest of each of its `##` sections, so that the site can say which
 * sections the regeneration changed without git history (CI clones are shallow).
 *
 * Read when the new spec is saved, so it is the version actually replaced, whatever the project
 * looked like when generation started. Undefined when there is no old spec, or it cannot be read
 * or parsed as a spec file: nothing is recorded rather than a guess.
 */
export async function describeReplacedSpec(root: string, specsDir: string, id: string): Promise<SpecMetadata['replaced']> {
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status !== 'inside') return undefined;
	const file = `${specsDir}/${id}.md`;
	// Read as the cache reads it: a regular file only, never through a link, within the size limit.
	if (!isRealSubfolder(folder.realPath, folderOfId(id))) return undefined;
	const read = readTextFile(join(folder.realPath, `${id}.md`), { maxBytes: LIMITS.specFileBytes, kind: 'spec' });
	if (!read.ok) return undefined;
	const parsed = parseSpecFile(read.text, file, id);
	if (!parsed.ok) return undefined;
	return { generatedAt: parsed.spec.metadata.generatedAt, sections: recordSections(digestSections(parsed.spec.body)) };
}
