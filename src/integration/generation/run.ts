import type { AstroIntegrationLogger } from 'astro';

import { redactSecrets } from '../secrets.ts';
import { LIMITS } from '../limits.ts';
import { printable, toSingleLine, truncate } from '../text/plain-text.ts';
import { cleanSpecOutput } from './output.ts';
import { GenerationError, type ChatMessage, type SpecGenerator, type TokenUsage } from './generator.ts';
import { startMermaidChecker, type MermaidChecker } from '../diagrams/mermaid-check.ts';
import { estimateTokens, fillTemplate, getPromptInputs } from '../prompt/inputs.ts';
import type { PromptTemplate } from '../prompt/template.ts';
import { createBudgetTracker, type RunBudget } from './budget.ts';
import { formatDollars, type SpecUsage } from './pricing.ts';
import { buildRepairMessage } from './repair-message.ts';
import type { SpecSaver } from './spec-saver.ts';
import type { GenerationTarget } from './target.ts';
import { findSpecProblems } from './validate.ts';

export type ProgressLogger = Pick<AstroIntegrationLogger, 'info' | 'warn' | 'error'>;

export interface GenerateSpecsOptions {
	template: PromptTemplate;
	/** The PRDs whose spec to generate. */
	targets: readonly GenerationTarget[];
	/** Where each spec that passes its checks is saved. */
	saver: SpecSaver;
	generator: SpecGenerator;
	concurrency: number;
	repairRounds: number;
	/** Prompts estimated larger than this are not sent. */
	maxInputTokens?: number;
	logger: ProgressLogger;
	/** Called as each spec starts, enters a repair round, and ends: for live progress displays. */
	onProgress?: (event: ProgressEvent) => void;
	signal?: AbortSignal;
	/** Clock for `generatedAt`, replaceable in tests. */
	now?: () => Date;
	/** No spec starts that would take the run over it (see `RunBudget`). */
	budget?: RunBudget | undefined;
}

export type ProgressEvent =
	| { type: 'start'; id: string; prdFile: string }
	| { type: 'repair'; id: string; round: number; problems: number }
	| { type: 'end'; outcome: SpecOutcome };

export interface SpecOutcome {
	id: string;
	prdFile: string;
	/** `skipped`: not started, because the run's budget would not cover it. */
	status: 'generated' | 'failed' | 'skipped';
	/** The spec file written, for `generated`. */
	specFile?: string;
	seconds: number;
	/** Every token of the spec, with the part a batch answered. */
	usage: SpecUsage;
	requests: number;
	/** Why it failed or was skipped: one sentence, or the problems left after the repair rounds. */
	error?: string;
	/** The model's answer came from a batch and needed repair rounds. */
	repaired?: boolean;
}

/**
 * Generates, checks, repairs and saves the spec of each target, `concurrency` at a time. A spec
 * is saved (atomically, by `saver`) as soon as it passes its checks; a spec that fails leaves
 * the cache as it was. Never throws for a failed generation: each outcome says what happened.
 */
export async function generateSpecs(options: GenerateSpecsOptions): Promise<SpecOutcome[]> {
	await options.saver.cleanUp();
	// Started now, so that loading mermaid in the worker overlaps the first requests.
	const checker = options.targets.length > 0 ? startMermaidChecker() : undefined;
	// A failed start is reported by each spec's check; this only keeps it from going unhandled.
	checker?.catch(() => undefined);
	const getChecker = () => checker!;
	const budget = createBudgetTracker(options.budget);
	try {
		return await mapWithConcurrency(options.targets, options.concurrency, async (target) => {
			const start = budget.tryStart(target);
			if (!start.started) return skipOverBudget(target, options, budget.spent);
			const outcome = await generateOne(target, options, getChecker);
			budget.finish(start.estimate, outcome.usage);
			return outcome;
		});
	} finally {
		await checker?.then(
			(started) => started.close(),
			() => undefined,
		);
	}
}

/** The outcome of a spec the budget does not cover: not started, the spec there is left as it is. */
function skipOverBudget(target: GenerationTarget, options: GenerateSpecsOptions, spent: number): SpecOutcome {
	const maxCost = options.budget!.maxCost;
	const error = `not started: with it the run would go over its budget of ${formatDollars(maxCost)} (\`generation.maxCost\` or --max-cost; ${formatDollars(spent)} spent so far)`;
	const outcome: SpecOutcome = {
		id: target.prd.id,
		prdFile: target.prd.file,
		status: 'skipped',
		seconds: 0,
		usage: { inputTokens: 0, outputTokens: 0 },
		requests: 0,
		error,
	};
	options.logger.warn(`${target.prd.file}: ${error}.`);
	options.onProgress?.({ type: 'end', outcome });
	return outcome;
}

