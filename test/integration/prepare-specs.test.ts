/**
 * `prepareSpecs` as the CLI drives it: which PRDs it picks (ids, `force`), why it generates
 * nothing, the concurrency override, progress events and the generator seam. A fake generator
 * stands in for the API (the OpenAI client is tested against a server in generation.test.ts).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeEach, describe, expect, test } from 'vitest';

import { validateConfig, type PrdSpecsUserConfig } from '../../src/integration/config.ts';
import type { SpecGenerator } from '../../src/integration/generation/generator.ts';
import { generateSpecs } from '../../src/integration/generation/run.ts';
import type { GeneratedSpec } from '../../src/integration/generation/spec-saver.ts';
import { loadProject } from '../../src/integration/project.ts';
import {
	prepareSpecs,
	type GeneratorOptions,
	type PrepareProgressEvent,
	type PrepareSpecsOptions,
} from '../../src/integration/pipeline.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

let root: string;
let logs: string[];
let requested: string[];
let made: GeneratorOptions[];
const logger = recordingLogger(() => logs);

/** Writes a good spec for the app the prompt names, and records which app that was. */
function fakeGenerator(options: GeneratorOptions): SpecGenerator {
	made.push(options);
	return {
		model: options.model,
		generate: (messages) => {
			const app = appNameOf(messages[0]!.content);
			requested.push(app);
			return Promise.resolve({ text: specText(app), truncated: false, usage: { inputTokens: 10, outputTokens: 20 }, model: options.model });
		},
	};
}

beforeEach(async () => {
	logs = [];
	requested = [];
	made = [];
	root = await tempDir();
	await writeFiles(root, {
		'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay'),
		'prds/beta.md': prdSource('title: Beta\nappName: Betabook'),
		'prds/gamma.md': prdSource('title: Gamma\nappName: Gammaray'),
	});
});

function run(options: Partial<PrepareSpecsOptions> = {}, userConfig: PrdSpecsUserConfig = {}) {
	return prepareSpecs({
		root,
		config: validateConfig(userConfig),
		logger,
		env: { OPENAI_API_KEY: 'sk-fake' },
		mayGenerate: true,
		createGenerator: fakeGenerator,
		...options,
	});
}

describe('which specs are generated', () => {
	test('by default the missing and stale ones, through the generator seam, with what it is made from', async () => {
		const result = await run();
		expect(result.skipped).toBeUndefined();
		expect(requested.sort()).toEqual(['Alphapay', 'Betabook', 'Gammaray']);
		expect(result.report.prds.map((status) => status.state)).toEqual(['fresh', 'fresh', 'fresh']);
		expect(made).toHaveLength(1);
		expect(made[0]).toMatchObject({ apiKey: 'sk-fake', model: 'gpt-6.1-terra', env: { OPENAI_API_KEY: 'sk-fake' } });
		expect(made[0]!.config.specsDir).toBe('src/content/specs');
		expect(result.summary).toMatch(/^Specs: 3 generated, 0 reused, 0 failed; 30 tokens in, 60 out; /);
	});

	test('named ids only, in the project’s order; fresh ones only with force', async () => {
		await run({ ids: ['gamma'] });
		expect(requested).toEqual(['Gammaray']);

		requested = [];
		let result = await run({ ids: ['gamma', 'alpha'] });
		expect(requested).toEqual(['Alphapay']);
		expect(result.targets.map((status) => status.prd.id)).toEqual(['alpha']);

		requested = [];
		result = await run({ ids: ['gamma', 'alpha'], force: true });
		expect(result.targets.map((status) => status.prd.id)).toEqual(['alpha', 'gamma']);
		expect(requested.sort()).toEqual(['Alphapay', 'Gammaray']);
		expect(result.summary).toMatch(/^Specs: 2 generated, 1 reused, 0 failed;/);
	});

	test('the concurrency override and the progress events: `plan` first, then each spec', async () => {
		const events: PrepareProgressEvent[] = [];
		await run({ concurrency: 1, onProgress: (event) => events.push(event) }, { generation: { concurrency: 4 } });
		const [plan, ...rest] = events;
		expect(plan).toMatchObject({ type: 'plan', model: 'gpt-6.1-terra', concurrency: 1 });
		expect(plan?.type === 'plan' && plan.targets.map((status) => status.prd.id)).toEqual(['alpha', 'beta', 'gamma']);
		// One at a time: each spec ends before the next starts.
		expect(rest.map((event) => `${event.type} ${event.type === 'end' ? event.outcome.id : 'id' in event ? event.id : ''}`)).toEqual([
			'start alpha',
			'end alpha',
			'start beta',
			'end beta',
			'start gamma',
			'end gamma',
		]);
		expect(logs).toContain('info Generating 3 specs with gpt-6.1-terra, 1 at a time.');
	});
});

