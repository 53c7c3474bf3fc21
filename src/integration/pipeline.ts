import { createBatchWaitCheck, readBatchState } from './cache/batch-state.ts';
import { describeReplacedSpec } from './cache/replaced.ts';
import { removeAbandonedTempFiles, writeSpecFile } from './cache/write.ts';
import { resolveModel, resolveOffline, OFFLINE_ENV_VAR, type PrdSpecsConfig } from './config.ts';
import type { SpecGenerator } from './generation/generator.ts';
import { createOpenAIGenerator } from './generation/openai.ts';
import { estimateRun, estimateUsage } from './generation/estimate.ts';
import { costOfUsage, estimateCost, formatDollars, type PriceMode } from './generation/pricing.ts';
import { formatTokens, generateSpecs, type ProgressEvent, type ProgressLogger, type SpecOutcome } from './generation/run.ts';
import type { SpecSaver } from './generation/spec-saver.ts';
import { loadProject, type PrdWithSpec, type ProjectReport } from './project.ts';

/** What the client that writes the specs is made from. */
export interface GeneratorOptions {
	apiKey: string;
	model: string;
	config: PrdSpecsConfig;
	env: NodeJS.ProcessEnv;
}

/** Makes the client that writes the specs. One seam for the build and the CLI: tests pass a fake. */
export type CreateGenerator = (options: GeneratorOptions) => SpecGenerator;

export interface PrepareSpecsOptions {
	root: string;
	config: PrdSpecsConfig;
	logger: ProgressLogger;
	env?: NodeJS.ProcessEnv;
	/** Whether this run may call the API at all (the build may; `astro sync`, dev and a dry run do not). */
	mayGenerate: boolean;
	/** Only the PRDs with these ids (every PRD when there are none); an id no PRD has stops the run. */
	ids?: readonly string[] | undefined;
	/** Regenerates fresh specs too. */
	force?: boolean | undefined;
	/** Specs generated at once, instead of `generation.concurrency`. */
	concurrency?: number | undefined;
	/** The run's budget in US dollars, instead of `generation.maxCost`. */
	maxCost?: number | undefined;
	/** Called once generation is about to start (`plan`), then as each spec starts, enters a repair round and ends. */
	onProgress?: ((event: PrepareProgressEvent) => void) | undefined;
	/**
	 * Whether `logger` gets the run's own lines (why nothing is generated, `Generating …`, the
	 * summary), as the build and `astro dev` show them: the default. The CLI prints its own, from the
	 * `plan` event and the result.
	 */
	logRunLines?: boolean | undefined;
	/** Replaces the OpenAI client, for tests. */
	createGenerator?: CreateGenerator | undefined;
	signal?: AbortSignal;
}

export type PrepareProgressEvent =
	| {
			type: 'plan';
			targets: readonly PrdWithSpec[];
			model: string;
			concurrency: number;
			/** Specs left out: the pending batch will answer them. */
			waitingInBatch: number;
	  }
	| ProgressEvent;

/** Why nothing was generated, in the order the reasons are checked. */
export type SkipReason =
	/** Problems in the PRDs, the spec cache or the template (`report.problems` says which). */
	| { reason: 'bad-input' }
	| { reason: 'unknown-ids'; ids: string[] }
	/** Every spec selected is fresh, or there is no PRD. */
	| { reason: 'no-targets' }
	/** Every spec to generate is waiting in the pending batch (`generate --batch`): `batch collect` saves it. */
	| { reason: 'in-batch'; batch: string | null; count: number }
	/** `mayGenerate` is false; `targets` says what would have been generated. */
	| { reason: 'not-allowed' }
	| { reason: 'offline' }
	| { reason: 'no-api-key' }
	/** The run's estimate is above its budget (`generation.maxCost` or `maxCost`), or cannot be made. */
	| { reason: 'over-budget'; maxCost: number; model: string; estimate: number | undefined };

interface PreparedProject {
	/** The project (after generation, when it ran): what the pages are built from. */
	report: ProjectReport;
	/** The PRDs selected for generation, whether or not it ran. */
	targets: PrdWithSpec[];
	/** One outcome per spec generation attempted (empty when nothing was generated). */
	outcomes: SpecOutcome[];
}

/** Nothing was generated, for the reason given. */
export interface SkippedGeneration extends PreparedProject {
	skipped: SkipReason;
	summary?: undefined;
}

interface FinishedGeneration extends PreparedProject {
	skipped?: undefined;
	/** `Specs: 2 generated, 3 reused, 1 failed; …` */
	summary: string;
}

export type PreparedSpecs = SkippedGeneration | FinishedGeneration;

/** What a run will generate, and with what: or why it will not. */
export type PlannedRun =
	| (SkippedGeneration & { apiKey?: undefined })
	| {
			skipped?: undefined;
			report: ProjectReport & { template: NonNullable<ProjectReport['template']> };
			targets: PrdWithSpec[];
			/** Specs left out: the pending batch will answer them. */
			waitingInBatch: number;
			apiKey: string;
			model: string;
			maxCost: number | undefined;
	  };

