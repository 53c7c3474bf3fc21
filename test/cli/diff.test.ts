import { execFileSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { parseSpecFile } from '../../src/integration/cache/spec-file.ts';
import { digestSections, recordSections } from '../../src/integration/markdown/section-digests.ts';
import { writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';

// `prd-specs diff` in real git repositories: a copy of the fixture site, `git init`, commits.

const fixtureSite = useFixtureSite();
const BILLING = 'src/content/specs/billing.md';

function git(dir: string, ...args: string[]): string {
	return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
		cwd: dir,
		encoding: 'utf8',
	});
}

/** A copy of the fixture site as a git repository with everything committed. */
async function siteRepository(): Promise<string> {
	const dir = await fixtureSite();
	git(dir, 'init', '--quiet', '--initial-branch=main');
	git(dir, 'add', '-A');
	git(dir, 'commit', '--quiet', '-m', 'Site');
	return dir;
}

async function billingBody(dir: string): Promise<string> {
	const text = await readFile(join(dir, BILLING), 'utf8');
	return text.slice(text.indexOf('\n---\n') + 5).trim();
}

/** The billing spec edited the way a regeneration might: one section changed, one added, one removed, one renumbered. */
function editBilling(body: string): string {
	return body
		.replace('Signed events only.', 'Signed events only.\n\nKeys rotate every 90 days.')
		.replace('## API Design\n', '## Webhooks\n\nSigned callbacks.\n\n## API Design\n')
		.replace('## Deployment Pipeline\n\nBlue-green.\n\n', '')
		.replace('## Testing Strategy', '## 8. Testing Strategy');
}

