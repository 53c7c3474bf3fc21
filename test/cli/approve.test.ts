import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { digestSpecBody } from '../../src/integration/cache/review.ts';
import { parseSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();
const SPEC = 'src/content/specs/billing.md';

/** No global or system git config (this machine's `user.name` would stand in for the repository's). */
const NO_USER_GIT_CONFIG = { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };

/** The site is not in a git repository: git stops looking at its parent folder (the package is one). */
function outsideGit(dir: string): Record<string, string> {
	return { ...NO_USER_GIT_CONFIG, GIT_CEILING_DIRECTORIES: dirname(dir) };
}

function git(dir: string, ...args: string[]): string {
	return execFileSync('git', args, { cwd: dir, env: { ...process.env, ...NO_USER_GIT_CONFIG }, encoding: 'utf8' });
}

async function readSpec(dir: string, file = SPEC): Promise<{ text: string; metadata: SpecMetadata; body: string }> {
	const text = await readFile(join(dir, file), 'utf8');
	const parsed = parseSpecFile(text, file, 'billing');
	if (!parsed.ok) throw new Error(`${file} does not parse: ${JSON.stringify(parsed.problems)}`);
	return { text, metadata: parsed.spec.metadata, body: parsed.spec.body };
}

/** The text of a spec file after its frontmatter. */
function afterFrontmatter(text: string): string {
	return text.slice(text.indexOf('\n---\n', 4) + 5);
}

type StatusJson = { prds: { id: string; review: { state: string; by: string | null; at: string | null } | null }[] };

async function reviewOf(dir: string, env: Record<string, string> = {}) {
	const result = await runCli(dir, ['status', '--json'], env);
	expect(result.code, result.output).toBe(0);
	return Object.fromEntries((JSON.parse(result.stdout) as StatusJson).prds.map((prd) => [prd.id, prd.review]));
}

describe('prd-specs approve in a git repository', () => {
	test("approve records git's user.name; status shows it reviewed; a body edit shows it changed; check requires reviews only when asked", async () => {
		const dir = await fixtureSite();
		git(dir, 'init', '-q');
		git(dir, 'config', 'user.name', 'Grace Hopper');
		git(dir, 'config', 'user.email', 'grace@example.com');
		git(dir, 'add', '-A');
		git(dir, 'commit', '-q', '-m', 'site');
		const env = NO_USER_GIT_CONFIG;
		const before = await readSpec(dir);
		expect(await reviewOf(dir, env)).toEqual({ billing: { state: 'not-reviewed', by: null, at: null }, notifications: null });

		const started = Date.now();
		const result = await runCli(dir, ['approve', 'billing'], env);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toBe(`Approved ${SPEC} (Usage-based billing) as reviewed by Grace Hopper.\n`);

		// Only `review` is new: the rest of the metadata and the body, byte for byte, are as they were.
		const after = await readSpec(dir);
		const { review, ...rest } = after.metadata;
		expect(rest).toEqual(before.metadata);
		expect(afterFrontmatter(after.text)).toBe(afterFrontmatter(before.text));
		expect(review).toEqual({
			by: 'Grace Hopper',
			at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
			digest: digestSpecBody(before.body),
		});
		expect(Date.parse(review!.at)).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
		expect(git(dir, 'status', '--porcelain')).toBe(` M ${SPEC}\n`);

		expect((await reviewOf(dir, env)).billing).toEqual({ state: 'reviewed', by: 'Grace Hopper', at: review!.at });
		const table = await runCli(dir, ['status'], env);
		expect(table.stdout).toMatch(/\nbilling\s+Usage-based billing\s+fresh\s+by hand\s+2026-11-01\s+reviewed\n/);

		// A hand edit of the body: the approval no longer covers it.
		await writeFile(join(dir, SPEC), `${after.text}\nA sentence nobody reviewed.\n`);
		expect((await reviewOf(dir, env)).billing).toEqual({ state: 'changed', by: 'Grace Hopper', at: review!.at });
		expect((await runCli(dir, ['status'], env)).stdout).toMatch(/\nbilling\s+.*\s+changed since review\n/);

		// `check` looks at reviews only when they are required; the missing spec is reported as before.
		let check = await runCli(dir, ['check'], env);
		expect(check.code).toBe(1);
		expect(check.stdout).not.toContain('reviewed');
		check = await runCli(dir, ['check'], { ...env, PRD_SPECS_REVIEW_REQUIRED: '1' });
		expect(check.code).toBe(1);
		expect(check.stdout).toContain(
			'1 of 2 PRDs have no fresh spec:\n  prds/notifications.md: no spec (src/content/specs/notifications.md)',
		);
		expect(check.stdout).toContain(
			`\n\n1 of 1 specs are not reviewed, and reviews are required (\`review.required\` or PRD_SPECS_REVIEW_REQUIRED):\n  ${SPEC}: changed after Grace Hopper approved it on ${review!.at.slice(0, 10)}\n`,
		);
		expect(check.stdout).toContain('approve it with `npx prd-specs approve <id>`');
	});
});

describe('prd-specs check with review.required', () => {
	test('fails naming each unreviewed spec, from the option or the environment, and passes once they are approved', async () => {
		const dir = await fixtureSite();
		// Every PRD has a fresh spec, so only reviews can fail `check`.
		await writeFreshSpec(dir, 'notifications', '# Technical Specification: Notifications\n\n## Overview\n\nText.\n', {
			source: 'model',
			model: 'gpt-6.1-terra',
		});
		const env = outsideGit(dir);
		expect(await runCli(dir, ['check'], env)).toMatchObject({ code: 0, stdout: 'All 2 specs are fresh.\n' });

		const required = { ...env, FIXTURE_OPTIONS: JSON.stringify({ review: { required: true } }) };
		let check = await runCli(dir, ['check'], required);
		expect(check.code).toBe(1);
		expect(check.stdout).toMatch(
			/^2 of 2 specs are not reviewed, and reviews are required [^\n]*:\n {2}src\/content\/specs\/billing\.md: never approved\n {2}src\/content\/specs\/notifications\.md: never approved\n/,
		);
		// The environment overrides the option both ways.
		expect((await runCli(dir, ['check'], { ...required, PRD_SPECS_REVIEW_REQUIRED: '0' })).code).toBe(0);
		expect((await runCli(dir, ['check'], { ...env, PRD_SPECS_REVIEW_REQUIRED: 'true' })).code).toBe(1);
		const bad = await runCli(dir, ['check'], { ...env, PRD_SPECS_REVIEW_REQUIRED: 'sometimes' });
		expect(bad.code).toBe(1);
		expect(bad.output).toContain('`PRD_SPECS_REVIEW_REQUIRED` is set to "sometimes", which is not a boolean.');

		expect((await runCli(dir, ['approve', 'billing', '--by', 'Ada'], env)).code).toBe(0);
		check = await runCli(dir, ['check'], required);
		expect(check.code).toBe(1);
		expect(check.stdout).toContain('1 of 2 specs are not reviewed');
		expect(check.stdout).not.toContain('billing');
		expect((await runCli(dir, ['approve', 'notifications', '--by', 'Ada'], env)).code).toBe(0);
		expect(await runCli(dir, ['check'], required)).toMatchObject({ code: 0, stdout: 'All 2 specs are fresh and reviewed.\n' });
	});
});

describe('prd-specs approve outside git, and its errors', () => {
	test('--by names the reviewer outside a git repository; approving again replaces the review', async () => {
		const dir = await fixtureSite();
		const env = outsideGit(dir);
		let result = await runCli(dir, ['approve', 'billing', '--by', '  Ada Lovelace  '], env);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toBe(`Approved ${SPEC} (Usage-based billing) as reviewed by Ada Lovelace.\n`);
		const first = (await readSpec(dir)).metadata.review!;
		expect(first.by).toBe('Ada Lovelace');

		result = await runCli(dir, ['approve', 'billing', '--by', 'Alan Turing'], env);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toBe(
			`Approved ${SPEC} (Usage-based billing) as reviewed by Alan Turing (replacing Ada Lovelace's approval of ${first.at.slice(0, 10)}).\n`,
		);
		const { text, metadata } = await readSpec(dir);
		expect(metadata.review).toMatchObject({ by: 'Alan Turing', digest: first.digest });
		expect(text.match(/^review:/gm)).toHaveLength(1);
	});

	test('without --by and without git user.name it exits 2 asking for --by, and writes nothing', async () => {
		const dir = await fixtureSite();
		const before = await readFile(join(dir, SPEC), 'utf8');
		const result = await runCli(dir, ['approve', 'billing'], outsideGit(dir));
		expect(result.code).toBe(2);
		expect(result.output).toContain('prd-specs: No reviewer name: `--by` is not given and git has no `user.name` here.');
		expect(result.output).toContain('npx prd-specs approve <id> --by "Your Name"');
		expect(await readFile(join(dir, SPEC), 'utf8')).toBe(before);
	});

	test.each([
		[['approve', 'billing', '--by', 'x'.repeat(201)], '`review.by` is 201 characters long; at most 200 are allowed.'],
		[['approve', 'billing', '--by', 'Ada\nLovelace'], '`review.by` must be one line of text.'],
		[['approve', 'billing', '--by', '   '], '`review.by` must not be empty.'],
		[['approve'], '`approve` takes one PRD id.'],
		[['approve', 'billing', 'notifications', '--by', 'Ada'], '`approve` takes one PRD id.'],
		[['status', '--by', 'Ada'], '--by is an option of `approve`, not of `status`.'],
		[['approve', 'nope', '--by', 'Ada'], 'prd-specs: Unknown PRD id: nope.'],
	])('%j exits 2: %s', async (args, message) => {
		const dir = await fixtureSite();
		const before = await readFile(join(dir, SPEC), 'utf8');
		const result = await runCli(dir, args, outsideGit(dir));
		expect(result.code, result.output).toBe(2);
		expect(result.output).toContain(message);
		expect(await readFile(join(dir, SPEC), 'utf8')).toBe(before);
	});

	test('a PRD without a spec, a stale spec and an invalid spec file exit 1 with what to do', async () => {
		const dir = await fixtureSite();
		const env = outsideGit(dir);
		let result = await runCli(dir, ['approve', 'notifications', '--by', 'Ada'], env);
		expect(result.code).toBe(1);
		expect(result.output).toContain(
			'prd-specs: prds/notifications.md has no spec to approve (src/content/specs/notifications.md does not exist).\nGenerate it first',
		);

		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, `${await readFile(prdPath, 'utf8')}\nA new requirement.\n`);
		const stale = await readFile(join(dir, SPEC), 'utf8');
		result = await runCli(dir, ['approve', 'billing', '--by', 'Ada'], env);
		expect(result.code).toBe(1);
		expect(result.output).toContain(
			`prd-specs: ${SPEC} is stale: prds/billing.md changed after it was generated, so approving it would approve a spec of an older PRD.`,
		);
		expect(result.output).toContain('Regenerate it first');
		expect(await readFile(join(dir, SPEC), 'utf8')).toBe(stale);

		await writeFile(join(dir, SPEC), stale.replace(/^source: manual$/m, 'source: robot'));
		result = await runCli(dir, ['approve', 'billing', '--by', 'Ada'], env);
		expect(result.code).toBe(1);
		expect(result.output).toContain(`prd-specs: ${SPEC} is not a valid spec file, so it cannot be approved:\n- ${SPEC} › source:`);
		expect(result.output).toContain('Fix the file as described (or delete it and generate the spec again), then approve it.');
	});

	test('a reviewer name and a title that look like workflow commands are printed defused', async () => {
		const dir = await fixtureSite();
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('title: Usage-based billing', 'title: "Billing ##[error] x"'));
		await writeFreshSpec(dir, 'billing', '# Technical Specification: Billing\n\n## Overview\n\nText.\n');
		const result = await runCli(dir, ['approve', 'billing', '--by', '::error::Mallory ##[warning]'], outsideGit(dir));
		expect(result.code, result.output).toBe(0);
		expect(result.stdout.split('\n')).toHaveLength(2);
		expect(result.stdout).not.toMatch(/^\s*::|##\[/m);
		expect((await readSpec(dir)).metadata.review!.by).toBe('::error::Mallory ##[warning]');
	});
});

describe('a regeneration after an approval', () => {
	let server: FakeOpenAIServer;
	beforeAll(async () => {
		server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
	});
	afterAll(() => server.close());

	test('writes the new spec without the old review: it is not reviewed', async () => {
		const dir = await fixtureSite();
		const env = outsideGit(dir);
		expect((await runCli(dir, ['approve', 'billing', '--by', 'Ada'], env)).code).toBe(0);
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, `${await readFile(prdPath, 'utf8')}\nA new requirement.\n`);
		const result = await runCli(dir, ['generate', 'billing'], { ...env, OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL });
		expect(result.code, result.output).toBe(0);
		const { metadata } = await readSpec(dir);
		expect(metadata.source).toBe('model');
		expect(metadata.review).toBeUndefined();
		expect((await reviewOf(dir, env)).billing).toEqual({ state: 'not-reviewed', by: null, at: null });
	});
});
