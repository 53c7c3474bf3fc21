import { LIMITS } from '../limits.ts';
import { PRD_ID_PATTERN } from './schema.ts';

/**
 * PRD ids are paths under the PRD folder without extension: `checkout`, `payments/checkout`. They
 * name files (the PRD, its cached spec) and URLs (`/prds/<id>/`), so every segment is a plain
 * name and nothing else can climb out of a folder. Every function here splits on `/` and tests
 * each segment alone: one pass over untrusted text, whatever its length.
 */

/** Whether `id` is a PRD id: 1 to `LIMITS.prdFolderDepth + 1` segments joined by `/`, each one matching `PRD_ID_PATTERN`. */
export function isPrdId(id: string): boolean {
	const segments = id.split('/');
	return segments.length <= LIMITS.prdFolderDepth + 1 && segments.every((segment) => PRD_ID_PATTERN.test(segment));
}

/** The folder of an id under the PRD folder: '' for `checkout`, `payments/eu` for `payments/eu/checkout`. */
export function folderOfId(id: string): string {
	const slash = id.lastIndexOf('/');
	return slash === -1 ? '' : id.slice(0, slash);
}

/** The last segment of an id, its file name without extension: `checkout` for `payments/checkout`. */
export function lastSegmentOf(id: string): string {
	return id.slice(id.lastIndexOf('/') + 1);
}

/**
 * Orders ids as the scan lists PRDs: segment by segment, so a folder's PRDs stand together where
 * the folder's name falls among its neighbours (`a`, `payments/checkout`, `payments/eu/x`,
 * `payments-eu`, `zeta`). On a flat folder it is the order of file names, as before folders.
 */
export function comparePrdIds(a: string, b: string): number {
	const segmentsA = a.split('/');
	const segmentsB = b.split('/');
	const shared = Math.min(segmentsA.length, segmentsB.length);
	for (let index = 0; index < shared; index++) {
		const order = segmentsA[index]!.localeCompare(segmentsB[index]!);
		if (order !== 0) return order;
	}
	return segmentsA.length - segmentsB.length;
}

/**
 * Why `text`, given where an id is expected (a command-line argument), is not a PRD id; undefined
 * when it is one. The text becomes a path, so the message says what is wrong with it as a path.
 */
export function describeBadId(text: string): string | undefined {
	if (isPrdId(text)) return undefined;
	if (text === '') return 'it is empty';
	if (text.startsWith('/')) return 'it starts with `/`: ids are paths under the PRD folder, such as `payments/checkout`';
	if (text.includes('\\')) return 'it contains `\\`: folders in an id are separated by `/`';
	const segments = text.split('/');
	if (segments.some((segment) => segment === '..' || segment === '.')) return 'it contains `.` or `..`: an id names a PRD inside the PRD folder';
	if (segments.some((segment) => segment === '')) return 'it has an empty folder name (`//`, or `/` at the end)';
	if (segments.length > LIMITS.prdFolderDepth + 1) return `it is ${segments.length - 1} folders deep; PRDs are at most ${LIMITS.prdFolderDepth} deep`;
	if (/\.(md|markdown)$/i.test(text)) return 'it ends in a file extension: an id is the path without `.md`';
	return 'ids are made of lowercase letters, digits and dashes, with `/` between folders';
}
