import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { writeFiles } from '../helpers/files.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

describe('prd-specs ids', () => {
	test('proposes FR-n for the items under "Requirements", writes them with --write, then refuses a PRD that has ids', async () => {
		const dir = await fixtureSite();
		const before = await readFile(join(dir, 'prds/billing.md'), 'utf8');

		const proposed = await runCli(dir, ['ids', 'billing']);
		expect(proposed.code, proposed.output).toBe(0);
		expect(proposed.stdout).toBe(
			[
				'prds/billing.md: 2 requirement ids proposed:',
				'  under "Requirements":',
				'    line 20: - 1. Meter every API call per customer.',
				'    line 20: + 1. FR-1: Meter every API call per customer.',
				'    line 21: - 2. Produce a monthly invoice.',
				'    line 21: + 2. FR-2: Produce a monthly invoice.',
				'',
				'Run `prd-specs ids billing --write` to write them.',
				'',
			].join('\n'),
		);
		expect(await readFile(join(dir, 'prds/billing.md'), 'utf8')).toBe(before);

		const written = await runCli(dir, ['ids', 'billing', '--write']);
		expect(written.code, written.output).toBe(0);
		expect(written.stdout).toContain('prds/billing.md: 2 requirement ids written:');
		const after = await readFile(join(dir, 'prds/billing.md'), 'utf8');
		expect(after).toBe(
			before.replace('1. Meter every', '1. FR-1: Meter every').replace('2. Produce a monthly', '2. FR-2: Produce a monthly'),
		);
		// No temporary file is left behind.
		expect((await readdir(join(dir, 'prds'))).sort()).toEqual(['billing.md', 'notifications.md']);

		const again = await runCli(dir, ['ids', 'billing']);
		expect(again.code).toBe(1);
		expect(again.output).toContain('prd-specs: prds/billing.md has requirement ids already (FR-1, FR-2)');
	});

	test('functional and non-functional headings, CRLF kept; an unknown id exits 2; nothing to number exits 1', async () => {
		const dir = await fixtureSite();
		const prd = [
			'---',
			'title: Search',
			'---',
			'# Search',
			'',
			'## 3. Functional Requirements',
			'',
			'- [ ] Search by name',
			'  - a detail, not a requirement',
			'',
			'```md',
			'- not in a fence',
			'```',
			'',
			'## Non-functional requirements:',
			'',
			'* Answers within 200 ms',
			'',
			'## Open questions',
			'',
			'- Not a requirement',
			'',
		].join('\r\n');
		await writeFiles(dir, { 'prds/search.md': prd, 'prds/plain.md': '# Plain\n\nJust prose.\n' });
		const written = await runCli(dir, ['ids', 'search', '--write']);
		expect(written.code, written.output).toBe(0);
		expect(written.stdout).toContain(
			'  under "Non-functional requirements:":\n    line 17: - * Answers within 200 ms\n    line 17: + * NFR-1: Answers within 200 ms',
		);
		expect(await readFile(join(dir, 'prds/search.md'), 'utf8')).toBe(
			prd.replace('- [ ] Search', '- [ ] FR-1: Search').replace('* Answers', '* NFR-1: Answers'),
		);

		const unknown = await runCli(dir, ['ids', 'nope']);
		expect(unknown.code).toBe(2);
		expect(unknown.output).toContain('prd-specs: Unknown PRD id "nope".');
		expect((await runCli(dir, ['ids', '../etc/passwd'])).code).toBe(2);

		const plain = await runCli(dir, ['ids', 'plain']);
		expect(plain.code).toBe(1);
		expect(plain.output).toContain('prds/plain.md has no list items under a requirement-like heading');

		expect((await runCli(dir, ['ids'])).code).toBe(2);
		expect((await runCli(dir, ['status', '--write'])).code).toBe(2);
	});
});
