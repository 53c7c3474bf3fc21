import { describe, expect, test } from 'vitest';

import { findRequirementProblems } from '../../src/integration/generation/validate.ts';
import {
	DEFAULT_REQUIREMENT_PREFIXES as PREFIXES,
	findCitations,
	findIdTokens,
	findRequirements,
} from '../../src/integration/prds/requirements.ts';

const ids = (body: string) => findRequirements(body, PREFIXES).map((requirement) => requirement.id);

describe('findRequirements', () => {
	test('ids at the start of list items and headings, with their text and line', () => {
		const body = [
			'# Checkout', // 1
			'', // 2
			'## Functional requirements', // 3
			'', // 4
			'- FR-1: Shoppers pay with one tap.', // 5
			'* FR-2 — Saved cards are listed first.', // 6
			'1. FR-3. Receipts are emailed.', // 7
			'12) REQ-4 Refunds within a day', // 8
			'', // 9
			'### NFR-1: Latency ###', // 10
			'###### REQ-1.2 Sub-requirement', // 11
		].join('\n');
		expect(findRequirements(body, PREFIXES)).toEqual([
			{ id: 'FR-1', text: 'Shoppers pay with one tap.', line: 5 },
			{ id: 'FR-2', text: 'Saved cards are listed first.', line: 6 },
			{ id: 'FR-3', text: 'Receipts are emailed.', line: 7 },
			{ id: 'REQ-4', text: 'Refunds within a day', line: 8 },
			{ id: 'NFR-1', text: 'Latency', line: 10 },
			{ id: 'REQ-1.2', text: 'Sub-requirement', line: 11 },
		]);
	});

	test('after emphasis, task boxes, nested lists and quotes', () => {
		const body = [
			'- **FR-1**: Bold id.',
			'- __FR-2__ Underlined id.',
			'- `FR-3` Code id.',
			'- _FR-4_: Italic id.',
			'- [ ] FR-5 Open task.',
			'  - FR-6 Nested item.',
			'> - FR-7 Quoted item.',
			'> ## FR-8 Quoted heading',
			'- **FR-9: bold all along**',
		].join('\n');
		expect(findRequirements(body, PREFIXES)).toEqual([
			{ id: 'FR-1', text: 'Bold id.', line: 1 },
			{ id: 'FR-2', text: 'Underlined id.', line: 2 },
			{ id: 'FR-3', text: 'Code id.', line: 3 },
			{ id: 'FR-4', text: 'Italic id.', line: 4 },
			{ id: 'FR-5', text: 'Open task.', line: 5 },
			{ id: 'FR-6', text: 'Nested item.', line: 6 },
			{ id: 'FR-7', text: 'Quoted item.', line: 7 },
			{ id: 'FR-8', text: 'Quoted heading', line: 8 },
			{ id: 'FR-9', text: 'bold all along', line: 9 },
		]);
	});

	test('not in code fences, not in the middle of a line, not in paragraphs, not as part of a word', () => {
		const body = [
			'```md',
			'- FR-1 In a fence.',
			'```',
			'~~~~',
			'## FR-2 In a tilde fence',
			'~~~',
			'~~~~',
			'As FR-3 says, in a paragraph.',
			'FR-4 starts a paragraph.',
			'- See FR-5 in the middle.',
			'- XFR-6 another prefix',
			'- FR-7a not an id',
			'- FR-1.2.3 too many parts',
			'- fr-8 lower case',
			'- FR- 9 no number',
			'-FR-10 no space after the marker',
			'#FR-11 no space after the hashes',
			'####### FR-12 seven hashes',
			'- FR-13 is one',
		].join('\n');
		expect(ids(body)).toEqual(['FR-13']);
	});

	test('duplicates are kept in order; prefixes are the given ones', () => {
		expect(ids('- FR-1 a\n- FR-1 b')).toEqual(['FR-1', 'FR-1']);
		expect(findRequirements('- STORY-1 As a user\n- FR-1 Not a prefix here', ['STORY']).map((r) => r.id)).toEqual(['STORY-1']);
		expect(findRequirements('- FR-1 x', [])).toEqual([]);
	});

	test('text is plain, one line, and at most 300 characters', () => {
		const [long] = findRequirements(`- FR-1: ${'word '.repeat(200)}`, PREFIXES);
		expect(long!.text.length).toBe(300);
		expect(long!.text.endsWith('…')).toBe(true);
		expect(findRequirements('- FR-1 Uses `tokens` and **bold**\tand tabs', PREFIXES)[0]!.text).toBe('Uses tokens and bold and tabs');
	});

	test('hostile input takes linear time', () => {
		const cases = [
			'FR-FR-FR-'.repeat(120_000),
			`- ${'FR-FR-FR-'.repeat(120_000)}`,
			'> '.repeat(500_000) + '- FR-1 deep',
			'- '.repeat(500_000) + 'FR-1 deep',
			'1. '.repeat(300_000),
			`## FR-1 ${' #'.repeat(400_000)} x`,
			`- FR-1 ${' '.repeat(1_000_000)}#`,
			'-1'.repeat(500_000),
			'A'.repeat(1_000_000) + '-1',
			'```\n'.repeat(200_000),
		];
		for (const body of cases) {
			const started = performance.now();
			findRequirements(body, PREFIXES);
			findIdTokens(body, new Set(PREFIXES));
			expect(performance.now() - started, body.slice(0, 20)).toBeLessThan(1000);
		}
		expect(findRequirements('> '.repeat(500_000) + '- FR-1 deep', PREFIXES)).toEqual([{ id: 'FR-1', text: 'deep', line: 1 }]);
	});
});