async function generateOne(
	target: GenerationTarget,
	options: GenerateSpecsOptions,
	getChecker: () => Promise<MermaidChecker>,
): Promise<SpecOutcome> {
	const { prd } = target;
	const { generator, logger, template } = options;
	const started = performance.now();
	const usage: SpecUsage = { inputTokens: 0, outputTokens: 0 };
	const { answer } = target;
	let requests = 0;
	const outcome = (status: SpecOutcome['status'], extra: Partial<SpecOutcome>): SpecOutcome => {
		const result: SpecOutcome = {
			id: prd.id,
			prdFile: prd.file,
			status,
			seconds: (performance.now() - started) / 1000,
			usage,
			requests,
			...extra,
		};
		options.onProgress?.({ type: 'end', outcome: result });
		return result;
	};

	options.onProgress?.({ type: 'start', id: prd.id, prdFile: prd.file });
	logger.info(
		answer
			? `${prd.file}: checking the answer of batch ${answer.batchId}...`
			: `${prd.file}: generating its spec with ${generator.model} (${target.state === 'stale' ? 'the PRD changed' : 'no spec yet'})...`,
	);
	const prompt = fillTemplate(template.text, getPromptInputs(prd));
	const promptTokens = estimateTokens(prompt);
	if (options.maxInputTokens !== undefined && promptTokens > options.maxInputTokens) {
		const message = `its prompt is about ${promptTokens.toLocaleString('en-US')} tokens, over the \`generation.maxInputTokens\` limit of ${options.maxInputTokens.toLocaleString('en-US')}; shorten the PRD, or raise the limit if the model takes more`;
		logger.error(`${prd.file}: no spec generated: ${message}.${target.spec ? ` ${target.spec.file} is kept.` : ''}`);
		return outcome('failed', { error: message });
	}
	let messages: ChatMessage[] = [{ role: 'user', content: prompt }];
	try {
		for (let round = 0; ; round++) {
			const fromBatch = round === 0 && answer !== undefined;
			const result = fromBatch ? answer.result : await generator.generate(messages, options.signal);
			requests++;
			usage.inputTokens += result.usage.inputTokens;
			usage.outputTokens += result.usage.outputTokens;
			if (fromBatch) usage.batch = { ...result.usage };
			const cleaned = cleanSpecOutput(result.text);
			// Problems quote model output (mermaid's errors quote the diagram): one escaped line each.
			const problems = (
				await findSpecProblems(
					{
						body: cleaned.body,
						cleaningProblems: cleaned.problems,
						truncated: result.truncated,
						sections: template.sections,
						requirements: prd.requirements,
					},
					await getChecker(),
				)
			).map((problem) => printable(problem, 1000));
			if (problems.length === 0) {
				const specFile = await options.saver.save({
					prd: prd.id,
					inputHash: target.inputHash,
					templateHash: template.hash,
					// The server names the model: kept to what a spec file may record.
					model: truncate(toSingleLine(result.model), LIMITS.modelChars) || generator.model,
					generatedAt: (options.now?.() ?? new Date()).toISOString(),
					usage: {
						inputTokens: usage.inputTokens,
						outputTokens: usage.outputTokens,
						requests,
						...(answer && usage.batch && { batch: { id: answer.batchId, ...usage.batch } }),
					},
					body: cleaned.body,
				});
				const done = outcome('generated', { specFile, ...(answer && round > 0 && { repaired: true }) });
				logger.info(`${prd.file}: wrote ${specFile} in ${done.seconds.toFixed(1)} s (${formatTokens(usage)}).`);
				return done;
			}
			if (round >= options.repairRounds) {
				const failed = outcome('failed', { error: problems.join(' ') });
				logger.error(
					`${prd.file}: the generated spec still has ${problems.length} problem${problems.length > 1 ? 's' : ''} after ${round} repair round${round === 1 ? '' : 's'}, so it was not saved${target.spec ? ` and ${target.spec.file} is kept` : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
				);
				return failed;
			}
			options.onProgress?.({ type: 'repair', id: prd.id, round: round + 1, problems: problems.length });
			logger.warn(
				`${prd.file}: the spec has ${problems.length} problem${problems.length > 1 ? 's' : ''}; asking the model to fix ${problems.length > 1 ? 'them' : 'it'} (repair round ${round + 1} of ${options.repairRounds}). First: ${problems[0]}`,
			);
			messages = [
				messages[0]!,
				{ role: 'assistant', content: cleaned.body || result.text },
				{
					role: 'user',
					content: buildRepairMessage(
						problems,
						prd.requirements?.map((requirement) => requirement.id),
					),
				},
			];
		}
	} catch (error) {
		// A failed write or checker is as much this PRD's failure as a failed request: the other
		// specs go on, and the outcome says why.
		const message = printable(
			error instanceof GenerationError
				? error.message
				: `unexpected error: ${redactSecrets(error instanceof Error ? error.message : String(error))}`,
		);
		const failed = outcome('failed', { error: message });
		logger.error(`${prd.file}: no spec generated: ${message}.${target.spec ? ` ${target.spec.file} is kept.` : ''}`);
		return failed;
	}
}

/** Runs `task` over `items` with at most `limit` running at once; results keep the input order. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
	const results = new Array<R>(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await task(items[index]!);
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
	return results;
}

export function formatTokens(usage: TokenUsage): string {
	return `${usage.inputTokens.toLocaleString('en-US')} tokens in, ${usage.outputTokens.toLocaleString('en-US')} out`;
}
