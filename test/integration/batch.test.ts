import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { submitBatch, type CreateBatchClient } from '../../src/integration/batch-run.ts';
import { readBatchState } from '../../src/integration/cache/batch-state.ts';
import { parseSpecFile } from '../../src/integration/cache/spec-file.ts';
import { runBatchCancel, runBatchCollect, runBatchStatus, runBatchSubmit, type BatchContext } from '../../src/integration/cli/batch.ts';
import { runCheck, runGenerate, runStatus } from '../../src/integration/cli/commands.ts';
import { CliError } from '../../src/integration/cli/errors.ts';
import { validateConfig, type PrdSpecsUserConfig } from '../../src/integration/config.ts';
import { createBatchClient } from '../../src/integration/generation/openai-batch.ts';
import { prepareSpecs } from '../../src/integration/pipeline.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { startFakeOpenAI, type FakeOpenAIServer, type RecordedRequest } from '../helpers/openai-server.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

// `generate --batch`, `batch status|collect|cancel`: the CLI's functions, in this process, against
// the test server's Files and Batches endpoints through the real SDK.

const API_KEY = 'sk-batch-test-SECRET-0123456789abcdef';
const tempDir = useTempDir();

let server: FakeOpenAIServer;
let root: string;

/** A repair request carries the first answer and the problems: more than one message. */
const isRepair = (request: RecordedRequest) => (request.body.messages ?? request.body.input ?? []).length > 1;

beforeEach(async () => {
	root = await tempDir();
	server = await startFakeOpenAI((request) => {
		const app = appNameOf(request.text);
		if (app === 'Gammagrid') return { type: 'error', status: 500, message: 'The server had an error while processing your request.' };
		// Deltadesk's first answer lacks a section; its repair round (a normal request) brings it.
		if (app === 'Deltadesk' && !isRepair(request)) return { type: 'text', content: specText(app, { omit: ['Testing Strategy'] }) };
		return { type: 'text', content: specText(app), usage: { input: 1000, output: 2000 } };
	});
	await writeFiles(root, {
		'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay'),
		'prds/beta.md': prdSource('title: Beta\nappName: Betabook'),
		'prds/gamma.md': prdSource('title: Gamma\nappName: Gammagrid'),
		'prds/delta.md': prdSource('title: Delta\nappName: Deltadesk'),
	});
});
afterEach(() => server.close());

interface Run {
	code: number;
	stdout: string;
	stderr: string;
}

function context(options: PrdSpecsUserConfig = {}, extra: Partial<BatchContext> = {}): BatchContext & { out: Run } {
	const out: Run = { code: -1, stdout: '', stderr: '' };
	return {
		root,
		config: validateConfig(options),
		io: {
			stdout: { write: (text: string) => ((out.stdout += text), true) } as never,
			stderr: { write: (text: string) => ((out.stderr += text), true) } as never,
			env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL },
			cwd: root,
		},
		batchPollMs: 1,
		...extra,
		out,
	};
}

/** Runs one of the CLI's batch functions as `runCli` would: a `CliError` becomes its exit code and message. */
async function cli(ctx: ReturnType<typeof context>, run: (ctx: BatchContext) => Promise<number>): Promise<Run> {
	ctx.out.stdout = '';
	ctx.out.stderr = '';
	try {
		ctx.out.code = await run(ctx);
	} catch (error) {
		if (!(error instanceof CliError)) throw error;
		ctx.out.code = error.exitCode;
		ctx.out.stderr += `${error.message}\n${error.hint ?? ''}`;
	}
	return { ...ctx.out };
}

const submit = (ctx: ReturnType<typeof context>, wait = false, ids: string[] = []) =>
	cli(ctx, (c) => runBatchSubmit(c, { ids, force: false, dryRun: false, wait }));
const collect = (ctx: ReturnType<typeof context>, wait = true) => cli(ctx, (c) => runBatchCollect(c, { wait }));

/** `generate --batch` of alpha killed just before, or just after, the batch is created: the upload is recorded, the batch id is not. */
async function submitCutShort(ctx: ReturnType<typeof context>, when: 'before create' | 'after create'): Promise<void> {
	const crashing: CreateBatchClient = (options) => {
		const real = createBatchClient(options);
		return {
			...real,
			create: async (...args) => {
				if (when === 'after create') await real.create(...args);
				throw new Error('killed');
			},
		};
	};
	await expect(
		submitBatch({ root, config: ctx.config, env: ctx.io.env, logger: console, createBatchClient: crashing, ids: ['alpha'] }),
	).rejects.toThrow('killed');
}

