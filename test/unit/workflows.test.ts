import { readdir, readFile } from 'node:fs/promises';

import { expect, test } from 'vitest';
import { load } from 'js-yaml';

const ROOT = new URL('../../', import.meta.url);
const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

interface Step {
	run?: string;
	env?: Record<string, string>;
}

async function workflowSteps(): Promise<[string, Step[]][]> {
	const dir = new URL('.github/workflows/', ROOT);
	const files = (await readdir(dir)).filter((name) => name.endsWith('.yml'));
	return Promise.all(
		files.map(async (name) => {
			const workflow = load(await readFile(new URL(name, dir), 'utf8')) as { jobs: Record<string, { steps: Step[] }> };
			return [name, Object.values(workflow.jobs).flatMap((job) => job.steps)] as [string, Step[]];
		}),
	);
}

// The workflows cannot run here; this checks that every command they call is one this
// repository has (the commands themselves are tested by the build and CLI tests).
test('every command the workflows run exists', async () => {
	const workflows = await workflowSteps();
	expect(workflows.map(([name]) => name).sort()).toEqual(['publish.yml', 'pull-request.yml']);
	for (const [name, steps] of workflows) {
		for (const step of steps) {
			for (const [, script] of step.run?.matchAll(/npm run ([\w:-]+)/g) ?? []) expect(pkg.scripts, `${name}: npm run ${script}`).toHaveProperty([script!]);
			for (const [, bin] of step.run?.matchAll(/npx ([\w-]+)/g) ?? []) expect(pkg.bin, `${name}: npx ${bin}`).toHaveProperty([bin!]);
			for (const [, command] of step.run?.matchAll(/npx prd-specs (\w+)/g) ?? []) expect(['status', 'check', 'generate']).toContain(command);
		}
	}
});

test('pull requests build without secrets; main builds in strict mode after generating', async () => {
	const workflows = Object.fromEntries(await workflowSteps());
	const pr = JSON.stringify(workflows['pull-request.yml']);
	expect(pr).not.toContain('secrets.');
	expect(pr).toContain('PRD_SPECS_OFFLINE');
	const publish = workflows['publish.yml']!;
	const generate = publish.findIndex((step) => step.run?.includes('npx prd-specs generate'));
	const build = publish.findIndex((step) => step.run === 'npm run build');
	expect(generate).toBeGreaterThan(-1);
	expect(publish[generate]!.env).toEqual({ OPENAI_API_KEY: '${{ secrets.OPENAI_API_KEY }}' });
	expect(build).toBeGreaterThan(generate);
	expect(publish[build]!.env).toMatchObject({ PRD_SPECS_STRICT: '1' });
});
