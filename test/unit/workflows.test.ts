import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, test } from 'vitest';
import { load } from 'js-yaml';

// @actions/workflow-parser imports its schema as JSON without an import attribute, which Node
// refuses: this hook adds the attribute for that package's JSON files.
registerHooks({
	load(url, context, nextLoad) {
		if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json'))
			return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
		return nextLoad(url, context);
	},
});
const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');

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
	if?: string;
	needs?: string | string[];
	permissions?: Record<string, string>;
	outputs?: Record<string, string>;
	environment?: unknown;
	steps: Step[];
}

interface Workflow {
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	env?: Record<string, string>;
	jobs: Record<string, Job>;
}

const dir = new URL('.github/workflows/', ROOT);
const files = (await readdir(dir)).filter((name) => name.endsWith('.yml')).sort();
const sources = Object.fromEntries(
	await Promise.all(files.map(async (name) => [name, await readFile(new URL(name, dir), 'utf8')] as const)),
);
const workflows: Record<string, Workflow> = Object.fromEntries(files.map((name) => [name, load(sources[name]!) as Workflow]));

const allSteps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const allJobs = () =>
	Object.entries(workflows).flatMap(([file, workflow]) => Object.entries(workflow.jobs).map(([name, job]) => ({ file, name, job })));

/** Steps whose commands print what the project holds: the build and the `prd-specs` commands. */
const printsProjectOutput = (step: Step) => /npm run build|npx prd-specs/.test(step.run ?? '');
const runsProjectCode = (job: Job) => job.steps.some((step) => /\b(npm|npx|node)\b/.test(step.run ?? ''));
const checksOut = (job: Job) => job.steps.some((step) => step.uses?.startsWith('actions/checkout'));
const pushStep = (step: Step) => /\bgit\b[^\n]*\bpush\b/.test(step.run ?? '');
const usesSecret = (job: Job) => /secrets\./.test(JSON.stringify(job));

test('every workflow file is valid for GitHub Actions (@actions/workflow-parser)', async () => {
	expect(files).toEqual(['fork-specs.yml', 'publish.yml', 'pull-request.yml']);
	for (const name of files) {
		const parsed = parseWorkflow({ name, content: sources[name]! }, new NoOperationTraceWriter());
		expect(
			parsed.context.errors.getErrors().map((error) => error.message),
			name,
		).toEqual([]);
		const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
		expect(template.errors ?? [], name).toEqual([]);
		expect(template.jobs.map((job) => job.id.value).sort(), name).toEqual(Object.keys(workflows[name]!.jobs).sort());
	}
	// The parser does find mistakes: a misspelt permission and a misspelt key.
	const broken = parseWorkflow(
		{
			name: 'broken.yml',
			content: 'on: push\njobs:\n  a:\n    runs-on: x\n    permissions:\n      contents: writ\n    steps:\n      - runs: x\n',
		},
		new NoOperationTraceWriter(),
	);
	expect(broken.context.errors.getErrors().map((error) => error.message)).toEqual(
		expect.arrayContaining([expect.stringContaining("Unexpected value 'writ'"), expect.stringContaining("Unexpected value 'runs'")]),
	);
});

// The workflows cannot run here; this checks that every command they call is one this
// repository has (the commands themselves are tested by the build and CLI tests).
test('every command the workflows run exists', () => {
	for (const [name, workflow] of Object.entries(workflows)) {
		for (const step of allSteps(workflow)) {
			for (const [, script] of step.run?.matchAll(/npm run ([\w:-]+)/g) ?? [])
				expect(pkg.scripts, `${name}: npm run ${script}`).toHaveProperty([script!]);
			for (const [, bin] of step.run?.matchAll(/npx ([\w-]+)/g) ?? []) expect(pkg.bin, `${name}: npx ${bin}`).toHaveProperty([bin!]);
			for (const [, command] of step.run?.matchAll(/npx prd-specs (\w+)/g) ?? [])
				expect(['status', 'check', 'generate', 'report']).toContain(command);
		}
	}
});

