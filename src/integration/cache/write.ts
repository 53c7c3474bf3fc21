import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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
