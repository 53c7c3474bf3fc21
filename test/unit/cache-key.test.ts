/*
 * The cache key, pinned. Every committed spec records the key of the PRD it was made from
 * (`inputHash`); if the key's definition drifts (its version string, the order of its fields,
 * how a PRD file is normalised, the built-in template), every user's spec turns stale at once.
 * Other tests compute their "fresh" keys with the code under test, so they cannot see such a
 * drift: the values here are literals, checked against the formula the README documents,
 * computed with `node:crypto` alone, and reached through the real scan of files on disk.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { beforeEach, describe, expect, test } from 'vitest';

import { fillTemplate, getPromptInputs, requirementsInstruction } from '../../src/integration/prompt/inputs.ts';
import { loadTemplate } from '../../src/integration/prompt/template.ts';
import { loadProject, type ProjectReport } from '../../src/integration/project.ts';
import { writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

/**
 * SHA-256 of the built-in prompt template (`src/integration/prompt/templates/technical-spec.md`).
 * It is part of every spec's key: changing it is deliberate, and makes every spec stale.
 */
const BUILT_IN_TEMPLATE_HASH = 'sha256:28132f9cf0f200d2b9deb41a210b4090a860bd6d0c1b09cb706b8b98a67a8b69';

const BUILT_IN_TEMPLATE_FILE = fileURLToPath(new URL('../../src/integration/prompt/templates/technical-spec.md', import.meta.url));

/** The fixed PRD: app name, body (as the prompt gets it) and constraints (as list lines). */
const APP_NAME = 'Basketly';
const BODY = '## Problem\n\nShoppers abandon carts at the payment step.\n\n## Goals\n\n- One-tap checkout\n- Fewer than 2% failed payments';
const CONSTRAINTS = '- Runs on AWS in eu-west-1\n- Card data never touches our servers';

/** The key of the fixed PRD with the built-in template. */
const GOLDEN_KEY = 'sha256:475698ed8cd3bfeac2a928942aa5a8bb822e1b1eb0589a9603207a1ed26f6f0d';
/** The same PRD with no constraints (`None stated.`). */
const GOLDEN_KEY_NO_CONSTRAINTS = 'sha256:3dd71aca3f2ea9fc1a9621af51b856fd423c9e64c638526b0a3e7ec940f2e2d8';

/** The README's formula, written out here: SHA-256 of `["prd-specs/1", template hash, app name, body, constraints]`. */
function documentedKey(templateHash: string, appName: string, body: string, constraints: string): string {
	return `sha256:${createHash('sha256')
		.update(JSON.stringify(['prd-specs/1', templateHash, appName, body, constraints]), 'utf8')
		.digest('hex')}`;
}

const FRONTMATTER = [
	'title: Checkout flow',
	'appName: Basketly',
	'status: review',
	'owner: Payments team',
	'tags: [mobile, payments]',
	'related: [other]',
	'description: One-tap checkout for the mobile app.',
	'constraints:',
	'  - Runs on AWS in eu-west-1',
	'  - Card data never touches our servers',
];
const BODY_LINES = [
	'## Problem',
	'',
	'Shoppers abandon carts at the payment step.',
	'',
	'## Goals',
	'',
	'- One-tap checkout',
	'- Fewer than 2% failed payments',
];

/** A PRD file: frontmatter lines, body lines, joined with `eol`, with what comes around the body. */
function prdFile({ frontmatter = FRONTMATTER, body = BODY_LINES, eol = '\n', bom = false, before = [''], after = [''] } = {}): string {
	const text = ['---', ...frontmatter, '---', ...before, ...body, ...after].join(eol);
	return `${bom ? '\uFEFF' : ''}${text}`;
}

/** Frontmatter with some lines replaced (by their field name) or removed (`null`). */
function editFrontmatter(edits: Record<string, string | null>): string[] {
	const lines: string[] = [];
	for (let index = 0; index < FRONTMATTER.length; index++) {
		const line = FRONTMATTER[index]!;
		const field = /^(\w+):/.exec(line)?.[1];
		if (field && field in edits) {
			// A field's continuation lines (the constraints list) go with it.
			while (FRONTMATTER[index + 1]?.startsWith('  ')) index++;
			if (edits[field] !== null) lines.push(edits[field]!);
		} else {
			lines.push(line);
		}
	}
	return lines;
}