/**
 * The checks every run makes before it sends anything, in order: the project loads without
 * problems, the ids exist, something is to be generated, the run may call the API, offline mode
 * is off, an API key is set, and the estimate (at the prices of `mode`) fits the budget.
 */
export async function planRun(
	options: Pick<PrepareSpecsOptions, 'root' | 'config' | 'logger' | 'env' | 'mayGenerate' | 'ids' | 'force' | 'maxCost' | 'logRunLines'>,
	mode: PriceMode,
): Promise<PlannedRun> {
	const { root, config, logger, env = process.env, logRunLines = true } = options;
	const report = await loadProject(root, config);
	const skip = (skipped: SkipReason, targets: PrdWithSpec[] = []): SkippedGeneration => ({ report, targets, outcomes: [], skipped });
	if (report.problems.length > 0 || !report.template) return skip({ reason: 'bad-input' });
	const { targets, unknownIds } = selectTargets(report, options.ids ?? [], options.force ?? false);
	if (unknownIds.length > 0) return skip({ reason: 'unknown-ids', ids: unknownIds });
	if (targets.length === 0) return skip({ reason: 'no-targets' });
	// A spec a pending batch will answer is not asked for again (at twice the price).
	const pending = await readBatchState(root, config.specsDir);
	const inBatch = createBatchWaitCheck('state' in pending ? pending.state : undefined);
	const waiting = targets.filter((status) => inBatch(status.prd.id, status.inputHash));
	if (waiting.length > 0) {
		const batch = 'state' in pending ? (pending.state?.batch ?? null) : null;
		const left = targets.filter((status) => !inBatch(status.prd.id, status.inputHash));
		if (logRunLines)
			logger.info(
				`${waiting.length} spec${waiting.length > 1 ? 's are' : ' is'} waiting in batch ${batch ?? '(being created)'}: \`prd-specs batch collect\` saves ${waiting.length > 1 ? 'them' : 'it'}.`,
			);
		if (left.length === 0) return skip({ reason: 'in-batch', batch, count: waiting.length }, waiting);
		targets.splice(0, targets.length, ...left);
	}
	const waitingInBatch = waiting.length;
	if (!options.mayGenerate) return skip({ reason: 'not-allowed' }, targets);

	const count = `${targets.length} spec${targets.length > 1 ? 's' : ''}`;
	if (resolveOffline(config, env)) {
		if (logRunLines)
			logger.info(`Offline mode (\`generation.offline\` or \`${OFFLINE_ENV_VAR}\`): ${count} not generated; the cache is used as it is.`);
		return skip({ reason: 'offline' }, targets);
	}
	const apiKey = env.OPENAI_API_KEY?.trim();
	if (!apiKey) {
		if (logRunLines) logger.info(`\`OPENAI_API_KEY\` is not set: ${count} not generated; the cache is used as it is.`);
		return skip({ reason: 'no-api-key' }, targets);
	}

	const model = resolveModel(config, env);
	const maxCost = options.maxCost ?? config.generation.maxCost;
	if (maxCost !== undefined) {
		const { prices, maxInputTokens } = config.generation;
		const { cost } = estimateRun(report.template.text, targets, { model, prices, mode, maxInputTokens });
		if (cost === undefined || cost > maxCost) {
			const skipped = { reason: 'over-budget' as const, maxCost, model, estimate: cost };
			if (logRunLines) logger.warn(`${count} not generated: ${describeOverBudget(skipped)}`);
			return skip(skipped, targets);
		}
	}
	return { report: { ...report, template: report.template }, targets, waitingInBatch, apiKey, model, maxCost };
}

/**
 * Loads the project and generates the specs selected (by default the missing and stale ones) when
 * this run may, nothing forbids it and an API key is set. The one way into generation, for the
 * build, `astro dev` and the CLI; the result says why nothing was generated, for each caller to
 * report its own way.
 */
export async function prepareSpecs(options: PrepareSpecsOptions): Promise<PreparedSpecs> {
	const { root, config, logger, env = process.env, logRunLines = true } = options;
	const plan = await planRun(options, 'normal');
	if (plan.skipped) return plan;
	const { report, targets, apiKey, model, maxCost, waitingInBatch } = plan;
	const { prices } = config.generation;
	const count = `${targets.length} spec${targets.length > 1 ? 's' : ''}`;
	const generator = (options.createGenerator ?? createOpenAIClient)({ apiKey, model, config, env });
	const concurrency = options.concurrency ?? config.generation.concurrency;
	options.onProgress?.({ type: 'plan', targets, model, concurrency, waitingInBatch });
	if (logRunLines) logger.info(`Generating ${count} with ${model}, ${concurrency} at a time.`);
	const outcomes = await generateSpecs({
		template: report.template,
		targets,
		saver: specCacheSaver(root, config.specsDir),
		generator,
		concurrency,
		repairRounds: config.generation.repairRounds,
		maxInputTokens: config.generation.maxInputTokens,
		...(maxCost !== undefined && {
			budget: {
				maxCost,
				estimate: (target) => estimateCost(model, estimateUsage(report.template.text, target), prices) ?? 0,
				cost: (usage) => estimateCost(model, usage, prices) ?? 0,
			},
		}),
		logger,
		...(options.onProgress && { onProgress: options.onProgress }),
		...(options.signal && { signal: options.signal }),
	});
	const summary = summarizeGeneration(outcomes, report.prds.length - targets.length, model, prices);
	if (logRunLines) logger.info(summary);
	return { report: await loadProject(root, config), targets, outcomes, summary };
}

