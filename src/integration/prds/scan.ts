import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { leadsToFolder, resolveInsideProject } from '../files/project-paths.ts';
import { describeFileType, notRegularFile, readTextFile, symbolicLink } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import type { Problem } from '../problems.ts';
import { schemaIssuesToProblems, type IssueContext } from '../schema-problems.ts';
import { deriveTitle } from './derived-title.ts';
import { describeIssue, quote, suggest, suggestId } from './field-problems.ts';
import { FOLDER_INDEX_NAME, readPrdFolder, type PrdFolder } from './folders.ts';
import { parseFrontmatter, trimmedBodyLine } from './frontmatter.ts';
import { comparePrdIds, folderOfId, lastSegmentOf } from './ids.ts';
import { DEFAULT_REQUIREMENT_PREFIXES, findRequirements, type Requirement } from './requirements.ts';
import { formatCount, ONE_LINE_RULE, PRD_FIELDS, PRD_ID_PATTERN, PrdFileFrontmatterSchema, TOTAL_LENGTH_RULE, type PrdFrontmatter } from './schema.ts';

export const PRD_EXTENSIONS = ['.md', '.markdown'];

/** A PRD whose file and frontmatter are valid. */
export interface Prd {
	/**
	 * Path under the PRD folder without extension, `/`-separated: `checkout`, `payments/checkout`.
	 * Each segment matches PRD_ID_PATTERN (lowercase letters, digits, dashes). The PRD page is
	 * `/prds/<id>/`, the spec page `/specs/<id>/`, the cached spec `<specsDir>/<id>.md`.
	 */
	id: string;
	/** Folder of the PRD under the PRD folder: '' at the top, else `payments` or `payments/eu`. */
	folder: string;
	/** Path relative to the project root, with `/` separators. */
	file: string;
	frontmatter: PrdFrontmatter;
	/** The markdown after the frontmatter, with `\n` line endings. */
	body: string;
	/** 1-based line of the file where `body` starts, for messages about it. */
	bodyLine?: number;
	/** Its requirement ids, in document order (see `findRequirements`); empty for most PRDs. */
	requirements: Requirement[];
}

export interface PrdScan {
	/** Sorted by id (see `comparePrdIds`). */
	prds: Prd[];
	problems: Problem[];
	/** Entries of the folders that are not PRDs and were skipped on purpose (`_draft.md`, `README.md`). */
	skipped: string[];
	/** Id of every PRD file found, valid or not. */
	fileIds: Set<string>;
	/** Every folder that holds at least one valid PRD at any depth below it, sorted by path; the top folder has no entry. */
	folders: PrdFolder[];
}

/** Files in the PRD folder that are documentation for authors, not PRDs. */
function isSkippedName(name: string): boolean {
	return name.startsWith('_') || name.startsWith('.') || /^readme\.(md|markdown)$/i.test(name);
}

/** What a scan gathers while it walks the PRD folder and its sub-folders. */
interface Walk {
	prdsDir: string;
	prefixes: readonly string[];
	problems: Problem[];
	skipped: string[];
	byId: Map<string, Prd>;
	/** The file of every PRD file found, valid or not, by id (the first one for an id). */
	files: Map<string, string>;
	/** Folders with a PRD file at any depth below them: their real path and their `_index.md`, if any. */
	folders: Map<string, { absoluteDir: string; index: Dirent | undefined }>;
	/** PRD files met so far; the walk stops at `LIMITS.prdFiles`. */
	count: number;
}

/**
 * Lists the PRDs under `<prdsDir>/` and its sub-folders (`prds/payments/checkout.md` is the PRD
 * `payments/checkout`), parses and validates each, and checks the links between them. Never throws
 * for bad input: every problem is returned, naming the file and field. The folder must be inside
 * the project (symbolic links followed); below it only real folders and regular files are read:
 * a PRD or a sub-folder that is a symbolic link is refused. Folders and files starting with `_` or
 * `.` are skipped; the depth of folders and the number of files are bounded (`LIMITS`).
 */
