import { copyFile, rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { prdSource, writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { startDevServer, useFixtureSite } from '../helpers/site.ts';
import { waitFor } from '../helpers/wait.ts';

const fixtureSite = useFixtureSite();
const BUILT_IN_TEMPLATE = fileURLToPath(new URL('../../src/integration/prompt/templates/technical-spec.md', import.meta.url));
/** The loader's quiet time after an edit before `generation.inDev` generates, plus its reload delay. */
const GENERATION_DELAY_MS = 3000 + 150;

async function page(url: string): Promise<{ status: number; html: string }> {
	const response = await fetch(url);
	return { status: response.status, html: await response.text() };
}

/** Waits until `ms` have passed since `since`: for checking that something did NOT happen in that time. */
async function quietSince(since: number, ms: number): Promise<void> {
	const left = since + ms - Date.now();
	if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

describe('astro dev with an API key but without generation.inDev', () => {
	let dir: string;
	let server: Awaited<ReturnType<typeof startDevServer>>;
	let openai: FakeOpenAIServer;
	/** When a PRD or the template was last edited: each edit would start a generation with `inDev`. */
	let lastEdit = 0;
	beforeAll(async () => {
		openai = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
		dir = await fixtureSite();
		// A copy of the built-in template: the same text, so the same cache key, but a file that the
		// dev server must watch (the `template` option).
		await copyFile(BUILT_IN_TEMPLATE, join(dir, 'spec-template.md'));
		server = await startDevServer(dir, {
			OPENAI_API_KEY: 'sk-dev-no-generation',
			OPENAI_BASE_URL: openai.baseURL,
			FIXTURE_OPTIONS: JSON.stringify({ template: 'spec-template.md' }),
		});
	}, 90_000);
	afterAll(async () => {
		await server?.stop();
		await openai?.close();
	});

	test('editing a PRD changes its page, and a body edit marks its spec stale, without a restart', async () => {
		// The missing spec was not generated at start-up.
		expect(openai.requests).toHaveLength(0);
		expect((await page(`${server.url}/specs/notifications/`)).html).toContain('Not generated yet');
		expect((await page(`${server.url}/prds/billing/`)).html).toContain('<strong>Status:</strong> Approved');
		const prdPath = join(dir, 'prds/billing.md');
		const original = await readFile(prdPath, 'utf8');
		await writeFile(prdPath, original.replace('status: approved', 'status: review'));
		lastEdit = Date.now();
		await waitFor(
			async () => (await page(`${server.url}/prds/billing/`)).html.includes('<strong>Status:</strong> Review'),
			'the status edit',
		);
		expect((await page(`${server.url}/specs/billing/`)).html).not.toContain('Stale specification');

		await writeFile(prdPath, original.replace('Produce a monthly invoice.', 'Produce a weekly invoice.'));
		lastEdit = Date.now();
		await waitFor(async () => (await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'), 'the stale warning');
		expect((await page(`${server.url}/prds/billing/`)).html).toMatch(/href="\/specs\/billing\/"[\s\S]*?stale/);
		expect(server.output()).toContain('Updated the PRD and spec pages (prds/billing.md changed).');
	});

	test('adding a PRD adds its pages, removing it removes them', async () => {
		const path = join(dir, 'prds/added.md');
		await writeFile(path, prdSource('title: Added while running'));
		lastEdit = Date.now();
		await waitFor(async () => (await page(`${server.url}/prds/added/`)).status === 200, 'the new PRD page');
		expect((await page(`${server.url}/prds/added/`)).html).toContain('Added while running');
		expect((await page(`${server.url}/specs/added/`)).html).toContain('Not generated yet');
		// The sidebar follows without a restart: the new PRD with a `missing` badge on its spec.
		const sidebar = /<nav[^>]*aria-label="Main"[\s\S]*?<\/nav>/.exec((await page(`${server.url}/prds/billing/`)).html)?.[0] ?? '';
		expect(sidebar).toMatch(/Added while running[\s\S]*href="\/prds\/added\/"[\s\S]*href="\/specs\/added\/"[\s\S]*?missing/);

		// Its markdown copy and its line in llms.txt follow too.
		const copy = await fetch(`${server.url}/prds/added.md`);
		expect(copy.status).toBe(200);
		expect(copy.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
		expect(copy.headers.get('x-content-type-options')).toBe('nosniff');
		expect(await copy.text()).toMatch(/^---\ntitle: Added while running\n/);
		expect((await page(`${server.url}/llms.txt`)).html).toContain(
			'- [Added while running](/prds/added.md) (no technical specification yet)',
		);

		await rm(path);
		lastEdit = Date.now();
		await waitFor(async () => (await page(`${server.url}/prds/added/`)).status === 404, 'the removed PRD page to go');
		expect((await page(`${server.url}/prds/billing/`)).html).not.toContain('href="/prds/added/"');
		expect((await page(`${server.url}/prds/added.md`)).status).toBe(404);
		expect((await page(`${server.url}/llms.txt`)).html).not.toContain('Added while running');
	});

	test('editing the spec cache updates the spec pages and their state', async () => {
		// A spec for the PRD that had none: the placeholder gives way to it.
		await writeFreshSpec(dir, 'notifications', '# Technical Specification: Notifier\n\n## Overview\n\nAdded-to-the-cache marker.\n');
		await waitFor(
			async () => (await page(`${server.url}/specs/notifications/`)).html.includes('Added-to-the-cache marker.'),
			'the added spec',
		);
		expect((await page(`${server.url}/specs/notifications/`)).html).not.toContain('Not generated yet');

		// The stale spec rewritten for the PRD as it is now: fresh, with its new text.
		expect((await page(`${server.url}/specs/billing/`)).html).toContain('Stale specification');
		await writeFreshSpec(dir, 'billing', '# Technical Specification: Meterly\n\n## Overview\n\nRewritten-in-the-cache marker.\n');
		await waitFor(
			async () => (await page(`${server.url}/specs/billing/`)).html.includes('Rewritten-in-the-cache marker.'),
			'the rewritten spec',
		);
		expect((await page(`${server.url}/specs/billing/`)).html).not.toContain('Stale specification');
	});

	test('editing the template marks the specs stale; restoring it makes them fresh again', async () => {
		const templatePath = join(dir, 'spec-template.md');
		const original = await readFile(templatePath, 'utf8');
		expect((await page(`${server.url}/specs/billing/`)).html).not.toContain('Stale specification');
		await writeFile(templatePath, `${original}\nAnswer in British English.\n`);
		lastEdit = Date.now();
		await waitFor(
			async () =>
				(await page(`${server.url}/specs/billing/`)).html.includes('The prompt template changed after this specification was generated'),
			'the template edit',
		);
		expect((await page(`${server.url}/specs/notifications/`)).html).toContain(
			'The prompt template changed after this specification was generated',
		);

		await writeFile(templatePath, original);
		lastEdit = Date.now();
		await waitFor(async () => !(await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'), 'the restored template');
		expect(server.output()).toContain('Updated the PRD and spec pages (spec-template.md changed).');
	});

	test('no request reached the API, at start-up or after the edits, with a spec left stale', async () => {
		// Leave a stale spec behind the last edit: with `inDev` it would be generated once the edits settle.
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('Produce a weekly invoice.', 'Produce a yearly invoice.'));
		lastEdit = Date.now();
		await waitFor(async () => (await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'), 'the stale warning');
		await quietSince(lastEdit, GENERATION_DELAY_MS + 2000);
		expect(openai.requests).toHaveLength(0);
		expect(server.output()).not.toContain('Generating');
		expect((await page(`${server.url}/specs/billing/`)).html).toContain('Stale specification');
	});
});

test('with generation.inDev, dev generates at start-up and once after a burst of edits', async () => {
	const openai = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
	const dir = await fixtureSite();
	const server = await startDevServer(dir, { FIXTURE_IN_DEV: '1', OPENAI_API_KEY: 'sk-dev', OPENAI_BASE_URL: openai.baseURL });
	try {
		// The missing spec was generated before the server started.
		expect(openai.requests).toHaveLength(1);
		expect((await page(`${server.url}/specs/notifications/`)).html).toContain('Technical Specification: Notification preferences');

		const prdPath = join(dir, 'prds/billing.md');
		const original = await readFile(prdPath, 'utf8');
		// A burst: three edits well within the 3 s quiet time.
		let lastEdit = 0;
		for (const word of ['weekly', 'daily', 'hourly']) {
			await writeFile(prdPath, original.replace('Produce a monthly invoice.', `Produce a ${word} invoice.`));
			lastEdit = Date.now();
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
		await waitFor(
			async () => openai.requests.length === 2 && !(await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'),
			'the regenerated spec',
		);
		expect(openai.requests[1]!.text).toContain('Produce a hourly invoice.');
		expect(server.output()).toContain('Updated the PRD and spec pages (specs generated).');
		// No second run for the same burst.
		await quietSince(lastEdit, GENERATION_DELAY_MS + 2000);
		expect(openai.requests).toHaveLength(2);
	} finally {
		await server.stop();
		await openai.close();
	}
}, 120_000);
