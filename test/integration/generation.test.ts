import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { readSpecCache } from '../../src/integration/cache/read.ts';
import { validateConfig, type PrdSpecsUserConfig } from '../../src/integration/config.ts';
import { prepareSpecs } from '../../src/integration/pipeline.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer, type RecordedRequest } from '../helpers/openai-server.ts';
import { INVALID_DIAGRAM, appNameOf, specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

const API_KEY = 'sk-proj-SECRET-must-never-appear-9f8e7d6c5b4a';
const tempDir = useTempDir();

let server: FakeOpenAIServer;
let root: string;
let logs: string[];
const logger = recordingLogger(() => logs);

/** The app name a request asks a spec for. */
function appOf(request: RecordedRequest): string {
	return appNameOf(request.text);
}

function isRepair(request: RecordedRequest): boolean {
	return (request.body.messages ?? request.body.input ?? []).length > 1;
}

beforeEach(async () => {
	logs = [];
	root = await tempDir();
	server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appOf(request)) }));
	await writeFiles(root, {
		'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay'),
		'prds/beta.md': prdSource('title: Beta\nappName: Betabook\nconstraints: [Runs on GCP]'),
	});
});
afterEach(() => server.close());

function run(options: PrdSpecsUserConfig = {}, env: Record<string, string> = {}) {
	return prepareSpecs({
		root,
		config: validateConfig({ ...options, generation: { ...options.generation } }),
		logger,
		env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL, ...env },
		mayGenerate: true,
	});
}

async function readAllOutputs(): Promise<string> {
	const dir = join(root, 'src/content/specs');
	const files = await readdir(dir).catch(() => []);
	const contents = await Promise.all(files.map((name) => readFile(join(dir, name), 'utf8')));
	return [...contents, ...logs].join('\n');
}

