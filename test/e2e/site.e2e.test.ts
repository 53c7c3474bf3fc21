import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { prdSource, writeFreshSpec } from '../helpers/files.ts';
import { buildSite, useFixtureSite } from '../helpers/site.ts';
import { specText } from '../helpers/spec-text.ts';
import { serveStatic } from '../helpers/static-server.ts';

const fixtureSite = useFixtureSite();
/** Set `E2E_SCREENSHOTS=<folder>` to keep screenshots of the pages the tests visit. */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
	if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
const CORPUS = await readFile(new URL('../fixtures/untrusted/xss-corpus.md', import.meta.url), 'utf8');

describe.skipIf(!HAS_CHROMIUM)('the built site in Chromium', () => {
	let dir: string;
	let site: { url: string; close(): Promise<void> };
	let browser: Browser;

	beforeAll(async () => {
		dir = await fixtureSite();
		await writeFile(join(dir, 'prds/hostile.md'), prdSource('title: Hostile input\nowner: "<img src=x onerror=alert(1)>"', CORPUS));
		await writeFreshSpec(dir, 'hostile', specText('Hostile', {}).replace('## Technology Stack', `${CORPUS.replace(/^## /gm, '### ')}\n\n## Technology Stack`));
		const result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		site = await serveStatic(join(dir, 'dist'));
		browser = await launchChromium();
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await site?.close();
	});

	/** A page that records console errors, uncaught errors and dialogs. */
	async function open(path: string) {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const problems: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') problems.push(`console: ${message.text()}`);
		});
		page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
		page.on('dialog', async (dialog) => {
			problems.push(`dialog: ${dialog.message()}`);
			await dialog.dismiss();
		});
		page.on('response', (response) => {
			if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
		});
		await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
		return { page, problems };
	}

	async function waitForDiagrams(page: Page) {
		await page.waitForFunction(() => {
			const blocks = [...document.querySelectorAll('pre.mermaid')];
			return blocks.length > 0 && blocks.every((block) => block.querySelector('svg'));
		});
	}

	test('a reader goes home -> PRD -> spec -> PRD through the sidebar and the cross-links', async () => {
		const { page, problems } = await open('/');
		const sidebar = page.locator('nav[aria-label="Main"]');
		await sidebar.locator('a[href="/prds/"]').click();
		await page.waitForURL('**/prds/');
		await page.locator('main a[href="/prds/billing/"]').click();
		await page.waitForURL('**/prds/billing/');
		expect(await page.locator('h1').textContent()).toBe('Usage-based billing');

		await page.locator('main .starlight-aside a[href="/specs/billing/"]').click();
		await page.waitForURL('**/specs/billing/');
		expect(await page.locator('h1').textContent()).toBe('Technical Specification: Meterly');
		expect(await page.locator('nav[aria-label="Main"] a[aria-current="page"]').getAttribute('href')).toBe('/specs/billing/');

		await page.locator('main a[href="/prds/billing/"]').first().click();
		await page.waitForURL('**/prds/billing/');
		await page.locator('main a[href="/prds/notifications/"]').first().click();
		await page.waitForURL('**/prds/notifications/');
		await sidebar.locator('a[href="/specs/notifications/"]').click();
		await page.waitForURL('**/specs/notifications/');
		expect(await page.locator('main').textContent()).toContain('Not generated yet');
		expect(problems).toEqual([]);
		await page.close();
	});

	test('mermaid blocks become SVG, and switching to the dark theme renders them again', async () => {
		const { page, problems } = await open('/specs/billing/');
		await waitForDiagrams(page);
		await screenshot(page, 'spec-light');
		const light = await page.locator('pre.mermaid svg').first().innerHTML();

		await page.locator('starlight-theme-select select').first().selectOption('dark');
		await page.waitForFunction((before) => {
			const svg = document.querySelector('pre.mermaid svg');
			return document.documentElement.dataset.theme === 'dark' && svg !== null && svg.innerHTML !== before;
		}, light);
		await waitForDiagrams(page);
		await screenshot(page, 'spec-dark');
		expect(problems).toEqual([]);
		await page.close();
	});

	test('search finds a word that only a spec contains', async () => {
		const { page, problems } = await open('/');
		await page.locator('site-search button[data-open-modal]').click();
		await page.locator('#starlight__search input').fill('quillwort');
		const result = page.locator('#starlight__search .pagefind-ui__result-link').first();
		await result.waitFor();
		expect(await result.getAttribute('href')).toBe('/specs/billing/');
		expect(problems).toEqual([]);
		await page.close();
	});

	test('the XSS corpus in a PRD and its spec opens no dialog and runs no script', async () => {
		for (const path of ['/prds/hostile/', '/specs/hostile/', '/prds/', '/open-questions/']) {
			const { page, problems } = await open(path);
			await page.waitForTimeout(300);
			if (path === '/specs/hostile/') await waitForDiagrams(page);
			expect(await page.evaluate(() => (window as { __xss?: string }).__xss), path).toBeUndefined();
			expect(await page.locator('main script, main iframe, main object, main embed').count(), path).toBe(0);
			expect(await page.locator('main [onerror], main [onload], main [onclick], main [ontoggle]').count(), path).toBe(0);
			expect(await page.locator('main a[href^="javascript:" i], main a[href^="data:" i]').count(), path).toBe(0);
			if (path === '/prds/hostile/') {
				expect(await page.locator('main').textContent()).toContain("<script>window.__xss = 'script block'");
				await screenshot(page, 'hostile-prd', true);
			}
			// Clicking every link that is left must not run script either.
			expect(problems, path).toEqual([]);
			await page.close();
		}
	});

	test('no page logs a console error or fails to load a resource', async () => {
		const pages = (await readdir(join(dir, 'dist'), { recursive: true }))
			.filter((file) => file.endsWith('index.html'))
			.map((file) => `/${file.replace(/index\.html$/, '')}`);
		expect(pages.length).toBeGreaterThan(8);
		for (const path of pages) {
			const { page, problems } = await open(path);
			if (await page.locator('pre.mermaid').count()) await waitForDiagrams(page);
			await screenshot(page, path.replace(/^\/|\/$/g, '').replace(/\//g, '-') || 'home');
			expect(problems, path).toEqual([]);
			await page.close();
		}
	});
});