describe('prd-specs diff', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await siteRepository();
	});

	test('--help lists the command, its options and its exit codes', async () => {
		const result = await runCli(dir, ['--help']);
		expect(result.code, result.output).toBe(0);
		for (const text of [
			'diff <id>',
			'--base <ref>',
			'--full',
			'`diff` exits 1 when there is no spec at either end, and 2 outside a git repository or for an unknown ref.',
		])
			expect(result.stdout).toContain(text);
	});

	test('nothing changed since HEAD: says so, exit 0', async () => {
		const result = await runCli(dir, ['diff', 'billing']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toBe(
			`${BILLING}: the work tree against HEAD (${git(dir, 'rev-parse', 'HEAD').slice(0, 12)}).\n\nNo section changed (13 sections).\n`,
		);
	});

	test('the sections added, removed and changed, with line counts, then a summary; renumbering is no change', async () => {
		const original = await billingBody(dir);
		await writeFreshSpec(dir, 'billing', editBilling(original));
		try {
			const result = await runCli(dir, ['diff', 'billing']);
			expect(result.code, result.output).toBe(0);
			expect(result.stdout.split('\n').slice(2)).toEqual([
				'Added:',
				'  + Webhooks (1 line)',
				'',
				'Removed:',
				'  - Deployment Pipeline (1 line)',
				'',
				'Changed:',
				'  ~ Security Requirements (1 line -> 3 lines)',
				'',
				'Sections: 1 added, 1 removed, 1 changed, 11 unchanged.',
				'',
			]);

			const full = await runCli(dir, ['diff', 'billing', '--full']);
			expect(full.code, full.output).toBe(0);
			expect(full.stdout).toContain(
				'Sections: 1 added, 1 removed, 1 changed, 11 unchanged.\n\n~~~ Security Requirements\n@@ -1,1 +1,3 @@\n Signed events only.\n+\n+Keys rotate every 90 days.\n',
			);
		} finally {
			await writeFreshSpec(dir, 'billing', original);
		}
	});

	test('against an older ref with --base; the version committed since is compared with it', async () => {
		const repo = await siteRepository();
		const original = await billingBody(repo);
		await writeFreshSpec(repo, 'billing', original.replace('Blue-green.', 'Canary, then blue-green.'));
		git(repo, 'commit', '--quiet', '-am', 'Canary');
		expect((await runCli(repo, ['diff', 'billing'])).stdout).toContain('No section changed (13 sections).');
		const result = await runCli(repo, ['diff', 'billing', '--base', 'HEAD~1']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('the work tree against HEAD~1 (');
		expect(result.stdout).toContain(
			'Changed:\n  ~ Deployment Pipeline (1 line -> 1 line)\n\nSections: 0 added, 0 removed, 1 changed, 12 unchanged.\n',
		);
		const full = await runCli(repo, ['diff', 'billing', '--base', 'HEAD~1', '--full']);
		expect(full.stdout).toContain('~~~ Deployment Pipeline\n@@ -1,1 +1,1 @@\n-Blue-green.\n+Canary, then blue-green.\n');
	});

	test('a spec that is not at the ref: every section is added', async () => {
		await writeFreshSpec(dir, 'notifications', '# Spec\n\n## Overview\n\nOne.\n\n## Data Model\n\nTwo\nlines.\n');
		try {
			const result = await runCli(dir, ['diff', 'notifications']);
			expect(result.code, result.output).toBe(0);
			expect(result.stdout).toContain('(not at HEAD: every section is added)');
			expect(result.stdout.split('\n').slice(2)).toEqual([
				'Added:',
				'  + Overview (1 line)',
				'  + Data Model (2 lines)',
				'',
				'Sections: 2 added, 0 removed, 0 changed, 0 unchanged.',
				'',
			]);
		} finally {
			await rm(join(dir, 'src/content/specs/notifications.md'));
		}
	});

	test('a spec deleted from the work tree: every section is removed', async () => {
		const repo = await siteRepository();
		await rm(join(repo, BILLING));
		const result = await runCli(repo, ['diff', 'billing']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('(deleted in the work tree: every section is removed)');
		expect(result.stdout).toContain('Sections: 0 added, 13 removed, 0 changed, 0 unchanged.');
	});

	test('no spec in the work tree nor at the ref: exit 1, and says so', async () => {
		const result = await runCli(dir, ['diff', 'notifications']);
		expect(result.code, result.output).toBe(1);
		expect(result.output).toContain(
			'prd-specs: There is no spec for notifications: src/content/specs/notifications.md is neither in the work tree nor at HEAD (',
		);
		expect(result.output).toContain('Generate it with `prd-specs generate <id>`');
	});

	test.each([
		[['diff', 'nope'], 'prd-specs: Unknown PRD id "nope".', '`prd-specs status` lists them'],
		[['diff', '../billing'], 'prd-specs: Unknown PRD id "../billing".', 'An id is the name of a PRD file'],
		[['diff', 'billing', '--base', 'no-such-branch'], '`no-such-branch` is not a commit, branch or tag of this repository.', '--base'],
		[['diff', 'billing', '--base=--output=x'], '`--output=x` is not a commit, branch or tag of this repository.', '--base'],
		[['diff'], '`diff` takes one PRD id.', 'prd-specs diff <id>'],
		[['diff', 'billing', 'notifications'], '`diff` takes one PRD id.', 'prd-specs diff <id>'],
		[['status', '--full'], '--full is an option of `diff`, not of `status`.', '--help'],
	])('%j: exit 2 with a hint', async (args, message, hint) => {
		const result = await runCli(dir, args);
		expect(result.code, result.output).toBe(2);
		expect(result.output).toContain(message);
		expect(result.output).toContain(hint);
	});

	test('outside a git repository: exit 2 with a hint', async () => {
		const site = await fixtureSite();
		// The copies live inside this package's own repository: git must not look above their folder.
		const result = await runCli(site, ['diff', 'billing'], { GIT_CEILING_DIRECTORIES: dirname(site) });
		expect(result.code, result.output).toBe(2);
		expect(result.output).toContain(`prd-specs: ${site} is not in a git repository.`);
		expect(result.output).toContain('run it in a clone of the docs repository');
	});

	test('headings and lines of spec text reach the terminal escaped', async () => {
		const repo = await siteRepository();
		const original = await billingBody(repo);
		const hostile = original
			.replace('## API Design', '## API \u001b[31mDesign\u001b[0m')
			.replace('`GET /api/usage`', '`GET /api/usage`\n::error::forged\n\u001b]0;title\u0007');
		await writeFreshSpec(repo, 'billing', hostile);
		const result = await runCli(repo, ['diff', 'billing', '--full']);
		expect(result.code, result.output).toBe(0);
		// eslint-disable-next-line no-control-regex -- what must not reach the terminal
		expect(result.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
		expect(result.stdout).toContain('  + API \\u001b[31mDesign\\u001b[0m (3 lines)');
		expect(result.stdout).toContain('  - API Design (1 line)');
		expect(result.stdout).not.toMatch(/^\s*::error::/m);
	});
});

describe('a PRD edited on a branch, its spec regenerated, then compared', () => {
	let server: FakeOpenAIServer;
	beforeAll(async () => {
		server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
	});
	afterAll(() => server.close());

	test('diff names exactly the section that changed, and the new spec records the one it replaced', async () => {
		const repo = await siteRepository();
		const env = { OPENAI_API_KEY: 'sk-diff-test', OPENAI_BASE_URL: server.baseURL };
		let result = await runCli(repo, ['generate', '--force'], env);
		expect(result.code, result.output).toBe(0);
		git(repo, 'add', '-A');
		git(repo, 'commit', '--quiet', '-m', 'Specs');
		const committed = await readFile(join(repo, BILLING), 'utf8');

		git(repo, 'switch', '--quiet', '-c', 'faster-invoices');
		const prd = await readFile(join(repo, 'prds/billing.md'), 'utf8');
		await writeFiles(repo, {
			'prds/billing.md': prd.replace('1. Meter every API call per customer.', '1. Meter every API call per customer, within a minute.'),
		});
		// The model's new answer differs in one section only.
		server.handler = (request) => ({ type: 'text', content: specText(appNameOf(request.text), { marker: 'within a minute' }) });
		result = await runCli(repo, ['generate'], env);
		expect(result.code, result.output).toBe(0);
		expect(server.requests.at(-1)?.text).toContain('within a minute');

		result = await runCli(repo, ['diff', 'billing', '--base', 'main']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout.split('\n').slice(2)).toEqual([
			'Changed:',
			'  ~ System Architecture Overview (7 lines -> 7 lines)',
			'',
			'Sections: 0 added, 0 removed, 1 changed, 12 unchanged.',
			'',
		]);
		expect((await runCli(repo, ['diff', 'notifications', '--base', 'main'])).stdout).toContain('No section changed (13 sections).');

		const old = parseSpecFile(committed, BILLING, 'billing');
		const now = parseSpecFile(await readFile(join(repo, BILLING), 'utf8'), BILLING, 'billing');
		if (!old.ok || !now.ok) throw new Error('unreadable spec');
		expect(now.spec.metadata.replaced).toEqual({
			generatedAt: old.spec.metadata.generatedAt,
			sections: recordSections(digestSections(old.spec.body)),
		});
	});
});
