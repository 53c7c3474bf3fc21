import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { prdSource } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { buildSite, getMain, readPage, syncSite, useFixtureSite } from '../helpers/site.ts';
import { INVALID_DIAGRAM, appNameOf, specText } from '../helpers/spec-text.ts';

const API_KEY = 'sk-build-test-KEY-that-must-not-leak-42';
const fixtureSite = useFixtureSite();

async function readTree(dir: string): Promise<string[]> {
	const entries = await readdir(dir, { recursive: true, withFileTypes: true });
	return Promise.all(
		entries
			.filter((e) => e.isFile() && /\.(html|js|json|xml|md|css)$/.test(e.name))
			.map((e) => readFile(join(e.parentPath, e.name), 'utf8')),
	);
}

describe('astro build with an API key and an OpenAI-compatible server', () => {
	let server: FakeOpenAIServer;
	let dir: string;
	beforeAll(async () => {
		server = await startFakeOpenAI((request) => {
			const app = appNameOf(request.text);
			return {
				type: 'text',
				content: specText(app, { before: '<technical_planning>\nprivate\n</technical_planning>\n', marker: 'zygomorphic' }),
			};
		});
		dir = await fixtureSite();
	});
	afterAll(() => server.close());

	const env = () => ({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL });

	test('generates the missing spec once, writes it to the cache and publishes it', async () => {
		const result = await buildSite(dir, env());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(1);
		expect(result.output).toContain('Generating 1 spec with gpt-6.1-terra, 2 at a time.');
		expect(result.output).toMatch(/prds\/notifications\.md: wrote src\/content\/specs\/notifications\.md in \d+\.\d s/);
		expect(result.output).toMatch(/Specs: 1 generated, 1 reused, 0 failed;/);
		expect(result.output).toContain('2 PRDs: 2 fresh, 0 stale, 0 missing.');

		const cached = await readFile(join(dir, 'src/content/specs/notifications.md'), 'utf8');
		expect(cached).toMatch(/^---\nprd: notifications\ninputHash: sha256:[0-9a-f]{64}\n/);
		expect(cached).not.toContain('technical_planning');

		const main = getMain(await readPage(dir, 'specs/notifications'));
		expect(main).toContain('Technical Specification: Notification preferences</h1>');
		expect(main).toContain('zygomorphic');
		expect(main).toContain('model <code dir="auto">gpt-6.1-terra</code>');
		expect(main).toContain('<pre class="mermaid">graph TB');
	});

	test('a second build makes zero requests', async () => {
		server.requests.length = 0;
		const result = await buildSite(dir, env());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(0);
	});

	test('the key is nowhere in the log, the cache or dist/', async () => {
		await writeFile(join(dir, 'prds/extra.md'), prdSource('title: Extra'));
		const result = await buildSite(dir, env());
		expect(result.code, result.output).toBe(0);
		const texts = [result.output, ...(await readTree(join(dir, 'dist'))), ...(await readTree(join(dir, 'src/content/specs')))];
		expect(texts.length).toBeGreaterThan(10);
		for (const text of texts) expect(text).not.toContain(API_KEY);
	});

	test('a reply that cannot be fixed leaves the cache as it was, names the PRD and the build still passes', async () => {
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('Produce a monthly invoice.', 'Produce a weekly invoice.'));
		const before = await readFile(join(dir, 'src/content/specs/billing.md'), 'utf8');
		server.handler = () => ({ type: 'text', content: specText('Meterly', { diagram: INVALID_DIAGRAM }) });
		server.requests.length = 0;
		const result = await buildSite(dir, env());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(3);
		expect(server.requests[1]!.text).toMatch(/Mermaid diagram 1 \(in "## System Architecture Overview"\) does not parse: Parse error/);
		expect(result.output).toContain(
			'prds/billing.md: the generated spec still has 1 problem after 2 repair rounds, so it was not saved and src/content/specs/billing.md is kept',
		);
		expect(await readFile(join(dir, 'src/content/specs/billing.md'), 'utf8')).toBe(before);
		expect(getMain(await readPage(dir, 'specs/billing'))).toContain('Stale specification');
	});
});

