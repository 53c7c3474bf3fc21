import {
	readBatchState,
	removeBatchState,
	writeBatchState,
	MAX_BATCH_REQUESTS,
	type BatchRequest,
	type BatchState,
} from './cache/batch-state.ts';
import type { CachedSpec } from './cache/spec-file.ts';
import type { PrdSpecsConfig } from './config.ts';
import { batchRequestId, batchRequestLine, parseBatchResults, type BatchResult } from './generation/batch-requests.ts';
import { createBatchClient, type BatchClient, type BatchClientOptions, type BatchInfo } from './generation/openai-batch.ts';
import { estimateRun } from './generation/estimate.ts';
import type { TokenUsage } from './generation/generator.ts';
import { estimateCost, type SpecUsage } from './generation/pricing.ts';
import { generateSpecs, type ProgressLogger, type SpecOutcome } from './generation/run.ts';
import { estimateTokens, fillTemplate, getPromptInputs } from './prompt/inputs.ts';
import { createOpenAIClient, planRun, specCacheSaver, sumUsage, type CreateGenerator, type SkippedGeneration } from './pipeline.ts';
import type { Problem } from './problems.ts';
import { loadProject, type PrdWithSpec } from './project.ts';
import { resolveOffline } from './config.ts';

/**
 * `generate --batch` and `batch collect`: the specs of a run sent as one batch of the OpenAI Batch
 * API (half the price, answered within 24 hours), then collected through the same checks, repair
 * rounds and atomic saves as a normal run. What was submitted is kept in the spec cache
 * (`_batch.json`, see `cache/batch-state.ts`), so that any machine can collect it.
 */

/** Makes the Files and Batches client; tests pass one pointed at the fake server. */
export type CreateBatchClient = (options: BatchClientOptions) => BatchClient;

export interface BatchRunOptions {
	root: string;
	config: PrdSpecsConfig;
	logger: ProgressLogger;
	env: NodeJS.ProcessEnv;
	createBatchClient?: CreateBatchClient | undefined;
	/** Replaces the OpenAI client of the repair rounds, for tests. */
	createGenerator?: CreateGenerator | undefined;
	now?: () => Date;
}

export interface SubmitOptions extends BatchRunOptions {
	ids?: readonly string[] | undefined;
	force?: boolean | undefined;
	maxCost?: number | undefined;
}

/** Why a batch cannot be read or used: the state file, or the run's settings. */
export type BatchBlocked =
	| { blocked: 'state-problem'; problem: Problem }
	/** Problems in the PRDs, the spec cache or the template: nothing is collected until they are fixed. */
	| { blocked: 'bad-input'; problems: Problem[] }
	| { blocked: 'offline' }
	| { blocked: 'no-api-key' }
	/** A batch is pending already: one at a time, so that no answer is collected twice. */
	| { blocked: 'pending'; state: BatchState; file: string };

export type SubmitResult =
	| BatchBlocked
	| (SkippedGeneration & { blocked?: undefined; submitted?: undefined })
	| {
			blocked?: undefined;
			skipped?: undefined;
			submitted: BatchInfo;
			state: BatchState;
			/** PRDs left out: their prompt is over `generation.maxInputTokens`. */
			tooLarge: PrdWithSpec[];
			/** The dry run's estimate of the batch, at batch prices and at normal prices (undefined: the model's price is not known). */
			estimate: { usage: TokenUsage; cost: number | undefined; costAtNormalPrices: number | undefined };
	  };

/** Bytes of the input file: the Batch API takes at most 200 MB. */
const MAX_INPUT_FILE_BYTES = 190 * 1024 * 1024;

/**
 * Submits the specs a normal run would generate as one batch: writes their requests, uploads them,
 * records the upload in the state file, creates the batch and records its id. A crash between the
 * upload and the last write leaves a state that `collectBatch` completes (it finds or creates the
 * batch), never an unknown batch.
 */
