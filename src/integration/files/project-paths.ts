import { mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * The folders and files the integration reads and writes (`prdsDir`, `specsDir`, `template`)
 * must be inside the project once every symbolic link is followed: a pull request could otherwise
 * replace `prds/` with a link to `/etc` or to a home folder, and have what is there published or
 * sent to a model.
 */

export type ProjectPath =
	/** The path exists and its real path (links followed) is inside the project. */
	| { status: 'inside'; realPath: string }
	/** Nothing at the path (or a link that leads nowhere). */
	| { status: 'missing' }
	/** The path leads outside the project. Say so without naming where, nor what is there. */
	| { status: 'outside' }
	/** The path cannot be resolved: `ELOOP`, `EACCES`, `ENOTDIR`... */
	| { status: 'unreadable'; code: string };

/** Whether `path` is `folder` or inside it (both absolute, normalised). */
export function isInsideFolder(folder: string, path: string): boolean {
	const rel = relative(folder, path);
	return rel === '' || (!isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`));
}

/** Where `relativePath` (relative to `root`) really is, and whether that is inside the project. */
export async function resolveInsideProject(root: string, relativePath: string): Promise<ProjectPath> {
	let realRoot: string;
	let realPath: string;
	try {
		realRoot = await realpath(root);
		realPath = await realpath(resolve(root, relativePath));
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		return code === 'ENOENT' ? { status: 'missing' } : { status: 'unreadable', code };
	}
	return isInsideFolder(realRoot, realPath) ? { status: 'inside', realPath } : { status: 'outside' };
}

/**
 * Creates the folder `relativePath` (relative to `root`) if need be and returns its real path.
 * Throws when it, or the part of it that exists already, resolves outside the project: nothing is
 * created there.
 */
export async function makeFolderInsideProject(root: string, relativePath: string, option: string): Promise<string> {
	const outside = () =>
		new Error(
			`\`${option}\` (\`${relativePath}\`) resolves to a folder outside the project: nothing is written there. Make it a folder of the project, not a symbolic link to somewhere else.`,
		);
	const realRoot = await realpath(root);
	const target = resolve(root, relativePath);
	// The deepest part of the path that exists already must be inside: `mkdir` follows links.
	let existing = target;
	for (;;) {
		try {
			existing = await realpath(existing);
			break;
		} catch (error) {
			const parent = dirname(existing);
			if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === existing) throw error;
			existing = parent;
		}
	}
	if (!isInsideFolder(realRoot, existing)) throw outside();
	await mkdir(target, { recursive: true });
	// Checked again once it exists: a dangling link, or a link made meanwhile, shows now.
	const realPath = await realpath(target);
	if (!isInsideFolder(realRoot, realPath)) throw outside();
	return realPath;
}