const specPath = (id: string) => join(root, 'src/content/specs', `${id}.md`);
const readSpec = async (id: string) => parseSpecFile(await readFile(specPath(id), 'utf8'), `src/content/specs/${id}.md`, id);
const exists = (path: string) =>
	stat(path).then(
		() => true,
		() => false,
	);
const stateFile = () => join(root, 'src/content/specs/_batch.json');

describe('generate --batch, then batch collect', () => {
	test('one batch of four PRDs: two saved, one failed answer, one invalid answer repaired by a normal request', async () => {
		const ctx = context();
		const submitted = await submit(ctx);
		expect(submitted.code, submitted.stderr).toBe(0);
		expect(submitted.stdout).toContain(
			'Submitted batch batch_1: 4 specs with gpt-6.1-terra (the Chat Completions API), answered within 24 hours.',
		);
		expect(submitted.stdout).toMatch(
			/Estimate: ~[\d,]+ tokens in, ~24,000 out, about \$0\.\d{3} at batch prices \(\$0\.\d{3} at normal prices\)/,
		);
		expect(submitted.stdout).toContain('src/content/specs/_batch.json: commit it');
		expect(server.requests.map((r) => r.path)).toEqual(['/v1/files', '/v1/batches']);

		// The input file: one request per PRD, the body a normal run streams, without streaming.
		const input = [...server.batch.files.values()][0]!;
		expect(input.purpose).toBe('batch');
		const lines = input.content
			.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as { custom_id: string; method: string; url: string; body: Record<string, unknown> });
		expect(lines).toHaveLength(4);
		for (const line of lines) {
			expect(line).toMatchObject({
				method: 'POST',
				url: '/v1/chat/completions',
				custom_id: expect.stringMatching(/^spec-\d-[0-9a-f]{12}$/),
			});
			expect(Object.keys(line.body).sort()).toEqual(['messages', 'model']);
		}
		expect(server.batch.batches.get('batch_1')).toMatchObject({ endpoint: '/v1/chat/completions', completion_window: '24h' });

		// The state names the batch, each PRD and its cache key; never the key.
		const stateText = await readFile(stateFile(), 'utf8');
		expect(stateText).not.toContain(API_KEY);
		const read = await readBatchState(root, 'src/content/specs');
		expect('state' in read && read.state).toMatchObject({
			batch: 'batch_1',
			api: 'chat',
			requests: [{ prd: 'alpha' }, { prd: 'beta' }, { prd: 'delta' }, { prd: 'gamma' }],
		});

		const collected = await collect(ctx);
		expect(collected.code, collected.stdout + collected.stderr).toBe(1);
		expect(collected.stdout).toMatch(/\nalpha\s+saved\s*\n/);
		expect(collected.stdout).toMatch(/\ndelta\s+saved after repair\s*\n/);
		expect(collected.stdout).toMatch(/\ngamma\s+failed\s+the API answered 500: The server had an error/);
		expect(collected.stdout).toMatch(
			/Specs: 3 saved \(1 after repair\), 1 failed, 0 dropped; [\d,]+ tokens in, [\d,]+ out; about \$0\.\d{3} with batch prices \(\$0\.\d{3} without\)\./,
		);
		expect(collected.stdout).toContain('`npx prd-specs generate` writes them now');

		// Saved specs record the batch's part of their usage; the repaired one, its repair round too.
		const alpha = await readSpec('alpha');
		expect(alpha.ok && alpha.spec.metadata).toMatchObject({
			source: 'model',
			usage: { inputTokens: 1000, outputTokens: 2000, requests: 1, batch: { id: 'batch_1', inputTokens: 1000, outputTokens: 2000 } },
		});
		const delta = await readSpec('delta');
		expect(delta.ok && delta.spec.metadata.usage).toMatchObject({ requests: 2, batch: { id: 'batch_1' } });
		expect(delta.ok && delta.spec.body).toContain('## Testing Strategy');
		expect(await exists(specPath('gamma'))).toBe(false);
		// The repair was one normal (streamed) request, with the first answer and its problem.
		const repairs = server.requests.filter((r) => r.path === '/v1/chat/completions');
		expect(repairs).toHaveLength(1);
		expect(repairs[0]!.body).toMatchObject({ stream: true });
		expect(repairs[0]!.text).toContain('The section "## Testing Strategy" is missing.');
		// Every request settled: the state is gone, and collecting again writes nothing.
		expect(await exists(stateFile())).toBe(false);
		const before = await readFile(specPath('alpha'), 'utf8');
		const again = await collect(ctx);
		expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('No batch is pending: nothing to collect') });
		expect(await readFile(specPath('alpha'), 'utf8')).toBe(before);
	});

	test('collect without --wait says where the batch stands and writes nothing (exit 3), until it has ended', async () => {
		const ctx = context();
		await submit(ctx);
		const first = await collect(ctx, false);
		expect(first.code).toBe(3);
		expect(first.stdout).toMatch(/Batch batch_1 \(submitted .* UTC, gpt-6\.1-terra\): in_progress, 0 of 4 answered, 0 failed\./);
		expect(first.stdout).toContain('Nothing is collected until it ends');
		expect(await exists(specPath('alpha'))).toBe(false);
		const status = await cli(ctx, runBatchStatus);
		expect(status).toMatchObject({ code: 0, stdout: expect.stringContaining('finalizing') });
		// `status` (of the PRDs) names the pending batch, from the state file alone.
		const table = await cli(ctx, (c) => runStatus(c, false));
		expect(table.stdout).toMatch(/\nBatch batch_1 is pending since .* UTC with 4 specs \(`prd-specs batch status`, `batch collect`\)\.\n/);
		const json = JSON.parse((await cli(ctx, (c) => runStatus(c, true))).stdout) as { batch: unknown };
		expect(json.batch).toMatchObject({ id: 'batch_1', model: 'gpt-6.1-terra', requests: 4, collected: 0 });
		// `check` still fails (the specs are not there yet), and names the batch that will answer them.
		const check = await cli(ctx, runCheck);
		expect(check.code).toBe(1);
		expect(check.stdout).toContain('prds/alpha.md: no spec (src/content/specs/alpha.md); waiting in batch batch_1');
		expect(check.stdout).toContain('(the batch’s with `npx prd-specs batch collect` once it ends)'.replace('’', "'"));
		// The third look completes it.
		const done = await collect(ctx, false);
		expect(done.code).toBe(1);
		expect(await exists(specPath('alpha'))).toBe(true);
	});

	test('--wait polls with a progress line until the batch ends, then collects', async () => {
		const ctx = context();
		const run = await submit(ctx, true);
		expect(run.code).toBe(1);
		expect(run.stdout).toMatch(/in_progress, 0 of 4 answered, 0 failed\. \(waited [\d.]+ s\)\n/);
		expect(run.stdout).toMatch(/finalizing, 0 of 4 answered, 0 failed\. \(waited [\d.]+ s\)\n/);
		expect(run.stdout).toContain('Specs: 3 saved (1 after repair), 1 failed, 0 dropped');
	});

	test('the Responses API: requests go to /v1/responses with `input`', async () => {
		const ctx = context({ generation: { api: 'responses' } });
		expect((await submit(ctx, false, ['alpha', 'beta'])).code).toBe(0);
		const input = [...server.batch.files.values()][0]!;
		for (const line of input.content.trim().split('\n')) {
			const parsed = JSON.parse(line) as { url: string; body: Record<string, unknown> };
			expect(parsed.url).toBe('/v1/responses');
			expect(Object.keys(parsed.body).sort()).toEqual(['input', 'model']);
		}
		expect(server.batch.batches.get('batch_1')?.endpoint).toBe('/v1/responses');
		const collected = await collect(ctx);
		expect(collected.code, collected.stdout).toBe(0);
		expect(collected.stdout).toContain('Specs: 2 saved, 0 failed, 0 dropped');
		const beta = await readSpec('beta');
		expect(beta.ok && beta.spec.body).toContain('# Technical Specification: Betabook');
	});
});

