import { lstatSync, statSync } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

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

/** Whether the symbolic link at `absolutePath` leads to a folder (to report it; it is never followed). */
export function leadsToFolder(absolutePath: string): boolean {
	try {
		return statSync(absolutePath).isDirectory();
	} catch {
		return false;
	}
}

/**
 * Whether `subfolder` (`/`-separated, '' for `base` itself) is made only of real folders inside the
 * real folder `base`: no symbolic link, no file on the way. The scans never follow a link below
 * the PRD folder or the spec cache; paths built from an id must not either.
 */
export function isRealSubfolder(base: string, subfolder: string): boolean {
	let path = base;
	for (const segment of subfolder === '' ? [] : subfolder.split('/')) {
		path = join(path, segment);
		try {
			if (!lstatSync(path).isDirectory()) return false;
		} catch {
			return false;
		}
	}
	return true;
}

/**
 * Creates the folders of `subfolder` (`/`-separated) inside the real folder `base` as need be, and
 * returns the innermost one's path. Throws when one of them exists as a symbolic link or a file: a
 * link inside the spec cache must not steer a write anywhere else, even inside the project.
 * `label` names `base` in the message (`src/content/specs`).
 */
export async function makeRealSubfolder(base: string, subfolder: string, label: string): Promise<string> {
	let path = base;
	let shown = label;
	for (const segment of subfolder === '' ? [] : subfolder.split('/')) {
		path = join(path, segment);
		shown = `${shown}/${segment}`;
		await mkdir(path).catch((error: NodeJS.ErrnoException) => {
			if (error.code !== 'EEXIST') throw error;
		});
		if (!(await lstat(path)).isDirectory()) {
			throw new Error(`\`${shown}\` is a symbolic link or a file, not a folder: nothing is written through it. Make it a real folder.`);
		}
	}
	return path;
}