describe('the flow', () => {
	test('same-repository pull requests: generate pushes to the PR branch; build and report run on that commit; one comment', () => {
		const pr = workflows['pull-request.yml']!;
		expect(Object.keys(pr.on)).toEqual(['pull_request']);
		const { generate, build, report, comment } = pr.jobs;
		expect(Object.keys(pr.jobs).sort()).toEqual(['build', 'comment', 'generate', 'report']);
		expect(generate!.if).toBe(
			'github.event.pull_request.head.repo.full_name == github.repository && github.head_ref != github.event.repository.default_branch',
		);
		const generateStep = generate!.steps.find((step) => step.run?.includes('npx prd-specs generate'));
		expect(generateStep?.env).toEqual({ OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' });
		expect(sources['pull-request.yml']!.match(/secrets\./g)).toHaveLength(1);
		expect(generate!.steps[0]!.with).toMatchObject({ ref: '${{ github.event.pull_request.head.sha }}' });
		const push = generate!.steps.at(-1)!;
		expect(push.env).toMatchObject({ BRANCH: '${{ github.head_ref }}', DEFAULT_BRANCH: '${{ github.event.repository.default_branch }}' });
		expect(push.run).toContain('push origin "HEAD:refs/heads/$BRANCH"');

		for (const job of [build!, report!]) {
			expect(job.needs).toBe('generate');
			expect(job.if).toBe('${{ !cancelled() }}');
			expect(job.steps[0]!.with).toMatchObject({ ref: '${{ needs.generate.outputs.sha || github.sha }}' });
		}
		expect(build!.steps.find((step) => step.run?.includes('npm run build'))?.env).toEqual({
			PRD_SPECS_OFFLINE: '1',
			PRD_SPECS_STRICT: "${{ needs.generate.result == 'success' && '1' || '0' }}",
		});
		expect(report!.steps.find((step) => step.run?.includes('npx prd-specs report'))?.run).toContain(
			'npx prd-specs report --markdown --base "origin/$BASE_REF"',
		);
		expect(report!.steps.at(-1)).toMatchObject({
			uses: expect.stringMatching(/^actions\/upload-artifact@/),
			with: { name: 'prd-specs-report' },
		});
		expect(comment!.needs).toBe('report');
		expect(comment!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
		expect(comment!.steps[0]).toMatchObject({
			uses: expect.stringMatching(/^actions\/download-artifact@/),
			with: { name: 'prd-specs-report' },
		});
		expect(comment!.steps[1]!.run).toContain("marker='<!-- prd-specs-report -->'");
	});

	test("forks: a maintainer's dispatch on the default branch; the PR's PRDs are taken through the API as data", () => {
		const fork = workflows['fork-specs.yml']!;
		expect(Object.keys(fork.on)).toEqual(['workflow_dispatch']);
		expect(fork.on.workflow_dispatch).toEqual({ inputs: { pr: expect.objectContaining({ required: true, type: 'number' }) } });
		const { collect, generate, publish } = fork.jobs;
		expect(collect!.if).toBe("github.ref == format('refs/heads/{0}', github.event.repository.default_branch)");
		expect(checksOut(collect!) || runsProjectCode(collect!)).toBe(false);
		expect(collect!.steps[0]!.run).toContain('repos/$REPO/pulls/$PR/files');
		// The default branch is checked out (no ref, no other repository); the fork's ref is never fetched.
		expect(generate!.steps[0]).toEqual({ uses: expect.stringMatching(/^actions\/checkout@/), with: { 'persist-credentials': false } });
		expect(sources['fork-specs.yml']).not.toMatch(/refs\/pull|head\.sha|head\.ref|head_ref|pull_request\./);
		expect(generate!.steps.at(-1)!.run).toContain('push --force origin "HEAD:refs/heads/prd-specs/pr-$PR"');
		expect(publish!.if).toBe("needs.generate.outputs.changed == 'true'");
	});

	test('main only builds and deploys; missing or stale specs go to prd-specs/update and a pull request', () => {
		const publish = workflows['publish.yml']!;
		expect(Object.keys(publish.jobs).sort()).toEqual(['build', 'deploy', 'open-update', 'update-specs']);
		const { build, deploy, 'update-specs': update, 'open-update': open } = publish.jobs;
		expect(build!.needs).toBeUndefined();
		expect(build!.steps.find((step) => step.run?.includes('npm run build'))?.env).toEqual({
			PRD_SPECS_STRICT: '0',
			PRD_SPECS_OFFLINE: '1',
		});
		expect(build!.steps.at(-1)?.uses).toMatch(/^actions\/upload-pages-artifact@/);
		expect(deploy!.needs).toBe('build');
		expect(update!.steps.find((step) => step.run?.includes('npx prd-specs generate'))?.if).toBe("steps.check.outputs.needed == 'true'");
		expect(update!.steps.at(-1)!.run).toContain("push --force origin 'HEAD:refs/heads/prd-specs/update'");
		expect(open!.needs).toBe('update-specs');
		expect(open!.steps[1]!.run).toContain('head=prd-specs/update');
	});
});

describe('rules that hold for every workflow', () => {
	test('no job pushes to main: pushes go to the pull request branch (never the default one) or to prd-specs/*', () => {
		const targets = allJobs().flatMap(({ file, job }) =>
			job.steps.filter(pushStep).map((step) => `${file} ${/HEAD:refs\/heads\/(\S+?)['"]?$/m.exec(step.run!)?.[1]}`),
		);
		expect(targets.sort()).toEqual(['fork-specs.yml prd-specs/pr-$PR', 'publish.yml prd-specs/update', 'pull-request.yml $BRANCH']);
		for (const { job } of allJobs())
			for (const step of job.steps.filter(pushStep)) expect(JSON.stringify(step)).not.toMatch(/ref_name|github\.ref\b|main/);
	});

	test('no job with a secret checks out or runs fork code; no workflow runs on pull_request_target', () => {
		for (const [file, workflow] of Object.entries(workflows)) expect(Object.keys(workflow.on), file).not.toContain('pull_request_target');
		const withSecret = allJobs().filter(({ job }) => usesSecret(job));
		expect(withSecret.map(({ file, name }) => `${file} ${name}`).sort()).toEqual([
			'fork-specs.yml generate',
			'publish.yml update-specs',
			'pull-request.yml generate',
		]);
		for (const { file, job } of withSecret) {
			const checkout = job.steps.find((step) => step.uses?.startsWith('actions/checkout'))!;
			expect(checkout.with ?? {}, file).not.toHaveProperty('repository');
			if (file === 'pull-request.yml') {
				// The head of a pull request from this repository only.
				expect(job.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
			} else {
				expect(Object.keys(workflows[file]!.on)).not.toContain('pull_request');
				expect(checkout.with ?? {}, file).not.toHaveProperty('ref');
			}
		}
	});

	test('the jobs that comment or open pull requests run no npm, no node and check nothing out', () => {
		const writers = allJobs().filter(({ job }) => job.permissions?.['pull-requests'] === 'write');
		expect(writers.map(({ file, name }) => `${file} ${name}`).sort()).toEqual([
			'fork-specs.yml publish',
			'publish.yml open-update',
			'pull-request.yml comment',
		]);
		for (const { file, name, job } of writers) {
			expect(runsProjectCode(job), `${file} ${name}`).toBe(false);
			expect(checksOut(job), `${file} ${name}`).toBe(false);
			expect(
				job.steps.map((step) => step.uses ?? 'run'),
				`${file} ${name}`,
			).toEqual([expect.stringMatching(/^actions\/download-artifact@/), 'run']);
		}
	});

	test("each job's permissions are the ones its workflow's header states, and nothing is granted at the top", () => {
		for (const [file, workflow] of Object.entries(workflows)) {
			expect(workflow.permissions, file).toEqual({});
			const header = sources[file]!.slice(0, sources[file]!.indexOf('\nname:'));
			const stated = Object.fromEntries(
				[...header.matchAll(/^#\s+([\w-]+)\s+\(([^)\n]*)\)/gm)].map(([, job, permissions]) => [
					job,
					Object.fromEntries(permissions!.split(', ').map((permission) => permission.split(': '))),
				]),
			);
			const actual = Object.fromEntries(Object.entries(workflow.jobs).map(([name, job]) => [name, job.permissions]));
			expect(stated, file).toEqual(actual);
		}
		// Pages and id-token for the deploy job alone.
		for (const { file, name, job } of allJobs()) {
			if (file === 'publish.yml' && name === 'deploy') expect(job.permissions).toEqual({ pages: 'write', 'id-token': 'write' });
			else expect(Object.keys(job.permissions ?? {}), `${file} ${name}`).not.toContain('pages');
		}
	});

	test('every checkout leaves no credentials in git', () => {
		const checkouts = Object.values(workflows)
			.flatMap(allSteps)
			.filter((step) => step.uses?.startsWith('actions/checkout'));
		expect(checkouts).toHaveLength(6);
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

	test('the token is in the environment of push steps (the last of their job) and of jobs that run no project code', () => {
		const uses: string[] = [];
		const walk = (value: unknown, path: string) => {
			if (typeof value === 'string' && /github\.token|secrets\.GITHUB_TOKEN/.test(value)) uses.push(path);
			else if (value && typeof value === 'object') for (const [key, child] of Object.entries(value)) walk(child, `${path}/${key}`);
		};
		for (const [name, workflow] of Object.entries(workflows)) walk(workflow, name);
		expect(uses).toHaveLength(7);
		for (const path of uses) {
			const [file, , jobName, , index, , variable] = path.split('/') as [string, string, string, string, string, string, string];
			const job = workflows[file]!.jobs[jobName]!;
			const step = job.steps[Number(index)]!;
			if (variable === 'GITHUB_TOKEN') {
				expect(pushStep(step), path).toBe(true);
				expect(Number(index), path).toBe(job.steps.length - 1);
				expect(step.run, path).toContain('core.hooksPath=/dev/null');
				expect(step.run, path).not.toMatch(/\bnpm\b|\bnpx\b/);
			} else {
				expect(variable, path).toBe('GH_TOKEN');
				expect(runsProjectCode(job) || checksOut(job), path).toBe(false);
			}
		}
	});

	test('no ${{ }} expression is written into a script (values reach scripts through the environment)', () => {
		for (const step of Object.values(workflows).flatMap(allSteps)) expect(step.run ?? '', step.name).not.toContain('${{');
	});
});

describe('workflow commands in the log', () => {
	test('the steps that print project output run between ::stop-commands:: and the resume token', () => {
		const wrapped = Object.values(workflows).flatMap(allSteps).filter(printsProjectOutput);
		expect(wrapped.map((step) => step.name)).toHaveLength(10);
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

		async function runStep(step: Step, exitCode: number, env: Record<string, string> = {}, bins: Record<string, string> = {}) {
			const work = await mkdtemp(join(tmpdir(), 'workflow-step-'));
			dirs.push(work);
			const fake = `#!/bin/sh\nfor line in ${HOSTILE.map((line) => `'${line}'`).join(' ')}; do echo "$line"; echo "$line" >&2; done\nexit ${exitCode}\n`;
			for (const [bin, script] of Object.entries({ npx: fake, npm: fake, ...bins })) {
				await writeFile(join(work, bin), script);
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
					{ cwd: work, env: { PATH: `${work}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: summary, RUNNER_TEMP: work, ...env } },
					(error, stdout) => resolve({ output: stdout, code: error ? Number(error.code) : 0 }),
				);
			});
			return { ...log, work, summary: await readFile(summary, 'utf8') };
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
					code === 0 || file === 'pull-request.yml' ? [] : [expect.stringMatching(/^::error::The build failed/)],
				);
			}
		});

		test('main: a failed generation is reported by the workflow alone and does not stop the run', async () => {
			const result = await runStep(stepOf('publish.yml', 'npx prd-specs generate'), 1);
			expect(result.code).toBe(0);
			expect(commandsRead(result.output)).toEqual(['::error::Some specs could not be generated.']);
		});

		test('the report: written to a file, never read as commands; a failure fails the step with its own error', async () => {
			for (const file of ['pull-request.yml', 'fork-specs.yml', 'publish.yml']) {
				const ok = await runStep(stepOf(file, 'npx prd-specs report'), 0);
				expect(ok.code, file).toBe(0);
				expect(commandsRead(ok.output), file).toEqual([]);
				expect(await readFile(join(ok.work, 'report/prd-specs-report.md'), 'utf8'), file).toContain('::error::pwned');
				const failed = await runStep(stepOf(file, 'npx prd-specs report'), 2);
				expect(failed.code, file).toBe(2);
				expect(commandsRead(failed.output), file).toEqual(['::error::prd-specs report failed: see the log above.']);
			}
		});

		test('the pull request push refuses the default branch before git runs', async () => {
			const push = workflows['pull-request.yml']!.jobs.generate!.steps.at(-1)!;
			const git = '#!/bin/sh\necho "git $*" >> "$RUNNER_TEMP/git.log"\n';
			for (const [branch, code] of [
				['main', 1],
				['', 1],
				['feature/x', 0],
			] as const) {
				const result = await runStep(push, 0, { BRANCH: branch, DEFAULT_BRANCH: 'main', GITHUB_TOKEN: 'token' }, { git });
				expect(result.code, branch).toBe(code);
				const calls = await readFile(join(result.work, 'git.log'), 'utf8').catch(() => '');
				expect(calls, branch).toBe(code === 0 ? 'git -c core.hooksPath=/dev/null push origin HEAD:refs/heads/feature/x\n' : '');
				if (code !== 0) expect(commandsRead(result.output)).toEqual(['::error::Specs are never pushed to the default branch.']);
			}
		});

		test("a fork's files: only <prds>/<id>.md blobs are taken, as regular files; removed and renamed PRDs are listed", async () => {
			const { collect, generate } = workflows['fork-specs.yml']!.jobs;
			const sha = (digit: string) => digit.repeat(40);
			const listing = [
				['modified', 'prds/billing.md', sha('a'), ''],
				['added', 'package.json', sha('b'), ''],
				['added', 'prds/../astro.config.mjs', sha('c'), ''],
				['added', 'prds/sub/x.md', sha('d'), ''],
				['added', 'prds/sub/../../x.md', sha('2'), ''],
				['added', 'prds/_drafts/x.md', sha('3'), ''],
				['added', 'prds/a/b/c/d/e/f/g/h/i/x.md', sha('4'), ''],
				['removed', 'prds/sub/gone.md', '', ''],
				['added', 'prds/Upper.md', sha('e'), ''],
				['added', 'prds/link.md', 'not-a-sha', ''],
				['removed', 'prds/gone.md', '', ''],
				['renamed', 'prds/new-name.md', sha('f'), 'prds/old-name.md'],
				['added', 'prds/x.md\\npackage.json', sha('1'), ''],
			]
				.map((fields) => fields.join('\t'))
				.join('\n');
			const gh = `#!/bin/bash\ncase "$*" in\n  *pulls/7/files*) printf '%s\\n' '${listing}' ;;\n  *git/blobs/*) echo "blob \${@: -1}" ;;\n  *) exit 9 ;;\nesac\n`;
			const result = await runStep(collect!.steps[0]!, 0, { PR: '7', REPO: 'o/r', GH_TOKEN: 't', PRDS_DIR: 'prds' }, { gh });
			expect(result.code, result.output).toBe(0);
			const taken = join(result.work, 'pr-prds');
			// A PRD in a folder is taken at its path (at most 8 folders down, each a plain name).
			expect((await readdir(join(taken, 'files'), { recursive: true })).sort()).toEqual(['billing.md', 'new-name.md', 'sub', 'sub/x.md']);
			expect(await readFile(join(taken, 'files/billing.md'), 'utf8')).toBe(`blob repos/o/r/git/blobs/${sha('a')}\n`);
			expect(await readFile(join(taken, 'files/sub/x.md'), 'utf8')).toBe(`blob repos/o/r/git/blobs/${sha('d')}\n`);
			expect(await readFile(join(taken, 'removed.txt'), 'utf8')).toBe('prds/sub/gone.md\nprds/gone.md\nprds/old-name.md\n');
			expect((await runStep(collect!.steps[0]!, 0, { PR: '7; rm -rf /', REPO: 'o/r', PRDS_DIR: 'prds' }, { gh })).code).toBe(1);

			// Putting them in place checks the names again and removes only PRDs.
			const place = generate!.steps.find((step) => step.name === "Put the pull request's PRDs in place")!;
			const work = await mkdtemp(join(tmpdir(), 'workflow-place-'));
			dirs.push(work);
			await mkdir(join(work, 'pr-prds/files'), { recursive: true });
			await mkdir(join(work, 'prds'));
			await writeFile(join(work, 'pr-prds/files/ok.md'), 'ok');
			await writeFile(join(work, 'pr-prds/files/package.json'), '{}');
			await mkdir(join(work, 'pr-prds/files/team/eu'), { recursive: true });
			await writeFile(join(work, 'pr-prds/files/team/eu/nested.md'), 'nested');
			await mkdir(join(work, 'pr-prds/files/Bad'));
			await writeFile(join(work, 'pr-prds/files/Bad/x.md'), 'bad');
			await symlink(join(work, 'package.json'), join(work, 'pr-prds/files/team/link.md'));
			await writeFile(join(work, 'pr-prds/removed.txt'), 'prds/gone.md\npackage.json\nprds/team/old.md\n');
			await writeFile(join(work, 'prds/gone.md'), 'old');
			await mkdir(join(work, 'prds/team'));
			await writeFile(join(work, 'prds/team/old.md'), 'old');
			await writeFile(join(work, 'package.json'), 'kept');
			await writeFile(join(work, 'step.sh'), place.run!);
			await new Promise((resolve, reject) =>
				execFile(
					'bash',
					['-e', join(work, 'step.sh')],
					{ cwd: work, env: { PATH: process.env.PATH, RUNNER_TEMP: work, PRDS_DIR: 'prds' } },
					(error) => (error ? reject(new Error(error.message)) : resolve(undefined)),
				),
			);
			expect((await readdir(join(work, 'prds'), { recursive: true })).sort()).toEqual(['ok.md', 'team', 'team/eu', 'team/eu/nested.md']);
			expect(await readFile(join(work, 'prds/team/eu/nested.md'), 'utf8')).toBe('nested');
			expect(await readFile(join(work, 'package.json'), 'utf8')).toBe('kept');
		});
	});
});