export async function scanPrds(root: string, prdsDir: string, prefixes: readonly string[] = DEFAULT_REQUIREMENT_PREFIXES): Promise<PrdScan> {
	const problems: Problem[] = [];
	const skipped: string[] = [];
	const empty = (): PrdScan => ({ prds: [], problems, skipped, fileIds: new Set(), folders: [] });
	const folder = await resolveInsideProject(root, prdsDir);
	if (folder.status === 'missing') return empty();
	if (folder.status === 'outside') {
		// Neither where it leads nor what is there is named: that is someone else's business.
		problems.push({
			file: prdsDir,
			message: `\`${prdsDir}\` resolves to a folder outside the project; PRDs are only read from inside it.`,
			hint: 'Make the PRD folder a real folder of the project, not a symbolic link to somewhere else, or set `prdsDir`.',
		});
		return empty();
	}
	const unreadable = (code: string): PrdScan => {
		problems.push({
			file: prdsDir,
			message: `the PRD folder cannot be read (${code}).`,
			hint: 'Check that it is a readable folder, or set `prdsDir` to the folder that holds your PRDs.',
		});
		return empty();
	};
	if (folder.status === 'unreadable') return unreadable(folder.code);
	let names: Dirent[];
	try {
		names = await readdir(folder.realPath, { withFileTypes: true });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		return code === 'ENOENT' ? empty() : unreadable(code);
	}

	const walk: Walk = { prdsDir, prefixes, problems, skipped, byId: new Map(), files: new Map(), folders: new Map(), count: 0 };
	await scanFolder(walk, folder.realPath, '', 0, names);
	const { byId } = walk;

	// A folder's index page is `/prds/<folder>/`: a PRD `<folder>.md` next to the folder would publish there too.
	for (const path of walk.folders.keys()) {
		const file = walk.files.get(path);
		if (file === undefined) continue;
		problems.push({
			file,
			message: `and the folder \`${prdsDir}/${quote(path)}/\` would both be published at /prds/${quote(path)}/.`,
			hint: `Rename the file or the folder, or move the PRD into the folder (e.g. as \`${prdsDir}/${quote(path)}/overview.md\`).`,
		});
		byId.delete(path);
	}

	const ids = [...byId.keys()];
	for (const prd of byId.values()) {
		prd.frontmatter.related.forEach((relatedId, index) => {
			if (relatedId === prd.id) {
				problems.push({
					file: prd.file,
					field: `related[${index}]`,
					message: 'a PRD cannot be related to itself.',
					hint: `Remove "${quote(relatedId)}" from \`related\`.`,
				});
			} else if (!byId.has(relatedId)) {
				problems.push({
					file: prd.file,
					field: `related[${index}]`,
					message: `"${quote(relatedId)}" is not the id of any PRD.`,
					hint: `Use the file name without extension of a PRD in \`${prdsDir}/\`${suggestId(relatedId, ids)}.`,
				});
			}
		});
	}

	const prds = [...byId.values()].sort((a, b) => comparePrdIds(a.id, b.id));
	return { prds, problems, skipped, fileIds: new Set(walk.files.keys()), folders: listFolders(walk, prds) };
}

/**
 * Reads the PRDs of one folder (`path` under the PRD folder, '' at the top, `depth` folders down,
 * `entries` its listing) and walks its sub-folders, in name order.
 */
async function scanFolder(walk: Walk, absoluteDir: string, path: string, depth: number, entries: Dirent[]): Promise<void> {
	const { prdsDir, problems } = walk;
	const filesBefore = walk.files.size;
	let index: Dirent | undefined;
	for (const entry of entries.sort(compareEntries)) {
		// Past the limit the walk stops, but this folder still records the PRDs it read.
		if (walk.count > LIMITS.prdFiles) break;
		const name = entry.name;
		const file = `${prdsDir}/${path === '' ? '' : `${path}/`}${name}`;
		// A sub-folder's `_index.md` describes it; the top folder's is skipped like any `_` file.
		if (path !== '' && name === FOLDER_INDEX_NAME) {
			index = entry;
			continue;
		}
		if (isSkippedName(name)) {
			walk.skipped.push(file);
			continue;
		}
		const extension = extname(name).toLowerCase();
		if (!PRD_EXTENSIONS.includes(extension)) {
			if (entry.isDirectory()) await enterFolder(walk, join(absoluteDir, name), path === '' ? name : `${path}/${name}`, depth + 1, file);
			else if (entry.isSymbolicLink() && leadsToFolder(join(absoluteDir, name))) problems.push({ file, ...FOLDER_LINK });
			else walk.skipped.push(file);
			continue;
		}
		if (++walk.count > LIMITS.prdFiles) {
			problems.push({
				file: prdsDir,
				message: `holds more than ${formatCount(LIMITS.prdFiles)} PRD files (counting its sub-folders), so the rest are not read.`,
				hint: `Keep at most ${formatCount(LIMITS.prdFiles)} PRDs in \`${prdsDir}/\`: move old ones out of it, or into a folder whose name starts with \`_\` (which is skipped).`,
			});
			break;
		}
		const stem = name.slice(0, -extension.length);
		const id = path === '' ? stem : `${path}/${stem}`;
		if (!walk.files.has(id)) walk.files.set(id, file);
		const prd = readPrd(join(absoluteDir, name), file, id, path, entry, problems, walk.prefixes);
		if (!prd) continue;
		const existing = walk.byId.get(id);
		if (existing) {
			problems.push({
				file,
				message: `has the same id "${quote(id)}" as ${existing.file}.`,
				hint: 'Each PRD needs its own file name: rename or remove one of them.',
			});
			continue;
		}
		walk.byId.set(id, prd);
	}
	if (path !== '' && walk.files.size > filesBefore) walk.folders.set(path, { absoluteDir, index });
}