const tempDir = useTempDir();
let root: string;
beforeEach(async () => {
	root = await tempDir();
});

/** Writes `prds/<id>.md` for each entry (plus the PRD `other` they relate to) and scans the project. */
async function scan(files: Record<string, string>): Promise<ProjectReport> {
	await writeFiles(root, {
		'prds/other.md': prdFile({ frontmatter: ['title: Other'] }),
		...Object.fromEntries(Object.entries(files).map(([id, text]) => [`prds/${id}.md`, text])),
	});
	const report = await loadProject(root, { prdsDir: 'prds', specsDir: 'src/content/specs', template: undefined });
	expect(report.problems).toEqual([]);
	return report;
}

function keysOf(report: ProjectReport): Record<string, string> {
	return Object.fromEntries(report.prds.filter((status) => status.prd.id !== 'other').map((status) => [status.prd.id, status.inputHash]));
}

describe('the built-in template', () => {
	test('has the pinned hash', async () => {
		const template = await loadTemplate(root, undefined);
		expect(template.ok).toBe(true);
		expect(
			template.ok && template.template.hash,
			'The built-in prompt template changed. Its hash is part of every spec’s cache key, so editing the template makes EVERY spec stale ' +
				'(every user’s committed specs, and strict builds fail until they are regenerated). If that is intended, update BUILT_IN_TEMPLATE_HASH here and say so in the release notes.',
		).toBe(BUILT_IN_TEMPLATE_HASH);
	});

	test('the pinned hash is the SHA-256 of the file as shipped', async () => {
		const bytes = await readFile(BUILT_IN_TEMPLATE_FILE);
		expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(BUILT_IN_TEMPLATE_HASH);
	});

	test('a template file is hashed after its byte-order mark is removed and its line endings made `\\n`', async () => {
		const lf =
			'App: [APP NAME]\nPRD:\n[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\nConstraints:\n[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\n';
		await writeFiles(root, { 'lf.md': lf, 'crlf.md': `\uFEFF${lf.replaceAll('\n', '\r\n')}`, 'cr.md': lf.replaceAll('\n', '\r') });
		const expected = `sha256:${createHash('sha256').update(lf, 'utf8').digest('hex')}`;
		for (const file of ['lf.md', 'crlf.md', 'cr.md']) {
			const template = await loadTemplate(root, file);
			expect(template.ok && template.template.hash, file).toBe(expected);
		}
	});
});

