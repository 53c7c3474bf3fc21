import type { TokenUsage } from './generator.ts';

export interface ModelPrice {
	/** US dollars per million input tokens. */
	input: number;
	/** US dollars per million output tokens. */
	output: number;
}

/** Published prices of current models, per million tokens. */
export const KNOWN_PRICES: Readonly<Record<string, ModelPrice>> = {
	'gpt-6.1-terra': { input: 1, output: 5 },
	'gpt-6.1-sol': { input: 2, output: 10 },
	'gpt-6-luna': { input: 0.1, output: 0.5 },
};

/** Cost in US dollars, or undefined when the model's price is not known. */
export function estimateCost(model: string, usage: TokenUsage, extraPrices: Readonly<Record<string, ModelPrice>> = {}): number | undefined {
	const price = extraPrices[model] ?? KNOWN_PRICES[model];
	if (!price) return undefined;
	return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}
