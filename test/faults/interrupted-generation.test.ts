import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { parseSpecFile } from '../../src/integration/cache/spec-file.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, spawnCli, useFixtureSite } from '../helpers/site.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';

const fixtureSite = useFixtureSite();
const IDS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];

let server: FakeOpenAIServer;
beforeAll(async () => {
	// Slow, streamed answers, so that a kill lands while specs are being received and written.
	server = await startFakeOpenAI((request) => ({
		type: 'text',
		content: specText(appNameOf(request.text)),
		chunkSize: 200,
		chunkDelayMs: 40,
	}));
});
afterAll(() => server.close());

async function siteWithSixPrds(): Promise<string> {
	const dir = await fixtureSite();
	await writeFiles(dir, Object.fromEntries(IDS.map((id) => [`prds/${id}.md`, prdSource(`title: Product ${id}\nappName: App-${id}`)])));
	return dir;
}

/** Every `.md` in the cache must be a complete, valid spec; returns their ids. */
async function readIntactSpecs(dir: string): Promise<string[]> {
	const names = await readdir(join(dir, 'src/content/specs'));
	const ids: string[] = [];
	for (const name of names.filter((n) => n.endsWith('.md') && !n.startsWith('.'))) {
		const id = name.slice(0, -3);
		const result = parseSpecFile(await readFile(join(dir, 'src/content/specs', name), 'utf8'), name, id);
		expect(result.ok, `${name} is a complete spec`).toBe(true);
		// Generated specs end with the last line the fake model sends; the fixture's own spec is hand-written.
		if (result.ok && id !== 'billing')
			expect(result.spec.body, `${name} ends where the answer ended`).toMatch(/- Which regions must .+ serve\?$/);
		ids.push(id);
	}
	return ids.sort();
}

test('SIGKILL during generation: finished specs stay intact, none is half-written, a rerun generates only the rest', async () => {
	const dir = await siteWithSixPrds();
	const env = { OPENAI_API_KEY: 'sk-kill', OPENAI_BASE_URL: server.baseURL };
	const child = spawnCli(dir, ['generate', '--concurrency', '2'], env);
	const specsDir = join(dir, 'src/content/specs');
	// Kill it once two specs of the six are written.
	const deadline = Date.now() + 60_000;
	while ((await readdir(specsDir)).filter((name) => /^p\d\.md$/.test(name)).length < 2) {
		if (Date.now() > deadline || child.exitCode !== null) throw new Error('generation did not write two specs');
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	child.kill('SIGKILL');
	await new Promise((resolve) => child.once('close', resolve));

	const written = (await readIntactSpecs(dir)).filter((id) => id !== 'billing');
	expect(written.length).toBeGreaterThanOrEqual(2);
	expect(written.length).toBeLessThan(IDS.length + 1);

	server.requests.length = 0;
	const rerun = await runCli(dir, ['generate'], env);
	expect(rerun.code, rerun.output).toBe(0);
	// Exactly the specs that were not finished are requested again (plus the fixture's own missing one).
	const requested = server.requests.map((request) => appNameOf(request.text)).sort();
	const appOf = (id: string) => (id === 'notifications' ? 'Notification preferences' : `App-${id}`);
	const expected = [...IDS, 'notifications']
		.filter((id) => !written.includes(id))
		.map(appOf)
		.sort();
	expect(requested).toEqual(expected);
	expect((await readIntactSpecs(dir)).filter((id) => id !== 'billing' && id !== 'notifications')).toEqual(IDS);
	// A write cut by the kill left at most a temporary file, which the rerun removed.
	expect((await readdir(specsDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
	expect((await runCli(dir, ['check'])).code).toBe(0);
});

test('two generators writing into the same cache at once leave no corrupt or temporary file', async () => {
	const dir = await siteWithSixPrds();
	const env = { OPENAI_API_KEY: 'sk-race', OPENAI_BASE_URL: server.baseURL };
	const [first, second] = await Promise.all([
		runCli(dir, ['generate', '--concurrency', '3'], env),
		runCli(dir, ['generate', '--concurrency', '3'], env),
	]);
	expect(first.code, first.output).toBe(0);
	expect(second.code, second.output).toBe(0);
	const names = await readdir(join(dir, 'src/content/specs'));
	expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
	expect((await readIntactSpecs(dir)).filter((id) => id !== 'billing' && id !== 'notifications')).toEqual(IDS);
	expect((await runCli(dir, ['check'])).code).toBe(0);
});