export async function submitBatch(options: SubmitOptions): Promise<SubmitResult> {
	const { root, config } = options;
	const existing = await readBatchState(root, config.specsDir);
	if ('problem' in existing) return { blocked: 'state-problem', problem: existing.problem };
	if (existing.state) return { blocked: 'pending', state: existing.state, file: existing.file };
	const plan = await planRun({ ...options, mayGenerate: true, logRunLines: false }, 'batch');
	if (plan.skipped) return plan;
	const { report, targets, apiKey, model } = plan;
	const { api, maxInputTokens } = config.generation;
	const tooLarge: PrdWithSpec[] = [];
	const included: PrdWithSpec[] = [];
	const lines: string[] = [];
	const requests: BatchRequest[] = [];
	for (const target of targets) {
		const prompt = fillTemplate(report.template.text, getPromptInputs(target.prd));
		if (estimateTokens(prompt) > maxInputTokens) {
			tooLarge.push(target);
			continue;
		}
		const id = batchRequestId(requests.length, target.inputHash);
		requests.push({ id, prd: target.prd.id, inputHash: target.inputHash });
		included.push(target);
		lines.push(batchRequestLine(api, model, id, [{ role: 'user', content: prompt }]));
	}
	if (requests.length === 0) return { report, targets, outcomes: [], skipped: { reason: 'no-targets' } };
	if (requests.length > MAX_BATCH_REQUESTS)
		throw new Error(
			`${requests.length.toLocaleString('en-US')} specs are more than one batch takes (${MAX_BATCH_REQUESTS.toLocaleString('en-US')}): submit them in parts, naming their ids.`,
		);
	const jsonl = `${lines.join('\n')}\n`;
	if (Buffer.byteLength(jsonl) > MAX_INPUT_FILE_BYTES)
		throw new Error(
			`the requests of ${requests.length.toLocaleString('en-US')} specs are ${Math.round(Buffer.byteLength(jsonl) / 1024 / 1024)} MB, more than a batch's input file may be (200 MB): submit them in parts, naming their ids.`,
		);
	const client = makeClient(options, apiKey);
	const inputFile = await client.upload(jsonl);
	const state: BatchState = {
		version: 1,
		batch: null,
		inputFile,
		api,
		model,
		templateHash: report.template.hash,
		submittedAt: (options.now?.() ?? new Date()).toISOString(),
		requests,
	};
	await writeBatchState(root, config.specsDir, state);
	const submitted = await client.create(inputFile, api);
	state.batch = submitted.id;
	await writeBatchState(root, config.specsDir, state);
	const { prices } = config.generation;
	const { usage, cost } = estimateRun(report.template.text, included, { model, prices, mode: 'batch', maxInputTokens });
	return { submitted, state, tooLarge, estimate: { usage, cost, costAtNormalPrices: estimateCost(model, usage, prices) } };
}

function makeClient(options: BatchRunOptions, apiKey: string): BatchClient {
	const { config, env } = options;
	return (options.createBatchClient ?? createBatchClient)({
		apiKey,
		baseURL: env.OPENAI_BASE_URL?.trim() || undefined,
		retries: config.generation.retries,
		timeoutMs: config.generation.timeoutSeconds * 1000,
	});
}

/** The state file, the API key and a client, or why there is no batch to work on. */
async function openBatch(
	options: BatchRunOptions,
): Promise<
	| BatchBlocked
	| { blocked?: undefined; state: undefined }
	| { blocked?: undefined; state: BatchState; file: string; client: BatchClient; apiKey: string }
> {
	const { root, config, env } = options;
	const read = await readBatchState(root, config.specsDir);
	if ('problem' in read) return { blocked: 'state-problem', problem: read.problem };
	if (!read.state) return { state: undefined };
	if (resolveOffline(config, env)) return { blocked: 'offline' };
	const apiKey = env.OPENAI_API_KEY?.trim();
	if (!apiKey) return { blocked: 'no-api-key' };
	return { state: read.state, file: read.file, client: makeClient(options, apiKey), apiKey };
}

/** Finds the batch of an interrupted submit (created, its id not recorded), or creates it from the uploaded requests. */
async function completeSubmit(options: BatchRunOptions, state: BatchState, client: BatchClient): Promise<BatchInfo> {
	const found = await client.findByInputFile(state.inputFile);
	const batch = found ?? (await client.create(state.inputFile, state.api));
	state.batch = batch.id;
	await writeBatchState(options.root, options.config.specsDir, state);
	return batch;
}

export type StatusResult =
	BatchBlocked | { blocked?: undefined; state: undefined } | { blocked?: undefined; state: BatchState; file: string; batch: BatchInfo };

/** Where the pending batch stands (finishing an interrupted submit first). */
export async function batchStatus(options: BatchRunOptions): Promise<StatusResult> {
	const opened = await openBatch(options);
	if (opened.blocked || !opened.state) return opened;
	const { state, client, file } = opened;
	const batch = state.batch === null ? await completeSubmit(options, state, client) : await client.retrieve(state.batch);
	return { state, file, batch };
}

