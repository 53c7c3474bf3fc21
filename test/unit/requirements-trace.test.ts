import { describe, expect, it } from 'vitest';

import { findIdMentions, findIdTokens } from '../../src/integration/markdown/id-mentions.ts';
import { findRequirements } from '../../src/integration/prds/requirements.ts';
import { describeTraceGaps, traceSpec } from '../../src/integration/prds/trace.ts';
import {
	coverageCell,
	describeCoverage,
	findRequirementAnchors,
	linkCitations,
	linkRequirements,
} from '../../src/integration/rendering/requirements-trace.ts';

const PREFIXES = ['FR', 'NFR', 'REQ'];

const PRD = [
	'# Shop',
	'',
	'## Functional requirements',
	'',
	'- FR-1: Customers pay by card.',
	'- **FR-2** Customers see their orders.',
	'1. FR-3 Refunds within a day.',
	'',
	'## NFR-1 Latency under 200 ms',
	'',
	'Text.',
].join('\n');

const SPEC = [
	'# Technical Specification: Shop',
	'',
	'Intro citing FR-1.',
	'',
	'## Payments',
	'',
	'Covers FR-1 and FR-2, not XFR-3 or FR-12.',
	'',
	'```',
	'FR-3 in code',
	'```',
	'',
	'## Performance',
	'',
	'NFR-1 is met; FR-9 is not a requirement of the PRD.',
].join('\n');

function trace() {
	return traceSpec(findRequirements(PRD, PREFIXES), SPEC)!;
}

describe('tracing a spec', () => {
	it('finds the sections that cite each id, the missing ids and the unknown ones', () => {
		const result = trace();
		expect(result.requirements.map(({ requirement, sections }) => [requirement.id, sections.map((s) => s.slug ?? null)])).toEqual([
			['FR-1', [null, 'payments']],
			['FR-2', ['payments']],
			['FR-3', []],
			['NFR-1', ['performance']],
		]);
		expect(result).toMatchObject({ cited: 3, total: 4, missing: ['FR-3'], unknown: ['FR-12', 'FR-9'] });
	});

	it('is undefined for a PRD without requirement ids', () => {
		expect(traceSpec([], SPEC)).toBeUndefined();
	});

	it('warns naming the spec file and the ids', () => {
		expect(describeTraceGaps('src/content/specs/shop.md', 'prds/shop.md', trace())).toMatchObject({
			file: 'src/content/specs/shop.md',
			message:
				'cites 3 of the 4 requirement ids of prds/shop.md: it never cites FR-3; it also cites FR-12, FR-9, which prds/shop.md does not have.',
		});
		const complete = traceSpec(findRequirements('- FR-1 x', PREFIXES), '## A\n\nFR-1')!;
		expect(describeTraceGaps('s.md', 'p.md', complete)).toBeUndefined();
	});
});

describe('id tokens', () => {
	it('reads whole words only', () => {
		const ids = (text: string) => findIdTokens(text, new Set(PREFIXES)).map((token) => token.id);
		expect(ids('FR-1, (FR-2). XFR-3 FR-4a FR-5-b aFR-6 FR-7.2 FR-8. FR- FRX-1 fr-9 _FR-10')).toEqual(['FR-1', 'FR-2', 'FR-7.2', 'FR-8']);
	});

	it('takes time in proportion to the text', () => {
		const hostile = 'FR-'.repeat(200_000) + 'A'.repeat(200_000) + '-1'.repeat(100_000);
		const started = performance.now();
		findIdTokens(hostile, new Set(PREFIXES));
		findIdMentions(hostile, new Set(PREFIXES));
		expect(performance.now() - started).toBeLessThan(2000);
	});

	it('skips code, raw HTML and link destinations, and marks ids in link text', () => {
		const mentions = findIdMentions('`FR-1` [FR-3](#FR-4) FR-5\n\n    FR-6\n\n<div>\nFR-2\n</div>\n', new Set(PREFIXES));
		expect(mentions.map(({ id, inLink }) => [id, inLink])).toEqual([
			['FR-3', true],
			['FR-5', false],
		]);
	});
});

describe('the trace on the pages', () => {
	it('links each requirement of the PRD to the sections citing it, or marks it not addressed', () => {
		const body = linkRequirements(PRD, trace(), '/specs/shop/');
		expect(body).toContain(
			'- [FR\\-1](</specs/shop/>): (spec: [introduction](</specs/shop/>), [Payments](</specs/shop/#payments>)) Customers',
		);
		expect(body).toContain('- **[FR\\-2](</specs/shop/#payments>)** (spec: [Payments](</specs/shop/#payments>)) Customers see');
		expect(body).toContain('1. FR\\-3 *(not addressed by the spec)* Refunds');
		// The heading keeps its text (and with it its id); the note is a paragraph under it.
		expect(body).toContain(
			'## [NFR\\-1](</specs/shop/#performance>) Latency under 200 ms\n\n*NFR\\-1 in the spec: [Performance](</specs/shop/#performance>).*\n',
		);
	});

	it('links cited ids in the spec back to the PRD, outside code and links', () => {
		const { rest } = { rest: SPEC.slice(SPEC.indexOf('\n') + 1) };
		const anchors = findRequirementAnchors(PRD, findRequirements(PRD, PREFIXES));
		expect([...anchors]).toEqual([
			['FR-1', 'functional-requirements'],
			['FR-2', 'functional-requirements'],
			['FR-3', 'functional-requirements'],
			['NFR-1', 'nfr-1-latency-under-200-ms'],
		]);
		const linked = linkCitations(rest, trace(), anchors, '/prds/shop/');
		expect(linked).toContain(
			'Covers [FR\\-1](</prds/shop/#functional-requirements>) and [FR\\-2](</prds/shop/#functional-requirements>), not XFR-3 or FR-12.',
		);
		expect(linked).toContain('```\nFR-3 in code\n```');
		expect(linked).toContain('[NFR\\-1](</prds/shop/#nfr-1-latency-under-200-ms>) is met; FR-9 is');
	});

	it('leaves requirements alone when the id is not plain text at the start of the line', () => {
		const prd = '- `FR-1` in code\n- [FR-2](https://example.com) linked\n- \\FR-3 escaped';
		const requirements = [
			{ id: 'FR-1', text: '', line: 1 },
			{ id: 'FR-2', text: '', line: 2 },
			{ id: 'FR-3', text: '', line: 3 },
		];
		const result = traceSpec(requirements, '## A\n\nFR-1 FR-2 FR-3')!;
		expect(linkRequirements(prd, result, '/specs/x/')).toBe(prd);
	});

	it('escapes hostile section headings', () => {
		const spec = '## ](javascript:alert(1)) <img src=x onerror=alert(1)> *x*\n\nFR-1';
		const result = traceSpec([{ id: 'FR-1', text: 'x', line: 1 }], spec)!;
		const body = linkRequirements('- FR-1 x', result, '/specs/x/');
		expect(body).not.toContain('](javascript');
		expect(body).not.toMatch(/[^\\]<img/);
		expect(body).toContain('\\]\\(javascript');
	});

	it('says how many ids the spec addresses', () => {
		expect(describeCoverage(trace(), '/specs/shop/')).toBe(
			'**[Requirements addressed by the spec](</specs/shop/>):** 3 of 4. Not addressed: FR\\-3.',
		);
		expect(coverageCell(trace())).toBe('3/4');
		expect(coverageCell(undefined)).toBe('—');
	});
});
