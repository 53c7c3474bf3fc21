import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { redactSecrets } from '../secrets.ts';
import { runApprove } from './approve.ts';
import { runBatchCancel, runBatchCollect, runBatchStatus, runBatchSubmit, type BatchContext } from './batch.ts';
import { runCheck, runGenerate, runStatus } from './commands.ts';
import { runDiff } from './diff.ts';
import { CliError } from './errors.ts';
import { runIds } from './ids.ts';
import { loadSiteConfig } from './load-config.ts';
import { runReport } from './report.ts';
import { logLines, logText, type CliIO } from './output.ts';

export const USAGE = `Usage: prd-specs <command> [options]

Commands:
  status [--json]            every PRD with its spec state (fresh, stale, missing)
  check                      exit 0 when every PRD has a fresh spec, 1 otherwise (for CI)
  generate [ids...]          generate the missing and stale specs, or only the named ones
      --force                regenerate even fresh specs
      --dry-run              show what would be generated, with token and cost estimates; calls nothing
      --concurrency <n>      specs generated at once (default: the generation.concurrency option)
      --max-cost <dollars>   the run's budget (default: the generation.maxCost option): a run whose
                             estimate is above it does not start; one that reaches it starts no more specs
      --batch                submit them as one batch of the OpenAI Batch API (half the price, answered
                             within 24 hours), recorded in <specsDir>/_batch.json; with --dry-run, the
                             estimate uses batch prices
      --wait                 with --batch: wait for the batch to end, then collect it
  batch status               where the pending batch stands
  batch collect              save the specs of the ended batch (checked and repaired as in a normal run)
      --wait                 wait for the batch to end first (checking every 30 s)
  batch cancel               cancel the pending batch (\`batch collect\` then saves what it answered)
  diff <id>                  the spec's ## sections added, removed and changed in the work tree since a git ref
      --base <ref>           the ref to compare with (default: HEAD)
      --full                 also the text diff of each changed section
  approve <id>               record that you reviewed the spec as it is now (any later change unreviews it)
      --by <name>            who approved it (default: git's user.name)
  ids <id>                   propose requirement ids (FR-n, NFR-n) for the list items under a PRD's
                             requirement headings, printing the lines it would change
      --write                write them into the PRD
  report                     the PRDs this change touches: spec and review state, what was generated,
                             tokens and cost, the spec sections changed (exit 0; 2 outside git)
      --markdown             as the text of a pull-request comment (GitHub markdown)
      --base <ref>           compare with the merge base of this ref and HEAD (default: HEAD)

Options:
  --root <folder>            the docs site (default: the current folder)
  --config <file>            its Astro config (default: astro.config.mjs, .js, .mts or .ts)
  -h, --help                 this help

Environment: OPENAI_API_KEY, OPENAI_BASE_URL, PRD_SPECS_MODEL, PRD_SPECS_OFFLINE, PRD_SPECS_REVIEW_REQUIRED.
Exit codes: 0 success; 1 stale/missing specs, a failed generation, or invalid PRDs or options;
2 bad usage (unknown command, option or id, no API key, offline mode).
\`diff\` exits 1 when there is no spec at either end, and 2 outside a git repository or for an unknown ref.
\`check\` also exits 1 on unreviewed specs when reviews are required (review.required, PRD_SPECS_REVIEW_REQUIRED);
\`ids\` exits 1 when the PRD has ids already or nothing to number, and 2 for an unknown id.
\`approve\` exits 1 when the spec is missing, stale or invalid, and 2 without a reviewer name or with a bad one.
\`generate\` exits 1 when its estimate is over the budget, or specs were left out on reaching it.
\`batch collect\` exits 1 when a spec failed, and 3 while the batch is still running (nothing written);
\`generate --batch\` exits 1 when a batch is pending already or the server has no Batch API.
`;

const COMMANDS = ['status', 'check', 'generate', 'diff', 'approve', 'ids', 'report', 'batch'] as const;
const BATCH_COMMANDS = ['status', 'collect', 'cancel'] as const;

