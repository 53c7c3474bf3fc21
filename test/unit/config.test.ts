import { describe, expect, test } from 'vitest';

import { resolveReviewRequired, resolveStrict, validateConfig } from '../../src/integration/config.ts';

describe('validateConfig', () => {
	test('defaults', () => {
		expect(validateConfig(undefined)).toEqual({
			contentSecurityPolicy: true,
			remoteImages: false,
			prdsDir: 'prds',
			specsDir: 'src/content/specs',
			strict: false,
			overview: { slug: 'prds', title: 'Product requirements' },
			openQuestions: { slug: 'open-questions', title: 'Open questions', section: 'Clarification Requests or Feedback' },
			sidebar: { label: 'Specifications', position: 'start', layout: 'auto', listUpTo: 50 },
			search: { prdsPerIndex: 1000 },
			markdownCopies: true,
			llmsTxt: true,
			mermaid: true,
			generation: {
				model: 'gpt-6.1-terra',
				api: 'chat',
				concurrency: 2,
				timeoutSeconds: 600,
				retries: 2,
				repairRounds: 2,
				offline: false,
				inDev: false,
				maxInputTokens: 200_000,
				prices: {},
			},
			review: { required: false },
			requirements: { prefixes: ['FR', 'NFR', 'REQ'] },
		});
	});

	test('requirement prefixes are upper-case letters, checked with a clear message', () => {
		expect(validateConfig({ requirements: { prefixes: ['US', 'STORY'] } }).requirements.prefixes).toEqual(['US', 'STORY']);
		expect(validateConfig({ requirements: { prefixes: [] } }).requirements.prefixes).toEqual([]);
		for (const prefixes of [['fr'], ['FR-'], ['F.R'], ['ABCDEFGHIJK'], [''], ['(a+)+']]) {
			expect(() => validateConfig({ requirements: { prefixes } }), prefixes[0]).toThrow(
				'`requirements.prefixes` must list prefixes of 1 to 10 upper-case letters (A-Z), such as `FR` or `NFR`, without the `-`.',
			);
		}
		expect(() => validateConfig({ requirements: { prefixes: 'FR' } })).toThrow('`requirements.prefixes` must be a list of prefixes');
	});

	test('the budget, batch prices and the files for coding agents', () => {
		const config = validateConfig({
			generation: { maxCost: 12.5, prices: { 'my-model': { input: 1, output: 2, batch: { input: 0.4, output: 0.9 } } } },
			markdownCopies: false,
		});
		expect(config.generation.maxCost).toBe(12.5);
		expect(config.generation.prices['my-model']?.batch).toEqual({ input: 0.4, output: 0.9 });
		expect(config).toMatchObject({ markdownCopies: false, llmsTxt: true });
		expect(validateConfig({}).generation.maxCost).toBeUndefined();
		expect(() => validateConfig({ generation: { maxCost: 0 } })).toThrow(
			'`generation.maxCost` must be more than 0 dollars (leave it out for no budget).',
		);
		expect(() => validateConfig({ generation: { maxCost: '5' } })).toThrow('`generation.maxCost` must be an amount in US dollars');
		expect(() => validateConfig({ llmsTxt: 'yes' })).toThrow('`llmsTxt` must be `true` or `false`.');
		expect(() => validateConfig({ markdownCopies: 1 })).toThrow('`markdownCopies` must be `true` or `false`.');
		expect(() => validateConfig({ generation: { prices: { m: { input: 1, output: 1, batch: { input: -1, output: 1 } } } } })).toThrow(
			'generation.prices.m.batch.input',
		);
	});

	test('a bad option is an AstroError naming the option and what is allowed', () => {
		let error: unknown;
		try {
			validateConfig({ prdsDir: '/abs/prds', strict: 'yes', overview: { slug: 'Bad Slug' }, colour: 'red' });
		} catch (caught) {
			error = caught;
		}
		expect(error).toMatchObject({ name: 'AstroUserError' });
		const { message, hint } = error as { message: string; hint: string };
		expect(message).toMatchInlineSnapshot(`
			"Invalid prd-specs options:
			- \`prdsDir\`: \`prdsDir\` must be relative to the project root, not absolute.
			- \`strict\`: \`strict\` must be \`true\` or \`false\`.
			- \`overview.slug\`: \`overview.slug\` must be \`index\` or a lowercase path such as \`prds\` or \`docs/requirements\`.
			- \`colour\` is not an option."
		`);
		expect(hint).toContain(
			'Allowed options: `prdsDir`, `specsDir`, `template`, `strict`, `overview`, `openQuestions`, `sidebar`, `mermaid`, `remoteImages`, `contentSecurityPolicy`, `search`, `markdownCopies`, `llmsTxt`, `generation`',
		);
	});
});

describe('resolveStrict', () => {
	test('PRD_SPECS_STRICT overrides the option', () => {
		expect(resolveStrict({ strict: false }, {})).toBe(false);
		expect(resolveStrict({ strict: true }, {})).toBe(true);
		expect(resolveStrict({ strict: false }, { PRD_SPECS_STRICT: '1' })).toBe(true);
		expect(resolveStrict({ strict: false }, { PRD_SPECS_STRICT: 'TRUE' })).toBe(true);
		expect(resolveStrict({ strict: true }, { PRD_SPECS_STRICT: '0' })).toBe(false);
		expect(resolveStrict({ strict: true }, { PRD_SPECS_STRICT: '' })).toBe(true);
	});

	test('a value that is not a boolean is an error naming the variable', () => {
		expect(() => resolveStrict({ strict: false }, { PRD_SPECS_STRICT: 'sometimes' })).toThrow(
			'`PRD_SPECS_STRICT` is set to "sometimes", which is not a boolean.',
		);
	});
});

describe('review.required', () => {
	test('is off by default and takes a boolean', () => {
		expect(validateConfig({}).review).toEqual({ required: false });
		expect(validateConfig({ review: { required: true } }).review).toEqual({ required: true });
		expect(() => validateConfig({ review: { required: 'yes' } })).toThrow(
			'- `review.required`: `review.required` must be `true` or `false`.',
		);
		expect(() => validateConfig({ review: { needed: true } })).toThrow('- `review.needed` is not an option.');
	});

	test('PRD_SPECS_REVIEW_REQUIRED overrides the option', () => {
		const off = { review: { required: false } };
		const on = { review: { required: true } };
		expect(resolveReviewRequired(off, {})).toBe(false);
		expect(resolveReviewRequired(on, {})).toBe(true);
		expect(resolveReviewRequired(off, { PRD_SPECS_REVIEW_REQUIRED: '1' })).toBe(true);
		expect(resolveReviewRequired(off, { PRD_SPECS_REVIEW_REQUIRED: 'true' })).toBe(true);
		expect(resolveReviewRequired(on, { PRD_SPECS_REVIEW_REQUIRED: '0' })).toBe(false);
		expect(resolveReviewRequired(on, { PRD_SPECS_REVIEW_REQUIRED: 'False' })).toBe(false);
		expect(resolveReviewRequired(on, { PRD_SPECS_REVIEW_REQUIRED: '' })).toBe(true);
		// Strict mode's variable is a different switch.
		expect(resolveReviewRequired(off, { PRD_SPECS_STRICT: '1' })).toBe(false);
	});

	test('a value that is not a boolean is an error naming the variable', () => {
		expect(() => resolveReviewRequired({ review: { required: false } }, { PRD_SPECS_REVIEW_REQUIRED: 'maybe' })).toThrow(
			'`PRD_SPECS_REVIEW_REQUIRED` is set to "maybe", which is not a boolean.',
		);
	});
});