/**
 * The PRDs to generate: of the named ones (every PRD when none is named), those whose spec is
 * missing or stale, or all of them with `force`; in the project's order. Also the named ids no
 * PRD has.
 */
function selectTargets(report: ProjectReport, ids: readonly string[], force: boolean): { targets: PrdWithSpec[]; unknownIds: string[] } {
	const known = new Set(report.prds.map((status) => status.prd.id));
	const unknownIds = ids.filter((id) => !known.has(id));
	const selected = ids.length > 0 ? report.prds.filter((status) => ids.includes(status.prd.id)) : report.prds;
	return { targets: force ? selected : selected.filter((status) => status.state !== 'fresh'), unknownIds };
}

/**
 * Generation saves into the spec cache: atomic writes of `<specsDir>/<id>.md` (see cache/write.ts).
 * A spec written over another records the sections of the one it replaces (see `describeReplacedSpec`).
 */
export function specCacheSaver(root: string, specsDir: string): SpecSaver {
	return {
		cleanUp: () => removeAbandonedTempFiles(root, specsDir),
		save: async ({ body, prd, inputHash, templateHash, model, generatedAt, usage }) => {
			const replaced = await describeReplacedSpec(root, specsDir, prd);
			const metadata = { prd, inputHash, templateHash, source: 'model' as const, model, generatedAt, usage, ...(replaced && { replaced }) };
			return writeSpecFile(root, specsDir, metadata, body);
		},
	};
}

/** The OpenAI client for a run, from the options and the environment. */
export function createOpenAIClient({ apiKey, model, config, env }: GeneratorOptions): SpecGenerator {
	return createOpenAIGenerator({
		apiKey,
		baseURL: env.OPENAI_BASE_URL?.trim() || undefined,
		model,
		api: config.generation.api,
		timeoutMs: config.generation.timeoutSeconds * 1000,
		retries: config.generation.retries,
	});
}

/** Why a run over its budget did not start: its estimate, or that there is none. */
export function describeOverBudget({ maxCost, model, estimate }: Extract<SkipReason, { reason: 'over-budget' }>): string {
	if (estimate === undefined)
		return `the run has a budget of ${formatDollars(maxCost)} (\`generation.maxCost\` or --max-cost), but the price of ${model} is not known, so its cost cannot be estimated: set \`generation.prices\` for it.`;
	return `the estimated cost, ${formatDollars(estimate)} before any repair round, is above the run's budget of ${formatDollars(maxCost)} (\`generation.maxCost\` or --max-cost). Generate fewer specs at once (name their ids), or raise the budget.`;
}

/**
 * `Specs: 2 generated, 3 reused, 1 failed; 14,012 tokens in, 10,960 out; about $0.07.`, with the
 * specs the budget left out (`2 not started (budget)`) when there are any. Tokens a batch answered
 * are priced at the batch price.
 */
export function summarizeGeneration(
	outcomes: readonly SpecOutcome[],
	reused: number,
	model: string,
	prices: PrdSpecsConfig['generation']['prices'],
): string {
	const generated = outcomes.filter((o) => o.status === 'generated').length;
	const skipped = outcomes.filter((o) => o.status === 'skipped').length;
	const failed = outcomes.length - generated - skipped;
	const { usage, cost } = sumUsage(outcomes, model, prices);
	const costText = cost === undefined ? `cost unknown for ${model} (set \`generation.prices\`)` : `about ${formatDollars(cost)}`;
	const notStarted = skipped > 0 ? `, ${skipped} not started (budget reached)` : '';
	return `Specs: ${generated} generated, ${reused} reused, ${failed} failed${notStarted}; ${formatTokens(usage)}; ${costText}.`;
}

/** Tokens of the outcomes, and their cost (a batch's part at the batch price); undefined cost when the price is not known. */
export function sumUsage(
	outcomes: readonly Pick<SpecOutcome, 'usage'>[],
	model: string,
	prices: PrdSpecsConfig['generation']['prices'],
): { usage: { inputTokens: number; outputTokens: number }; cost: number | undefined } {
	const usage = { inputTokens: 0, outputTokens: 0 };
	let cost = estimateCost(model, usage, prices);
	for (const outcome of outcomes) {
		usage.inputTokens += outcome.usage.inputTokens;
		usage.outputTokens += outcome.usage.outputTokens;
		const one = costOfUsage(model, outcome.usage, prices);
		cost = cost === undefined || one === undefined ? undefined : cost + one;
	}
	return { usage, cost };
}
