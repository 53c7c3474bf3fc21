import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { beforeAll, describe, expect, test } from 'vitest';

import { digestSpecBody } from '../../src/integration/cache/review.ts';
import { writeFreshSpec } from '../helpers/files.ts';
import { buildSite, getMain, readPage, useFixtureSite, type BuildResult } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

const NOTIFICATIONS = '# Technical Specification: Notifications\n\n## System Architecture Overview\n\nText of the notifications spec.\n';
/** A reviewer's name is untrusted text from a pull request. */
const REVIEWER = 'Ada <b>Lovelace</b> [x](javascript:alert(1))';

/**
 * The fixture site with both specs fresh: billing approved by REVIEWER as it is, notifications
 * written by a model and never approved.
 */
async function siteWithReviews(): Promise<string> {
	const dir = await fixtureSite();
	const specPath = join(dir, 'src/content/specs/billing.md');
	const body = (await readFile(specPath, 'utf8')).replace(/^---\n[\s\S]*?\n---\n/, '');
	await writeFreshSpec(dir, 'billing', body, { review: { by: REVIEWER, at: '2026-11-26T10:00:00Z', digest: digestSpecBody(body.trim()) } });
	await writeFreshSpec(dir, 'notifications', NOTIFICATIONS, { source: 'model', model: 'gpt-6.1-terra' });
	return dir;
}

describe('astro build with reviewed and unreviewed specs', () => {
	let dir: string;
	let result: BuildResult;
	beforeAll(async () => {
		dir = await siteWithReviews();
		// Strict without `review.required`: an unreviewed spec does not fail the build.
		result = await buildSite(dir, { PRD_SPECS_STRICT: '1' });
	});

	test('builds in strict mode when reviews are not required, and says nothing about them', () => {
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('2 PRDs: 2 fresh, 0 stale, 0 missing.');
		expect(result.output).not.toContain('Review required');
	});

	test('an approved spec page says who approved it and when, with the name as text', async () => {
		const main = getMain(await readPage(dir, 'specs/billing'));
		expect(main).toMatch(/<aside[^>]*class="[^"]*starlight-aside--tip[^"]*"[\s\S]*?Reviewed[\s\S]*?<\/aside>/);
		expect(main).toContain('Reviewed by Ada &lt;b&gt;Lovelace&lt;/b&gt; [x](javascript:alert(1)) on 26\u00a0Nov\u00a02026.');
		expect(main).not.toContain('<b>Lovelace');
		expect(main).not.toContain('href="javascript');
		expect(main).not.toContain('Not reviewed');
	});

	test('a spec nobody approved says so, and who wrote it', async () => {
		const main = getMain(await readPage(dir, 'specs/notifications'));
		expect(main).toMatch(/<aside[^>]*class="[^"]*starlight-aside--note[^"]*"[\s\S]*?Not reviewed[\s\S]*?<\/aside>/);
		expect(main).toContain('Written by model <code dir="auto">gpt-6.1-terra</code>, and nobody has approved it yet.');
	});

	test('the overview has a review column', async () => {
		const main = getMain(await readPage(dir, 'prds'));
		expect(main).toMatch(/<th>Review<\/th>/);
		expect(main).toMatch(/<a href="\/specs\/billing\/">Fresh<\/a><\/td>(\s*<td>[^<]*<\/td>){2}\s*<td>Reviewed<\/td>/);
		expect(main).toMatch(/<a href="\/specs\/notifications\/">Fresh<\/a><\/td>(\s*<td>[^<]*<\/td>){2}\s*<td>Not reviewed<\/td>/);
	});
});

describe('astro build with review.required', () => {
	test('strict mode fails naming each unreviewed spec; without strict mode it warns and publishes the notice', async () => {
		const dir = await siteWithReviews();
		// A hand edit after the approval: billing is unreviewed again.
		const billing = join(dir, 'src/content/specs/billing.md');
		await writeFile(billing, `${await readFile(billing, 'utf8')}\nA sentence added after the review.\n`);

		let result = await buildSite(dir, { PRD_SPECS_STRICT: '1', PRD_SPECS_REVIEW_REQUIRED: '1' });
		expect(result.code).not.toBe(0);
		expect(result.output).toContain('Strict mode with review required: 2 specs are not reviewed:');
		expect(result.output).toContain('- `src/content/specs/billing.md` changed after Ada <b>Lovelace</b> ');
		// (Astro's error display shows the markdown link of the name as a link: the log is not HTML.)
		expect(result.output).toMatch(/javascript:alert\(1\)\)? approved it on 2026-11-26\.\n/);
		expect(result.output).toContain('- `src/content/specs/notifications.md` has never been approved.');
		expect(result.output).toContain('npx prd-specs approve <id>');
		expect(result.output).not.toContain('Strict mode: ');
		expect(result.output).not.toMatch(/^\s+at /m);

		// The option, without strict mode: warnings, and the pages say what is not reviewed.
		result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ review: { required: true } }) });
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain(
			'Review required: `src/content/specs/notifications.md` has never been approved; it is published with a "Not reviewed" notice.',
		);
		expect(result.output).toContain('Review required: `src/content/specs/billing.md` changed after Ada');
		const main = getMain(await readPage(dir, 'specs/billing'));
		expect(main).toMatch(/<aside[^>]*class="[^"]*starlight-aside--caution[^"]*"[\s\S]*?Not reviewed/);
		expect(main).toContain(
			'and changed after Ada &lt;b&gt;Lovelace&lt;/b&gt; [x](javascript:alert(1)) approved it on 26\u00a0Nov\u00a02026.',
		);
		expect(getMain(await readPage(dir, 'prds'))).toMatch(/<td>Changed since review<\/td>/);
	});
});
