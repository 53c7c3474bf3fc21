import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { expect, test } from 'vitest';

import { runCli, useFixtureSite } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

function git(dir: string, ...args: string[]): string {
	return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
		cwd: dir,
		encoding: 'utf8',
	});
}

type StatusJson = { prds: { id: string; file: string; spec: string; specFile: string | null }[] };

test('status, generate and approve take an id with folders; text that is not an id is refused, with why, before it becomes a path', async () => {
	const dir = await fixtureSite();
	// Billing and its spec move into a folder, as a team sorting its PRDs would: the spec stays fresh.
	await mkdir(join(dir, 'prds/finance'));
	await rename(join(dir, 'prds/billing.md'), join(dir, 'prds/finance/billing.md'));
	const spec = await readFile(join(dir, 'src/content/specs/billing.md'), 'utf8');
	await mkdir(join(dir, 'src/content/specs/finance'));
	await writeFile(join(dir, 'src/content/specs/finance/billing.md'), spec.replace('prd: billing', 'prd: finance/billing'));
	await rm(join(dir, 'src/content/specs/billing.md'));

	const status = await runCli(dir, ['status', '--json']);
	expect(status.code, status.output).toBe(0);
	expect((JSON.parse(status.stdout) as StatusJson).prds.map(({ id, file, spec: state, specFile }) => [id, file, state, specFile])).toEqual([
		['finance/billing', 'prds/finance/billing.md', 'fresh', 'src/content/specs/finance/billing.md'],
		['notifications', 'prds/notifications.md', 'missing', null],
	]);
	const table = await runCli(dir, ['status']);
	expect(table.stdout).toMatch(/^finance\/billing +Usage-based billing +fresh/m);

	const dryRun = await runCli(dir, ['generate', 'finance/billing', '--force', '--dry-run']);
	expect(dryRun.code, dryRun.output).toBe(0);
	expect(dryRun.stdout).toMatch(/^finance\/billing +forced/m);

	const approve = await runCli(dir, ['approve', 'finance/billing', '--by', 'Ada']);
	expect(approve.code, approve.output).toBe(0);
	expect(approve.stdout).toContain('Approved src/content/specs/finance/billing.md (Usage-based billing) as reviewed by Ada.');
	expect(await readFile(join(dir, 'src/content/specs/finance/billing.md'), 'utf8')).toContain('review:\n  by: Ada\n');

	for (const [id, why] of [
		['../billing', 'it contains `.` or `..`'],
		['/etc/passwd', 'it starts with `/`'],
		['finance//billing', 'it has an empty folder name'],
		['finance\\billing', 'it contains `\\`'],
	]) {
		for (const args of [
			['generate', id!],
			['approve', id!, '--by', 'Ada'],
			['diff', id!],
			['ids', id!],
		]) {
			const result = await runCli(dir, args);
			expect(result.code, `${args.join(' ')}: ${result.output}`).toBe(2);
			expect(result.output, args.join(' ')).toContain(`It is not an id: ${why}`);
			expect(result.output, args.join(' ')).toContain('(`checkout`, `payments/checkout`)');
		}
	}

	// `diff` and `report` in git: a spec in a folder is compared at its path; a PRD removed from a folder is reported.
	git(dir, 'init', '--quiet', '--initial-branch=main');
	git(dir, 'add', '.');
	git(dir, 'commit', '--quiet', '-m', 'Base');
	const specFile = join(dir, 'src/content/specs/finance/billing.md');
	await writeFile(specFile, `${await readFile(specFile, 'utf8')}\n## Added section\n\nNew.\n`);
	const diff = await runCli(dir, ['diff', 'finance/billing']);
	expect(diff.code, diff.output).toBe(0);
	expect(diff.stdout).toContain('src/content/specs/finance/billing.md: the work tree against HEAD');
	expect(diff.stdout).toContain('Added section');
	await mkdir(join(dir, 'prds/finance/eu'));
	await writeFile(join(dir, 'prds/finance/eu/old.md'), '# Old\n\nGone soon.\n');
	git(dir, 'add', '.');
	git(dir, 'commit', '--quiet', '-m', 'Old PRD');
	await rm(join(dir, 'prds/finance/eu/old.md'));
	const report = await runCli(dir, ['report']);
	expect(report.code, report.output).toBe(0);
	expect(report.stdout).toContain('PRD removed: prds/finance/eu/old.md');
});
