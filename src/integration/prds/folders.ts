import type { Dirent } from 'node:fs';
import { join } from 'node:path';

import { describeFileType, notRegularFile, readTextFile, symbolicLink } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import type { Problem } from '../problems.ts';
import { schemaIssuesToProblems, type SchemaIssue } from '../schema-problems.ts';
import { toSafeTitle } from '../text/plain-text.ts';
import { titleFromId } from './derived-title.ts';
import { describeIssue, suggest } from './field-problems.ts';
import { parseFrontmatter, trimmedBodyLine } from './frontmatter.ts';
import { lastSegmentOf } from './ids.ts';
import { FOLDER_FIELDS, FolderFrontmatterSchema, formatCount, ONE_LINE_RULE } from './schema.ts';

/** The file in a folder of PRDs that gives the folder's title, description and introduction. */
export const FOLDER_INDEX_NAME = '_index.md';

/** A folder of PRDs under the PRD folder, with what its index page shows. */
export interface PrdFolder {
	/** Path under the PRD folder, `/`-separated, never '' (the top folder has no entry): `payments`, `payments/eu`. */
	path: string;
	/** `title` of its `_index.md` frontmatter, else made from the folder name (`card-payments` -> `Card payments`). Safe plain text, at most LIMITS.titleChars. */
	title: string;
	/** `description` of its `_index.md`, if any (one line, at most LIMITS.descriptionChars). */
	description?: string;
	/** The markdown body of `_index.md` after its frontmatter, if any (untrusted, rendered like a PRD body). */
	body?: string;
	/** 1-based line of `_index.md` where `body` starts, for messages about it. */
	bodyLine?: number;
	/** `_index.md` relative to the project root, if there is one. */
	file?: string;
}

/**
 * The folder `path` as its index page shows it, from its `_index.md` when `index` (that entry of
 * the folder's listing) is given. `absoluteDir` is the folder's real path, `file` the index's path
 * relative to the project root. Like a PRD, the file is refused when it is a symbolic link or not
 * a regular file, and checked field by field; every problem is pushed to `problems`, and the
 * folder keeps the title made from its name.
 */
export function readPrdFolder(absoluteDir: string, path: string, file: string, index: Dirent | undefined, problems: Problem[]): PrdFolder {
	const folder: PrdFolder = { path, title: titleFromId(lastSegmentOf(path)) };
	if (!index) return folder;
	folder.file = file;
	const read = index.isSymbolicLink()
		? symbolicLink('folder index')
		: !index.isFile()
			? notRegularFile('folder index', describeFileType(index))
			: readTextFile(join(absoluteDir, FOLDER_INDEX_NAME), { maxBytes: LIMITS.folderIndexBytes, kind: 'folder index' });
	if (!read.ok) {
		problems.push({ file, message: read.message, hint: read.hint });
		return folder;
	}
	const parsed = parseFrontmatter(read.text, { optional: true });
	if (!parsed.ok) {
		problems.push({ file, field: 'frontmatter', message: parsed.message, hint: parsed.hint });
		return folder;
	}
	const result = FolderFrontmatterSchema.safeParse(parsed.data);
	if (!result.success) {
		const issues = schemaIssuesToProblems(result.error, parsed.data, {
			file,
			wholeInput: 'frontmatter',
			unknownKey: (key) => ({
				message: 'is not a field of a folder’s `_index.md`.',
				hint: `Allowed fields: ${FOLDER_FIELDS.join(', ')}${suggest(key, FOLDER_FIELDS)}.`,
			}),
			describe: (context) => ({ message: describeIssue(context), hint: hintFor(context.issue, context.field) }),
		});
		problems.push(...issues.map(({ unknownKey: _, ...problem }) => problem));
		return folder;
	}
	const { title, description } = result.data;
	if (title !== undefined) folder.title = toSafeTitle(title, LIMITS.titleChars);
	if (description !== undefined) folder.description = description;
	const body = parsed.body.trim();
	if (body !== '') {
		folder.body = body;
		folder.bodyLine = trimmedBodyLine(parsed.body, parsed.bodyLine);
	}
	return folder;
}

function hintFor(issue: SchemaIssue, field: string): string {
	if (issue.code === 'too_big' && issue.origin === 'string') return `Shorten it to at most ${formatCount(Number(issue.maximum))} characters.`;
	if (issue.code === 'custom' && issue.params?.['rule'] === ONE_LINE_RULE) {
		return 'Write it on one line, without line breaks, tabs or other control characters (a `\\n` in a quoted value, or a `|` block, is a line break).';
	}
	return field === 'title'
		? 'Write it as one line of text, e.g. `title: Payments`, or remove the field to use the folder’s name.'
		: `Write \`${field}\` as one line of text, or remove the field.`;
}