describe('what changes between submit and collect', () => {
	test('a PRD edited after submit: its answer is dropped and its spec left alone; the others are saved', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha', 'beta']);
		await writeFile(join(root, 'prds/beta.md'), prdSource('title: Beta\nappName: Betabook', '## Goal\n\nShip it twice.\n'));
		const collected = await collect(ctx);
		expect(collected.code, collected.stdout).toBe(0);
		expect(collected.stdout).toMatch(/\nbeta\s+dropped\s+the PRD changed after the batch was submitted: its answer is for the old text\n/);
		expect(collected.stdout).toContain('Specs: 1 saved, 0 failed, 1 dropped');
		expect(collected.stdout).toContain('The dropped answers were for PRDs that changed');
		expect(await exists(specPath('alpha'))).toBe(true);
		expect(await exists(specPath('beta'))).toBe(false);
	});

	test('a collect cut short after some saves: the next one recognises what was saved, writes nothing twice and saves the rest', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha', 'beta', 'delta']);
		const submittedState = await readFile(stateFile(), 'utf8');
		expect((await collect(ctx)).code).toBe(0);
		// As if the process had died after saving alpha and delta, before recording them or saving beta.
		await writeFile(stateFile(), submittedState);
		await writeFile(specPath('beta'), '');
		const { rm } = await import('node:fs/promises');
		await rm(specPath('beta'));
		const alphaBefore = await readFile(specPath('alpha'), 'utf8');
		const deltaBefore = await readFile(specPath('delta'), 'utf8');
		const normalBefore = server.requests.filter((r) => r.path === '/v1/chat/completions').length;

		const again = await collect(ctx);
		expect(again.code, again.stdout).toBe(0);
		expect(again.stdout).toMatch(/\nalpha\s+saved earlier\s*\n/);
		expect(again.stdout).toMatch(/\nbeta\s+saved\s*\n/);
		expect(again.stdout).toMatch(/\ndelta\s+saved earlier\s*\n/);
		expect(again.stdout).toContain('Specs: 1 saved, 0 failed, 0 dropped, 2 settled earlier');
		expect(await readFile(specPath('alpha'), 'utf8')).toBe(alphaBefore);
		expect(await readFile(specPath('delta'), 'utf8')).toBe(deltaBefore);
		// Delta's repair was not asked again.
		expect(server.requests.filter((r) => r.path === '/v1/chat/completions').length).toBe(normalBefore);
		expect(await exists(stateFile())).toBe(false);
	});

	test('a submit cut short after creating the batch: collect finds the batch by its input file', async () => {
		const ctx = context();
		await submitCutShort(ctx, 'after create');
		const read = await readBatchState(root, 'src/content/specs');
		expect('state' in read && read.state).toMatchObject({ batch: null, inputFile: 'file-1' });
		const collected = await collect(ctx);
		expect(collected.code, collected.stdout).toBe(0);
		expect(server.batch.batches.size).toBe(1);
		expect(collected.stdout).toContain('Specs: 1 saved');
	});

	test('a submit cut short before creating the batch: collect creates it from the uploaded requests', async () => {
		const ctx = context();
		await submitCutShort(ctx, 'before create');
		expect(server.batch.batches.size).toBe(0);
		const collected = await collect(ctx);
		expect(collected.code, collected.stdout).toBe(0);
		expect(server.batch.batches.get('batch_1')?.input_file_id).toBe('file-1');
		expect(await exists(specPath('alpha'))).toBe(true);
	});

	test('cancel after a submit cut short before creating the batch: nothing to cancel, the state is forgotten', async () => {
		const ctx = context();
		await submitCutShort(ctx, 'before create');
		const cancelled = await cli(ctx, runBatchCancel);
		expect(cancelled).toMatchObject({
			code: 0,
			stdout: expect.stringContaining('The pending submit never created its batch: it is forgotten'),
		});
		expect(server.batch.batches.size).toBe(0);
		expect(await exists(stateFile())).toBe(false);
	});

	test('cancel: the batch ends cancelled; collect reports its unanswered requests as failed and clears it', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha', 'beta']);
		const cancelled = await cli(ctx, runBatchCancel);
		expect(cancelled.code).toBe(0);
		expect(cancelled.stdout).toContain('Batch batch_1 is being cancelled (cancelling).');
		const collected = await collect(ctx);
		expect(collected.code).toBe(1);
		expect(collected.stdout).toMatch(/\nalpha\s+failed\s+the batch was cancelled before answering it\n/);
		expect(await exists(stateFile())).toBe(false);
	});
});

