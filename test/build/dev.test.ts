import { rm, writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { prdSource } from '../helpers/files.ts';
import { startFakeOpenAI } from '../helpers/openai-server.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { startDevServer, useFixtureSite } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();

async function page(url: string): Promise<{ status: number; html: string }> {
	const response = await fetch(url);
	return { status: response.status, html: await response.text() };
}

/** Polls until `check` passes: the dev server picks changes up asynchronously. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

describe('astro dev', () => {
	let dir: string;
	let server: Awaited<ReturnType<typeof startDevServer>>;
	beforeAll(async () => {
		dir = await fixtureSite();
		server = await startDevServer(dir);
	}, 90_000);
	afterAll(() => server?.stop());

	test('editing a PRD changes its page, and a body edit marks its spec stale, without a restart', async () => {
		expect((await page(`${server.url}/prds/billing/`)).html).toContain('<strong>Status:</strong> Approved');
		const prdPath = join(dir, 'prds/billing.md');
		const original = await readFile(prdPath, 'utf8');
		await writeFile(prdPath, original.replace('status: approved', 'status: review'));
		await eventually(async () => (await page(`${server.url}/prds/billing/`)).html.includes('<strong>Status:</strong> Review'), 'the status edit');
		expect((await page(`${server.url}/specs/billing/`)).html).not.toContain('Stale specification');

		await writeFile(prdPath, original.replace('Produce a monthly invoice.', 'Produce a weekly invoice.'));
		await eventually(async () => (await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'), 'the stale warning');
		expect((await page(`${server.url}/prds/billing/`)).html).toMatch(/href="\/specs\/billing\/"[\s\S]*?stale/);
		expect(server.output()).toContain('Updated the PRD and spec pages (prds/billing.md changed).');
	});

	test('adding a PRD adds its pages, removing it removes them', async () => {
		const path = join(dir, 'prds/added.md');
		await writeFile(path, prdSource('title: Added while running'));
		await eventually(async () => (await page(`${server.url}/prds/added/`)).status === 200, 'the new PRD page');
		expect((await page(`${server.url}/prds/added/`)).html).toContain('Added while running');
		expect((await page(`${server.url}/specs/added/`)).html).toContain('Not generated yet');
		// The sidebar follows without a restart: the new PRD with a `missing` badge on its spec.
		const sidebar = /<nav[^>]*aria-label="Main"[\s\S]*?<\/nav>/.exec((await page(`${server.url}/prds/billing/`)).html)?.[0] ?? '';
		expect(sidebar).toMatch(/Added while running[\s\S]*href="\/prds\/added\/"[\s\S]*href="\/specs\/added\/"[\s\S]*?missing/);

		await rm(path);
		await eventually(async () => (await page(`${server.url}/prds/added/`)).status === 404, 'the removed PRD page to go');
		expect((await page(`${server.url}/prds/billing/`)).html).not.toContain('href="/prds/added/"');
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
		for (const word of ['weekly', 'daily', 'hourly']) {
			await writeFile(prdPath, original.replace('Produce a monthly invoice.', `Produce a ${word} invoice.`));
			await new Promise((resolve) => setTimeout(resolve, 300));
		}
		await eventually(async () => openai.requests.length === 2 && !(await page(`${server.url}/specs/billing/`)).html.includes('Stale specification'), 'the regenerated spec');
		expect(openai.requests[1]!.text).toContain('Produce a hourly invoice.');
		await new Promise((resolve) => setTimeout(resolve, 3500));
		expect(openai.requests).toHaveLength(2);
	} finally {
		await server.stop();
		await openai.close();
	}
}, 90_000);
