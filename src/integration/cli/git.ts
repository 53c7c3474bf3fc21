import { execFile } from 'node:child_process';

import { CliError } from './errors.ts';
import { logText } from './output.ts';

// What the CLI asks of git: whether the site is in a repository, a ref's commit, a file as it was
// at a commit, and the files changed since one. git runs with an argument list (no shell); a ref
// that starts with `-` is refused before it could be read as an option.

const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs git in `cwd`; resolves with its output, or rejects with its exit code and message. */
function runGit(cwd: string, args: string[]): Promise<{ ok: true; stdout: string } | { ok: false; code: number; stderr: string }> {
	return new Promise((resolve) => {
		execFile(
			'git',
			args,
			{ cwd, maxBuffer: MAX_OUTPUT, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } },
			(error, stdout, stderr) => {
				if (!error) return resolve({ ok: true, stdout });
				const code = typeof error.code === 'number' ? error.code : -1;
				resolve({ ok: false, code, stderr: stderr || error.message });
			},
		);
	});
}

/** Fails with a clear message when `root` is not inside a git work tree (or git is not installed). */
export async function assertGitRepository(root: string, command: string): Promise<void> {
	const result = await runGit(root, ['rev-parse', '--is-inside-work-tree']);
	if (result.ok && result.stdout.trim() === 'true') return;
	const missing = !result.ok && result.code === -1;
	throw new CliError(
		missing ? `\`prd-specs ${command}\` needs git, which could not be run.` : `${logText(root)} is not in a git repository.`,
		`\`prd-specs ${command}\` compares specs with their versions in git history: run it in a clone of the docs repository.`,
		2,
	);
}

/** The commit a ref names (a branch, tag, `HEAD~1`, `origin/main`, a sha), or a clear error. */
export async function resolveCommit(root: string, ref: string): Promise<string> {
	if (ref === '' || ref.startsWith('-')) throw unknownRef(ref);
	const result = await runGit(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
	if (!result.ok) throw unknownRef(ref);
	return result.stdout.trim();
}

function unknownRef(ref: string): CliError {
	return new CliError(
		`\`${logText(ref, 200)}\` is not a commit, branch or tag of this repository.`,
		'Give an existing ref with `--base` (for example `HEAD`, `main` or `origin/main`; in CI, fetch it first: `git fetch origin main`).',
		2,
	);
}

/** A file's text at a commit, by its path relative to `root`; undefined when it did not exist there. */
export async function readFileAtCommit(root: string, commit: string, path: string): Promise<string | undefined> {
	// `./` makes the path relative to `root`, which may be a folder inside the repository.
	const result = await runGit(root, ['show', `${commit}:./${path}`]);
	if (result.ok) return result.stdout;
	if (result.stderr.includes('does not exist') || result.stderr.includes('exists on disk, but not in')) return undefined;
	throw new CliError(`git could not read ${logText(path)} at ${commit.slice(0, 12)}: ${logText(result.stderr.trim(), 500)}`, undefined, 1);
}

/**
 * Files under `root` that differ between the merge base of `commit` and `HEAD` (what a pull
 * request against `commit` changes) and the work tree, untracked files included; paths relative
 * to `root`, with `/`.
 */
export async function listChangedFiles(root: string, commit: string): Promise<string[]> {
	const from = await findMergeBase(root, commit);
	const changed = await runGit(root, ['diff', '--name-only', '--relative', '-z', from, '--', '.']);
	const untracked = await runGit(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', '.']);
	for (const result of [changed, untracked]) {
		if (!result.ok) throw new CliError(`git could not list the changed files: ${logText(result.stderr.trim(), 500)}`, undefined, 1);
	}
	const paths = [changed, untracked].flatMap((result) => (result.ok ? result.stdout.split('\0') : [])).filter(Boolean);
	return [...new Set(paths)].sort();
}

/**
 * The merge base of `commit` and `HEAD`: where a pull request against `commit` started, so that
 * what the base branch gained since is not taken for a change of the pull request. `commit`
 * itself when there is none (unrelated histories, or a shallow clone that lacks it).
 */
export async function findMergeBase(root: string, commit: string): Promise<string> {
	const base = await runGit(root, ['merge-base', commit, 'HEAD']);
	return base.ok ? base.stdout.trim() : commit;
}

/** The `user.name` git would write into a commit, if one is set. */
export async function readGitUserName(root: string): Promise<string | undefined> {
	const result = await runGit(root, ['config', 'user.name']);
	const name = result.ok ? result.stdout.trim() : '';
	return name === '' ? undefined : name;
}
