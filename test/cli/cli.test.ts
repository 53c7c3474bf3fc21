import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';

import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';
import { INVALID_DIAGRAM, appNameOf, specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();
const API_KEY = 'sk-cli-test-0123456789-secret';

let server: FakeOpenAIServer;
beforeAll(async () => {
	server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
});
afterAll(() => server.close());
beforeEach(() => {
	server.requests.length = 0;
	server.queue.length = 0;
});

const withKey = () => ({ OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL });

describe('prd-specs CLI on a site without a key', () => {
	let dir: string;
	beforeAll(async () => {
		dir = await fixtureSite();
	});

	test('status prints a table of every PRD', async () => {
		const result = await runCli(dir, ['status']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toMatch(/^ID\s+TITLE\s+SPEC\s+MODEL\s+GENERATED\n/);
		expect(result.stdout).toMatch(/\nbilling\s+Usage-based billing\s+fresh\s+by hand\s+2026-11-01\n/);
		expect(result.stdout).toMatch(/\nnotifications\s+Notification preferences\s+missing\s+-\s+-\n/);
		expect(result.stdout).toContain('2 PRDs: 1 fresh, 0 stale, 1 missing.');
	});

	test('status --json is machine-readable', async () => {
		const result = await runCli(dir, ['status', '--json']);
		expect(result.code).toBe(0);
		const { prds } = JSON.parse(result.stdout);
		expect(prds.map((p: { id: string; spec: string }) => [p.id, p.spec])).toEqual([
			['billing', 'fresh'],
			['notifications', 'missing'],
		]);
		expect(prds[0]).toMatchObject({ file: 'prds/billing.md', specFile: 'src/content/specs/billing.md', source: 'manual', inputHash: expect.stringMatching(/^sha256:/) });
	});

	test('check exits 1 and names what is missing', async () => {
		const result = await runCli(dir, ['check']);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('1 of 2 PRDs have no fresh spec:\n  prds/notifications.md: no spec (src/content/specs/notifications.md)');
	});

	test('generate --dry-run estimates tokens and cost and calls no server', async () => {
		const result = await runCli(dir, ['generate', '--dry-run'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('Dry run: nothing is sent. 1 spec would be generated with gpt-6.1-terra:');
		expect(result.stdout).toMatch(/\nnotifications\s+missing\s+~[\d,]+\s+~6,000\s+~\$0\.\d{3}\n/);
		expect(server.requests).toHaveLength(0);
	});

	test.each([
		[['generate', 'nope'], true, 'prd-specs: Unknown PRD id: nope.'],
		[['generate'], false, 'prd-specs: `OPENAI_API_KEY` is not set.'],
		[['generate', '--concurrency', 'many'], true, '--concurrency must be a whole number from 1 to 16 (got "many").'],
		[['publish'], false, 'prd-specs: Unknown command "publish".'],
		[['status', '--dry-run'], false, '--dry-run is an option of `generate`, not of `status`.'],
		[['check', '--verbose'], false, "Unknown option '--verbose'"],
		[[], false, 'prd-specs: No command given.'],
	])('%j exits 2 with a clear message', async (args, key, message) => {
		const result = await runCli(dir, args, key ? withKey() : {});
		expect(result.code).toBe(2);
		expect(result.output).toContain(message);
		expect(result.output).not.toMatch(/^\s+at /m);
		expect(server.requests).toHaveLength(0);
	});
});

describe('prd-specs generate against an OpenAI-compatible server', () => {
	test('writes exactly the missing specs; check then passes, fails after a PRD edit, passes after generate', async () => {
		const dir = await fixtureSite();
		const billingBefore = await readFile(join(dir, 'src/content/specs/billing.md'), 'utf8');
		let result = await runCli(dir, ['generate'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(1);
		expect(result.stdout).toContain('Generating 1 spec with gpt-6.1-terra, 2 at a time.');
		expect(result.stdout).toMatch(/prds\/notifications\.md: wrote src\/content\/specs\/notifications\.md in \d+\.\d s/);
		expect(result.stdout).toMatch(/Specs: 1 generated, 1 reused, 0 failed;/);
		expect((await readdir(join(dir, 'src/content/specs'))).sort()).toEqual(['billing.md', 'notifications.md']);
		expect(await readFile(join(dir, 'src/content/specs/billing.md'), 'utf8')).toBe(billingBefore);
		expect((await runCli(dir, ['check'])).code).toBe(0);

		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('Produce a monthly invoice.', 'Produce an invoice every month.'));
		result = await runCli(dir, ['check']);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain('prds/billing.md: src/content/specs/billing.md is stale (the PRD changed)');

		server.requests.length = 0;
		result = await runCli(dir, ['generate', 'billing'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(server.requests).toHaveLength(1);
		expect((await runCli(dir, ['check'])).code).toBe(0);
		expect(result.output).not.toContain(API_KEY);
	});

	test('a spec that cannot be repaired makes generate exit 1 and leaves the cache as it was', async () => {
		const dir = await fixtureSite();
		server.handler = () => ({ type: 'text', content: specText('Notification preferences', { diagram: INVALID_DIAGRAM }) });
		const result = await runCli(dir, ['generate', '--concurrency', '1'], withKey());
		server.handler = (request) => ({ type: 'text', content: specText(appNameOf(request.text)) });
		expect(result.code).toBe(1);
		expect(result.output).toContain('error: prds/notifications.md: the generated spec still has 1 problem after 2 repair rounds');
		expect(result.stdout).toMatch(/Specs: 0 generated, 1 reused, 1 failed;/);
		expect(await readdir(join(dir, 'src/content/specs'))).toEqual(['billing.md']);
	});
});