describe('spec generation', () => {
	test('writes one spec per PRD with the prompt’s placeholders filled and the hash recorded', async () => {
		const { report, outcomes } = await run();
		expect(outcomes.map((o) => [o.id, o.status])).toEqual([
			['alpha', 'generated'],
			['beta', 'generated'],
		]);
		expect(report.prds.map((s) => s.state)).toEqual(['fresh', 'fresh']);
		const beta = server.requests.find((r) => appOf(r) === 'Betabook')!;
		expect(beta.text).toContain('<prd>\n  ## Goal\n\nShip it.\n  </prd>');
		expect(beta.text).toContain('- Runs on GCP');
		expect(beta.text).not.toMatch(
			/\[APP NAME\]|\[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY\]|\[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS\]/,
		);

		const spec = (await readSpecCache(root, 'src/content/specs')).specs.get('beta')!;
		expect(spec.metadata).toMatchObject({
			prd: 'beta',
			inputHash: report.prds[1]!.inputHash,
			templateHash: report.template!.hash,
			source: 'model',
			model: 'gpt-6.1-terra',
			usage: { requests: 1 },
		});
		expect(spec.body.startsWith('# Technical Specification: Betabook\n')).toBe(true);
		expect(logs).toContainEqual(
			expect.stringMatching(/^info prds\/beta\.md: wrote src\/content\/specs\/beta\.md in \d+\.\d s \([\d,]+ tokens in, [\d,]+ out\)\.$/),
		);
		expect(logs.at(-1)).toMatch(/^info Specs: 2 generated, 0 reused, 0 failed; [\d,]+ tokens in, [\d,]+ out; about \$\d+\.\d{3}\.$/);
	});

	test('the private planning block and the preamble never reach the cache', async () => {
		server.handler = (request) => ({
			type: 'text',
			content: specText(appOf(request), {
				before: 'Here you go.\n<technical_planning>\n# Draft outline\nSECRET PLANNING NOTES\n</technical_planning>\n\n',
			}),
		});
		await run();
		const text = await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8');
		expect(text).not.toContain('SECRET PLANNING NOTES');
		expect(text).not.toContain('technical_planning');
		expect(text).not.toContain('Here you go.');
	});

	test('a missing section triggers one repair request naming it, and the repaired spec is saved', async () => {
		server.handler = (request) =>
			isRepair(request)
				? { type: 'text', content: specText(appOf(request)) }
				: { type: 'text', content: specText(appOf(request), { omit: ['Database Schema'] }) };
		const { outcomes } = await run();
		expect(outcomes.every((o) => o.status === 'generated' && o.requests === 2)).toBe(true);
		const repair = server.requests.find(isRepair)!;
		const messages = repair.body.messages!;
		expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
		expect(messages[1]!.content).toMatch(/^# Technical Specification: /);
		expect(messages[2]!.content).toContain('- The section "## Database Schema" is missing.');
		expect((await readSpecCache(root, 'src/content/specs')).specs.get('alpha')!.metadata.usage?.requests).toBe(2);
	});

	test('a requirement the spec never cites is sent back with its text, and the spec citing all five is saved', async () => {
		await rm(join(root, 'prds/beta.md'));
		const body = [
			'## Functional requirements',
			'',
			'- FR-1: Shoppers pay with one tap.',
			'- FR-2: Saved cards are listed first.',
			'- FR-3: Receipts are emailed.',
			'- FR-4: Refunds reach the card within a day.',
			'',
			'## Non-functional requirements',
			'',
			'- NFR-1: Checkout answers within 300 ms.',
			'',
		].join('\n');
		await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay', body) });
		const citing = (ids: string[]) => specText('Alphapay').replace('Details of security', `Covers ${ids.join(', ')}. Details of security`);
		server.handler = (request) => ({
			type: 'text',
			content: isRepair(request) ? citing(['FR-1', 'FR-2', 'FR-3', 'FR-4', 'NFR-1']) : citing(['FR-1', 'FR-2', 'FR-3', 'NFR-1']),
		});
		const { outcomes, report } = await run();
		expect(outcomes.map((o) => [o.id, o.status, o.requests])).toEqual([['alpha', 'generated', 2]]);
		const [first, repair] = server.requests;
		expect(first!.text).toContain(
			'Requirement ids: the PRD marks its requirements with ids (FR-1, FR-2, FR-3, FR-4, NFR-1). In the technical specification, cite each of these ids',
		);
		const repairMessage = repair!.body.messages![2]!.content;
		expect(repairMessage).toContain(
			'- Requirement FR-4 of the PRD is never cited: "Refunds reach the card within a day.". Address it where the specification covers it, and cite FR-4 there.',
		);
		expect(repairMessage).not.toMatch(/FR-[123] of the PRD|NFR-1 of the PRD/);
		const spec = (await readSpecCache(root, 'src/content/specs')).specs.get('alpha')!;
		expect(spec.body).toContain('Covers FR-1, FR-2, FR-3, FR-4, NFR-1.');
		expect(report.prds[0]!.state).toBe('fresh');
	});

	test('what a build would refuse in a cached spec (a long title line, deep nesting, a paragraph of colons) is sent back and fixed', async () => {
		server.handler = (request) =>
			isRepair(request)
				? { type: 'text', content: specText(appOf(request)) }
				: {
						type: 'text',
						content: specText(appOf(request))
							.replace('# Technical Specification: ', `# Technical Specification: ${'T'.repeat(300)} `)
							.replace('## Technology Stack', `${'> '.repeat(40)}deep\n\n${'a:b '.repeat(1001)}\n\n## Technology Stack`),
					};
		const { outcomes } = await run();
		expect(outcomes.map((o) => o.status)).toEqual(['generated', 'generated']);
		const repair = server.requests.find(isRepair)!.body.messages![2]!.content;
		expect(repair).toMatch(/- The `# ` title line is 3\d\d characters long; keep it under 200/);
		expect(repair).toMatch(/- Line \d+ opens 40 nested quotes or lists; at most 32 are allowed\./);
		expect(repair).toMatch(/- The paragraph at line \d+ has more than 1,000 colons; split it with blank lines\./);
	});

	test('a model name the server makes up is recorded on one line, within the limit', async () => {
		const { outcomes } = await run({ generation: { model: `model ${'m'.repeat(300)}` } });
		expect(outcomes.map((o) => o.status)).toEqual(['generated', 'generated']);
		const spec = (await readSpecCache(root, 'src/content/specs')).specs.get('alpha')!;
		expect(spec.metadata.model).toHaveLength(200);
	});

	test('an invalid mermaid diagram is sent back with mermaid’s error and fixed', async () => {
		server.handler = (request) =>
			isRepair(request)
				? { type: 'text', content: specText(appOf(request)) }
				: { type: 'text', content: specText(appOf(request), { diagram: INVALID_DIAGRAM }) };
		const { outcomes } = await run();
		expect(outcomes.map((o) => o.status)).toEqual(['generated', 'generated']);
		const repair = server.requests.find(isRepair)!.body.messages![2]!.content;
		expect(repair).toMatch(/- Mermaid diagram 1 \(in "## System Architecture Overview"\) does not parse: Parse error on line \d+:/);
		expect(logs).toContainEqual(
			expect.stringMatching(
				/^warn prds\/alpha\.md: the spec has 1 problem; asking the model to fix it \(repair round 1 of 2\)\. First: Mermaid diagram 1/,
			),
		);
	});

	test('a diagram the model never fixes fails that PRD after the repair rounds and leaves the cache as it was', async () => {
		await writeFreshSpec(root, 'alpha', specText('Alphapay', { marker: 'OLD-SPEC' }));
		await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay', '## Goal\n\nShip it sooner.\n') });
		const before = await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8');
		server.handler = (request) =>
			appOf(request) === 'Alphapay'
				? { type: 'text', content: specText('Alphapay', { diagram: INVALID_DIAGRAM }) }
				: { type: 'text', content: specText(appOf(request)) };
		const { report, outcomes } = await run({ generation: { repairRounds: 1 } });
		expect(outcomes.find((o) => o.id === 'alpha')).toMatchObject({ status: 'failed', requests: 2 });
		expect(outcomes.find((o) => o.id === 'beta')).toMatchObject({ status: 'generated' });
		expect(await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8')).toBe(before);
		expect(report.prds.find((s) => s.prd.id === 'alpha')!.state).toBe('stale');
		expect(logs).toContainEqual(
			expect.stringMatching(
				/^error prds\/alpha\.md: the generated spec still has 1 problem after 1 repair round, so it was not saved and src\/content\/specs\/alpha\.md is kept:\n {2}- Mermaid diagram 1/,
			),
		);
		expect(logs.at(-1)).toMatch(/^info Specs: 1 generated, 0 reused, 1 failed;/);
	});

	test('truncated output is rejected, repaired when the retry is complete', async () => {
		server.handler = (request) =>
			isRepair(request)
				? { type: 'text', content: specText(appOf(request)) }
				: { type: 'text', content: specText(appOf(request)).slice(0, 300), finish: 'length' };
		const { outcomes } = await run();
		expect(outcomes.map((o) => o.status)).toEqual(['generated', 'generated']);
		expect(server.requests.find(isRepair)!.body.messages![2]!.content).toContain(
			'The answer was cut off because it reached the output token limit',
		);
	});

	test('a persistent server error fails every PRD, writes nothing and names each PRD', async () => {
		server.handler = () => ({ type: 'error', status: 500, message: 'upstream exploded' });
		const { outcomes } = await run({ generation: { retries: 1 } });
		expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed']);
		expect(server.requests).toHaveLength(4);
		await expect(readdir(join(root, 'src/content/specs'))).rejects.toThrow();
		expect(logs).toContain('error prds/alpha.md: no spec generated: the API answered 500: upstream exploded.');
	});

	test('never more requests in flight than the concurrency limit', async () => {
		await writeFiles(
			root,
			Object.fromEntries(['c', 'd', 'e', 'f'].map((id) => [`prds/${id}.md`, prdSource(`title: ${id.toUpperCase()}`)])),
		);
		// Each answer waits until two requests wait together (a barrier, no timing): the run can only
		// finish if it sends two at once. That it never sends more is pinned without timing by the
		// unit test of mapWithConcurrency; a third request at once would also show here.
		server.handler = (request) => ({ type: 'text', content: specText(appOf(request)), waitForInFlight: 2 });
		const { outcomes } = await run({ generation: { concurrency: 2 } });
		expect(outcomes).toHaveLength(6);
		expect(outcomes.every((o) => o.status === 'generated')).toBe(true);
		expect(server.maxInFlight).toBe(2);
	});

	test('all specs cached: zero requests; one PRD of three edited: exactly one request', async () => {
		await writeFiles(root, { 'prds/gamma.md': prdSource('title: Gamma') });
		await run();
		expect(server.requests).toHaveLength(3);

		server.requests.length = 0;
		const again = await run();
		expect(server.requests).toHaveLength(0);
		expect(again.outcomes).toEqual([]);

		await writeFiles(root, {
			'prds/beta.md': prdSource('title: Beta\nappName: Betabook\nconstraints: [Runs on GCP, Budget is 2 engineers]'),
		});
		const edited = await run();
		expect(server.requests.map(appOf)).toEqual(['Betabook']);
		expect(edited.report.prds.every((s) => s.state === 'fresh')).toBe(true);

		// A status edit does not reach the prompt, so it costs nothing.
		await writeFiles(root, { 'prds/gamma.md': prdSource('title: Gamma\nstatus: approved\nowner: Someone') });
		server.requests.length = 0;
		await run();
		expect(server.requests).toHaveLength(0);
	});

	test('the Responses API works the same way', async () => {
		const { outcomes } = await run({ generation: { api: 'responses' } });
		expect(outcomes.map((o) => o.status)).toEqual(['generated', 'generated']);
		expect(server.requests.every((r) => r.path === '/v1/responses')).toBe(true);
	});

	test('PRD_SPECS_MODEL overrides the model option', async () => {
		await run({ generation: { model: 'gpt-6-luna' } }, { PRD_SPECS_MODEL: 'gpt-6.1-sol' });
		expect(new Set(server.requests.map((r) => r.body.model))).toEqual(new Set(['gpt-6.1-sol']));
	});
});

describe('faults', () => {
	test('a PRD whose prompt is over the input limit is not sent and says why; the others go on', async () => {
		await writeFiles(root, {
			'prds/huge.md': prdSource('title: Huge', `## Everything\n\n${'All the requirements, again and again. '.repeat(20_000)}\n`),
		});
		const { outcomes } = await run({ generation: { maxInputTokens: 100_000 } });
		expect(outcomes.find((o) => o.id === 'huge')).toMatchObject({ status: 'failed', requests: 0 });
		expect(outcomes.filter((o) => o.status === 'generated').map((o) => o.id)).toEqual(['alpha', 'beta']);
		expect(server.requests.map((r) => appOf(r)).sort()).toEqual(['Alphapay', 'Betabook']);
		expect(logs).toContainEqual(
			expect.stringMatching(
				/^error prds\/huge\.md: no spec generated: its prompt is about [\d,]+ tokens, over the `generation\.maxInputTokens` limit of 100,000; shorten the PRD/,
			),
		);
	});

	test.each([
		[
			'a 429 storm',
			{ type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '10' } },
			3,
			/the API answered 429 \(rate limited or out of quota, after retries\)/,
		],
		['a 500 on every request', { type: 'error', status: 500, message: 'boom' }, 3, /the API answered 500: boom/],
		['a server that hangs past the deadline', { type: 'hang' }, 1, /no complete answer within 1 s/],
		[
			'streams that always break',
			{ type: 'text', content: specText('Alphapay'), cutAfter: 200 },
			3,
			/the connection broke in the middle of the answer \(after 3 attempts\)/,
		],
		['a garbage body', { type: 'garbage' }, 3, /malformed server-sent event JSON/],
	] as const)('%s: bounded retries, a clear final error, the cache untouched', async (_, reply, requests, message) => {
		await writeFreshSpec(root, 'alpha', specText('Alphapay', { marker: 'OLD' }));
		await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay', '## Goal\n\nChanged.\n'), 'prds/beta.md': '' });
		await rm(join(root, 'prds/beta.md'));
		const before = await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8');
		server.handler = () => reply;
		// Only the hanging server needs a short deadline; the others must end on their own.
		const { outcomes, report } = await run({ generation: { retries: 2, timeoutSeconds: reply.type === 'hang' ? 1 : 30 } });
		expect(outcomes).toEqual([expect.objectContaining({ id: 'alpha', status: 'failed', error: expect.stringMatching(message) })]);
		expect(server.requests).toHaveLength(requests);
		expect(await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8')).toBe(before);
		expect((await readdir(join(root, 'src/content/specs'))).filter((name) => name !== 'alpha.md')).toEqual([]);
		expect(report.prds[0]!.state).toBe('stale');
	});
});

describe('failures after the 200, end to end', () => {
	test.each([
		[
			'chat',
			'a content_filter stop',
			{ type: 'text', content: specText('Alphapay'), finish: 'content_filter' },
			30,
			1,
			'the model stopped: its output was blocked by the content filter',
		],
		[
			'responses',
			'a content_filter stop',
			{ type: 'text', content: specText('Alphapay'), finish: 'content_filter' },
			30,
			1,
			'the model stopped: its output was blocked by the content filter',
		],
		[
			'chat',
			'a body that stalls after the headers',
			{ type: 'text', content: specText('Alphapay'), stall: {} },
			0.3,
			1,
			'no complete answer within 0.3 s (the `generation.timeoutSeconds` deadline): the answer stalled for',
		],
		[
			'responses',
			'a body that stalls midway',
			{ type: 'text', content: specText('Alphapay'), chunkSize: 100, stall: { afterChars: 200 } },
			0.3,
			1,
			'no complete answer within 0.3 s (the `generation.timeoutSeconds` deadline): the answer stalled for',
		],
		[
			'chat',
			'an error chunk midway',
			{
				type: 'text',
				content: specText('Alphapay'),
				chunkSize: 100,
				streamError: { afterChars: 200, message: 'The server had an error.', code: 'server_error' },
			},
			30,
			3,
			'the server reported an error mid-answer (server_error): The server had an error. (after 3 attempts)',
		],
		[
			'responses',
			'a response.failed event',
			{
				type: 'text',
				content: specText('Alphapay'),
				streamError: { event: 'response.failed', code: 'invalid_prompt', message: 'Flagged.' },
			},
			30,
			1,
			'the response failed mid-answer (invalid_prompt): Flagged.',
		],
	] as const)(
		'%s, %s: the PRD fails with a clear message, its old spec is kept, the others go on',
		async (api, _, reply, timeoutSeconds, requests, message) => {
			await writeFreshSpec(root, 'alpha', specText('Alphapay', { marker: 'OLD' }));
			await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay', '## Goal\n\nChanged.\n') });
			const before = await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8');
			server.handler = (request) => (appOf(request) === 'Alphapay' ? reply : { type: 'text', content: specText(appOf(request)) });
			const { outcomes, report } = await run({ generation: { api, retries: 2, timeoutSeconds } });

			expect(outcomes.find((o) => o.id === 'alpha')).toMatchObject({ status: 'failed', error: expect.stringContaining(message) });
			expect(outcomes.find((o) => o.id === 'beta')).toMatchObject({ status: 'generated' });
			expect(server.requests.filter((r) => appOf(r) === 'Alphapay')).toHaveLength(requests);
			expect(logs).toContainEqual(expect.stringMatching(/^error prds\/alpha\.md: no spec generated: /));
			const line = logs.find((l) => l.startsWith('error prds/alpha.md'))!;
			expect(line).toContain(message);
			expect(line).toMatch(/\. src\/content\/specs\/alpha\.md is kept\.$/);
			expect(await readFile(join(root, 'src/content/specs/alpha.md'), 'utf8')).toBe(before);
			expect(report.prds.find((s) => s.prd.id === 'alpha')!.state).toBe('stale');
			expect(report.prds.find((s) => s.prd.id === 'beta')!.state).toBe('fresh');
			expect(logs.at(-1)).toMatch(/^info Specs: 1 generated, 0 reused, 1 failed;/);
		},
		30_000,
	);
});

describe('when generation must not happen', () => {
	test.each([
		['no API key', {}, { OPENAI_API_KEY: '' }, '`OPENAI_API_KEY` is not set: 2 specs not generated; the cache is used as it is.'],
		[
			'the offline option',
			{ generation: { offline: true } },
			{},
			'Offline mode (`generation.offline` or `PRD_SPECS_OFFLINE`): 2 specs not generated; the cache is used as it is.',
		],
		[
			'PRD_SPECS_OFFLINE',
			{},
			{ PRD_SPECS_OFFLINE: '1' },
			'Offline mode (`generation.offline` or `PRD_SPECS_OFFLINE`): 2 specs not generated; the cache is used as it is.',
		],
	])('%s: no request, no crash, the cache as it is', async (_, options, env, message) => {
		const { report, outcomes } = await run(options, env);
		expect(server.requests).toHaveLength(0);
		expect(outcomes).toEqual([]);
		expect(report.prds.map((s) => s.state)).toEqual(['missing', 'missing']);
		expect(logs).toEqual([`info ${message}`]);
	});
});

test('the API key appears in no log line and no cache file, whatever happens', async () => {
	server.handler = (request) => {
		if (appOf(request) === 'Alphapay') return { type: 'error', status: 401, message: `Incorrect API key provided: ${API_KEY}` };
		return { type: 'text', content: specText(appOf(request)) };
	};
	await run();
	const everything = await readAllOutputs();
	expect(everything).toContain('the API answered 401');
	expect(everything).not.toContain(API_KEY);
	expect(everything).not.toContain('SECRET-must-never-appear');
});

describe('the budget (`generation.maxCost`)', () => {
	test('an estimate above it: nothing is sent, and the build says why', async () => {
		const { skipped, outcomes } = await run({ generation: { maxCost: 0.01 } });
		expect(skipped).toMatchObject({ reason: 'over-budget', maxCost: 0.01, model: 'gpt-6.1-terra', estimate: expect.any(Number) });
		expect(outcomes).toEqual([]);
		expect(server.requests).toHaveLength(0);
		expect(logs).toContainEqual(
			expect.stringMatching(
				/^warn 2 specs not generated: the estimated cost, \$0\.\d{3} before any repair round, is above the run's budget of \$0\.010/,
			),
		);
	});

	test('a model whose price is unknown: a budget cannot be checked, so nothing is sent', async () => {
		const { skipped } = await run({ generation: { maxCost: 100, model: 'my-local-model' } });
		expect(skipped).toMatchObject({ reason: 'over-budget', estimate: undefined });
		expect(logs.join('\n')).toContain('the price of my-local-model is not known');
		expect(server.requests).toHaveLength(0);
	});

	test('a run that reaches it starts no further spec, and its summary says how many were left', async () => {
		// The first answer costs $1 (a million tokens in), far above its estimate; the budget is $0.50.
		server.handler = (request) => ({ type: 'text', content: specText(appOf(request)), usage: { input: 1_000_000, output: 0 } });
		const { outcomes, summary } = await run({ generation: { maxCost: 0.5, concurrency: 1 } });
		expect(outcomes.map((o) => [o.id, o.status])).toEqual([
			['alpha', 'generated'],
			['beta', 'skipped'],
		]);
		expect(outcomes[1]!.error).toBe(
			'not started: with it the run would go over its budget of $0.500 (`generation.maxCost` or --max-cost; $1.00 spent so far)',
		);
		expect(server.requests).toHaveLength(1);
		expect(summary).toMatch(
			/^Specs: 1 generated, 0 reused, 0 failed, 1 not started \(budget reached\); 1,000,000 tokens in, [\d,]+ out; about \$1\.\d\d\.$/,
		);
		// Beta's spec is left as it was: missing.
		expect((await readSpecCache(root, 'src/content/specs')).specs.has('beta')).toBe(false);
	});
});
