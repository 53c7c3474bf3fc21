import { isUtf8 } from 'node:buffer';
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/**
 * Reading one text file that came from a pull request or a model: a PRD, a cached spec, the
 * prompt template. Only a regular file is read, never through a symbolic link, never more than
 * a limit, and only if it is UTF-8 text.
 */

/** What the file is for, so that messages and hints speak of it by name. */
export type TextFileKind = 'PRD' | 'spec' | 'prompt template' | 'folder index' | 'batch state';

export type TextFileResult = { ok: true; text: string } | { ok: false; message: string; hint: string };

export interface ReadTextFileOptions {
	/** Largest size accepted, in bytes: a larger file is refused without being read. */
	maxBytes: number;
	kind: TextFileKind;
}

// `O_NOFOLLOW`: a symbolic link as the last part of the path fails with ELOOP instead of being
// followed. `O_NONBLOCK`: opening a FIFO returns at once instead of waiting for a writer.
// (Both are 0 on Windows, which has neither.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * The text of the file at `absolutePath`, or why it is refused. Synchronous on purpose: scans read
 * thousands of small files, which is faster this way than through the thread pool. Never throws
 * for a bad file; the descriptor is always closed.
 */
export function readTextFile(absolutePath: string, { maxBytes, kind }: ReadTextFileOptions): TextFileResult {
	let fd: number;
	try {
		fd = openSync(absolutePath, OPEN_FLAGS);
	} catch (error) {
		return openFailure((error as NodeJS.ErrnoException).code ?? 'error', kind);
	}
	try {
		const stats = fstatSync(fd);
		if (!stats.isFile()) return notRegularFile(kind, describeFileType(stats));
		if (stats.size > maxBytes) {
			return {
				ok: false,
				message: `is ${describeSize(stats.size, maxBytes)}; a ${kind} file may be at most ${formatBytes(maxBytes)}.`,
				hint: TOO_LARGE_HINTS[kind],
			};
		}
		const bytes = readUpTo(fd, stats.size);
		// `isUtf8` and `toString` run natively (faster than a fatal TextDecoder on thousands of files).
		if (!isUtf8(bytes)) return { ok: false, message: 'is not valid UTF-8 text.', hint: ENCODING_HINTS[kind] };
		if (bytes.indexOf(0) !== -1) return { ok: false, message: 'contains binary data (NUL bytes).', hint: BINARY_HINTS[kind] };
		// A byte-order mark is not text.
		const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
		return { ok: true, text: bytes.toString('utf8', bom) };
	} catch (error) {
		return { ok: false, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, hint: UNREADABLE_HINTS[kind] };
	} finally {
		closeSync(fd);
	}
}

/** Reads at most `size` bytes (the size seen by `fstat`: a file that grows meanwhile is cut there). */
function readUpTo(fd: number, size: number): Buffer {
	const buffer = Buffer.allocUnsafe(size);
	let filled = 0;
	while (filled < size) {
		const count = readSync(fd, buffer, filled, size - filled, null);
		if (count === 0) break;
		filled += count;
	}
	return filled === size ? buffer : buffer.subarray(0, filled);
}

function openFailure(code: string, kind: TextFileKind): TextFileResult {
	// ELOOP: the path is a symbolic link (O_NOFOLLOW), or a loop of them. (EMLINK on FreeBSD.)
	if (code === 'ELOOP' || code === 'EMLINK') return symbolicLink(kind);
	// ENXIO: a socket; EISDIR: a folder where the platform refuses to open one.
	if (code === 'ENXIO') return notRegularFile(kind, 'a socket');
	if (code === 'EISDIR') return notRegularFile(kind, 'a folder');
	return { ok: false, message: `cannot be read (${code}).`, hint: code === 'ENOENT' ? MISSING_HINTS[kind] : UNREADABLE_HINTS[kind] };
}

/** The problem for a symbolic link, also used by the scans, which see links before opening them. */
export function symbolicLink(kind: TextFileKind): { ok: false; message: string; hint: string } {
	return { ok: false, message: 'is a symbolic link: only regular files inside the project are read.', hint: SYMLINK_HINTS[kind] };
}

