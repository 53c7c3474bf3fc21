import { describe, expect, test } from 'vitest';

import { costOfUsage, estimateCost } from '../../src/integration/generation/pricing.ts';
import type { SpecOutcome } from '../../src/integration/generation/run.ts';
import { summarizeGeneration } from '../../src/integration/pipeline.ts';

const MILLION = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe('estimateCost', () => {
	test('the README prices per million tokens in/out', () => {
		expect(estimateCost('gpt-6.1-terra', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(1);
		expect(estimateCost('gpt-6.1-terra', { inputTokens: 0, outputTokens: 1_000_000 })).toBe(5);
		expect(estimateCost('gpt-6.1-sol', { inputTokens: 1_000_000, outputTokens: 0 })).toBe(2);
		expect(estimateCost('gpt-6.1-sol', { inputTokens: 0, outputTokens: 1_000_000 })).toBe(10);
		expect(estimateCost('gpt-6-luna', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(0.1, 12);
		expect(estimateCost('gpt-6-luna', { inputTokens: 0, outputTokens: 1_000_000 })).toBeCloseTo(0.5, 12);
	});

	test('`generation.prices` adds models and is used before the built-in price', () => {
		const prices = { 'my-model': { input: 0.5, output: 1.5 }, 'gpt-6-luna': { input: 3, output: 4 } };
		expect(estimateCost('my-model', MILLION, prices)).toBe(2);
		expect(estimateCost('gpt-6-luna', MILLION, prices)).toBe(7);
		expect(estimateCost('my-model', MILLION)).toBeUndefined();
		expect(estimateCost('gpt-6.1-terra-preview', MILLION)).toBeUndefined();
	});
});

function generated(inputTokens: number, outputTokens: number): SpecOutcome {
	return { id: 'x', prdFile: 'prds/x.md', status: 'generated', usage: { inputTokens, outputTokens }, requests: 1, seconds: 1 };
}

describe('the summary line of a generation run', () => {
	// The README's example: 2 specs with 13,950 tokens in and 10,730 out.
	const outcomes = [generated(7012, 5480), generated(6938, 5250)];

	test.each([
		['gpt-6.1-terra', 'about $0.068'], // 0.01395 + 0.05365 = 0.0676
		['gpt-6.1-sol', 'about $0.135'], // 0.0279 + 0.1073 = 0.1352
		['gpt-6-luna', 'about $0.007'], // 0.001395 + 0.005365 = 0.00676
	])('%s: %s', (model, cost) => {
		expect(summarizeGeneration(outcomes, 3, model, {})).toBe(
			`Specs: 2 generated, 3 reused, 0 failed; 13,950 tokens in, 10,730 out; ${cost}.`,
		);
	});

	test('a price from `generation.prices`; a dollar or more has two decimals; an unknown model is named', () => {
		const prices = { 'my-model': { input: 0.5, output: 1.5 } };
		// 0.006975 + 0.016095 = 0.02307
		expect(summarizeGeneration(outcomes, 0, 'my-model', prices)).toBe(
			'Specs: 2 generated, 0 reused, 0 failed; 13,950 tokens in, 10,730 out; about $0.023.',
		);
		// 200,000 in and 100,000 out with gpt-6.1-sol: 0.4 + 1 = 1.4
		const failed: SpecOutcome = { ...generated(0, 0), status: 'failed' };
		expect(summarizeGeneration([generated(200_000, 100_000), failed], 1, 'gpt-6.1-sol', {})).toBe(
			'Specs: 1 generated, 1 reused, 1 failed; 200,000 tokens in, 100,000 out; about $1.40.',
		);
		expect(summarizeGeneration(outcomes, 0, 'qwen3', {})).toBe(
			'Specs: 2 generated, 0 reused, 0 failed; 13,950 tokens in, 10,730 out; cost unknown for qwen3 (set `generation.prices`).',
		);
	});
});

describe('Batch API prices', () => {
	test('half the normal price unless `generation.prices` sets them apart', () => {
		expect(estimateCost('gpt-6.1-terra', MILLION, {}, 'batch')).toBe(3);
		expect(estimateCost('my-model', MILLION, { 'my-model': { input: 1, output: 3 } }, 'batch')).toBe(2);
		expect(estimateCost('my-model', MILLION, { 'my-model': { input: 1, output: 3, batch: { input: 0.8, output: 2 } } }, 'batch')).toBe(2.8);
		expect(estimateCost('unknown', MILLION, {}, 'batch')).toBeUndefined();
	});

	test("a spec's cost: the part a batch answered at the batch price, its repair rounds at the normal price", () => {
		// 1M in / 1M out of which the batch answered 0.5M in / 0.5M out: 0.5 × (1 + 5) / 2 + 0.5 × (1 + 5) = 1.5 + 3.
		const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000, batch: { inputTokens: 500_000, outputTokens: 500_000 } };
		expect(costOfUsage('gpt-6.1-terra', usage)).toBe(4.5);
		expect(costOfUsage('gpt-6.1-terra', MILLION)).toBe(6);
		expect(costOfUsage('unknown', usage)).toBeUndefined();
	});

	test('the summary of a collect prices the batch part apart', () => {
		const outcome: SpecOutcome = {
			id: 'x',
			prdFile: 'prds/x.md',
			status: 'generated',
			usage: { inputTokens: 1_000_000, outputTokens: 0, batch: { inputTokens: 1_000_000, outputTokens: 0 } },
			requests: 1,
			seconds: 1,
		};
		expect(summarizeGeneration([outcome], 0, 'gpt-6.1-terra', {})).toBe(
			'Specs: 1 generated, 0 reused, 0 failed; 1,000,000 tokens in, 0 out; about $0.500.',
		);
	});
});