describe('what stops a batch', () => {
	test('a server without the Batch API (404): a clear message, nothing recorded', async () => {
		server.batch.supported = false;
		const ctx = context();
		const run = await submit(ctx);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('the API at `OPENAI_BASE_URL` has no Batch API (it answered 404 to the Files endpoint)');
		expect(run.stderr).toContain('Generate without --batch: the normal mode works with this server.');
		expect(await exists(stateFile())).toBe(false);
	});

	test('a pending batch: a second submit is refused', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha']);
		const second = await submit(ctx, false, ['beta']);
		expect(second.code).toBe(1);
		expect(second.stderr).toContain('Batch batch_1, submitted');
		expect(second.stderr).toContain('Collect it first');
		expect(server.batch.batches.size).toBe(1);
	});

	test('an estimate over the budget: not submitted', async () => {
		const ctx = context({ generation: { maxCost: 0.001 } });
		const run = await submit(ctx);
		expect(run.code).toBe(1);
		expect(run.stderr).toMatch(/the estimated cost, \$0\.\d{3} before any repair round, is above the run's budget of \$0\.001/);
		expect(server.requests).toHaveLength(0);
	});

	test('a server that answers with an id that is not one: a clear failure, nothing recorded from it', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha']);
		server.batch.batches.get('batch_1')!.id = 'batch_1\n::error::injected';
		const run = await cli(ctx, runBatchStatus);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('The Batch API failed: the server answered with a batch or file id that is not one');
		expect(await readFile(stateFile(), 'utf8')).not.toContain('injected');
	});

	test('a state file that is not ours: named, with what to do', async () => {
		await writeFiles(root, { 'src/content/specs/_batch.json': '{"version":1,"batch":"batch 1"}' });
		const ctx = context();
		const run = await cli(ctx, runBatchStatus);
		expect(run.code).toBe(1);
		expect(run.stderr).toContain('src/content/specs/_batch.json › batch: must be an id of the API');
		expect(run.stderr).toContain('restore it from git, or delete it');
	});

	test('without a batch, status, collect and cancel say there is none; without a key, that it is needed', async () => {
		const ctx = context();
		expect(await cli(ctx, runBatchStatus)).toMatchObject({ code: 0, stdout: expect.stringContaining('No batch is pending') });
		expect(await collect(ctx)).toMatchObject({ code: 0, stdout: expect.stringContaining('No batch is pending: nothing to collect') });
		expect(await cli(ctx, runBatchCancel)).toMatchObject({
			code: 0,
			stdout: expect.stringContaining('No batch is pending: nothing to cancel'),
		});
		await submit(ctx, false, ['alpha']);
		ctx.io.env = {};
		for (const run of [runBatchStatus, runBatchCancel, (c: BatchContext) => runBatchCollect(c, { wait: false })]) {
			const result = await cli(ctx, run);
			expect(result).toMatchObject({ code: 2, stderr: expect.stringContaining('`OPENAI_API_KEY` is not set.') });
		}
		expect(await exists(stateFile())).toBe(true);
	});
});

