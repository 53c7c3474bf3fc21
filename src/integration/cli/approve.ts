import { digestSpecBody, getReviewState } from '../cache/review.ts';
import { parseSpecFile, serializeSpecFile, SpecMetadataSchema, type SpecMetadata } from '../cache/spec-file.ts';
import { writeSpecFile } from '../cache/write.ts';
import { formatProblems } from '../problems.ts';
import { loadProject } from '../project.ts';
import { problemsError, type CommandContext } from './commands.ts';
import { CliError } from './errors.ts';
import { assertIdArguments } from './id-argument.ts';
import { readGitUserName } from './git.ts';
import { logText } from './output.ts';

/** The schema of `review.by` in spec metadata: its messages say what a reviewer's name may be. */
const REVIEWER_NAME = SpecMetadataSchema.shape.review.unwrap().shape.by;

/**
 * `approve <id> [--by <name>]`: records in the spec file who approved the spec, when, and the
 * digest of the body they approved. Only the metadata changes; a later change of the body makes
 * the spec unreviewed again (see `getReviewState`).
 */
export async function runApprove(context: CommandContext, id: string, by: string | undefined): Promise<number> {
	const { root, config, io } = context;
	assertIdArguments([id], config.prdsDir);
	const reviewer = await resolveReviewer(root, by);
	const report = await loadProject(root, config);
	const specFile = `${config.specsDir}/${id}.md`;
	const ownProblems = report.problems.filter((problem) => problem.file === specFile);
	if (ownProblems.length > 0) {
		throw new CliError(
			`${specFile} is not a valid spec file, so it cannot be approved:\n${formatProblems(ownProblems)}`,
			'Fix the file as described (or delete it and generate the spec again), then approve it.',
			1,
		);
	}
	if (report.problems.length > 0) throw problemsError(report);
	const status = report.prds.find((candidate) => candidate.prd.id === id);
	if (!status) {
		const known = report.prds.map((candidate) => candidate.prd.id).join(', ');
		throw new CliError(
			`Unknown PRD id: ${logText(id, 200)}.`,
			`Known ids: ${logText(known, 2000) || '(none)'}. An id is a file name in ${logText(config.prdsDir)}/ without .md, with its folders (\`payments/checkout\`).`,
		);
	}
	const { spec } = status;
	if (!spec) {
		throw new CliError(
			`${status.prd.file} has no spec to approve (${logText(specFile)} does not exist).`,
			`Generate it first (\`OPENAI_API_KEY=... npx prd-specs generate ${id}\`), review it, then approve it.`,
			1,
		);
	}
	if (status.state === 'stale') {
		const changed = status.staleBecause === 'template' ? 'the prompt template' : status.prd.file;
		throw new CliError(
			`${spec.file} is stale: ${changed} changed after it was generated, so approving it would approve a spec of an older PRD.`,
			`Regenerate it first (\`OPENAI_API_KEY=... npx prd-specs generate ${id}\`), review the new version, then approve it.`,
			1,
		);
	}

	const metadata: SpecMetadata = { ...spec.metadata, review: { by: reviewer, at: now(), digest: digestSpecBody(spec.body) } };
	assertBodyKept(spec.file, id, metadata, spec.body);
	const previous = getReviewState(spec);
	await writeSpecFile(root, config.specsDir, metadata, spec.body);
	const replaced =
		previous.reviewed || previous.reason === 'changed' ? ` (replacing ${previous.by}'s approval of ${previous.at.slice(0, 10)})` : '';
	io.stdout.write(`${logText(`Approved ${spec.file} (${status.prd.frontmatter.title}) as reviewed by ${reviewer}${replaced}.`, 2000)}\n`);
	return 0;
}

/** `--by`, or git's `user.name`; a name the spec metadata accepts (one line, at most 200 characters). */
async function resolveReviewer(root: string, by: string | undefined): Promise<string> {
	const name = by?.trim() ?? (await readGitUserName(root));
	if (name === undefined) {
		throw new CliError(
			'No reviewer name: `--by` is not given and git has no `user.name` here.',
			'Say who approves the spec: `npx prd-specs approve <id> --by "Your Name"` (or set `git config user.name`).',
		);
	}
	const result = REVIEWER_NAME.safeParse(name);
	if (!result.success) {
		throw new CliError(
			`The reviewer name cannot be recorded: ${result.error.issues.map((issue) => issue.message).join(' ')}`,
			'Give a name of one line, at most 200 characters, with `--by`.',
		);
	}
	return result.data;
}

/** Now, to the second: `2026-11-28T22:10:00Z`. */
function now(): string {
	return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * Approving changes the metadata only: the body written must read back exactly as the one whose
 * digest is recorded, or the approval would be of a text nobody read.
 */
function assertBodyKept(file: string, id: string, metadata: SpecMetadata, body: string): void {
	const reread = parseSpecFile(serializeSpecFile(metadata, body), file, id);
	if (reread.ok && reread.spec.body === body && getReviewState(reread.spec).reviewed) return;
	throw new CliError(`${file} would not keep its text unchanged when rewritten, so it was not approved.`, undefined, 1);
}