/** The problem for a FIFO, socket, device or other entry that is not a regular file. */
export function notRegularFile(kind: TextFileKind, what?: string): { ok: false; message: string; hint: string } {
	return {
		ok: false,
		message: `is not a regular file${what ? ` (it is ${what})` : ''}.`,
		hint: `A ${kind} must be a regular text file: replace it with one, or remove it.`,
	};
}

/** `a named pipe` (a FIFO), `a socket`, ... for an entry that is not a regular file. */
export function describeFileType(
	entry: Pick<Stats, 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>,
): string | undefined {
	if (entry.isDirectory()) return 'a folder';
	if (entry.isFIFO()) return 'a named pipe';
	if (entry.isSocket()) return 'a socket';
	if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
	if (entry.isSymbolicLink()) return 'a symbolic link';
	return undefined;
}

/** `3.2 MB`, `256 KB`, `812 bytes`: binary units (1 MB = 1024 KB), at most one decimal. */
export function formatBytes(bytes: number): string {
	if (bytes >= 1024 * 1024) return `${trimDecimal(bytes / (1024 * 1024))} MB`;
	if (bytes >= 1024) return `${trimDecimal(bytes / 1024)} KB`;
	return `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

/** The size, exact in bytes when rounding would make it read like the limit (`1 MB; at most 1 MB`). */
function describeSize(size: number, limit: number): string {
	const rounded = formatBytes(size);
	return rounded === formatBytes(limit) ? `${size.toLocaleString('en-US')} bytes` : rounded;
}

function trimDecimal(value: number): string {
	return value.toFixed(1).replace(/\.0$/, '');
}

const TOO_LARGE_HINTS: Record<TextFileKind, string> = {
	PRD: 'Shorten the PRD: move background material to pages it links to, or split it into several PRDs.',
	spec: 'A generated spec is typically 20-40 KB: shorten it, or delete the file so that the spec is generated again.',
	'prompt template': 'Shorten the prompt template, or remove the `template` option to use the built-in prompt.',
	'folder index': 'Shorten the `_index.md`: it introduces a folder of PRDs; the requirements belong in the PRDs.',
	'batch state':
		'The batch state lists one short line per request: this one is not ours. Delete it (its batch is then not collected) and submit again.',
};

const SYMLINK_HINTS: Record<TextFileKind, string> = {
	PRD: 'Replace the link with the PRD file itself.',
	spec: 'Replace the link with the spec file itself, or delete it so that the spec is generated again.',
	'prompt template': 'Point the `template` option at the template file itself, inside the project, not at a link.',
	'folder index': 'Replace the link with the `_index.md` file itself.',
	'batch state': 'Replace the link with the file itself, or delete it (its batch is then not collected).',
};

const ENCODING_HINTS: Record<TextFileKind, string> = {
	PRD: 'Save the file as UTF-8 markdown.',
	spec: 'Save the file as UTF-8 markdown, or delete it so that the spec is generated again.',
	'prompt template': 'Save the prompt template as UTF-8 text.',
	'folder index': 'Save the `_index.md` as UTF-8 markdown.',
	'batch state':
		'The batch state is JSON written by `prd-specs generate --batch`: restore it from git, or delete it (its batch is then not collected).',
};

const BINARY_HINTS: Record<TextFileKind, string> = {
	PRD: 'PRDs must be markdown text files.',
	spec: 'Specs must be markdown text files: delete it so that the spec is generated again.',
	'prompt template': 'The prompt template must be a text file.',
	'folder index': 'An `_index.md` must be a markdown text file.',
	'batch state':
		'The batch state is JSON written by `prd-specs generate --batch`: restore it from git, or delete it (its batch is then not collected).',
};

const MISSING_HINTS: Record<TextFileKind, string> = {
	PRD: 'Check that the file exists.',
	spec: 'Check the file, or delete it and let the build regenerate the spec.',
	'prompt template':
		'Point the `template` option at a readable file relative to the project root, or remove it to use the built-in prompt.',
	'folder index': 'Check that the file exists.',
	'batch state': 'Submit a batch with `prd-specs generate --batch`.',
};

const UNREADABLE_HINTS: Record<TextFileKind, string> = {
	PRD: 'Check the file permissions.',
	spec: 'Check the file, or delete it and let the build regenerate the spec.',
	'prompt template':
		'Point the `template` option at a readable file relative to the project root, or remove it to use the built-in prompt.',
	'folder index': 'Check the file permissions.',
	'batch state': 'Check the file permissions.',
};
