import type { TokenUsage } from './generator.ts';
import type { GenerationTarget } from './target.ts';

/**
 * A run's budget in US dollars: a spec starts only while what the run spent, what the specs in
 * progress are expected to cost and this spec's own estimate stay within `maxCost`. With fair
 * estimates the run then ends under its budget; repair rounds of the specs in progress can take it
 * a little over, and stop every spec after them from starting.
 */
export interface RunBudget {
	maxCost: number;
	/** Estimated cost of a target's spec, before any repair round. */
	estimate(target: GenerationTarget): number;
	/** What tokens used cost, at the prices of the run. */
	cost(usage: TokenUsage): number;
}

/** Tracks a run's spending against its budget; `undefined` budget: everything may start. */
export function createBudgetTracker(budget: RunBudget | undefined) {
	let spent = 0;
	let reserved = 0;
	return {
		/** Whether `target` may start; if so its estimate is reserved until `finish`. */
		tryStart(target: GenerationTarget): { started: true; estimate: number } | { started: false } {
			if (!budget) return { started: true, estimate: 0 };
			const estimate = budget.estimate(target);
			if (spent + reserved + estimate > budget.maxCost) return { started: false };
			reserved += estimate;
			return { started: true, estimate };
		},
		/** A spec that started has ended, having used `usage`. */
		finish(estimate: number, usage: TokenUsage): void {
			if (!budget) return;
			reserved -= estimate;
			spent += budget.cost(usage);
		},
		get spent(): number {
			return spent;
		},
	};
}
