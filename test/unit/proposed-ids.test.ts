import { describe, expect, test } from 'vitest';

import { headingKey, proposeRequirementIds } from '../../src/integration/prds/proposed-ids.ts';

const proposed = (body: string) => proposeRequirementIds(body).map(({ id, line, after }) => [id, line, after]);

describe('proposeRequirementIds', () => {
	test('top-level items under requirement-like headings, subheadings included; nothing elsewhere', () => {
		const body = [
			'# Checkout', // 1
			'- Not under a requirement heading', // 2
			'## Requirements', // 3
			'### Payment', // 4
			'- Pay with one tap', // 5
			'  - a nested detail', // 6
			'    continued', // 7
			'- - -', // 8
			'1) Refund within a day', // 9
			'## Quality attributes', // 10
			'+ Fast', // 11
			'## Risks', // 12
			'- Not a requirement', // 13
		].join('\n');
		expect(proposed(body)).toEqual([
			['FR-1', 5, '- FR-1: Pay with one tap'],
			['FR-2', 9, '1) FR-2: Refund within a day'],
			['NFR-1', 11, '+ NFR-1: Fast'],
		]);
	});

	test('heading keys forgive numbering, case, hyphens and trailing colons', () => {
		expect(headingKey('3.1 Non-Functional  Requirements:')).toBe('non functional requirements');
		expect(headingKey('User Stories')).toBe('user stories');
		const started = performance.now();
		headingKey(`${' '.repeat(200_000)}x${' :'.repeat(200_000)}`);
		proposeRequirementIds(`## Requirements\n${'- '.repeat(300_000)}\n${'#'.repeat(300_000)}`);
		expect(performance.now() - started).toBeLessThan(1000);
	});
});