/** Runs the CLI; returns the exit code. Never throws for bad input. */
export async function runCli(
	argv: string[],
	io: CliIO,
	overrides: Pick<BatchContext, 'createGenerator' | 'createBatchClient' | 'batchPollMs'> = {},
): Promise<number> {
	try {
		let parsed;
		try {
			parsed = parseArgs({
				args: argv,
				allowPositionals: true,
				options: {
					json: { type: 'boolean' },
					force: { type: 'boolean' },
					'dry-run': { type: 'boolean' },
					concurrency: { type: 'string' },
					'max-cost': { type: 'string' },
					batch: { type: 'boolean' },
					wait: { type: 'boolean' },
					base: { type: 'string' },
					full: { type: 'boolean' },
					by: { type: 'string' },
					markdown: { type: 'boolean' },
					write: { type: 'boolean' },
					root: { type: 'string' },
					config: { type: 'string' },
					help: { type: 'boolean', short: 'h' },
				},
			});
		} catch (error) {
			// Node's message quotes the unknown option as typed.
			throw new CliError(logText((error as Error).message), 'Run `prd-specs --help` for the commands and options.');
		}
		const { values, positionals } = parsed;
		const [command, ...rest] = positionals;
		if (values.help || command === 'help') {
			io.stdout.write(USAGE);
			return 0;
		}
		if (!command) throw new CliError('No command given.', USAGE);
		if (!COMMANDS.includes(command as (typeof COMMANDS)[number]))
			throw new CliError(`Unknown command "${logText(command, 100)}".`, `Commands: ${COMMANDS.join(', ')}. Run \`prd-specs --help\`.`);
		const onlyFor = (option: string, ...allowed: string[]) => {
			if (values[option as keyof typeof values] !== undefined && !allowed.includes(command))
				throw new CliError(
					`--${option} is an option of ${allowed.map((name) => `\`${name}\``).join(' and ')}, not of \`${command}\`.`,
					'Run `prd-specs --help`.',
				);
		};
		onlyFor('json', 'status');
		onlyFor('force', 'generate');
		onlyFor('dry-run', 'generate');
		onlyFor('concurrency', 'generate');
		onlyFor('max-cost', 'generate');
		onlyFor('batch', 'generate');
		onlyFor('wait', 'generate', 'batch');
		if (command === 'generate' && values.wait && !values.batch)
			throw new CliError('--wait is an option of `generate --batch` and `batch collect`.', 'Run `prd-specs generate --batch --wait`.');
		if (command === 'batch' && (rest.length !== 1 || !BATCH_COMMANDS.includes(rest[0] as (typeof BATCH_COMMANDS)[number])))
			throw new CliError(
				`\`batch\` takes one of ${BATCH_COMMANDS.join(', ')}${rest.length > 0 ? ` (got ${logText(rest.join(' '), 200)})` : ''}.`,
				'Run `prd-specs batch status`, `prd-specs batch collect [--wait]` or `prd-specs batch cancel`.',
			);
		if (command === 'batch' && values.wait && rest[0] !== 'collect')
			throw new CliError('--wait is an option of `batch collect` and `generate --batch`.', 'Run `prd-specs batch collect --wait`.');
		onlyFor('base', 'diff', 'report');
		onlyFor('full', 'diff');
		onlyFor('by', 'approve');
		onlyFor('markdown', 'report');
		onlyFor('write', 'ids');
		if (command === 'diff' && rest.length !== 1)
			throw new CliError(
				'`diff` takes one PRD id.',
				'Run `prd-specs diff <id> [--base <ref>] [--full]`; `prd-specs status` lists the ids.',
			);
		if (command === 'approve' && rest.length !== 1)
			throw new CliError('`approve` takes one PRD id.', 'Run `prd-specs approve <id> [--by <name>]`; `prd-specs status` lists the ids.');
		if (command === 'ids' && rest.length !== 1)
			throw new CliError('`ids` takes one PRD id.', 'Run `prd-specs ids <id> [--write]`; `prd-specs status` lists the ids.');
		if (
			command !== 'generate' &&
			command !== 'diff' &&
			command !== 'approve' &&
			command !== 'ids' &&
			command !== 'batch' &&
			rest.length > 0
		)
			throw new CliError(`\`${command}\` takes no arguments (got ${logText(rest.join(' '), 200)}).`, 'Run `prd-specs --help`.');
		let concurrency: number | undefined;
		if (values.concurrency !== undefined) {
			concurrency = Number(values.concurrency);
			if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
				throw new CliError(`--concurrency must be a whole number from 1 to 16 (got "${logText(values.concurrency, 100)}").`);
		}
		const maxCost = values['max-cost'] === undefined ? undefined : parseDollars(values['max-cost']);

		const root = resolve(io.cwd, values.root ?? '.');
		const { config } = await loadSiteConfig(root, values.config);
		const context: BatchContext = { root, config, io, ...overrides };
		if (command === 'status') return await runStatus(context, values.json ?? false);
		if (command === 'check') return await runCheck(context);
		if (command === 'diff') return await runDiff(context, { id: rest[0]!, base: values.base ?? 'HEAD', full: values.full ?? false });
		if (command === 'approve') return await runApprove(context, rest[0]!, values.by);
		if (command === 'ids') return await runIds(context, rest[0]!, values.write ?? false);
		if (command === 'report') return await runReport(context, { markdown: values.markdown ?? false, base: values.base ?? 'HEAD' });
		if (command === 'batch') {
			if (rest[0] === 'status') return await runBatchStatus(context);
			if (rest[0] === 'cancel') return await runBatchCancel(context);
			return await runBatchCollect(context, { wait: values.wait ?? false });
		}
		const generate = {
			ids: rest,
			force: values.force ?? false,
			dryRun: values['dry-run'] ?? false,
			concurrency,
			maxCost,
			batch: values.batch ?? false,
		};
		if (generate.batch && !generate.dryRun) return await runBatchSubmit(context, { ...generate, wait: values.wait ?? false });
		return await runGenerate(context, generate);
	} catch (error) {
		const apiKey = io.env.OPENAI_API_KEY;
		// User input quoted in a message is escaped where the message is made; this last pass
		// escapes each line again (keeping the intended line breaks), whatever threw.
		const safe = (text: string) => logLines(redactSecrets(text, [apiKey]));
		if (error instanceof CliError) {
			io.stderr.write(`prd-specs: ${safe(error.message)}\n${error.hint ? `${safe(error.hint.trimEnd())}\n` : ''}`);
			return error.exitCode;
		}
		// An AstroError from the config (a bad `prdSpecs()` option) says what to do already.
		const { message, hint } = error as { message?: string; hint?: string };
		io.stderr.write(`prd-specs: ${safe(message ?? String(error))}\n${hint ? `${safe(hint)}\n` : ''}`);
		if (io.env.PRD_SPECS_DEBUG) io.stderr.write(`${safe((error as Error).stack ?? '')}\n`);
		return 1;
	}
}

/** `--max-cost`: an amount in US dollars, more than 0 (`5`, `0.50`, `$5`). */
function parseDollars(text: string): number {
	const amount = /^\$?\d{1,9}(\.\d{1,6})?$/.test(text.trim()) ? Number(text.trim().replace('$', '')) : Number.NaN;
	if (!(amount > 0))
		throw new CliError(`--max-cost must be an amount in US dollars more than 0, such as 5 or 0.50 (got "${logText(text, 100)}").`);
	return amount;
}