/** Walks the sub-folder `path`, `depth` folders down, once its name and depth are checked. */
async function enterFolder(walk: Walk, absoluteDir: string, path: string, depth: number, file: string): Promise<void> {
	const { prdsDir, problems } = walk;
	const name = lastSegmentOf(path);
	if (!PRD_ID_PATTERN.test(name)) {
		problems.push({
			file,
			message: `"${quote(name)}" cannot be the name of a folder of PRDs: folder names are part of PRD ids, which are used in URLs.`,
			hint: 'Rename the folder using lowercase letters, digits and dashes only, e.g. `payments`, or rename it to start with `_` to keep it out of the site.',
		});
		return;
	}
	if (depth > LIMITS.prdFolderDepth) {
		problems.push({
			file,
			message: `is ${formatCount(depth)} folders deep; PRDs may be at most ${formatCount(LIMITS.prdFolderDepth)} folders below \`${prdsDir}/\`.`,
			hint: 'Move its PRDs to a folder nearer the top: every folder is a part of their ids and URLs.',
		});
		return;
	}
	let entries: Dirent[];
	try {
		entries = await readdir(absoluteDir, { withFileTypes: true });
	} catch (error) {
		problems.push({
			file,
			message: `the folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
			hint: 'Check that it is a readable folder, or rename it to start with `_` to keep it out of the site.',
		});
		return;
	}
	await scanFolder(walk, absoluteDir, path, depth, entries);
}

/** The problem of a symbolic link to a folder: no link is followed below the PRD folder. */
const FOLDER_LINK = {
	message: 'is a symbolic link to a folder: only real folders inside the PRD folder are read.',
	hint: 'Replace the link with the folder itself, or remove it.',
};

/** Every folder with a valid PRD at any depth below it, read with its `_index.md`, sorted by path. */
function listFolders(walk: Walk, prds: readonly Prd[]): PrdFolder[] {
	const paths = new Set<string>();
	for (const prd of prds) {
		for (let folder = prd.folder; folder !== '' && !paths.has(folder); folder = folderOfId(folder)) paths.add(folder);
	}
	return [...paths].sort(comparePrdIds).map((path) => {
		const { absoluteDir, index } = walk.folders.get(path)!;
		return readPrdFolder(absoluteDir, path, `${walk.prdsDir}/${path}/${FOLDER_INDEX_NAME}`, index, walk.problems);
	});
}

/** By name without extension, `.md` before `.markdown`: with both, the `.md` file keeps the id. */
function compareEntries(a: Dirent, b: Dirent): number {
	const split = (name: string) => {
		const extension = extname(name).toLowerCase();
		return [PRD_EXTENSIONS.includes(extension) ? name.slice(0, -extension.length) : name, PRD_EXTENSIONS.indexOf(extension)] as const;
	};
	const [nameA, rankA] = split(a.name);
	const [nameB, rankB] = split(b.name);
	return nameA.localeCompare(nameB) || rankA - rankB;
}

function readPrd(
	path: string,
	file: string,
	id: string,
	folder: string,
	entry: Dirent,
	problems: Problem[],
	prefixes: readonly string[],
): Prd | undefined {
	if (entry.isSymbolicLink()) {
		problems.push({ file, ...withoutOk(symbolicLink('PRD')) });
		return undefined;
	}
	if (entry.isDirectory()) {
		problems.push({
			file,
			message: 'is a folder, not a PRD file.',
			hint: 'Rename the folder so that it does not end in `.md`, or move it out of the PRD folder.',
		});
		return undefined;
	}
	if (!entry.isFile()) {
		problems.push({ file, ...withoutOk(notRegularFile('PRD', describeFileType(entry))) });
		return undefined;
	}
	const name = lastSegmentOf(id);
	if (!PRD_ID_PATTERN.test(name)) {
		problems.push({
			file,
			message: `"${quote(name)}" cannot be a PRD id: ids are used in URLs.`,
			hint: 'Rename the file using lowercase letters, digits and dashes only, e.g. `checkout-flow.md`.',
		});
		return undefined;
	}
	// Synchronous on purpose: thousands of small files read faster this way than through the
	// thread pool (see the cache-check benchmark), and nothing else runs meanwhile.
	const read = readTextFile(path, { maxBytes: LIMITS.prdFileBytes, kind: 'PRD' });
	if (!read.ok) {
		problems.push({ file, ...withoutOk(read) });
		return undefined;
	}
	const source = read.text;

	// Frontmatter is optional: PRDs written elsewhere open with their `# ` heading.
	const parsed = parseFrontmatter(source, { optional: true });
	if (!parsed.ok) {
		problems.push({ file, field: 'frontmatter', message: parsed.message, hint: parsed.hint });
		return undefined;
	}
	const result = PrdFileFrontmatterSchema.safeParse(parsed.data);
	let valid = true;
	if (!result.success) {
		valid = false;
		const issues = schemaIssuesToProblems(result.error, parsed.data, {
			file,
			wholeInput: 'frontmatter',
			unknownKey: (key) => ({ message: 'is not a PRD field.', hint: `Allowed fields: ${PRD_FIELDS.join(', ')}${suggest(key, PRD_FIELDS)}.` }),
			describe: (context) => ({ message: describeIssue(context), hint: hintFor(context) }),
		});
		problems.push(...issues.map(({ unknownKey: _, ...problem }) => problem));
	}
	const body = parsed.body.trim();
	if (body === '') {
		valid = false;
		problems.push(
			parsed.missing
				? { file, field: 'body', message: 'the PRD is empty.', hint: 'Write the requirements in it, under a `# ` heading that names the product.' }
				: { file, field: 'body', message: 'the PRD has no content after its frontmatter.', hint: 'Write the requirements below the closing `---` line.' },
		);
	}
	if (!valid || !result.success) return undefined;
	const { title: written, ...fields } = result.data;
	let title = written;
	if (title === undefined) {
		const derived = deriveTitle(parsed.body, parsed.bodyLine, name);
		if (!derived.ok) {
			problems.push({ file, field: 'title', message: derived.message, hint: derived.hint });
			return undefined;
		}
		title = derived.title;
	}
	const frontmatter: PrdFrontmatter = { title, ...fields };
	const bodyLine = trimmedBodyLine(parsed.body, parsed.bodyLine);
	const requirements = findRequirements(body, prefixes);
	problems.push(...findDuplicateRequirements(requirements, file, bodyLine));
	return { id, folder, file, frontmatter, body, bodyLine, requirements };
}

/**
 * A problem for each requirement id written a second time, naming both lines of the file: a
 * spec cites ids, so each must name one requirement. The PRD stays valid (its page and the other
 * ids are still right); the problem is what stops the build.
 */
function findDuplicateRequirements(requirements: readonly Requirement[], file: string, bodyLine: number): Problem[] {
	const problems: Problem[] = [];
	const first = new Map<string, Requirement>();
	for (const requirement of requirements) {
		const earlier = first.get(requirement.id);
		if (!earlier) {
			first.set(requirement.id, requirement);
			continue;
		}
		problems.push({
			file,
			field: `line ${requirement.line + bodyLine - 1}`,
			message: `the requirement id ${requirement.id} is used twice: on line ${earlier.line + bodyLine - 1} and on line ${requirement.line + bodyLine - 1}.`,
			hint: `Give each requirement its own id (renumber one of them, e.g. to the next free number): the spec cites ids, and ${requirement.id} must name one requirement.`,
		});
	}
	return problems;
}

function hintFor({ issue, field }: IssueContext): string {
	const name = field.replace(/\[.*$/, '');
	if (issue.code === 'too_big' && issue.origin === 'string') return `Shorten it to at most ${formatCount(Number(issue.maximum))} characters.`;
	if (issue.code === 'too_big' && issue.origin === 'array') {
		const max = formatCount(Number(issue.maximum));
		return name === 'tags' ? `Keep at most ${max} tags.` : `List at most ${max} related PRDs.`;
	}
	if (issue.code === 'custom' && issue.params?.['rule'] === ONE_LINE_RULE) {
		return 'Write it on one line, without line breaks, tabs or other control characters (a `\\n` in a quoted value, or a `|` block, is a line break).';
	}
	if (issue.code === 'custom' && issue.params?.['rule'] === TOTAL_LENGTH_RULE) {
		return `Shorten them to at most ${formatCount(Number(issue.params['maximum']))} characters in all.`;
	}
	switch (name) {
		case 'title':
			return 'Write it as one line of text, e.g. `title: Checkout redesign`, or remove the field to use the leading `# ` heading.';
		case 'constraints':
			return 'Write the constraints as text or as a YAML list of text items.';
		case 'status':
			return 'Use one of the listed statuses, or remove the field (it defaults to `draft`).';
		case 'tags':
		case 'related':
			return `Write \`${name}\` as a YAML list, e.g. \`${name}: [one, two]\`.`;
		default:
			return `Fix the value of \`${name}\`, or remove the field.`;
	}
}

function withoutOk({ message, hint }: { message: string; hint: string }): { message: string; hint: string } {
	return { message, hint };
}

