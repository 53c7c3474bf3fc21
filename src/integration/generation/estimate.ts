import { estimateTokens, fillTemplate, getPromptInputs } from '../prompt/inputs.ts';
import type { TokenUsage } from './generator.ts';
import { estimateCost, type ModelPrice, type PriceMode } from './pricing.ts';
import type { GenerationTarget } from './target.ts';

/** Typical length in tokens of a spec written from the template, for estimates when there is no previous one. */
export const TYPICAL_OUTPUT_TOKENS = 6000;

/**
 * What a target's first request is expected to use, before any repair round: its prompt (at four
 * characters a token), and an answer as long as the spec it replaces, or a typical spec's.
 */
export function estimateUsage(templateText: string, target: Pick<GenerationTarget, 'prd' | 'spec'>): TokenUsage {
	const inputTokens = estimateTokens(fillTemplate(templateText, getPromptInputs(target.prd)));
	const body = target.spec?.body;
	const outputTokens = body === undefined ? TYPICAL_OUTPUT_TOKENS : Math.ceil(body.length / 4);
	return { inputTokens, outputTokens };
}

export interface EstimatedTarget<T> {
	target: T;
	usage: TokenUsage;
	/** The prompt is over `generation.maxInputTokens`: it would not be sent, and costs nothing. */
	tooLarge: boolean;
	/** US dollars; undefined when the model's price is not known. */
	cost: number | undefined;
}

export interface RunEstimate<T> {
	targets: EstimatedTarget<T>[];
	/** Of the targets that would be sent. */
	usage: TokenUsage;
	cost: number | undefined;
}

/** The dry run's estimate of a run: each target's tokens and cost, and the total of those that would be sent. */
export function estimateRun<T extends Pick<GenerationTarget, 'prd' | 'spec'>>(
	templateText: string,
	targets: readonly T[],
	options: { model: string; prices: Readonly<Record<string, ModelPrice>>; mode: PriceMode; maxInputTokens: number },
): RunEstimate<T> {
	const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
	const estimated = targets.map((target) => {
		const expected = estimateUsage(templateText, target);
		const tooLarge = expected.inputTokens > options.maxInputTokens;
		if (!tooLarge) {
			usage.inputTokens += expected.inputTokens;
			usage.outputTokens += expected.outputTokens;
		}
		return { target, usage: expected, tooLarge, cost: estimateCost(options.model, expected, options.prices, options.mode) };
	});
	return { targets: estimated, usage, cost: estimateCost(options.model, usage, options.prices, options.mode) };
}
