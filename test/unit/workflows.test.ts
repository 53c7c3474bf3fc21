import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';
import { load } from 'js-yaml';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as {
	scripts: Record<string, string>;
	bin: Record<string, string>;
};

interface Step {
	name?: string;
	id?: string;
	if?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, string>;
}

interface Job {
	needs?: string | string[];
	permissions?: Record<string, string>;
	outputs?: Record<string, string>;
	environment?: unknown;
	steps: Step[];
}

interface Workflow {
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const dir = new URL('.github/workflows/', ROOT);
const files = (await readdir(dir)).filter((name) => name.endsWith('.yml')).sort();
const sources = Object.fromEntries(
	await Promise.all(files.map(async (name) => [name, await readFile(new URL(name, dir), 'utf8')] as const)),
);
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((name) => [name, load(sources[name]!) as Workflow]));

const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);

/** Steps whose commands print what the project holds: the build and the `prd-specs` commands. */
const printsProjectOutput = (step: Step) => /npm run build|npx prd-specs/.test(step.run ?? '');

// The workflows cannot run here; this checks that every command they call is one this
// repository has (the commands themselves are tested by the build and CLI tests).
test('every command the workflows run exists', () => {
	expect(files).toEqual(['publish.yml', 'pull-request.yml']);
	for (const [name, workflow] of Object.entries(workflows)) {
		for (const step of allSteps(workflow)) {
			for (const [, script] of step.run?.matchAll(/npm run ([\w:-]+)/g) ?? [])
				expect(pkg.scripts, `${name}: npm run ${script}`).toHaveProperty([script!]);
			for (const [, bin] of step.run?.matchAll(/npx ([\w-]+)/g) ?? []) expect(pkg.bin, `${name}: npx ${bin}`).toHaveProperty([bin!]);
			for (const [, command] of step.run?.matchAll(/npx prd-specs (\w+)/g) ?? [])
				expect(['status', 'check', 'generate']).toContain(command);
		}
	}
});

