import { lstat } from 'node:fs/promises';
import { join } from 'node:path';

import { structuredPatch } from 'diff';

import { isRealSubfolder, resolveInsideProject } from '../files/project-paths.ts';
import { readTextFile } from '../files/read-text-file.ts';
import { LIMITS } from '../limits.ts';
import { pairSections, type SectionDigest, type SectionVersions } from '../markdown/section-digests.ts';
import { parseFrontmatter } from '../prds/frontmatter.ts';
import { folderOfId, isPrdId } from '../prds/ids.ts';
import { scanPrds } from '../prds/scan.ts';
import type { CommandContext } from './commands.ts';
import { CliError } from './errors.ts';
import { idHint, whyNotAnId } from './id-argument.ts';
import { assertGitRepository, resolveCommit } from './git.ts';
import { logText } from './output.ts';
import { compareSpecWithCommit } from './spec-at-commit.ts';

export interface DiffOptions {
	id: string;
	/** The git ref to compare with (default `HEAD`). */
	base: string;
	/** Adds the text diff of each changed section. */
	full: boolean;
}

/** Longest heading printed, in characters (a recorded heading is at most `LIMITS.titleChars`). */
const HEADING_CHARS = LIMITS.titleChars;

/** Lines of context around each change in `--full`, as `git diff` shows them. */
const CONTEXT_LINES = 3;

/**
 * Most line edits the text diff of one section looks for: the diff takes time in proportion to
 * the section's length times this. A section rewritten more than that (untrusted text can be
 * long) is said to be rewritten instead of shown line by line.
 */
const MAX_EDITS = 2000;

/**
 * `diff <id>`: the spec of a PRD as it is in the work tree against its version at a git ref, by
 * `##` section. Exit 0 whether or not something changed; 1 when there is no spec at either end.
 */
export async function runDiff(context: CommandContext, options: DiffOptions): Promise<number> {
	const { root, config, io } = context;
	await assertKnownId(context, options.id);
	await assertGitRepository(root, 'diff');
	const commit = await resolveCommit(root, options.base);
	const file = `${config.specsDir}/${options.id}.md`;
	const body = await readWorkTreeBody(root, config.specsDir, options.id);
	const comparison = await compareSpecWithCommit(root, commit, file, body ?? '');
	const ref = `${logText(options.base, 200)} (${commit.slice(0, 12)})`;
	if (body === undefined && !comparison.existed) {
		throw new CliError(
			`There is no spec for ${logText(options.id, 100)}: ${logText(file)} is neither in the work tree nor at ${ref}.`,
			'Generate it with `prd-specs generate <id>`, or give with `--base` a ref where it exists.',
			1,
		);
	}
	const versions = pairSections(comparison.before, comparison.after);
	const where = !comparison.existed
		? ` (not at ${logText(options.base, 200)}: every section is added)`
		: body === undefined
			? ' (deleted in the work tree: every section is removed)'
			: '';
	const lines = [`${logText(file)}: the work tree against ${ref}${where}.`, ''];
	lines.push(...listSections(versions));
	lines.push(summarize(versions));
	if (options.full) lines.push(...versions.changed.flatMap(({ before, after }) => ['', ...sectionDiff(before, after)]));
	io.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

async function assertKnownId(context: CommandContext, id: string): Promise<void> {
	const { prdsDir } = context.config;
	// The id names files: anything but an id is refused before it reaches a path.
	const known = isPrdId(id) && (await scanPrds(context.root, prdsDir)).fileIds.has(id);
	if (known) return;
	throw new CliError(`Unknown PRD id "${logText(id, 100)}".${whyNotAnId(id)}`, idHint(prdsDir));
}

/** The body of `<specsDir>/<id>.md` in the work tree (frontmatter skipped, valid or not); undefined when there is no such file. */
async function readWorkTreeBody(root: string, specsDir: string, id: string): Promise<string | undefined> {
	const file = `${specsDir}/${id}.md`;
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status === 'missing') return undefined;
	if (folder.status !== 'inside') {
		throw new CliError(`The spec folder ${logText(specsDir)} cannot be read.`, 'Make `specsDir` a readable folder inside the project.', 1);
	}
	// Never through a link: the cache's folders are real folders (see `readSpecCache`).
	if (!isRealSubfolder(folder.realPath, folderOfId(id))) {
		throw new CliError(
			`${logText(file)} is in a folder that is a symbolic link, so it is not read.`,
			'Make the folders of the spec cache real folders.',
			1,
		);
	}
	const path = join(folder.realPath, `${id}.md`);
	const exists = await lstat(path).then(
		() => true,
		(error: NodeJS.ErrnoException) => error.code !== 'ENOENT',
	);
	if (!exists) return undefined;
	// Read as the cache reads it: a regular file only, never through a link, within the size limit.
	const read = readTextFile(path, { maxBytes: LIMITS.specFileBytes, kind: 'spec' });
	if (!read.ok) throw new CliError(`${logText(file)} ${logText(read.message)}`, logText(read.hint), 1);
	const parsed = parseFrontmatter(read.text, { optional: true });
	return parsed.ok ? parsed.body : read.text;
}

/** `Added:`, `Removed:` and `Changed:` with one line per section, each heading escaped for the terminal. */
function listSections(versions: SectionVersions): string[] {
	const heading = (section: SectionDigest) => logText(section.heading, HEADING_CHARS);
	const groups: [string, string[]][] = [
		['Added', versions.added.map((section) => `  + ${heading(section)} (${formatLines(section.lines)})`)],
		['Removed', versions.removed.map((section) => `  - ${heading(section)} (${formatLines(section.lines)})`)],
		[
			'Changed',
			versions.changed.map(({ before, after }) => `  ~ ${heading(after)} (${formatLines(before.lines)} -> ${formatLines(after.lines)})`),
		],
	];
	return groups.filter(([, lines]) => lines.length > 0).flatMap(([title, lines]) => [`${title}:`, ...lines, '']);
}

/** `Sections: 1 added, 0 removed, 2 changed, 10 unchanged.`, or that none changed. */
function summarize(versions: SectionVersions): string {
	const { added, removed, changed, unchanged } = versions;
	if (added.length + removed.length + changed.length === 0) {
		return `No section changed (${unchanged.length} section${unchanged.length === 1 ? '' : 's'}).`;
	}
	return `Sections: ${added.length} added, ${removed.length} removed, ${changed.length} changed, ${unchanged.length} unchanged.`;
}

/** The text diff of one changed section, in unified form; every line of spec text escaped for the terminal. */
function sectionDiff(before: SectionDigest, after: SectionDigest): string[] {
	const title = `~~~ ${logText(after.heading, HEADING_CHARS)}`;
	// Both end with a line break, so that no hunk says "No newline at end of file".
	const patch = structuredPatch('before', 'after', `${before.text}\n`, `${after.text}\n`, undefined, undefined, {
		context: CONTEXT_LINES,
		maxEditLength: MAX_EDITS,
	});
	if (!patch) return [title, `  (rewritten: more than ${MAX_EDITS.toLocaleString('en-US')} lines changed, too many to show line by line)`];
	return [
		title,
		...patch.hunks.flatMap((hunk) => [
			`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`,
			...hunk.lines.map((line) => logText(line, 5000)),
		]),
	];
}

function formatLines(count: number): string {
	return `${count.toLocaleString('en-US')} line${count === 1 ? '' : 's'}`;
}