describe('the cache key', () => {
	test('the pinned keys are the README’s formula', () => {
		expect(documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, BODY, CONSTRAINTS)).toBe(GOLDEN_KEY);
		expect(documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, BODY, 'None stated.')).toBe(GOLDEN_KEY_NO_CONSTRAINTS);
	});

	test('a PRD file scanned from disk has the pinned key', async () => {
		const report = await scan({ checkout: prdFile() });
		expect(report.template?.hash).toBe(BUILT_IN_TEMPLATE_HASH);
		expect(keysOf(report)).toEqual({ checkout: GOLDEN_KEY });
	});

	test('a committed spec that records the pinned key is fresh', async () => {
		await writeFiles(root, {
			'src/content/specs/checkout.md': [
				'---',
				'prd: checkout',
				`inputHash: ${GOLDEN_KEY}`,
				`templateHash: ${BUILT_IN_TEMPLATE_HASH}`,
				'source: manual',
				'generatedAt: 2026-11-01T09:30:00Z',
				'---',
				'',
				'# Technical Specification: Basketly',
				'',
			].join('\n'),
		});
		const report = await scan({ checkout: prdFile() });
		expect(report.prds.find((status) => status.prd.id === 'checkout')?.state).toBe('fresh');
	});

	test('line endings, a byte-order mark and blank lines around the body leave the key unchanged', async () => {
		const variants = {
			lf: prdFile(),
			bom: prdFile({ bom: true }),
			crlf: prdFile({ eol: '\r\n' }),
			'bom-crlf': prdFile({ bom: true, eol: '\r\n' }),
			'lone-cr': prdFile({ eol: '\r' }),
			'bom-lone-cr': prdFile({ bom: true, eol: '\r' }),
			'no-blank-line': prdFile({ before: [], after: [] }),
			'blank-lines': prdFile({ before: ['', '', ''], after: ['', '', '', ''] }),
			'blank-lines-with-spaces': prdFile({ before: ['', '   ', '\t'], after: ['  ', ''] }),
			'crlf-and-blank-lines': prdFile({ eol: '\r\n', before: ['', '', ''], after: ['', ''] }),
		};
		const keys = keysOf(await scan(variants));
		expect(keys).toEqual(Object.fromEntries(Object.keys(variants).map((id) => [id, GOLDEN_KEY])));
	});

	test('fields that do not reach the prompt leave the key unchanged', async () => {
		const variants = {
			status: prdFile({ frontmatter: editFrontmatter({ status: 'status: approved' }) }),
			'no-status': prdFile({ frontmatter: editFrontmatter({ status: null }) }),
			owner: prdFile({ frontmatter: editFrontmatter({ owner: 'owner: Someone else' }) }),
			'no-owner': prdFile({ frontmatter: editFrontmatter({ owner: null }) }),
			tags: prdFile({ frontmatter: editFrontmatter({ tags: 'tags: [web, growth, q3]' }) }),
			'no-tags': prdFile({ frontmatter: editFrontmatter({ tags: null }) }),
			related: prdFile({ frontmatter: editFrontmatter({ related: 'related: [other, status]' }) }),
			'no-related': prdFile({ frontmatter: editFrontmatter({ related: null }) }),
			description: prdFile({ frontmatter: editFrontmatter({ description: 'description: Something else entirely.' }) }),
			'no-description': prdFile({ frontmatter: editFrontmatter({ description: null }) }),
			// With `appName` set, the title is only the page title.
			title: prdFile({ frontmatter: editFrontmatter({ title: 'title: Checkout flow, second draft' }) }),
			all: prdFile({
				frontmatter: editFrontmatter({
					status: 'status: archived',
					owner: null,
					tags: 'tags: [x]',
					related: null,
					description: null,
					title: 'title: Renamed',
				}),
			}),
		};
		const keys = keysOf(await scan(variants));
		expect(keys).toEqual(Object.fromEntries(Object.keys(variants).map((id) => [id, GOLDEN_KEY])));
	});

	test('constraints: a list and the same lines as text hash alike; none at all is `None stated.`', async () => {
		const variants = {
			list: prdFile(),
			'flow-list': prdFile({
				frontmatter: editFrontmatter({ constraints: 'constraints: [Runs on AWS in eu-west-1, Card data never touches our servers]' }),
			}),
			text: prdFile({
				frontmatter: editFrontmatter({
					constraints: 'constraints: |\n  - Runs on AWS in eu-west-1\n  - Card data never touches our servers',
				}),
			}),
			'text-crlf': prdFile({
				eol: '\r\n',
				frontmatter: editFrontmatter({
					constraints: 'constraints: |\r\n  - Runs on AWS in eu-west-1\r\n  - Card data never touches our servers',
				}),
			}),
			none: prdFile({ frontmatter: editFrontmatter({ constraints: null }) }),
			'empty-list': prdFile({ frontmatter: editFrontmatter({ constraints: 'constraints: []' }) }),
			'empty-text': prdFile({ frontmatter: editFrontmatter({ constraints: 'constraints: ""' }) }),
			'blank-text': prdFile({ frontmatter: editFrontmatter({ constraints: 'constraints: "   "' }) }),
		};
		expect(keysOf(await scan(variants))).toEqual({
			list: GOLDEN_KEY,
			'flow-list': GOLDEN_KEY,
			text: GOLDEN_KEY,
			'text-crlf': GOLDEN_KEY,
			none: GOLDEN_KEY_NO_CONSTRAINTS,
			'empty-list': GOLDEN_KEY_NO_CONSTRAINTS,
			'empty-text': GOLDEN_KEY_NO_CONSTRAINTS,
			'blank-text': GOLDEN_KEY_NO_CONSTRAINTS,
		});
	});

	test('what fills the prompt changes the key, exactly as the formula says', async () => {
		const keys = keysOf(
			await scan({
				body: prdFile({ body: [...BODY_LINES.slice(0, -1), '- Fewer than 1% failed payments'] }),
				'inner-blank-line': prdFile({ body: [...BODY_LINES.slice(0, 2), '', ...BODY_LINES.slice(2)] }),
				'app-name': prdFile({ frontmatter: editFrontmatter({ appName: 'appName: Paywise' }) }),
				'title-as-app-name': prdFile({ frontmatter: editFrontmatter({ appName: null }) }),
				constraint: prdFile({ frontmatter: editFrontmatter({ constraints: 'constraints: [Runs on GCP]' }) }),
			}),
		);
		expect(keys).toEqual({
			body: documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, BODY.replace('2%', '1%'), CONSTRAINTS),
			'inner-blank-line': documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, BODY.replace('\n\n', '\n\n\n'), CONSTRAINTS),
			'app-name': documentedKey(BUILT_IN_TEMPLATE_HASH, 'Paywise', BODY, CONSTRAINTS),
			'title-as-app-name': documentedKey(BUILT_IN_TEMPLATE_HASH, 'Checkout flow', BODY, CONSTRAINTS),
			constraint: documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, BODY, '- Runs on GCP'),
		});
		expect(new Set(Object.values(keys)).size).toBe(5);
		expect(Object.values(keys)).not.toContain(GOLDEN_KEY);
	});

	test('a PRD with requirement ids gets the instruction in its prompt and a key of its own; ids elsewhere change nothing', async () => {
		const withIds = [...BODY_LINES.slice(0, -2), '- FR-1: One-tap checkout', '- NFR-1: Fewer than 2% failed payments'];
		const report = await scan({
			ids: prdFile({ body: withIds }),
			// Not at the start of a list item or heading, or in a code block: not requirement ids.
			mentions: prdFile({ body: [...BODY_LINES, '', 'See FR-1 in the old PRD.', '', '```', '- FR-2 example', '```'] }),
		});
		const status = report.prds.find((entry) => entry.prd.id === 'ids')!;
		const body = withIds.join('\n');
		const instruction = requirementsInstruction([{ id: 'FR-1' }, { id: 'NFR-1' }]);
		expect(instruction).toContain('(FR-1, NFR-1)');
		expect(status.inputHash).toBe(
			`sha256:${createHash('sha256')
				.update(JSON.stringify(['prd-specs/1', BUILT_IN_TEMPLATE_HASH, APP_NAME, body, CONSTRAINTS, instruction]), 'utf8')
				.digest('hex')}`,
		);
		expect(status.inputHash).not.toBe(documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, body, CONSTRAINTS));
		const prompt = fillTemplate(report.template!.text, getPromptInputs(status.prd));
		expect(prompt.endsWith(`\n\n${instruction}\n`)).toBe(true);
		const mentions = report.prds.find((entry) => entry.prd.id === 'mentions')!;
		expect(mentions.prd.requirements).toEqual([]);
		expect(mentions.inputHash).toBe(
			documentedKey(BUILT_IN_TEMPLATE_HASH, APP_NAME, `${BODY}\n\nSee FR-1 in the old PRD.\n\n\`\`\`\n- FR-2 example\n\`\`\``, CONSTRAINTS),
		);
		expect(fillTemplate(report.template!.text, getPromptInputs(mentions.prd))).not.toContain('Requirement ids');
	});

	test('a template of one’s own is in the key by its hash', async () => {
		const templateText =
			'App: [APP NAME]\nPRD:\n[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]\nConstraints:\n[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]\n';
		await writeFiles(root, {
			'prds/checkout.md': prdFile(),
			'prds/other.md': prdFile({ frontmatter: ['title: Other'] }),
			'my-template.md': templateText,
		});
		const report = await loadProject(root, { prdsDir: 'prds', specsDir: 'src/content/specs', template: 'my-template.md' });
		const templateHash = `sha256:${createHash('sha256').update(templateText, 'utf8').digest('hex')}`;
		expect(report.template?.hash).toBe(templateHash);
		expect(report.prds.find((status) => status.prd.id === 'checkout')?.inputHash).toBe(
			documentedKey(templateHash, APP_NAME, BODY, CONSTRAINTS),
		);
	});
});
