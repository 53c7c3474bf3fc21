import { removeAbandonedTempFiles, writeSpecFile } from './cache/write.ts';
import { resolveModel, resolveOffline, OFFLINE_ENV_VAR, type PrdSpecsConfig } from './config.ts';
import type { SpecGenerator } from './generation/generator.ts';
import { createOpenAIGenerator } from './generation/openai.ts';
import { estimateCost } from './generation/pricing.ts';
import { formatTokens, generateSpecs, type ProgressLogger, type SpecOutcome } from './generation/run.ts';
import type { SpecSaver } from './generation/spec-saver.ts';
import { filterByState, loadProject, type ProjectReport } from './project.ts';

export interface PrepareSpecsOptions {
	root: string;
	config: PrdSpecsConfig;
	logger: ProgressLogger;
	env?: NodeJS.ProcessEnv;
	/** Whether this run may call the API at all (the build may; `astro sync` and dev do not). */
	mayGenerate: boolean;
	/** Replaces the OpenAI client, for tests of the pipeline. */
	createGenerator?: (options: { apiKey: string; model: string }) => SpecGenerator;
	signal?: AbortSignal;
}

export interface PreparedSpecs {
	/** The project after generation: what the pages are built from. */
	report: ProjectReport;
	/** One outcome per spec generation attempted (empty when nothing was generated). */
	outcomes: SpecOutcome[];
}

/**
 * Loads the project and, when a spec is missing or stale, an API key is set and nothing forbids
 * it, generates the spec. Shared by the build and the CLI.
 */
export async function prepareSpecs(options: PrepareSpecsOptions): Promise<PreparedSpecs> {
	const { root, config, logger, env = process.env } = options;
	const report = await loadProject(root, config);
	const targets = filterByState(report, 'missing', 'stale');
	if (report.problems.length > 0 || targets.length === 0 || !report.template) return { report, outcomes: [] };

	const count = `${targets.length} spec${targets.length > 1 ? 's' : ''}`;
	if (!options.mayGenerate) return { report, outcomes: [] };
	if (resolveOffline(config, env)) {
		logger.info(`Offline mode (\`generation.offline\` or \`${OFFLINE_ENV_VAR}\`): ${count} not generated; the cache is used as it is.`);
		return { report, outcomes: [] };
	}
	const apiKey = env.OPENAI_API_KEY?.trim();
	if (!apiKey) {
		logger.info(`\`OPENAI_API_KEY\` is not set: ${count} not generated; the cache is used as it is.`);
		return { report, outcomes: [] };
	}

	const model = resolveModel(config, env);
	const generator = options.createGenerator?.({ apiKey, model }) ?? createGenerator(config, env, apiKey);
	logger.info(`Generating ${count} with ${model}, ${config.generation.concurrency} at a time.`);
	const outcomes = await generateSpecs({
		template: report.template,
		targets,
		saver: specCacheSaver(root, config.specsDir),
		generator,
		concurrency: config.generation.concurrency,
		repairRounds: config.generation.repairRounds,
		maxInputTokens: config.generation.maxInputTokens,
		logger,
		...(options.signal && { signal: options.signal }),
	});
	logger.info(summarizeGeneration(outcomes, report.prds.length - targets.length, model, config.generation.prices));
	return { report: await loadProject(root, config), outcomes };
}

/** Generation saves into the spec cache: atomic writes of `<specsDir>/<id>.md` (see cache/write.ts). */
export function specCacheSaver(root: string, specsDir: string): SpecSaver {
	return {
		cleanUp: () => removeAbandonedTempFiles(root, specsDir),
		save: ({ body, prd, inputHash, templateHash, model, generatedAt, usage }) =>
			writeSpecFile(root, specsDir, { prd, inputHash, templateHash, source: 'model', model, generatedAt, usage }, body),
	};
}

/** The OpenAI client for a run, from the options and the environment. */
export function createGenerator(config: PrdSpecsConfig, env: NodeJS.ProcessEnv, apiKey: string): SpecGenerator {
	return createOpenAIGenerator({
		apiKey,
		baseURL: env.OPENAI_BASE_URL?.trim() || undefined,
		model: resolveModel(config, env),
		api: config.generation.api,
		timeoutMs: config.generation.timeoutSeconds * 1000,
		retries: config.generation.retries,
	});
}

/** `Specs: 2 generated, 3 reused, 1 failed; 14,012 tokens in, 10,960 out; about $0.07.` */
export function summarizeGeneration(
	outcomes: readonly SpecOutcome[],
	reused: number,
	model: string,
	prices: PrdSpecsConfig['generation']['prices'],
): string {
	const generated = outcomes.filter((o) => o.status === 'generated').length;
	const failed = outcomes.length - generated;
	const usage = outcomes.reduce(
		(sum, o) => ({ inputTokens: sum.inputTokens + o.usage.inputTokens, outputTokens: sum.outputTokens + o.usage.outputTokens }),
		{ inputTokens: 0, outputTokens: 0 },
	);
	const cost = estimateCost(model, usage, prices);
	const costText =
		cost === undefined ? `cost unknown for ${model} (set \`generation.prices\`)` : `about $${cost.toFixed(cost < 1 ? 3 : 2)}`;
	return `Specs: ${generated} generated, ${reused} reused, ${failed} failed; ${formatTokens(usage)}; ${costText}.`;
}