/** What the project looks like before the run. */
async function setUp(state: 'as written' | 'with a broken PRD' | 'with every spec generated'): Promise<void> {
	if (state === 'with a broken PRD') await writeFiles(root, { 'prds/broken.md': '---\ntitle: [\n---\n' });
	if (state === 'with every spec generated') await run();
}

describe('why nothing is generated', () => {
	test.each([
		['bad-input', 'with a broken PRD', {}, {}, []],
		['unknown-ids', 'as written', { ids: ['alpha', 'nope', 'zz'] }, {}, []],
		['no-targets', 'with every spec generated', {}, {}, []],
		['no-targets', 'with every spec generated', { ids: ['beta'] }, {}, []],
		['not-allowed', 'as written', { mayGenerate: false }, {}, ['alpha', 'beta', 'gamma']],
		['offline', 'as written', {}, { generation: { offline: true } }, ['alpha', 'beta', 'gamma']],
		['no-api-key', 'as written', { env: { OPENAI_API_KEY: ' ' } }, {}, ['alpha', 'beta', 'gamma']],
	] as const)('%s, %s', async (reason, state, options, userConfig, targets) => {
		await setUp(state);
		made = [];
		requested = [];
		const result = await run(options, userConfig);
		expect(result.skipped?.reason).toBe(reason);
		if (result.skipped?.reason === 'unknown-ids') expect(result.skipped.ids).toEqual(['nope', 'zz']);
		expect(result.targets.map((status) => status.prd.id)).toEqual(targets);
		expect(result.outcomes).toEqual([]);
		expect(made).toEqual([]);
		expect(requested).toEqual([]);
	});

	test('the build logs why it did not generate; a caller that prints its own lines gets none', async () => {
		await run({ env: {} });
		expect(logs).toEqual(['info `OPENAI_API_KEY` is not set: 3 specs not generated; the cache is used as it is.']);
		logs = [];
		await run({ env: {}, logRunLines: false });
		await run({ logRunLines: false }, { generation: { offline: true } });
		await run({ logRunLines: false });
		// Only each spec's own lines are left.
		expect(logs.filter((line) => !/^info prds\/\w+\.md: /.test(line))).toEqual([]);
		expect(logs).toHaveLength(6);
	});
});

test('generation saves through what it is handed: cleaned up once first, then one save per spec that passes', async () => {
	const report = await loadProject(root, validateConfig({}));
	const calls: string[] = [];
	const saved: GeneratedSpec[] = [];
	requested = [];
	made = [];
	const outcomes = await generateSpecs({
		template: report.template!,
		targets: report.prds.slice(0, 2),
		saver: {
			cleanUp: () => Promise.resolve(void calls.push('cleanUp')),
			save: (spec) => {
				calls.push(`save ${spec.prd}`);
				saved.push(spec);
				return Promise.resolve(`elsewhere/${spec.prd}.md`);
			},
		},
		generator: fakeGenerator({ apiKey: 'sk-fake', model: 'fake-model', config: validateConfig({}), env: {} }),
		concurrency: 1,
		repairRounds: 0,
		logger,
		now: () => new Date('2026-11-30T12:00:00Z'),
	});
	expect(calls).toEqual(['cleanUp', 'save alpha', 'save beta']);
	expect(outcomes.map((outcome) => outcome.specFile)).toEqual(['elsewhere/alpha.md', 'elsewhere/beta.md']);
	expect(saved[0]).toEqual({
		prd: 'alpha',
		inputHash: report.prds[0]!.inputHash,
		templateHash: report.template!.hash,
		model: 'fake-model',
		generatedAt: '2026-11-30T12:00:00.000Z',
		usage: { inputTokens: 10, outputTokens: 20, requests: 1 },
		body: specText('Alphapay').trim(),
	});
	// Nothing reached the spec cache.
	expect(await readdir(join(root, 'src/content/specs')).catch(() => [])).toEqual([]);
});