describe('a pending batch and the other runs', () => {
	test('the build and `generate` do not ask again for the specs a pending batch will answer; a PRD edited since is generated', async () => {
		const ctx = context();
		await submit(ctx, false, ['alpha', 'beta']);
		await writeFile(join(root, 'prds/beta.md'), prdSource('title: Beta\nappName: Betabook', '## Goal\n\nShip it twice.\n'));
		const logs: string[] = [];
		const { outcomes } = await prepareSpecs({
			root,
			config: ctx.config,
			logger: recordingLogger(() => logs),
			env: ctx.io.env,
			mayGenerate: true,
			ids: ['alpha', 'beta'],
		});
		expect(outcomes.map((outcome) => [outcome.id, outcome.status])).toEqual([['beta', 'generated']]);
		expect(logs).toContain('info 1 spec is waiting in batch batch_1: `prd-specs batch collect` saves it.');
		expect(await exists(specPath('alpha'))).toBe(false);

		const generate = await cli(ctx, (c) => runGenerate(c, { ids: ['alpha'], force: false, dryRun: false }));
		expect(generate).toMatchObject({ code: 0 });
		expect(generate.stdout).toContain(
			'Nothing to generate: the spec is waiting in batch batch_1. `npx prd-specs batch collect` saves it once the batch ends',
		);
		expect(server.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
	});
});
