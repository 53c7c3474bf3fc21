import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { writeFreshSpec } from '../helpers/files.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';
import { specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();

describe('prd-specs status with requirement ids', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await fixtureSite();
		// Billing gets three ids, and a spec citing two of them and an id billing does not have.
		const prdPath = join(dir, 'prds/billing.md');
		const prd = await readFile(prdPath, 'utf8');
		await writeFile(
			prdPath,
			prd.replace(
				'1. Meter every API call per customer.\n2. Produce a monthly invoice.',
				'1. FR-1: Meter every API call per customer.\n2. FR-2: Produce a monthly invoice.\n3. NFR-1: Invoices within an hour.',
			),
		);
		const spec = specText('Meterly').replace('Details of api design for Meterly.', 'Metering (FR-1) and invoices (NFR-1), see also FR-7.');
		await writeFreshSpec(dir, 'billing', spec);
	});

	test('the table has a COVERAGE column: cited of total, `-` without ids', async () => {
		const result = await runCli(dir, ['status']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toMatch(/^ID\s+TITLE\s+SPEC\s+MODEL\s+GENERATED\s+REVIEW\s+COVERAGE\n/);
		expect(result.stdout).toMatch(/\nbilling\s+Usage-based billing\s+fresh\s+by hand\s+2026-11-01\s+not reviewed\s+2\/3\n/);
		expect(result.stdout).toMatch(/\nnotifications\s+Notification preferences\s+missing\s+-\s+-\s+-\s+-\n/);
		expect(result.output).toContain(
			'warning: src/content/specs/billing.md: cites 2 of the 3 requirement ids of prds/billing.md: it never cites FR-2; it also cites FR-7, which prds/billing.md does not have.',
		);
	});

	test('--json gives the coverage, null for a PRD without ids', async () => {
		const result = await runCli(dir, ['status', '--json']);
		expect(result.code).toBe(0);
		const { prds } = JSON.parse(result.stdout) as { prds: { id: string; coverage: unknown }[] };
		expect(prds.map((prd) => [prd.id, prd.coverage])).toEqual([
			['billing', { cited: 2, total: 3, missing: ['FR-2'], unknown: ['FR-7'] }],
			['notifications', null],
		]);
	});
});

describe('prd-specs status without requirement ids', () => {
	test('has no COVERAGE column, as before', async () => {
		const dir = await fixtureSite();
		const result = await runCli(dir, ['status']);
		expect(result.stdout).toMatch(/^ID\s+TITLE\s+SPEC\s+MODEL\s+GENERATED\s+REVIEW\n/);
		const json = JSON.parse((await runCli(dir, ['status', '--json'])).stdout) as { prds: { coverage: unknown }[] };
		expect(json.prds.map((prd) => prd.coverage)).toEqual([null, null]);
	});
});