describe('with a key, where the README says nothing is generated or the build must fail', () => {
	let server: FakeOpenAIServer;
	beforeAll(async () => {
		server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
	});
	afterAll(() => server.close());
	const env = () => ({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL });

	test('astro sync sends no request, with a spec missing and one stale', async () => {
		const dir = await fixtureSite();
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('Produce a monthly invoice.', 'Produce a weekly invoice.'));
		const result = await syncSite(dir, env());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(0);
		expect(result.output).not.toContain('Generating');
		expect(await readdir(join(dir, 'src/content/specs'))).toEqual(['billing.md']);
	});

	test('`strict: true` fails the build on the spec whose generation failed, after writing the one that worked', async () => {
		const dir = await fixtureSite();
		await writeFile(join(dir, 'prds/extra.md'), prdSource('title: Extra'));
		server.requests.length = 0;
		server.handler = (request) =>
			appNameOf(request.text) === 'Notification preferences'
				? { type: 'error', status: 500, message: 'upstream exploded' }
				: { type: 'text', content: specText(appNameOf(request.text)), usage: { input: 7012, output: 5480 } };
		// A model priced by `generation.prices`: the build's cost line uses it.
		const generation = { retries: 0, model: 'house-model', prices: { 'house-model': { input: 0.5, output: 1.5 } } };
		const result = await buildSite(dir, { ...env(), FIXTURE_OPTIONS: JSON.stringify({ strict: true, generation }) });
		expect(result.code, result.output).not.toBe(0);
		expect(server.requests.map((request) => appNameOf(request.text)).sort()).toEqual(['Extra', 'Notification preferences']);
		expect(result.output).toContain('Generating 2 specs with house-model, 2 at a time.');
		expect(result.output).toContain('prds/notifications.md: no spec generated: the API answered 500: upstream exploded.');
		// 7,012 in at $0.50 and 5,480 out at $1.50 per million: $0.011726.
		expect(result.output).toContain('Specs: 1 generated, 1 reused, 1 failed; 7,012 tokens in, 5,480 out; about $0.012.');
		// Strict mode is checked after generation: only the spec still missing is named.
		expect(result.output).toContain(
			'Strict mode: 1 PRD has no fresh spec:\n- prds/notifications.md: no spec in `src/content/specs/notifications.md`.',
		);
		expect((await readdir(join(dir, 'src/content/specs'))).sort()).toEqual(['billing.md', 'extra.md']);
		expect(result.output).not.toContain(API_KEY);
		expect(result.output).not.toMatch(/^\s+at /m);
	});
});

describe('requirement ids, from the PRD through generation and repair to the built pages', () => {
	let server: FakeOpenAIServer;
	beforeAll(async () => {
		// The first answer cites four of the five ids; the repair round's answer cites all five.
		server = await startFakeOpenAI((request) => {
			const repair = request.text.includes('is never cited');
			const cited = repair ? 'FR-1, FR-2, FR-3, FR-4 and FR-5' : 'FR-1, FR-2, FR-3 and FR-4';
			return { type: 'text', content: specText(appNameOf(request.text), { marker: `covers ${cited}` }) };
		});
	});
	afterAll(() => server.close());

	test('a spec that leaves one out is repaired, saved, and the pages link each id to the spec and back', async () => {
		const dir = await fixtureSite();
		const requirements = ['Sign in with a passkey.', 'Export a CSV.', 'Undo a deletion.', 'Share a link.', 'Archive a project.'];
		await writeFile(
			join(dir, 'prds/traced.md'),
			prdSource('title: Traced', `## Requirements\n\n${requirements.map((text, index) => `- FR-${index + 1}: ${text}`).join('\n')}\n`),
		);
		const result = await buildSite(dir, { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL });
		expect(result.code, result.output).toBe(0);
		const traced = server.requests.filter((request) => request.text.includes('FR-5: Archive a project.'));
		expect(traced).toHaveLength(2);
		// The repair request names the one id left out, with its text.
		expect(traced[1]!.text).toContain('Requirement FR-5 of the PRD is never cited: "Archive a project."');
		expect(traced[1]!.text).not.toContain('Requirement FR-4 of the PRD is never cited');
		expect(await readFile(join(dir, 'src/content/specs/traced.md'), 'utf8')).toContain('covers FR-1, FR-2, FR-3, FR-4 and FR-5');

		const prd = getMain(await readPage(dir, 'prds/traced'));
		for (let id = 1; id <= 5; id++) expect(prd).toContain(`<a href="/specs/traced/#system-architecture-overview">FR-${id}</a>`);
		expect(prd).not.toContain('not addressed');
		const spec = getMain(await readPage(dir, 'specs/traced'));
		for (let id = 1; id <= 5; id++) expect(spec).toContain(`<a href="/prds/traced/#requirements">FR-${id}</a>`);
	});
});
