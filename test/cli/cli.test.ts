import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';

import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';
import { INVALID_DIAGRAM, appNameOf, specText } from '../helpers/spec-text.ts';
import { parseSpecFile } from '../../src/integration/cache/spec-file.ts';

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
		expect(result.stdout).toMatch(/^ID\s+TITLE\s+SPEC\s+MODEL\s+GENERATED\s+REVIEW\n/);
		expect(result.stdout).toMatch(/\nbilling\s+Usage-based billing\s+fresh\s+by hand\s+2026-11-01\s+not reviewed\n/);
		expect(result.stdout).toMatch(/\nnotifications\s+Notification preferences\s+missing\s+-\s+-\s+-\n/);
		expect(result.stdout).toContain('2 PRDs: 1 fresh, 0 stale, 1 missing.');
	});

	test('status --json is machine-readable', async () => {
		const result = await runCli(dir, ['status', '--json']);
		expect(result.code).toBe(0);
		const { prds } = JSON.parse(result.stdout) as { prds: Record<string, unknown>[] };
		expect(prds.map((p) => [p.id, p.spec])).toEqual([
			['billing', 'fresh'],
			['notifications', 'missing'],
		]);
		expect(prds[0]).toMatchObject({
			file: 'prds/billing.md',
			specFile: 'src/content/specs/billing.md',
			source: 'manual',
			inputHash: expect.stringMatching(/^sha256:/),
		});
	});

	test('check exits 1 and names what is missing', async () => {
		const result = await runCli(dir, ['check']);
		expect(result.code).toBe(1);
		expect(result.stdout).toContain(
			'1 of 2 PRDs have no fresh spec:\n  prds/notifications.md: no spec (src/content/specs/notifications.md)',
		);
	});

	test('generate --dry-run estimates tokens and cost and calls no server', async () => {
		const result = await runCli(dir, ['generate', '--dry-run'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('Dry run: nothing is sent. 1 spec would be generated with gpt-6.1-terra:');
		expect(result.stdout).toMatch(/\nnotifications\s+missing\s+~[\d,]+\s+~6,000\s+~\$0\.\d{3}\n/);
		expect(server.requests).toHaveLength(0);
	});

	test('generate --dry-run --batch --max-cost: the estimate at batch prices, checked against the budget', async () => {
		const normal = await runCli(dir, ['generate', '--dry-run', '--max-cost', '0.001'], withKey());
		expect(normal.code, normal.output).toBe(0);
		expect(normal.stdout).toMatch(
			/Budget: \$0\.001; the estimated cost, \$0\.0\d\d before any repair round, is above the run's budget of \$0\.001 .* The run would not start\./,
		);
		const batch = await runCli(dir, ['generate', '--dry-run', '--batch', '--max-cost', '$5'], withKey());
		expect(batch.code, batch.output).toBe(0);
		expect(batch.stdout).toContain('1 spec would be generated with gpt-6.1-terra in a batch (at the Batch API prices):');
		expect(batch.stdout).toContain('Budget: $5.00; the estimate fits.');
		const cost = (output: string) => Number(/Estimated total: .* about \$(\d+\.\d+)/.exec(output)?.[1]);
		expect(cost(batch.stdout)).toBeCloseTo(cost(normal.stdout) / 2, 1);
		expect(server.requests).toHaveLength(0);
	});

	test.each([
		[['generate', 'nope'], true, 'prd-specs: Unknown PRD id: nope.'],
		[['generate'], false, 'prd-specs: `OPENAI_API_KEY` is not set.'],
		[['generate', '--concurrency', 'many'], true, '--concurrency must be a whole number from 1 to 16 (got "many").'],
		[['generate', '--max-cost', 'lots'], true, '--max-cost must be an amount in US dollars more than 0, such as 5 or 0.50 (got "lots").'],
		[['generate', '--max-cost', '0'], true, '--max-cost must be an amount in US dollars more than 0'],
		[['generate', '--wait'], true, '--wait is an option of `generate --batch` and `batch collect`.'],
		[['status', '--batch'], false, '--batch is an option of `generate`, not of `status`.'],
		[['batch'], true, '`batch` takes one of status, collect, cancel.'],
		[['batch', 'submit'], true, '`batch` takes one of status, collect, cancel (got submit).'],
		[['batch', 'status', '--wait'], true, '--wait is an option of `batch collect` and `generate --batch`.'],
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

/** An Astro config file like the fixture's, with other `prdSpecs()` options, for `--config`. */
async function writeConfig(dir: string, name: string, options: object): Promise<void> {
	await writeFile(
		join(dir, name),
		`import starlight from '@astrojs/starlight';\nimport { defineConfig } from 'astro/config';\nimport prdSpecs from 'astro-prd-specs';\n\nexport default defineConfig({ integrations: [starlight({ title: 'Other config', plugins: [prdSpecs(${JSON.stringify(options)})] })] });\n`,
	);
}

/** The usage of the README's example line: a reply that reports these tokens. */
const USAGE_7012_5480 = { input: 7012, output: 5480 };

describe('prd-specs options and exit codes as documented', () => {
	test('--help, -h and `help` print the usage and exit 0, even where there is no site', async () => {
		const dir = await fixtureSite();
		// A folder with no Astro config: help needs none.
		const noSite = join(dir, 'prds');
		for (const args of [['--help'], ['-h'], ['help'], ['generate', '--help']]) {
			const result = await runCli(noSite, args);
			expect(result.code, `${args.join(' ')}\n${result.output}`).toBe(0);
			expect(result.stdout).toMatch(/^Usage: prd-specs <command> \[options\]\n/);
			for (const text of [
				'status [--json]',
				'check ',
				'generate [ids...]',
				'--force',
				'--dry-run',
				'--concurrency <n>',
				'--root <folder>',
				'--config <file>',
				'-h, --help',
			]) {
				expect(result.stdout).toContain(text);
			}
			expect(result.stdout).toContain(
				'Exit codes: 0 success; 1 stale/missing specs, a failed generation, or invalid PRDs or options;\n2 bad usage (unknown command, option or id, no API key, offline mode).',
			);
		}
		// Without --help, the same folder is an error that says how to point at a site.
		const result = await runCli(noSite, ['status']);
		expect(result.code).toBe(2);
		expect(result.output).toContain(
			'prd-specs: No Astro config file (astro.config.mjs, astro.config.js, astro.config.mts, astro.config.ts) in',
		);
		expect(result.output).toContain('pass --root <folder> or --config <file>');
	});

	test('--root reads another site; --config reads another config file, its options included', async () => {
		const here = await fixtureSite();
		const other = await fixtureSite();
		await writeFiles(other, { 'prds/only-there.md': prdSource('title: Only in the other site') });
		let result = await runCli(here, ['status', '--root', relative(here, other)]);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toMatch(/\nonly-there\s+Only in the other site\s+missing\s+-\s+-\s+-\n/);
		expect(result.stdout).toContain('3 PRDs: 1 fresh, 0 stale, 2 missing.');
		expect((await runCli(here, ['status'])).stdout).toContain('2 PRDs: 1 fresh, 0 stale, 1 missing.');

		// A config whose specs live elsewhere and whose model has a price of its own: both are used.
		const prices = { 'house-model': { input: 0.5, output: 1.5 } };
		await writeConfig(here, 'other.config.mjs', { specsDir: 'other-specs', generation: { model: 'house-model', prices } });
		result = await runCli(here, ['status', '--config', 'other.config.mjs']);
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('2 PRDs: 0 fresh, 0 stale, 2 missing.');

		server.handler = (request) => ({ type: 'text', content: specText(appNameOf(request.text)), usage: USAGE_7012_5480 });
		result = await runCli(here, ['generate', '--config', 'other.config.mjs'], withKey());
		server.handler = (request) => ({ type: 'text', content: specText(appNameOf(request.text)) });
		expect(result.code, result.output).toBe(0);
		expect(server.requests.map((request) => request.body.model)).toEqual(['house-model', 'house-model']);
		expect((await readdir(join(here, 'other-specs'))).sort()).toEqual(['billing.md', 'notifications.md']);
		// 14,024 in at $0.50 and 10,960 out at $1.50 per million: $0.023452.
		expect(result.stdout).toContain('Specs: 2 generated, 0 reused, 0 failed; 14,024 tokens in, 10,960 out; about $0.023.');

		result = await runCli(here, ['status', '--config', 'missing.config.mjs']);
		expect(result.code).toBe(2);
		expect(result.output).toContain('prd-specs: The config file missing.config.mjs does not exist.');
	});

	test('offline mode makes generate exit 2 without a request, from the environment or the option', async () => {
		const dir = await fixtureSite();
		let result = await runCli(dir, ['generate'], { ...withKey(), PRD_SPECS_OFFLINE: '1' });
		expect(result.code, result.output).toBe(2);
		expect(result.output).toContain('prd-specs: Offline mode is on (`generation.offline` or `PRD_SPECS_OFFLINE`): nothing is generated.');
		await writeConfig(dir, 'offline.config.mjs', { generation: { offline: true } });
		result = await runCli(dir, ['generate', '--config', 'offline.config.mjs'], withKey());
		expect(result.code, result.output).toBe(2);
		expect(result.output).toContain('prd-specs: Offline mode is on');
		expect(server.requests).toHaveLength(0);
		expect(await readdir(join(dir, 'src/content/specs'))).toEqual(['billing.md']);
	});

	test('invalid PRDs and invalid options exit 1 with what to fix', async () => {
		const dir = await fixtureSite();
		await writeConfig(dir, 'bad.config.mjs', { strict: 'yes' });
		let result = await runCli(dir, ['status', '--config', 'bad.config.mjs']);
		expect(result.code, result.output).toBe(1);
		expect(result.output).toContain('prd-specs: Invalid prd-specs options:\n- `strict`: `strict` must be `true` or `false`.');

		result = await runCli(dir, ['generate'], { ...withKey(), PRD_SPECS_OFFLINE: 'maybe' });
		expect(result.code, result.output).toBe(1);
		expect(result.output).toContain('prd-specs: `PRD_SPECS_OFFLINE` is set to "maybe", which is not a boolean.');

		await writeFiles(dir, { 'prds/bad.md': prdSource('title: Bad\nstatus: someday') });
		result = await runCli(dir, ['check']);
		expect(result.code, result.output).toBe(1);
		expect(result.output).toContain(
			'prd-specs: 1 problem in the PRDs or the spec cache:\n- prds/bad.md › status: `status` must be one of: draft, review, approved, superseded, archived.',
		);
		expect(result.output).toContain('Fix each file as described, then run the command again.');
		expect(result.output).not.toMatch(/^\s+at /m);
		expect(server.requests).toHaveLength(0);
	});

	test('generate <id> leaves a fresh spec alone; --force regenerates it and reports the cost', async () => {
		const dir = await fixtureSite();
		const billingPath = join(dir, 'src/content/specs/billing.md');
		let result = await runCli(dir, ['generate', 'billing'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(result.stdout).toContain('Nothing to generate: the named specs are fresh (use --force to regenerate).');
		expect(server.requests).toHaveLength(0);

		server.queue.push({ type: 'text', content: specText('Meterly', { marker: 'forced-again' }), usage: USAGE_7012_5480 });
		result = await runCli(dir, ['generate', 'billing', '--force'], withKey());
		expect(result.code, result.output).toBe(0);
		expect(server.requests.map((request) => appNameOf(request.text))).toEqual(['Meterly']);
		const spec = parseSpecFile(await readFile(billingPath, 'utf8'), 'billing.md', 'billing');
		expect(spec.ok && spec.spec.metadata).toMatchObject({
			source: 'model',
			model: 'gpt-6.1-terra',
			usage: { inputTokens: 7012, outputTokens: 5480, requests: 1 },
		});
		expect(spec.ok && spec.spec.body).toContain('forced-again');
		// 7,012 in at $1 and 5,480 out at $5 per million: $0.034412.
		expect(result.stdout).toContain('prds/billing.md: wrote src/content/specs/billing.md in');
		expect(result.stdout).toContain('Specs: 1 generated, 1 reused, 0 failed; 7,012 tokens in, 5,480 out; about $0.034.');
		// Only the named spec: the missing one was not asked for.
		expect(await readdir(join(dir, 'src/content/specs'))).toEqual(['billing.md']);

		// A model with no known price says so instead of a figure.
		server.queue.push({ type: 'text', content: specText('Meterly'), usage: USAGE_7012_5480 });
		result = await runCli(dir, ['generate', 'billing', '--force'], { ...withKey(), PRD_SPECS_MODEL: 'mystery-model' });
		expect(result.code, result.output).toBe(0);
		expect(server.requests.at(-1)!.body.model).toBe('mystery-model');
		expect(result.stdout).toContain(
			'Specs: 1 generated, 1 reused, 0 failed; 7,012 tokens in, 5,480 out; cost unknown for mystery-model (set `generation.prices`).',
		);
	});

	test('generate --dry-run prices each row and the total at the model’s rates', async () => {
		const dir = await fixtureSite();
		// gpt-6.1-terra's figures are checked on a real run above; every CLI run costs a second or two.
		const rates = { 'gpt-6.1-sol': [2, 10], 'gpt-6-luna': [0.1, 0.5] } as const;
		for (const [model, [input, output]] of Object.entries(rates)) {
			const result = await runCli(dir, ['generate', '--dry-run', '--force'], { PRD_SPECS_MODEL: model });
			expect(result.code, result.output).toBe(0);
			const rows = [
				...result.stdout.matchAll(/^(billing|notifications)\s+(?:forced|missing)\s+~([\d,]+)\s+~([\d,]+)\s+~\$(\d+\.\d{3})$/gm),
			];
			expect(rows, result.stdout).toHaveLength(2);
			const number = (text: string) => Number(text.replaceAll(',', ''));
			let totalIn = 0;
			let totalOut = 0;
			for (const [, , tokensIn, tokensOut, cost] of rows) {
				totalIn += number(tokensIn!);
				totalOut += number(tokensOut!);
				expect(cost, `${model} ${rows[0]![0]}`).toBe(((number(tokensIn!) * input + number(tokensOut!) * output) / 1e6).toFixed(3));
			}
			expect(result.stdout).toContain(
				`Estimated total: ~${totalIn.toLocaleString('en-US')} tokens in, ~${totalOut.toLocaleString('en-US')} out, about $${((totalIn * input + totalOut * output) / 1e6).toFixed(2)}, before any repair round.`,
			);
		}
		const result = await runCli(dir, ['generate', '--dry-run'], { PRD_SPECS_MODEL: 'mystery-model' });
		expect(result.stdout).toMatch(/\nnotifications\s+missing\s+~[\d,]+\s+~6,000\s+\?\n/);
		expect(result.stdout).toContain('out, cost unknown for mystery-model (set `generation.prices`), before any repair round.');
	});
});

/** Lines GitHub Actions would read as workflow commands: `::name::` at the start (after spaces), `##[name]` anywhere. */
function commandLines(output: string): string[] {
	return output.split(/\r\n|\r|\n/).filter((line) => /^\s*::/.test(line) || line.includes('##['));
}

describe('prd-specs output cannot forge CI workflow commands', () => {
	const HASH = `sha256:${'0'.repeat(64)}`;

	test('a spec file name and a YAML key with a line break and ::error:: are printed escaped', async () => {
		const dir = await fixtureSite();
		// An id given on the command line is quoted back escaped too.
		const unknownId = await runCli(dir, ['generate', '::error::id\n::error::id2', '--dry-run']);
		expect(unknownId.output).toContain('Unknown PRD id: \\u003a:error::id\\n::error::id2.');
		expect(commandLines(unknownId.output), unknownId.output).toEqual([]);

		// A spec whose name has a line break: it is quoted in a warning or a problem.
		const id = 'x\n::error::pwned ##[error]legacy';
		await writeFiles(dir, {
			[`src/content/specs/${id}.md`]: `---\nprd: ${JSON.stringify(id)}\ninputHash: ${HASH}\ntemplateHash: ${HASH}\nsource: manual\ngeneratedAt: 2026-11-01T09:30:00Z\n---\n\n# Spec\n`,
		});
		const runs = async () => [
			await runCli(dir, ['status']),
			await runCli(dir, ['status', '--json']),
			await runCli(dir, ['check']),
			await runCli(dir, ['generate', '--dry-run']),
		];
		let results = await runs();
		for (const result of results) {
			expect(result.output).toContain('src/content/specs/x\\n::error::pwned #\\u0023[error]legacy.md');
			expect(commandLines(result.output), result.output).toEqual([]);
		}

		// A PRD with an unknown frontmatter key: the key is quoted in the problem that stops every command.
		await writeFiles(dir, { 'prds/evil.md': prdSource('title: Evil\n"bad\\n::error::key ##[warning]x": 1') });
		results = await runs();
		for (const result of results) {
			expect(result.code, result.output).toBe(1);
			expect(result.output).toContain('prds/evil.md');
			expect(result.output).toContain('bad\\n::error::key');
			expect(commandLines(result.output), result.output).toEqual([]);
		}
	});

	test('an error message from the API is printed with no line that is a command', async () => {
		const dir = await fixtureSite();
		server.handler = () => ({
			type: 'error',
			status: 400,
			message: 'bad request\n::error::from the API\n  ::warning::indented ##[error]legacy',
		});
		const result = await runCli(dir, ['generate'], { ...withKey(), CI: 'true' });
		server.handler = (request) => ({ type: 'text', content: specText(appNameOf(request.text)) });
		expect(result.code).toBe(1);
		expect(result.output).toContain('error: prds/notifications.md: no spec generated');
		expect(result.output).toContain('from the API');
		expect(commandLines(result.output), result.output).toEqual([]);
	});

	test('status keeps each row on one line, whatever the model and title hold', async () => {
		const dir = await fixtureSite();
		const title = `A title with \`\`\` backticks that goes on and on ${'and on '.repeat(20)}`;
		const prdPath = join(dir, 'prds/billing.md');
		await writeFile(prdPath, (await readFile(prdPath, 'utf8')).replace('title: Usage-based billing', `title: ${JSON.stringify(title)}`));
		const model = `\`\`\` ::error::model ##[error] ${'m'.repeat(150)}`;
		await writeFreshSpec(dir, 'billing', '# Billing\n', { source: 'model', model });
		const result = await runCli(dir, ['status']);
		expect(result.code, result.output).toBe(0);
		const lines = result.stdout.split('\n');
		expect(lines).toHaveLength(6);
		expect(lines[0]).toMatch(/^ID\s+TITLE\s+SPEC\s+MODEL\s+GENERATED\s+REVIEW$/);
		expect(lines[1]).toMatch(
			/^billing\s+A title with ``` backticks that goes on and on [a-z ]*…\s+fresh\s+``` ::error::model #\\u0023\[error\] m+…\s+2026-11-01\s+not reviewed$/,
		);
		expect(lines[2]).toMatch(/^notifications\s+Notification preferences\s+missing\s+-\s+-\s+-$/);
		expect(lines.slice(3)).toEqual(['', '2 PRDs: 1 fresh, 0 stale, 1 missing.', '']);
		// The title is cut to 60 characters and the model to 32.
		expect(lines[1]).toContain(`${title.slice(0, 59)}…  `);
		expect(lines[1]).toContain(`\`\`\` ::error::model #\\u0023[error] ${'m'.repeat(2)}…  `);
		expect(commandLines(result.output)).toEqual([]);

		// JSON keeps the values whole; `##[` is written with a JSON escape that parses back to it.
		const json = await runCli(dir, ['status', '--json']);
		expect((JSON.parse(json.stdout) as { prds: unknown[] }).prds[0]).toMatchObject({ id: 'billing', title: title.trim(), model });
		expect(commandLines(json.output)).toEqual([]);
	});
});