/**
 * Asks the API to cancel the pending batch; `collectBatch` then saves what it finished and clears
 * it. `batch: undefined`: a submit cut short had not created it, and the state is removed.
 */
export async function cancelBatch(
	options: BatchRunOptions,
): Promise<
	| BatchBlocked
	| { blocked?: undefined; state: undefined }
	| { blocked?: undefined; state: BatchState; file: string; batch: BatchInfo | undefined }
> {
	const opened = await openBatch(options);
	if (opened.blocked || !opened.state) return opened;
	const { state, client, file } = opened;
	if (state.batch === null) {
		// A submit cut short: cancel the batch if it was created, and forget it if it was not.
		const found = await client.findByInputFile(state.inputFile);
		if (!found) {
			await removeBatchState(options.root, options.config.specsDir);
			return { state, file, batch: undefined };
		}
		state.batch = found.id;
		await writeBatchState(options.root, options.config.specsDir, state);
	}
	const current = await client.retrieve(state.batch);
	const batch = current.ended ? current : await client.cancel(current.id);
	return { state, file, batch };
}

/** How each request of a batch was settled by a collect. */
export interface CollectedRequest {
	request: BatchRequest;
	prdFile: string | undefined;
	outcome: 'saved' | 'failed' | 'dropped';
	/** Saved after repair rounds. */
	repaired?: boolean;
	/** Saved by an earlier collect (found written, or recorded). */
	earlier?: boolean;
	/** Why it failed or was dropped. */
	reason?: string;
	usage: SpecUsage;
}

export type CollectResult =
	| StatusResult
	| {
			blocked?: undefined;
			state: BatchState;
			file: string;
			batch: BatchInfo;
			collected: CollectedRequest[];
			/** Lines of the output and error files that were not OpenAI's. */
			unreadable: number;
			/** Cost of the collected answers and their repairs (undefined: the model's price is not known), and at normal prices. */
			cost: number | undefined;
			costAtNormalPrices: number | undefined;
			usage: { inputTokens: number; outputTokens: number };
	  };

/** Download limit per request of a batch: a spec file is at most 1 MB, its line in the output file twice that at most. */
const OUTPUT_BYTES_PER_REQUEST = 2 * 1024 * 1024;
const MAX_OUTPUT_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Collects the pending batch once it has ended (until then, says where it stands and writes
 * nothing): every answer goes through the normal checks and repair rounds and is saved atomically;
 * a request that failed, or an answer that fails its checks after the repairs, is reported (its
 * spec stays stale, for the next run); an answer for a PRD that changed since it was submitted
 * is dropped. Each settled request is recorded in the state file as it is settled, and a spec of
 * this batch found written is taken as settled: a collect cut short anywhere loses nothing, and
 * another writes nothing twice. The state file goes once every request is settled.
 */
