import { expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import type { PrdWithSpec } from '../../src/integration/project.ts';
import { buildEntries, type EntryOptions } from '../../src/integration/rendering/entries.ts';
import { isSearchedApart, planSearchIndexes } from '../../src/integration/rendering/search-indexes.ts';
import { prdStatus, projectReport } from '../helpers/project.ts';

const status = (id: string, withSpec: boolean): PrdWithSpec =>
	prdStatus(id, { title: `PRD ${id}`, state: withSpec ? 'fresh' : 'missing', ...(withSpec && { specBody: '# Spec\n\nText.' }) });

const OPTIONS: EntryOptions = {
	base: '/',
	overview: { slug: 'prds', title: 'All PRDs' },
	openQuestions: { slug: 'open-questions', title: 'Open questions', section: 'Clarification Requests or Feedback' },
	specsDir: 'src/content/specs',
};

const report = (prds: PrdWithSpec[]) => projectReport(prds);

test('up to `prdsPerIndex` PRDs, Starlight’s index takes every page', () => {
	const small = report([status('a', true), status('b', false)]);
	expect(planSearchIndexes(small, 2)).toEqual([]);
	expect(isSearchedApart(small, 2)).toBe(false);
});

test('above it, PRD and spec pages go to indexes of `prdsPerIndex` PRDs in id order, placeholders left out', () => {
	const large = report([status('payments/refunds', true), status('billing', false), status('payments/checkout', true)]);
	expect(isSearchedApart(large, 2)).toBe(true);
	expect(planSearchIndexes(large, 2)).toEqual([
		{ path: '_prd-specs/search/1/', slugs: ['prds/billing', 'prds/payments/checkout', 'specs/payments/checkout'] },
		{ path: '_prd-specs/search/2/', slugs: ['prds/payments/refunds', 'specs/payments/refunds'] },
	]);
	expect(planSearchIndexes(large, 1).map((part) => part.path)).toEqual([
		'_prd-specs/search/1/',
		'_prd-specs/search/2/',
		'_prd-specs/search/3/',
	]);
});

test('pages searched apart are left out of Starlight’s index; index pages stay in it', () => {
	const project = report([status('a', true), status('b', true)]);
	const pagefind = (searchApart: boolean) =>
		Object.fromEntries(buildEntries(project, { ...OPTIONS, searchApart }).map((entry) => [entry.id, entry.data.pagefind]));
	expect(pagefind(true)).toMatchObject({ 'prds/a': false, 'specs/a': false, 'prds/b': false, 'specs/b': false, prds: undefined });
	expect(pagefind(false)).toMatchObject({ 'prds/a': undefined, 'specs/a': undefined });
});

test('`search.prdsPerIndex` is a whole number of PRDs, 1 or more', () => {
	expect(validateConfig({}).search.prdsPerIndex).toBe(1000);
	expect(validateConfig({ search: { prdsPerIndex: 250 } }).search.prdsPerIndex).toBe(250);
	for (const bad of [0, 2.5, '100']) {
		expect(() => validateConfig({ search: { prdsPerIndex: bad } }), String(bad)).toThrow(
			'`search.prdsPerIndex` must be a whole number of PRDs, 1 or more.',
		);
	}
	expect(() => validateConfig({ search: { perIndex: 3 } })).toThrow('perIndex');
});