describe('findCitations', () => {
	const known = new Set(['FR-1', 'FR-12', 'NFR-1', 'REQ-1.2']);

	test('whole ids outside code blocks, with their line and section', () => {
		const body = [
			'# Technical Specification: Basketly', // 1
			'Covers FR-1 before any section.', // 2
			'## Architecture Overview', // 3
			'One-tap payment (FR-1, NFR-1).', // 4
			'```ts', // 5
			'// FR-12 in code does not count', // 6
			'```', // 7
			'### Details', // 8
			'- **FR-12**: handled; REQ-1.2 too.', // 9
			'## Security Requirements ##', // 10
			'Not XFR-1, FR-123, FR-1x, NFR-1.5, FR-12.1.1 nor FR-2; but `FR-1`.', // 11
		].join('\n');
		expect(findCitations(body, known)).toEqual([
			{ id: 'FR-1', line: 2, section: undefined },
			{ id: 'FR-1', line: 4, section: 'Architecture Overview' },
			{ id: 'NFR-1', line: 4, section: 'Architecture Overview' },
			{ id: 'FR-12', line: 9, section: 'Architecture Overview' },
			{ id: 'REQ-1.2', line: 9, section: 'Architecture Overview' },
			{ id: 'FR-1', line: 11, section: 'Security Requirements' },
		]);
	});

	test('an id at a sentence end, and one looked for inside a longer one', () => {
		expect(findCitations('Done: FR-1.', new Set(['FR-1']))).toEqual([{ id: 'FR-1', line: 1, section: undefined }]);
		expect(findCitations('Only FR-12 and FR-1.2 here.', new Set(['FR-1']))).toEqual([]);
		expect(findCitations('x', new Set())).toEqual([]);
	});
});

describe('findRequirementProblems', () => {
	const requirements = [
		{ id: 'FR-1', text: 'One-tap checkout', line: 3 },
		{ id: 'FR-2', text: 'Saved cards', line: 4 },
	];

	test('names each requirement never cited, with its text, and each cited id the PRD lacks', () => {
		expect(findRequirementProblems('## A\nDoes FR-1.\n```\nFR-2 in code\n```\nAnd FR-3, FR-3.', requirements)).toEqual([
			'Requirement FR-2 of the PRD is never cited: "Saved cards". Address it where the specification covers it, and cite FR-2 there.',
			"Line 6 cites FR-3, which is not a requirement id of the PRD; cite only the PRD's ids (FR-1, FR-2), or reword it.",
		]);
	});

	test('nothing when every id is cited, or when the PRD has none', () => {
		expect(findRequirementProblems('FR-1 and FR-2', requirements)).toEqual([]);
		expect(findRequirementProblems('Mentions FR-9 and NFR-1', [])).toEqual([]);
	});
});
