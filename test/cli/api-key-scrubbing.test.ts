/*
 * The `prd-specs` bin with a key in its errors: what the API echoes of a rejected key (progress
 * and error lines) and what the CLI's last-resort error printer gets (a config that fails with
 * the key in its message, and its stack with PRD_SPECS_DEBUG) must reach neither stdout nor stderr.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, test } from 'vitest';

import { expectNoKey, KEYS } from '../helpers/api-keys.ts';
import { writeFiles } from '../helpers/files.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { runCli, useFixtureSite } from '../helpers/site.ts';

const fixtureSite = useFixtureSite();
let server: FakeOpenAIServer;
beforeAll(async () => {
	server = await startFakeOpenAI();
});
afterAll(() => server.close());

test.each(['openai', 'proxy'] as const)(
	'generate, when the API rejects the %s key and echoes it: exit 1, the reason printed, the key nowhere',
	async (shape) => {
		const secret = KEYS[shape];
		server.handler = () => ({ type: 'error', status: 401, message: secret.echo(secret.key) });
		const dir = await fixtureSite();
		const specsBefore = await readdir(join(dir, 'src/content/specs'));

		const result = await runCli(dir, ['generate'], { OPENAI_API_KEY: secret.key, OPENAI_BASE_URL: server.baseURL });
		expect(result.code, result.output).toBe(1);
		expect(result.output).toContain('prds/notifications.md: no spec generated: the API answered 401 (check `OPENAI_API_KEY`)');
		expect(result.output).toContain(shape === 'openai' ? 'Incorrect API key provided: sk-[redacted]' : 'invalid token [redacted]');
		// `output` is stdout and stderr together.
		expectNoKey(result.output, secret);

		const specsDir = join(dir, 'src/content/specs');
		expect(await readdir(specsDir)).toEqual(specsBefore);
		for (const name of specsBefore) expectNoKey(await readFile(join(specsDir, name), 'utf8'), secret);
	},
);

test.each(['openai', 'proxy'] as const)(
	'errors with the %s key in them, printed by the CLI’s last-resort handler (message, hint, debug stack)',
	async (shape) => {
		const secret = KEYS[shape];
		const dir = await fixtureSite();
		const message =
			'cannot fetch https://proxy.example/v1?token=${process.env.OPENAI_API_KEY} (Authorization: Bearer ${process.env.OPENAI_API_KEY})';
		const configs = {
			// A config that fails with the key in its message, as one that builds a URL from it might:
			// the CLI wraps it in its own error.
			thrown: `throw new Error(\`${message}\`);\n`,
			// An Astro error (what a bad option throws) is printed as it is, with its hint, and its stack with PRD_SPECS_DEBUG.
			astro: `const error = new Error(\`${message}\`);\nerror.name = 'AstroUserError';\nerror.hint = \`Check the token \${process.env.OPENAI_API_KEY}.\`;\nthrow error;\n`,
		};
		for (const [kind, config] of Object.entries(configs)) {
			await writeFiles(dir, { 'astro.config.mjs': config });
			for (const args of [['status'], ['generate']]) {
				for (const debug of [{}, { PRD_SPECS_DEBUG: '1' }]) {
					const result = await runCli(dir, args, { OPENAI_API_KEY: secret.key, OPENAI_BASE_URL: server.baseURL, ...debug });
					const what = `${kind} ${args.join(' ')} ${JSON.stringify(debug)}:\n${result.output}`;
					// A config that cannot be loaded is a usage error (exit 2); an Astro error exits 1.
					expect(result.code, what).toBe(kind === 'thrown' ? 2 : 1);
					expect(result.stdout, what).toBe('');
					expect(result.output, what).toContain(
						`${kind === 'thrown' ? 'astro.config.mjs could not be loaded: ' : 'prd-specs: '}cannot fetch https://proxy.example/v1?token=`,
					);
					if (kind === 'astro') {
						expect(result.output, what).toContain('Check the token ');
						if ('PRD_SPECS_DEBUG' in debug) expect(result.output, what).toMatch(/\n\s+at /);
					}
					expectNoKey(result.output, secret);
				}
			}
		}
	},
);
