import { describe, expect, test } from 'vitest';

import { computeInputHash, sha256 } from '../../src/integration/prompt/cache-key.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';

const TEMPLATE_TEXT =
	'App: [APP NAME]\nPRD:\n[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\nConstraints:\n[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\n';
const TEMPLATE = sha256(TEMPLATE_TEXT);

function prd(frontmatter: Record<string, unknown>, body = '## Goal\n\nShip it.') {
	return { frontmatter: PrdFrontmatterSchema.parse({ title: 'Checkout', ...frontmatter }), body };
}

describe('computeInputHash', () => {
	const base = computeInputHash(TEMPLATE, prd({ constraints: ['Runs on AWS'] }));

	test('is a sha256 digest', () => {
		expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
		expect(computeInputHash(TEMPLATE, prd({ constraints: ['Runs on AWS'] }))).toBe(base);
	});

	test('ignores fields that never reach the prompt', () => {
		const edited = prd({
			constraints: ['Runs on AWS'],
			status: 'approved',
			owner: 'Someone else',
			tags: ['new-tag'],
			related: ['other'],
			description: 'A new summary',
		});
		expect(computeInputHash(TEMPLATE, edited)).toBe(base);
	});

	test('changes with the body, app name, constraints and template', () => {
		const variants = [
			computeInputHash(TEMPLATE, prd({ constraints: ['Runs on AWS'] }, '## Goal\n\nShip it twice.')),
			computeInputHash(TEMPLATE, prd({ constraints: ['Runs on AWS'], appName: 'Paywise' })),
			computeInputHash(TEMPLATE, prd({ constraints: ['Runs on GCP'] })),
			computeInputHash(TEMPLATE, prd({})),
			computeInputHash(sha256(`${TEMPLATE_TEXT}Be brief.\n`), prd({ constraints: ['Runs on AWS'] })),
		];
		expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
	});

	test('the app name defaults to the title, so the title counts when appName is absent', () => {
		expect(computeInputHash(TEMPLATE, prd({ title: 'Checkout v2' }))).not.toBe(computeInputHash(TEMPLATE, prd({})));
		expect(computeInputHash(TEMPLATE, prd({ title: 'Checkout v2', appName: 'Paywise' }))).toBe(
			computeInputHash(TEMPLATE, prd({ appName: 'Paywise' })),
		);
	});

	test('values are kept apart: moving text from the app name to the body changes the hash', () => {
		expect(computeInputHash(TEMPLATE, prd({ appName: 'Pay' }, 'wise body'))).not.toBe(
			computeInputHash(TEMPLATE, prd({ appName: 'Paywise' }, ' body')),
		);
	});

	test('a constraints list and the same list written as text hash alike', () => {
		expect(computeInputHash(TEMPLATE, prd({ constraints: ['A', 'B'] }))).toBe(computeInputHash(TEMPLATE, prd({ constraints: '- A\n- B' })));
	});
});

test('sha256 prefixes the algorithm', () => {
	expect(sha256('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
