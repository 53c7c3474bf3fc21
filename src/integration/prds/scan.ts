import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';


import { resolveInsideProject } from '../files/project-paths.ts';
import { describeFileType, notRegularFile, readTextFile, symbolicLink } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import type { Problem } from '../problems.ts';
import { schemaIssuesToProblems, type IssueContext } from '../schema-problems.ts';
import { truncate } from '../text/plain-text.ts';
import { deriveTitle } from './derived-title.ts';
import type { PrdFolder } from './folders.ts';
import { parseFrontmatter, trimmedBodyLine } from './frontmatter.ts';
import { DEFAULT_REQUIREMENT_PREFIXES, findRequirements, type Requirement } from './requirements.ts';
import { formatCount, ONE_LINE_RULE, PRD_FIELDS, PRD_ID_PATTERN, PrdFileFrontmatterSchema, TOTAL_LENGTH_RULE, type PrdFrontmatter } from './schema.ts';

export const PRD_EXTENSIONS = ['.md', '.markdown'];

/** A PRD whose file and frontmatter are valid. */
export interface Prd {
	/** Path under the PRD folder without extension, `/`-separated: `checkout`, `payments/checkout`.
	 * Each segment matches PRD_ID_PATTERN (lowercase letters, digits, dashes). The PRD page is
	 * `/prds/<id>/`, the spec page `/specs/<id>/`, the cached spec `<specsDir>/<id>.md`. */
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
	prds: Prd[];
	problems: Problem[];
	/** Entries of the folder that are not PRDs and were skipped on purpose (`_draft.md`, `README.md`). */
	skipped: string[];
	/** Id of every PRD file found, valid or not. */
	fileIds: Set<string>;
	/** Every folder holding a valid PRD at some depth, sorted by path (PROVISIONAL: this flat scan finds none). */
	folders: PrdFolder[];
}

/** Files in the PRD folder that are documentation for authors, not PRDs. */
function isSkippedName(name: string): boolean {
	return name.startsWith('_') || name.startsWith('.') || /^readme\.(md|markdown)$/i.test(name);
}

/** Longest part of a user's value (an id, a file name) quoted in a message. */
const QUOTE_CHARS = 60;

/** `value` cut to what a message quotes of it. */
function quote(value: string): string {
	return truncate(value, QUOTE_CHARS);
}

/**
 * Lists `<prdsDir>/*.md`, parses and validates each PRD, and checks the links between them.
 * Never throws for bad input: every problem is returned, naming the file and field. The folder
 * must be inside the project (symbolic links followed), and only regular files are read: a PRD
 * that is a symbolic link is refused.
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
	const dirPath = folder.realPath;
	let names: Dirent[];
	try {
		names = await readdir(dirPath, { withFileTypes: true });
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code ?? 'error';
		return code === 'ENOENT' ? empty() : unreadable(code);
	}

	const byId = new Map<string, Prd>();
	const fileIds = new Set<string>();
	for (const entry of names.sort(compareEntries)) {
		const file = `${prdsDir}/${entry.name}`;
		const extension = extname(entry.name).toLowerCase();
		if (isSkippedName(entry.name)) {
			skipped.push(file);
			continue;
		}
		if (!PRD_EXTENSIONS.includes(extension)) {
			if (entry.isDirectory()) {
				problems.push({
					file,
					message: 'is a folder; PRDs are single markdown files directly in the PRD folder.',
					hint: `Move its PRDs up to \`${prdsDir}/<id>.md\`, or rename it to start with \`_\` to keep it out of the site.`,
				});
			} else {
				skipped.push(file);
			}
			continue;
		}
		const id = entry.name.slice(0, -extension.length);
		fileIds.add(id);
		const prd = readPrd(join(dirPath, entry.name), file, id, entry, problems, prefixes);
		if (!prd) continue;
		const existing = byId.get(id);
		if (existing) {
			problems.push({
				file,
				message: `has the same id "${quote(id)}" as ${existing.file}.`,
				hint: 'Each PRD needs its own file name: rename or remove one of them.',
			});
			continue;
		}
		byId.set(id, prd);
	}

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
					hint: `Use the file name without extension of a PRD in \`${prdsDir}/\`${suggest(relatedId, [...byId.keys()])}.`,
				});
			}
		});
	}

	return { prds: [...byId.values()], problems, skipped, fileIds, folders: [] };
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

function readPrd(path: string, file: string, id: string, entry: Dirent, problems: Problem[], prefixes: readonly string[]): Prd | undefined {
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
	if (!PRD_ID_PATTERN.test(id)) {
		problems.push({
			file,
			message: `"${quote(id)}" cannot be a PRD id: ids are used in URLs.`,
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
		const derived = deriveTitle(parsed.body, parsed.bodyLine, id);
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
	return { id, folder: '', file, frontmatter, body, bodyLine, requirements };
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

/** The message of a schema issue, naming the field by its full path (`tags[3]`). */
function describeIssue({ issue, field, value, missing }: IssueContext): string {
	if (missing) return `\`${field}\` is required.`;
	if (issue.code === 'too_big' && issue.origin === 'string' && typeof value === 'string') {
		// The schema trims values before it measures them.
		return `\`${field}\` is ${formatCount(value.trim().length)} characters long; at most ${formatCount(Number(issue.maximum))} are allowed.`;
	}
	if (issue.code === 'custom' && issue.params?.['rule'] === ONE_LINE_RULE) return `\`${field}\` must be one line of text.`;
	return issue.message;
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

/** `, e.g. "checkout"` when a known value is one or two edits away from `value`. */
function suggest(value: string, known: readonly string[]): string {
	// The edit distance is at least the difference in length: a long value is never compared.
	const close = known.find((candidate) => Math.abs(candidate.length - value.length) <= 2 && editDistance(candidate, value) <= 2);
	return close ? ` (did you mean "${quote(close)}"?)` : '';
}

function editDistance(a: string, b: string): number {
	const row = Array.from({ length: b.length + 1 }, (_, index) => index);
	for (let i = 1; i <= a.length; i++) {
		let previous = row[0]!;
		row[0] = i;
		for (let j = 1; j <= b.length; j++) {
			const current = row[j]!;
			row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
			previous = current;
		}
	}
	return row[b.length]!;
}