test('pull requests build without secrets; main generates, then builds in strict mode on the generated commit', () => {
	const pr = workflows['pull-request.yml']!;
	expect(sources['pull-request.yml']).not.toContain('secrets.');
	expect(JSON.stringify(pr)).toContain('PRD_SPECS_OFFLINE');

	const { generate, build, deploy } = workflows['publish.yml']!.jobs;
	expect(Object.keys(workflows['publish.yml']!.jobs).sort()).toEqual(['build', 'deploy', 'generate']);
	const generateStep = generate!.steps.find((step) => step.run?.includes('npx prd-specs generate'));
	expect(generateStep?.env).toEqual({ OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' });
	// The secret is used in that step only.
	expect(sources['publish.yml']!.match(/secrets\.OPENAI_API_KEY/g)).toHaveLength(1);

	expect(generate!.outputs).toEqual({ sha: '${{ steps.commit.outputs.sha }}' });
	expect(generate!.steps.find((step) => step.id === 'commit')?.run).toContain('sha=$(git rev-parse HEAD)');
	expect(build!.needs).toBe('generate');
	expect(build!.steps.find((step) => step.uses?.startsWith('actions/checkout'))?.with).toMatchObject({
		ref: '${{ needs.generate.outputs.sha }}',
	});
	const buildStep = build!.steps.find((step) => step.run?.includes('npm run build'));
	expect(buildStep?.env).toEqual({ PRD_SPECS_STRICT: '1', PRD_SPECS_OFFLINE: '1' });
	expect(build!.steps.at(-1)?.uses).toMatch(/^actions\/upload-pages-artifact@/);
	expect(deploy!.needs).toBe('build');
	// Why the build is a job of the same run rather than a run started by the push.
	expect(sources['publish.yml']).toMatch(/push made with GITHUB_TOKEN starts no new workflow run/);
});

describe('least privilege', () => {
	test('permissions: nothing at the top of publish.yml; pages and id-token for the deploy job alone', () => {
		expect(workflows['publish.yml']!.permissions).toEqual({});
		expect(workflows['pull-request.yml']!.permissions).toEqual({ contents: 'read' });
		const { generate, build, deploy } = workflows['publish.yml']!.jobs;
		expect(generate!.permissions).toEqual({ contents: 'write' });
		expect(build!.permissions).toEqual({ contents: 'read' });
		expect(deploy!.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
		for (const [name, workflow] of Object.entries(workflows)) {
			expect(workflow.permissions ?? {}, name).not.toHaveProperty('pages');
			expect(workflow.permissions ?? {}, name).not.toHaveProperty(['id-token']);
			for (const [jobName, job] of Object.entries(workflow.jobs)) {
				if (name === 'publish.yml' && jobName === 'deploy') continue;
				expect(job.permissions ?? {}, `${name} ${jobName}`).not.toHaveProperty('pages');
				expect(job.permissions ?? {}, `${name} ${jobName}`).not.toHaveProperty(['id-token']);
			}
		}
	});

	test('every checkout leaves no credentials in git', () => {
		const checkouts = Object.values(workflows)
			.flatMap(allSteps)
			.filter((step) => step.uses?.startsWith('actions/checkout'));
		expect(checkouts).toHaveLength(3);
		for (const step of checkouts) {
			expect(step.with?.['persist-credentials']).toBe(false);
			expect(step.with).not.toHaveProperty('token');
		}
	});

	test('the deploy job runs no npm and no project code', () => {
		const { deploy } = workflows['publish.yml']!.jobs;
		expect(deploy!.steps.map((step) => step.uses)).toEqual([expect.stringMatching(/^actions\/deploy-pages@/)]);
		expect(JSON.stringify(deploy)).not.toMatch(/\bnpm\b|\bnpx\b|"run"/);
		expect(deploy!.environment).toMatchObject({ name: 'github-pages' });
	});

	test('the write token is in the environment of the push step only', () => {
		const uses: string[] = [];
		const walk = (value: unknown, path: string) => {
			if (typeof value === 'string' && /github\.token|secrets\.GITHUB_TOKEN/.test(value)) uses.push(path);
			else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
		};
		for (const [name, workflow] of Object.entries(workflows)) walk(workflow, name);
		const steps = workflows['publish.yml']!.jobs.generate!.steps;
		const push = steps.findIndex((step) => /git\b.*\bpush\b/.test(step.run ?? ''));
		expect(uses).toEqual([`publish.yml.jobs.generate.steps.${push}.env.GITHUB_TOKEN`]);
		// The push step runs after the generator and is the last step; it runs no npm.
		expect(push).toBe(steps.length - 1);
		expect(steps[push]!.run).not.toMatch(/\bnpm\b|\bnpx\b/);
		expect(steps[push]!.run).toContain('core.hooksPath=/dev/null');
	});
});

describe('workflow commands in the log', () => {
	test('the steps that print project output run between ::stop-commands:: and the resume token', () => {
		const wrapped = Object.values(workflows).flatMap(allSteps).filter(printsProjectOutput);
		expect(wrapped.map((step) => step.name)).toHaveLength(4);
		for (const step of wrapped) {
			const lines = step.run!.split('\n').map((line) => line.trim());
			const stop = lines.findIndex((line) => line === 'echo "::stop-commands::$token"');
			const resume = lines.findIndex((line) => line === 'echo "::$token::"');
			expect(
				lines.find((line) => line.startsWith('token=')),
				step.name,
			).toMatch(/^token="\$\((openssl rand -hex \d+|uuidgen)\)"$/);
			expect(stop, step.name).toBeGreaterThan(-1);
			expect(resume, step.name).toBeGreaterThan(stop);
			lines.forEach((line, index) => {
				if (/npm run build|npx prd-specs/.test(line) && !line.startsWith('echo ')) {
					expect(index, `${step.name}: ${line}`).toBeGreaterThan(stop);
					expect(index, `${step.name}: ${line}`).toBeLessThan(resume);
				}
				// The step's own annotations are read only after commands are resumed.
				if (/echo "::(warning|error)/.test(line)) expect(index, `${step.name}: ${line}`).toBeGreaterThan(resume);
			});
		}
	});

	// Runs the real step scripts in bash with stand-ins for npx and npm that print hostile
	// lines, and reads the log the way the GitHub Actions runner does.
	describe('run with hostile project output', () => {
		const dirs: string[] = [];
		afterAll(() => Promise.all(dirs.map((path) => rm(path, { recursive: true, force: true }))));

		const HOSTILE = [
			'::error::pwned',
			'  ::warning file=x::pwned',
			'a title ##[error]pwned',
			'```',
			'</pre><script>alert(1)</script>',
			'::add-mask::abc',
		];

		async function runStep(step: Step, exitCode: number) {
			const work = await mkdtemp(join(tmpdir(), 'workflow-step-'));
			dirs.push(work);
			const fake = `#!/bin/sh\nfor line in ${HOSTILE.map((line) => `'${line}'`).join(' ')}; do echo "$line"; echo "$line" >&2; done\nexit ${exitCode}\n`;
			for (const bin of ['npx', 'npm']) {
				await writeFile(join(work, bin), fake);
				await chmod(join(work, bin), 0o755);
			}
			await writeFile(join(work, 'step.sh'), step.run!);
			const summary = join(work, 'summary.md');
			await writeFile(summary, '');
			// GitHub runs `run:` scripts with `bash -e {0}`; stderr is in the log too.
			const log = await new Promise<{ output: string; code: number }>((resolve) => {
				execFile(
					'bash',
					['--noprofile', '--norc', '-e', '-c', `exec 2>&1; . ${join(work, 'step.sh')}`],
					{ cwd: work, env: { PATH: `${work}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: summary } },
					(error, stdout) => resolve({ output: stdout, code: error ? Number(error.code) : 0 }),
				);
			});
			return { ...log, summary: await readFile(summary, 'utf8') };
		}

		/** The commands the runner acts on (after `::stop-commands::`, only the resume token). */
		function commandsRead(log: string): string[] {
			const read: string[] = [];
			let stopToken: string | undefined;
			for (const line of log.split(/\r\n|\r|\n/)) {
				const trimmed = line.trimStart();
				let name: string | undefined;
				let data = '';
				if (trimmed.startsWith('::') && trimmed.indexOf('::', 2) > 0) {
					const end = trimmed.indexOf('::', 2);
					name = trimmed.slice(2, end).split(' ')[0];
					data = trimmed.slice(end + 2);
				} else if (line.includes('##[') && line.indexOf(']', line.indexOf('##[')) > 0) {
					const start = line.indexOf('##[') + 3;
					name = line.slice(start, line.indexOf(']', start)).split(' ')[0];
				}
				if (name === undefined) continue;
				if (stopToken !== undefined) {
					if (name.toLowerCase() === stopToken.toLowerCase()) stopToken = undefined;
					continue;
				}
				if (name === 'stop-commands') stopToken = data;
				else read.push(line);
			}
			return read;
		}

		const stepOf = (file: string, text: string) => allSteps(workflows[file]!).find((step) => step.run?.includes(text))!;

		test("pull request: only the workflow's own warnings are read, and the summary cannot be broken out of", async () => {
			const result = await runStep(stepOf('pull-request.yml', 'npx prd-specs status'), 1);
			expect(result.code).toBe(0);
			expect(commandsRead(result.output)).toEqual([
				expect.stringMatching(/^::warning title=No spec summary::/),
				expect.stringMatching(/^::warning title=Specs not fresh::/),
			]);
			expect(result.summary).toMatch(/^## Technical specs\n\n<pre>\n[\s\S]*\n<\/pre>\n$/);
			expect(result.summary.match(/<\/?pre>/g)).toEqual(['<pre>', '</pre>']);
			expect(result.summary).not.toContain('<script');
			expect(result.summary).toContain('&lt;/pre&gt;&lt;script&gt;');
		});

		test('pull request build and main build: nothing is read; a failed build still fails the step', async () => {
			for (const [file, code] of [
				['pull-request.yml', 0],
				['pull-request.yml', 1],
				['publish.yml', 1],
			] as const) {
				const result = await runStep(stepOf(file, 'npm run build'), code);
				expect(result.code, file).toBe(code);
				expect(commandsRead(result.output), file).toEqual(
					code === 0 || file === 'pull-request.yml' ? [] : [expect.stringMatching(/^::error::The strict build failed/)],
				);
			}
		});

		test('main: a failed generation is reported by the workflow alone and does not stop the run', async () => {
			const result = await runStep(stepOf('publish.yml', 'npx prd-specs generate'), 1);
			expect(result.code).toBe(0);
			expect(commandsRead(result.output)).toEqual(['::error::Some specs could not be generated.']);
		});
	});
});
