/*
 * "The key is never written to the log, the cache or the site: error messages from the API are
 * scrubbed of it." The fake server rejects the key with a 401 whose error body echoes it, in
 * full, as OpenAI masks it, and as a `Bearer` header; nothing the build produces may hold it.
 * Two keys: one shaped like OpenAI's (caught by its shape too) and a proxy token of another
 * shape (caught only because it is the key in use).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import { prepareSpecs } from '../../src/integration/pipeline.ts';
import { expectNoKey, KEYS } from '../helpers/api-keys.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();
let server: FakeOpenAIServer;
let root: string;
let logs: string[];
const logger = recordingLogger(() => logs);

beforeEach(async () => {
	logs = [];
	root = await tempDir();
	server = await startFakeOpenAI();
	await writeFiles(root, {
		'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay'),
		'prds/beta.md': prdSource('title: Beta\nappName: Betabook'),
	});
	// Beta has a spec from before its PRD changed: it must stay, as it was.
	await writeFreshSpec(root, 'beta', '# Technical Specification: Betabook\n\n## Overview\n\nThe previous spec.');
	await writeFiles(root, { 'prds/beta.md': prdSource('title: Beta\nappName: Betabook', '## Goal\n\nShip it, changed.\n') });
});
afterEach(() => server.close());

test.each([
	['openai', 'chat'],
	['openai', 'responses'],
	['proxy', 'chat'],
	['proxy', 'responses'],
] as const)('a 401 that echoes the %s key (%s API): not in the build log, the outcomes or the spec files', async (shape, api) => {
	const secret = KEYS[shape];
	// Alpha's request is rejected; Beta's succeeds, so a spec is written while the key is in play.
	server.handler = (request) =>
		appNameOf(request.text) === 'Alphapay'
			? { type: 'error', status: 401, message: secret.echo(secret.key) }
			: { type: 'text', content: specText(appNameOf(request.text)) };
	const betaBefore = await readFile(join(root, 'src/content/specs/beta.md'), 'utf8');

	const { outcomes } = await prepareSpecs({
		root,
		config: validateConfig({ generation: { api, retries: 0 } }),
		logger,
		env: { OPENAI_API_KEY: secret.key, OPENAI_BASE_URL: server.baseURL },
		mayGenerate: true,
	});

	// The key did reach the server, and its answer did reach the log (so the checks below are not vacuous).
	expect(server.requests.some((request) => request.headers.authorization === `Bearer ${secret.key}`)).toBe(true);
	const log = logs.join('\n');
	expect(log).toContain('prds/alpha.md: no spec generated: the API answered 401 (check `OPENAI_API_KEY`)');
	expect(log).toContain(
		shape === 'openai'
			? 'Incorrect API key provided: sk-[redacted]'
			: 'invalid token [redacted]; header "Authorization: Bearer [redacted]"',
	);
	expect(outcomes.map((outcome) => [outcome.id, outcome.status])).toEqual([
		['alpha', 'failed'],
		['beta', 'generated'],
	]);

	const specsDir = join(root, 'src/content/specs');
	const names = await readdir(specsDir);
	expect(names.sort()).toEqual(['beta.md']);
	const files = await Promise.all(names.map((name) => readFile(join(specsDir, name), 'utf8')));
	expect(files[0]).not.toBe(betaBefore);
	expectNoKey([log, ...outcomes.map((outcome) => outcome.error ?? ''), ...files].join('\n'), secret);
});

test('a 401 on a stale spec keeps the previous spec byte for byte, and says so without the key', async () => {
	const secret = KEYS.proxy;
	server.handler = () => ({ type: 'error', status: 401, message: secret.echo(secret.key) });
	const before = await readFile(join(root, 'src/content/specs/beta.md'));
	const { report, outcomes } = await prepareSpecs({
		root,
		config: validateConfig({ generation: { retries: 0 } }),
		logger,
		env: { OPENAI_API_KEY: secret.key, OPENAI_BASE_URL: server.baseURL },
		mayGenerate: true,
	});
	expect(outcomes.map((outcome) => outcome.status)).toEqual(['failed', 'failed']);
	expect(await readFile(join(root, 'src/content/specs/beta.md'))).toEqual(before);
	expect(report.prds.map((status) => status.state)).toEqual(['missing', 'stale']);
	const log = logs.join('\n');
	expect(log).toContain('prds/beta.md: no spec generated: the API answered 401');
	expect(log).toContain('src/content/specs/beta.md is kept.');
	expectNoKey([log, ...outcomes.map((outcome) => outcome.error ?? '')].join('\n'), secret);
});
