import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { writeFreshSpec } from '../helpers/files.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';
import { specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();

/** Five requirement ids: four list items and a heading. */
const REQUIREMENTS = [
	'## Requirements',
	'',
	'1. FR-1: Meter every API call per customer.',
	'2. FR-2: Produce a monthly invoice.',
	'3. FR-3: Send the invoice by e-mail.',
	'4. FR-4: Keep raw usage events for a year.',
	'',
	'## NFR-1 Invoices within an hour',
	'',
	'The invoice run ends within an hour of the month closing.',
].join('\n');

/** A hand-written spec citing four of the five: FR-3 is left out. */
const SPEC = specText('Meterly')
	.replace(
		'Details of api design for Meterly.',
		'Usage is metered per call (FR-1) and invoiced monthly (FR-2); a `FR-9` in code is no citation.',
	)
	.replace('Details of database schema for Meterly.', 'Raw events are kept for a year (FR-4, FR-1).')
	.replace('Details of performance requirements for Meterly.', 'NFR-1: the invoice run is sharded by customer.');

/** The fixture site with billing's requirements numbered and a fresh spec citing four of them. */
async function tracedSite(): Promise<string> {
	const dir = await fixtureSite();
	const prdPath = join(dir, 'prds/billing.md');
	const prd = await readFile(prdPath, 'utf8');
	await writeFile(
		prdPath,
		prd.replace('## Requirements\n\n1. Meter every API call per customer.\n2. Produce a monthly invoice.', REQUIREMENTS),
	);
	await writeFreshSpec(dir, 'billing', SPEC);
	await writeFreshSpec(dir, 'notifications', specText('Notify'));
	return dir;
}

describe('astro build with requirement ids', () => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await tracedSite();
		result = await buildSite(dir);
	});

	test('builds, warning about the id the hand-written spec leaves out', () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain(
			'src/content/specs/billing.md: cites 4 of the 5 requirement ids of prds/billing.md: it never cites FR-3.',
		);
	});

	test('the PRD page links each id to the spec sections citing it, marks the fifth not addressed, and sums it up', async () => {
		const main = getMain(await readPage(dir, 'prds/billing'));
		expect(main).toMatch(/Requirements addressed by the spec<\/a>:<\/strong> 4 of 5\. Not addressed: FR-3\./);
		expect(main).toContain(
			'<a href="/specs/billing/#database-schema">FR-1</a>: (spec: <a href="/specs/billing/#database-schema">Database Schema</a>, <a href="/specs/billing/#api-design">API Design</a>)',
		);
		expect(main).toContain('<a href="/specs/billing/#database-schema">Database Schema</a>');
		expect(main).toContain('<a href="/specs/billing/#api-design">FR-2</a>');
		expect(main).toContain('<a href="/specs/billing/#database-schema">FR-4</a>');
		expect(main).toContain('<li>FR-3: <em>(not addressed by the spec)</em> Send the invoice by e-mail.</li>');
		// The heading keeps its id; the note under it links to the section.
		expect(main).toMatch(
			/<h2 id="nfr-1-invoices-within-an-hour"><a href="\/specs\/billing\/#performance-requirements">NFR-1<\/a> Invoices within an hour<\/h2>/,
		);
		expect(main).toContain('<em>NFR-1 in the spec: <a href="/specs/billing/#performance-requirements">Performance Requirements</a>.</em>');
	});

	test('the spec page links each cited id back to the requirement in the PRD', async () => {
		const main = getMain(await readPage(dir, 'specs/billing'));
		expect(main).toContain('per call (<a href="/prds/billing/#requirements">FR-1</a>)');
		expect(main).toContain('<a href="/prds/billing/#requirements">FR-2</a>');
		expect(main).toContain('(<a href="/prds/billing/#requirements">FR-4</a>, <a href="/prds/billing/#requirements">FR-1</a>)');
		expect(main).toContain('<a href="/prds/billing/#nfr-1-invoices-within-an-hour">NFR-1</a>: the invoice run');
		expect(main).toContain('a <code dir="auto">FR-9</code> in code');
	});

	test('the overview shows the coverage', async () => {
		const main = getMain(await readPage(dir, 'prds'));
		expect(main).toMatch(/<th>Coverage<\/th>/);
		expect(main).toMatch(/<a href="\/specs\/billing\/">Fresh<\/a><\/td>(\s*<td>[^<]*<\/td>){3}\s*<td>4\/5<\/td>/);
		expect(main).toMatch(/<a href="\/specs\/notifications\/">Fresh<\/a><\/td>(\s*<td>[^<]*<\/td>){3}\s*<td>—<\/td>/);
	});
});

describe('astro build with requirement ids in strict mode', () => {
	test('a fresh spec that leaves a requirement out fails the build, naming the spec and the id', async () => {
		const dir = await tracedSite();
		const result = await buildSite(dir, { PRD_SPECS_STRICT: '1' });
		expect(result.code).not.toBe(0);
		expect(result.output).toContain("Strict mode: 1 spec does not trace its PRD's requirement ids:");
		expect(result.output).toContain('- prds/billing.md: `src/content/specs/billing.md` does not cite 1 of 5 requirement ids (FR-3).');
	});
});