export async function collectBatch(options: BatchRunOptions & { concurrency?: number | undefined }): Promise<CollectResult> {
	const { root, config, env, logger } = options;
	const opened = await openBatch(options);
	if (opened.blocked || !opened.state) return opened;
	const { state, file, client, apiKey } = opened;
	const batch = state.batch === null ? await completeSubmit(options, state, client) : await client.retrieve(state.batch);
	const batchId = batch.id;
	const base = { state, file, batch };
	if (!batch.ended) return base;

	const maxBytes = Math.min(MAX_OUTPUT_FILE_BYTES, state.requests.length * OUTPUT_BYTES_PER_REQUEST);
	const files: string[] = [];
	for (const fileId of [batch.outputFileId, batch.errorFileId]) if (fileId) files.push(await client.download(fileId, maxBytes));
	const { results, unreadable } = parseBatchResults(state.api, files, apiKey);

	const report = await loadProject(root, config);
	if (report.problems.length > 0 || !report.template) return { blocked: 'bad-input', problems: report.problems };
	const byId = new Map(report.prds.map((status) => [status.prd.id, status]));
	const collected: CollectedRequest[] = [];
	const answered: { request: BatchRequest; status: PrdWithSpec; result: Extract<BatchResult, { ok: true }>['result'] }[] = [];
	const zero = () => ({ inputTokens: 0, outputTokens: 0 });
	for (const request of state.requests) {
		const status = byId.get(request.prd);
		const entry = (outcome: CollectedRequest['outcome'], extra: Partial<CollectedRequest> = {}): CollectedRequest => ({
			request,
			prdFile: status?.prd.file,
			outcome,
			usage: zero(),
			...extra,
		});
		if (request.outcome) {
			collected.push(entry(request.outcome, { earlier: true, reason: 'settled by an earlier collect' }));
			continue;
		}
		if (status && writtenByBatch(status.spec, batchId, request.inputHash)) {
			request.outcome = 'saved';
			collected.push(entry('saved', { earlier: true }));
			continue;
		}
		const result = results.get(request.id);
		if (!status || status.inputHash !== request.inputHash) {
			request.outcome = 'dropped';
			collected.push(
				entry('dropped', {
					reason: status
						? `${report.template.hash !== state.templateHash ? 'the prompt template' : 'the PRD'} changed after the batch was submitted: its answer is for the old text`
						: 'the PRD is gone',
				}),
			);
			continue;
		}
		if (!result || !result.ok) {
			request.outcome = 'failed';
			collected.push(entry('failed', { reason: result ? result.error : describeMissing(batch) }));
			continue;
		}
		answered.push({ request, status, result: result.result });
	}
	// What is settled so far is recorded before any answer is checked: a collect cut short does not do it again.
	await writeBatchState(root, config.specsDir, state);

	if (answered.length > 0) {
		const generator = (options.createGenerator ?? createOpenAIClient)({ apiKey, model: state.model, config, env });
		const saver = specCacheSaver(root, config.specsDir);
		// Saves and records run one after another: the state file is rewritten whole each time.
		let recording = Promise.resolve();
		const record = (request: BatchRequest, outcome: 'saved' | 'failed') => {
			request.outcome = outcome;
			recording = recording.then(() => writeBatchState(root, config.specsDir, state));
			return recording;
		};
		const requestOf = new Map(answered.map((item) => [item.status.prd.id, item.request]));
		const outcomes = await generateSpecs({
			template: report.template,
			targets: answered.map(({ status, result }) => ({ ...status, answer: { batchId, result } })),
			saver: {
				cleanUp: () => saver.cleanUp(),
				save: async (spec) => {
					const written = await saver.save(spec);
					await record(requestOf.get(spec.prd)!, 'saved');
					return written;
				},
			},
			generator,
			concurrency: options.concurrency ?? config.generation.concurrency,
			repairRounds: config.generation.repairRounds,
			maxInputTokens: config.generation.maxInputTokens,
			logger,
			...(options.now && { now: options.now }),
		});
		for (const [index, outcome] of outcomes.entries()) {
			const { request } = answered[index]!;
			if (outcome.status !== 'generated') await record(request, 'failed');
			collected.push(fromOutcome(request, outcome));
		}
		await recording;
	}
	if (state.requests.every((request) => request.outcome !== undefined)) await removeBatchState(root, config.specsDir);
	const order = new Map(state.requests.map((request, index) => [request.id, index]));
	collected.sort((a, b) => order.get(a.request.id)! - order.get(b.request.id)!);
	const fresh = collected.filter((item) => !item.earlier);
	const { usage, cost } = sumUsage(fresh, state.model, config.generation.prices);
	const costAtNormalPrices = estimateCost(state.model, usage, config.generation.prices);
	return { ...base, collected, unreadable, cost, costAtNormalPrices, usage };
}

function fromOutcome(request: BatchRequest, outcome: SpecOutcome): CollectedRequest {
	return {
		request,
		prdFile: outcome.prdFile,
		outcome: outcome.status === 'generated' ? 'saved' : 'failed',
		...(outcome.repaired && { repaired: true }),
		...(outcome.error && { reason: outcome.error }),
		usage: outcome.usage,
	};
}

/** The spec on disk is this batch's answer for this version of the PRD: a collect saved it already. */
function writtenByBatch(spec: CachedSpec | undefined, batchId: string, inputHash: string): boolean {
	return spec?.metadata.usage?.batch?.id === batchId && spec.metadata.inputHash === inputHash;
}

function describeMissing(batch: BatchInfo): string {
	if (batch.status === 'expired') return 'the batch expired (24 hours) before answering it';
	if (batch.status === 'cancelled') return 'the batch was cancelled before answering it';
	if (batch.status === 'failed') return `the batch failed${batch.errors.length > 0 ? `: ${batch.errors.join('; ')}` : ''}`;
	return 'the batch has no answer for it';
}
