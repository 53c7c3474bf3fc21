import { describe, expect, test } from 'vitest';

import { deriveTitle, titleFromId, withoutPrdPrefix } from '../../src/integration/prds/derived-title.ts';

describe('withoutPrdPrefix', () => {
	test.each([
		['Product Requirements Document: Checkout', 'Checkout'],
		['product requirements document - Checkout', 'Checkout'],
		['Product Requirements Doc – Checkout', 'Checkout'],
		['Product Requirements Document (PRD): Checkout', 'Checkout'],
		['PRD: Checkout', 'Checkout'],
		['PRD — Checkout', 'Checkout'],
		['prd  -  Checkout: v2', 'Checkout: v2'],
	])('%s', (heading, title) => {
		expect(withoutPrdPrefix(heading)).toBe(title);
	});

	test.each(['Checkout', 'PRDs: a list', 'Product Requirements Document', 'PRD Checkout', 'Product requirements for checkout'])(
		'keeps %s',
		(heading) => {
			expect(withoutPrdPrefix(heading)).toBe(heading);
		},
	);

	test('is linear on a long heading', () => {
		const heading = `PRD${' '.repeat(100_000)}x`;
		const start = performance.now();
		expect(withoutPrdPrefix(heading)).toBe(heading);
		expect(performance.now() - start).toBeLessThan(100);
	});
});

describe('deriveTitle', () => {
	test('takes the leading heading, one line, without its prefix', () => {
		expect(deriveTitle('\n# PRD: Check\tout #\n\nBody', 1, 'x')).toEqual({ ok: true, title: 'Check out' });
	});

	test('falls back to the file name when there is no leading heading, or it is only a prefix', () => {
		expect(deriveTitle('Text\n\n# Later', 1, 'checkout-flow')).toEqual({ ok: true, title: 'Checkout flow' });
		expect(deriveTitle('# PRD:\n\nText', 1, 'v2-search')).toEqual({ ok: true, title: 'V2 search' });
		expect(titleFromId('a')).toBe('A');
	});

	test('a heading over the title limit is a problem naming its line', () => {
		const result = deriveTitle(`\n\n# PRD: ${'x'.repeat(201)}\n`, 4, 'long');
		expect(result).toEqual({
			ok: false,
			message: 'the first heading (line 6), used as the title, is 201 characters long; at most 200 are allowed.',
			hint: expect.stringContaining('Shorten the heading'),
		});
		expect(deriveTitle(`# ${'x'.repeat(200)}`, 1, 'long')).toMatchObject({ ok: true });
	});
});
