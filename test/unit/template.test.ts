import { describe, expect, test } from 'vitest';

import { fillTemplate, getPromptInputs, NO_CONSTRAINTS } from '../../src/integration/prompt/inputs.ts';
import { findMissingSections, getHeadings } from '../../src/integration/markdown/sections.ts';
import { loadTemplate } from '../../src/integration/prompt/template.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';
import { writeFiles } from '../helpers/files.ts';
import { SECTIONS } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

const TEMPLATE_SECTIONS = SECTIONS;

describe('loadTemplate', () => {
	test('the built-in template is the Specification Chain prompt with 13 spec sections', async () => {
		const result = await loadTemplate(await tempDir(), undefined);
		expect(result.ok).toBe(true);
		if (!result.ok) return;
		expect(result.template.text.startsWith('# Specification Chain: Technical Specification')).toBe(true);
		expect(result.template.sections).toEqual(TEMPLATE_SECTIONS);
		expect(result.template.hash).toMatch(/^sha256:/);
	});

	test('reads a site template relative to the root, CRLF normalised', async () => {
		const root = await tempDir();
		await writeFiles(root, {
			'prompts/spec.md':
				'[APP NAME]\r\n[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\r\n[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\r\n<technical_spec_template>\r\n## Only section\r\n</technical_spec_template>\r\n',
		});
		const result = await loadTemplate(root, 'prompts/spec.md');
		expect(result.ok && result.template).toMatchObject({ file: 'prompts/spec.md', sections: ['Only section'] });
		expect(result.ok && result.template.text.includes('\r')).toBe(false);
	});

	test('a template without the placeholders or file is a problem naming the option', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prompts/spec.md': 'Write a spec for [APP NAME].' });
		expect(await loadTemplate(root, 'prompts/spec.md')).toMatchInlineSnapshot(`
			{
			  "ok": false,
			  "problem": {
			    "field": "template",
			    "file": "prompts/spec.md",
			    "hint": "A template must contain \`[APP NAME]\`, \`[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\`, \`[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\`: they are filled from each PRD.",
			    "message": "the prompt template lacks the placeholders \`[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\`, \`[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\`.",
			  },
			}
		`);
		const missing = await loadTemplate(root, 'prompts/nope.md');
		expect(missing.ok).toBe(false);
		if (!missing.ok) expect(missing.problem.message).toContain('ENOENT');
	});
});

describe('fillTemplate', () => {
	const template =
		'Name: [APP NAME]\nPRD: [PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\nC: [ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]';

	test('fills all three placeholders once, literally', () => {
		const filled = fillTemplate(template, { appName: 'Pay$&', prd: 'Quotes [APP NAME] and $1', constraints: 'None' });
		expect(filled).toBe('Name: Pay$&\nPRD: Quotes [APP NAME] and $1\nC: None');
	});

	test('prompt inputs: app name falls back to the title, lists become bullets, none becomes a sentence', () => {
		const frontmatter = PrdFrontmatterSchema.parse({ title: 'Checkout', constraints: ['AWS', 'PCI DSS'] });
		expect(getPromptInputs({ frontmatter, body: ' Body \n' })).toEqual({
			appName: 'Checkout',
			prd: 'Body',
			constraints: '- AWS\n- PCI DSS',
		});
		const none = PrdFrontmatterSchema.parse({ title: 'Checkout', appName: 'Paywise', constraints: '  ' });
		expect(getPromptInputs({ frontmatter: none, body: 'B' })).toEqual({ appName: 'Paywise', prd: 'B', constraints: NO_CONSTRAINTS });
	});
});

describe('spec structure', () => {
	test('headings inside code fences do not count', () => {
		expect(getHeadings('## A\n```md\n## Not a heading\n```\n~~~\n## Nor this\n~~~\n## B ##\n### C', 2)).toEqual(['A', 'B']);
	});

	test('findMissingSections ignores case, emphasis and spacing', () => {
		expect(
			findMissingSections('## system  architecture overview\n## **API Design**', [
				'System Architecture Overview',
				'API Design',
				'Database Schema',
			]),
		).toEqual(['Database Schema']);
	});
});
