import type { TokenUsage } from './generator.ts';

export interface TokenPrice {
	/** US dollars per million input tokens. */
	input: number;
	/** US dollars per million output tokens. */
	output: number;
}

export interface ModelPrice extends TokenPrice {
	/** Prices of the Batch API; half of `input` and `output` when not set. */
	batch?: TokenPrice | undefined;
}

/** Published prices of current models, per million tokens (their Batch API prices are half). */
export const KNOWN_PRICES: Readonly<Record<string, ModelPrice>> = {
	'gpt-6.1-terra': { input: 1, output: 5 },
	'gpt-6.1-sol': { input: 2, output: 10 },
	'gpt-6-luna': { input: 0.1, output: 0.5 },
};

/** Requests sent to the normal API, or answered by a batch (see `generate --batch`). */
export type PriceMode = 'normal' | 'batch';

/** Usage of one spec, with the part of it that a batch answered (at the batch price). */
export interface SpecUsage extends TokenUsage {
	batch?: TokenUsage | undefined;
}

/** The price per million tokens of `model` in `mode`, or undefined when the model's price is not known. */
export function priceOf(model: string, mode: PriceMode, extraPrices: Readonly<Record<string, ModelPrice>> = {}): TokenPrice | undefined {
	const price = extraPrices[model] ?? KNOWN_PRICES[model];
	if (!price) return undefined;
	if (mode === 'normal') return price;
	return price.batch ?? { input: price.input / 2, output: price.output / 2 };
}

/** Cost in US dollars, or undefined when the model's price is not known. */
export function estimateCost(
	model: string,
	usage: TokenUsage,
	extraPrices: Readonly<Record<string, ModelPrice>> = {},
	mode: PriceMode = 'normal',
): number | undefined {
	const price = priceOf(model, mode, extraPrices);
	if (!price) return undefined;
	return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/** Cost of a spec's usage: its `batch` part at the batch price, the rest (repair rounds, normal runs) at the normal price. */
export function costOfUsage(model: string, usage: SpecUsage, extraPrices: Readonly<Record<string, ModelPrice>> = {}): number | undefined {
	const batch = usage.batch ?? { inputTokens: 0, outputTokens: 0 };
	const rest = {
		inputTokens: Math.max(0, usage.inputTokens - batch.inputTokens),
		outputTokens: Math.max(0, usage.outputTokens - batch.outputTokens),
	};
	const normal = estimateCost(model, rest, extraPrices, 'normal');
	const batched = estimateCost(model, batch, extraPrices, 'batch');
	return normal === undefined || batched === undefined ? undefined : normal + batched;
}

/** `$0.068` under a dollar, `$12.40` above. */
export function formatDollars(cost: number): string {
	return `$${cost.toFixed(cost < 1 ? 3 : 2)}`;
}
