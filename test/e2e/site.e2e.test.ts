import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { HAS_CHROMIUM, launchChromium } from '../helpers/browser.ts';
import { addHostileContent, HOSTILE_PAGES, PWNED_GLOBALS } from '../helpers/hostile-site.ts';
import { buildSite, useFixtureSite } from '../helpers/site.ts';
import { serveStatic } from '../helpers/static-server.ts';

const fixtureSite = useFixtureSite();
/** Set `E2E_SCREENSHOTS=<folder>` to keep screenshots of the pages the tests visit. */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
	if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

describe.skipIf(!HAS_CHROMIUM)('the built site in Chromium', () => {
	let dir: string;
	let site: { url: string; close(): Promise<void> };
	let browser: Browser;
	// Another origin on this machine that every hostile load points at: nothing may reach it.
	let trap: { url: string; requests: string[]; close(): Promise<void> };

	beforeAll(async () => {
		trap = await startTrap();
		dir = await fixtureSite();
		await addHostileContent(dir, trap.url);
		const result = await buildSite(dir);
		expect(result.code, result.output).toBe(0);
		site = await serveStatic(join(dir, 'dist'));
		browser = await launchChromium();
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await site?.close();
		await trap?.close();
	});

	/** A page that records console errors, uncaught errors, dialogs, and every request to another origin. */
	async function open(path: string) {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const problems: string[] = [];
		page.on('request', (request) => {
			const url = request.url();
			if (!url.startsWith(`${site.url}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
				problems.push(`request to another origin: ${url}`);
		});
		// Content-Security-Policy violations: something on the page tried to load from elsewhere.
		await page.addInitScript(() => {
			document.addEventListener('securitypolicyviolation', (event) =>
				console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
			);
		});
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

	test('the overview table filters by text, status and spec state, and sorts by a column, hostile titles shown as text', async () => {
		const { page, problems } = await open('/prds/');
		const rows = page.locator('main table tbody tr');
		const visible = () =>
			rows.evaluateAll((all) => all.filter((row) => !(row as HTMLElement).hidden).map((row) => row.querySelector('a')!.textContent));
		const total = await rows.count();
		expect(total).toBeGreaterThan(4);
		await page.locator('main input[type="search"]').fill('billing');
		expect(await visible()).toEqual(['Usage-based billing']);
		await page.locator('main input[type="search"]').fill('');
		await page.locator('main select[aria-label="Spec filter"]').selectOption('Missing');
		expect((await visible()).length).toBeGreaterThan(0);
		expect(await visible()).not.toContain('Usage-based billing');
		await page.locator('main select[aria-label="Spec filter"]').selectOption('');
		expect((await visible()).length).toBe(total);
		const header = page.locator('main table thead th').first();
		await header.locator('button').click();
		expect(await header.getAttribute('aria-sort')).toBe('ascending');
		const ascending = await visible();
		expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' })));
		await header.locator('button').click();
		expect(await header.getAttribute('aria-sort')).toBe('descending');
		expect(await visible()).toEqual([...ascending].reverse());
		// The hostile title is a row's text; nothing of it ran.
		expect(ascending.some((title) => title.includes('</title><script>'))).toBe(true);
		expect(await page.evaluate(() => '__pwned_title' in window)).toBe(false);
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

	test('hostile PRDs and specs run no script, define no global and load nothing from another site', async () => {
		for (const path of HOSTILE_PAGES) {
			const { page, problems } = await open(path);
			if (await page.locator('pre.mermaid').count()) await waitForDiagrams(page);
			// Reading the whole page scrolls every lazy element into view.
			await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
			await page.waitForLoadState('networkidle');
			const defined = await page.evaluate((names) => names.filter((name) => name in window), PWNED_GLOBALS);
			expect(defined, path).toEqual([]);
			expect(await page.locator('main script:not([src^="/_astro/"]), main iframe, main object, main embed').count(), path).toBe(0);
			expect(await page.locator('[onerror], [onload], [onclick], [ontoggle]').count(), path).toBe(0);
			expect(await page.locator('a[href^="javascript:" i], a[href^="data:" i]').count(), path).toBe(0);
			// Every link of the page, as the browser resolves it, leads to a web page or a mail address:
			// following one cannot run script, whatever its markup spelled.
			const protocols = await page.evaluate(() => [
				...new Set([...document.querySelectorAll<HTMLAnchorElement>('a[href]')].map((a) => a.protocol)),
			]);
			expect(
				protocols.filter((protocol) => !['http:', 'https:', 'mailto:'].includes(protocol)),
				path,
			).toEqual([]);
			expect(await page.title(), path).not.toContain('<');
			// No diagram is drawn as astro-mermaid's error box: those that do not parse are shown as source.
			expect(await page.getByText('Error rendering diagram:').count(), path).toBe(0);
			if (path === '/prds/hostile/') {
				expect(await page.locator('main').textContent()).toMatch(/<script>window\.__xss = .script block./);
				// Six diagrams drawn (directives and config removed), three shown as source.
				expect(await page.locator('main pre.mermaid svg').count()).toBe(6);
				expect(await page.locator('main em', { hasText: 'This diagram is shown as its source, not drawn' }).count()).toBe(3);
				// One that mermaid cannot parse: its source, not mermaid's error box.
				expect(await page.locator('main em', { hasText: 'Mermaid cannot read this diagram (line 2 of it)' }).count()).toBe(1);
				await screenshot(page, 'hostile-prd', true);
			}
			// Clicking what diagrams offer runs nothing either (strict mode drops click handlers).
			for (const node of await page.locator('pre.mermaid svg .node').all())
				await node.click({ force: true, timeout: 2000 }).catch(() => undefined);
			expect(problems, path).toEqual([]);
			await page.close();
		}
		expect(trap.requests).toEqual([]);
	});

	test('the markdown copies and llms.txt files of hostile PRDs and specs are shown as text: no script, no global, no load', async () => {
		const paths = [
			'/prds/hostile.md',
			'/specs/hostile.md',
			'/prds/nested/hostile-child.md',
			'/specs/nested/hostile-child.md',
			'/llms.txt',
			'/llms-full.txt',
		];
		for (const path of paths) {
			const page = await browser.newPage();
			const problems: string[] = [];
			page.on('request', (request) => {
				if (!request.url().startsWith(`${site.url}/`)) problems.push(`request to another origin: ${request.url()}`);
			});
			page.on('dialog', async (dialog) => {
				problems.push(`dialog: ${dialog.message()}`);
				await dialog.dismiss();
			});
			const response = await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
			expect(response?.headers()['content-type'], path).toMatch(path.endsWith('.md') ? /^text\/markdown/ : /^text\/plain/);
			expect(await page.evaluate((names) => names.filter((name) => name in window), PWNED_GLOBALS), path).toEqual([]);
			// The browser shows the text as it is: a `<script>` of the corpus is characters on the page, not an element.
			expect(await page.locator('script, img, iframe, object, embed, svg, a').count(), path).toBe(0);
			if (path !== '/llms.txt') expect(await page.locator('body').textContent(), path).toContain('<script>');
			expect(problems, path).toEqual([]);
			await page.close();
		}
		expect(trap.requests).toEqual([]);
	});

	test('the pages’ Content-Security-Policy stops a load that got past everything else', async () => {
		const { page, problems } = await open('/specs/hostile/');
		const blocked = await page.evaluate(async (url) => {
			const violation = new Promise<string>((resolve) =>
				document.addEventListener('securitypolicyviolation', (event) => resolve(event.violatedDirective), { once: true }),
			);
			const image = new Image();
			image.src = `${url}/injected-image`;
			return violation;
		}, trap.url);
		expect(blocked).toBe('img-src');
		expect(problems.filter((problem) => !problem.includes('injected-image'))).toEqual([]);
		expect(trap.requests).toEqual([]);
		await page.close();
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

describe.skipIf(!HAS_CHROMIUM)('a site whose PRD and spec pages are searched in indexes of their own (`search.prdsPerIndex`)', () => {
	let dir: string;
	let site: { url: string; close(): Promise<void> };
	let browser: Browser;

	beforeAll(async () => {
		dir = await fixtureSite();
		// Two PRDs, one per index: billing with its spec, then notifications (no spec yet: its placeholder is not indexed).
		const result = await buildSite(dir, { FIXTURE_OPTIONS: JSON.stringify({ search: { prdsPerIndex: 1 } }) });
		expect(result.code, result.output).toBe(0);
		expect(result.output).toContain('3 PRD and spec pages indexed for search in 2 indexes of up to 1 PRDs (`search.prdsPerIndex`)');
		site = await serveStatic(join(dir, 'dist'));
		browser = await launchChromium();
	}, 180_000);

	afterAll(async () => {
		await browser?.close();
		await site?.close();
	});

	test('PRD and spec pages are left out of Starlight’s index and written to their own', async () => {
		const prdPage = await readFile(join(dir, 'dist/prds/billing/index.html'), 'utf8');
		expect(prdPage).not.toContain('data-pagefind-body');
		expect(await readFile(join(dir, 'dist/guides/writing/index.html'), 'utf8')).toContain('data-pagefind-body');
		for (const part of ['1', '2']) expect(existsSync(join(dir, 'dist/_prd-specs/search', part, 'pagefind-entry.json')), part).toBe(true);
	});

	async function search(from: string, query: string): Promise<string[]> {
		const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
		const errors: string[] = [];
		page.on('pageerror', (error) => errors.push(error.message));
		page.on('console', (message) => void (message.type() === 'error' && errors.push(message.text())));
		// As the test above: the search element is ready (its script run, Pagefind's UI loading) once the network is idle.
		await page.goto(`${site.url}${from}`, { waitUntil: 'networkidle' });
		await page.waitForFunction(() => customElements.get('site-search') !== undefined);
		await page.locator('site-search button[data-open-modal]').click();
		await page.locator('#starlight__search input').fill(query);
		await page.locator('#starlight__search .pagefind-ui__result-link').first().waitFor();
		const hrefs = await page
			.locator('#starlight__search .pagefind-ui__result-link')
			.evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
		expect(errors).toEqual([]);
		await page.close();
		return hrefs;
	}

	test('the search box finds words of specs, of PRDs and of hand-written pages, from any page', async () => {
		expect(await search('/', 'quillwort')).toContain('/specs/billing/');
		expect(await search('/prds/billing/', 'toggle')).toContain('/prds/notifications/');
		expect(await search('/specs/billing/', 'hand-written')).toContain('/guides/writing/');
	});
});

/** An HTTP server on 127.0.0.1 that records every request it gets. */
async function startTrap(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
	const requests: string[] = [];
	const server = createServer((request, response) => {
		requests.push(request.url ?? '');
		response.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
