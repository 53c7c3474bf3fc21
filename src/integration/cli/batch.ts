import {
	batchStatus,
	cancelBatch,
	collectBatch,
	submitBatch,
	type BatchBlocked,
	type CollectResult,
	type CreateBatchClient,
} from '../batch-run.ts';
import type { BatchState } from '../cache/batch-state.ts';
import { OFFLINE_ENV_VAR } from '../config.ts';
import { GenerationError } from '../generation/generator.ts';
import { BatchUnsupportedError, type BatchInfo } from '../generation/openai-batch.ts';
import { formatDollars } from '../generation/pricing.ts';
import type { ProgressLogger } from '../generation/run.ts';
import { formatTokens } from '../generation/run.ts';
import { formatProblem } from '../problems.ts';
import { explainSkip, problemsError, type CommandContext, type GenerateOptions } from './commands.ts';
import { CliError } from './errors.ts';
import { assertIdArguments } from './id-argument.ts';
import { formatSeconds, formatTable, logLines, logText } from './output.ts';

/** Exit code of `batch collect` while the batch is still running: nothing was written. */
export const EXIT_BATCH_RUNNING = 3;

/** Pause between two looks at a running batch with `--wait`. */
const DEFAULT_POLL_MS = 30_000;

export interface BatchContext extends CommandContext {
	createBatchClient?: CreateBatchClient | undefined;
	/** Replaces `DEFAULT_POLL_MS`, for tests. */
	batchPollMs?: number | undefined;
}

/** The CLI's logger for generation's lines (the repair rounds of a collect): stdout and stderr, each line made safe. */
function cliLogger(context: CommandContext): ProgressLogger {
	const { io } = context;
	return {
		info: (message) => io.stdout.write(`${logLines(message)}\n`),
		warn: (message) => io.stderr.write(`warning: ${logLines(message)}\n`),
		error: (message) => io.stderr.write(`error: ${logLines(message)}\n`),
	};
}

function runOptions(context: BatchContext) {
	return {
		root: context.root,
		config: context.config,
		env: context.io.env,
		logger: cliLogger(context),
		createBatchClient: context.createBatchClient,
		createGenerator: context.createGenerator,
	};
}

/** `generate --batch`: submits the specs a normal run would generate as one batch; `--wait` then collects it. */
export async function runBatchSubmit(context: BatchContext, options: GenerateOptions & { wait: boolean }): Promise<number> {
	const { io, config } = context;
	assertIdArguments(options.ids, config.prdsDir);
	const result = await guard(() =>
		submitBatch({ ...runOptions(context), ids: options.ids, force: options.force, maxCost: options.maxCost }),
	);
	if (result.blocked) return explainBlocked(result);
	if (result.skipped) return explainSkip(context, options, result);
	const { submitted, state, tooLarge } = result;
	for (const status of tooLarge)
		io.stderr.write(
			`warning: ${logText(status.prd.file)}: not in the batch: its prompt is over the \`generation.maxInputTokens\` limit of ${config.generation.maxInputTokens.toLocaleString('en-US')} tokens.\n`,
		);
	const estimate = describeEstimate(result.estimate);
	io.stdout.write(
		`Submitted batch ${submitted.id}: ${countSpecs(state.requests.length)} with ${logText(state.model, 200)} (the ${state.api === 'chat' ? 'Chat Completions' : 'Responses'} API), answered within 24 hours.\n${estimate}` +
			`The batch is recorded in ${logText(`${config.specsDir}/_batch.json`)}: commit it, so that any machine can collect it.\n`,
	);
	if (!options.wait) {
		io.stdout.write('Collect the specs with `npx prd-specs batch collect` (`--wait` waits for the batch to end).\n');
		return 0;
	}
	return runBatchCollect(context, { wait: true, concurrency: options.concurrency });
}

function describeEstimate(estimate: Extract<Awaited<ReturnType<typeof submitBatch>>, { submitted: BatchInfo }>['estimate']): string {
	const { usage, cost, costAtNormalPrices } = estimate;
	const money =
		cost === undefined
			? 'cost unknown (set `generation.prices`)'
			: `about ${formatDollars(cost)} at batch prices${costAtNormalPrices === undefined ? '' : ` (${formatDollars(costAtNormalPrices)} at normal prices)`}`;
	return `Estimate: ~${usage.inputTokens.toLocaleString('en-US')} tokens in, ~${usage.outputTokens.toLocaleString('en-US')} out, ${money}, before any repair round.\n`;
}

/** `batch status`: where the pending batch stands. */
export async function runBatchStatus(context: BatchContext): Promise<number> {
	const result = await guard(() => batchStatus(runOptions(context)));
	if (result.blocked) return explainBlocked(result);
	if (!result.state) {
		context.io.stdout.write('No batch is pending (`prd-specs generate --batch` submits one).\n');
		return 0;
	}
	const { state, batch } = result;
	context.io.stdout.write(`${describeBatch(state, batch)}\n`);
	context.io.stdout.write(
		batch.ended
			? 'It has ended: `npx prd-specs batch collect` saves its specs.\n'
			: 'Collect it once it ends: `npx prd-specs batch collect` (`--wait` waits for it).\n',
	);
	return 0;
}

/** `batch cancel`: asks the API to cancel the pending batch. */
export async function runBatchCancel(context: BatchContext): Promise<number> {
	const result = await guard(() => cancelBatch(runOptions(context)));
	if (result.blocked) return explainBlocked(result);
	if (!result.state) {
		context.io.stdout.write('No batch is pending: nothing to cancel.\n');
		return 0;
	}
	const { state, batch } = result;
	if (!batch) {
		context.io.stdout.write('The pending submit never created its batch: it is forgotten, and nothing will be answered.\n');
		return 0;
	}
	context.io.stdout.write(
		`${batch.ended ? `Batch ${batch.id} has ended already (${batch.status}): nothing to cancel.` : `Batch ${batch.id} is being cancelled (${batch.status}).`}\n` +
			`\`npx prd-specs batch collect\` saves the ${countSpecs(state.requests.length)} it answered${batch.ended ? '' : ' before the cancel'} and clears the batch.\n`,
	);
	return 0;
}

/** `batch collect [--wait]`: saves the answers of the ended batch, or says where it stands (exit 3). */
export async function runBatchCollect(
	context: BatchContext,
	options: { wait: boolean; concurrency?: number | undefined },
): Promise<number> {
	const { io } = context;
	const live = Boolean(io.stdout.isTTY) && !io.env.CI;
	const started = performance.now();
	let lastLine = '';
	for (;;) {
		const result: CollectResult = await guard(() => collectBatch({ ...runOptions(context), concurrency: options.concurrency }));
		if (result.blocked) return explainBlocked(result);
		if (!result.state) {
			io.stdout.write('No batch is pending: nothing to collect (`prd-specs generate --batch` submits one).\n');
			return 0;
		}
		if ('collected' in result) {
			if (live && lastLine) io.stdout.write('\n');
			return printCollected(context, result);
		}
		const line = describeBatch(result.state, result.batch);
		if (!options.wait) {
			io.stdout.write(`${line}\nNothing is collected until it ends: run \`npx prd-specs batch collect\` again later, or with --wait.\n`);
			return EXIT_BATCH_RUNNING;
		}
		const progress = `${line} (waited ${formatSeconds((performance.now() - started) / 1000)})`;
		if (live) io.stdout.write(`\r\u001b[2K${progress}`);
		else if (line !== lastLine) io.stdout.write(`${progress}\n`);
		lastLine = line;
		await new Promise((resolve) => setTimeout(resolve, context.batchPollMs ?? DEFAULT_POLL_MS));
	}
}

function printCollected(context: CommandContext, result: Extract<CollectResult, { collected: unknown }>): number {
	const { io, config } = context;
	const { batch, collected, state } = result;
	const rows = collected.map((item) => [
		item.request.prd,
		item.outcome === 'saved' ? (item.earlier ? 'saved earlier' : item.repaired ? 'saved after repair' : 'saved') : item.outcome,
		item.reason ?? '',
	]);
	io.stdout.write(`Batch ${batch.id} (${batch.status}):\n\n${formatTable(['ID', 'OUTCOME', 'NOTE'], rows, [40, 20, 160])}\n\n`);
	const fresh = collected.filter((item) => !item.earlier);
	const saved = fresh.filter((item) => item.outcome === 'saved');
	const repaired = saved.filter((item) => item.repaired).length;
	const failed = fresh.filter((item) => item.outcome === 'failed').length;
	const dropped = fresh.filter((item) => item.outcome === 'dropped').length;
	const earlier = collected.length - fresh.length;
	const cost =
		result.cost === undefined
			? `cost unknown for ${logText(state.model, 200)} (set \`generation.prices\`)`
			: `about ${formatDollars(result.cost)} with batch prices${result.costAtNormalPrices === undefined ? '' : ` (${formatDollars(result.costAtNormalPrices)} without)`}`;
	io.stdout.write(
		`Specs: ${saved.length} saved${repaired > 0 ? ` (${repaired} after repair)` : ''}, ${failed} failed, ${dropped} dropped${earlier > 0 ? `, ${earlier} settled earlier` : ''}; ${formatTokens(result.usage)}; ${cost}.\n`,
	);
	if (result.unreadable > 0)
		io.stderr.write(`warning: ${result.unreadable} line${result.unreadable > 1 ? 's' : ''} of the batch's files could not be read.\n`);
	if (failed > 0)
		io.stdout.write(
			'The failed specs stay as they were: `npx prd-specs generate` writes them now, `npx prd-specs generate --batch` in another batch.\n',
		);
	if (dropped > 0)
		io.stdout.write('The dropped answers were for PRDs that changed: the next run generates their specs from the new text.\n');
	if (saved.length > 0) io.stdout.write(`Review the new specs and commit ${logText(config.specsDir)}/.\n`);
	return failed > 0 ? 1 : 0;
}

function describeBatch(state: BatchState, batch: BatchInfo): string {
	const settled = state.requests.filter((request) => request.outcome !== undefined).length;
	return `Batch ${batch.id} (submitted ${state.submittedAt.slice(0, 16).replace('T', ' ')} UTC, ${logText(state.model, 200)}): ${batch.status}, ${batch.completed} of ${batch.total || state.requests.length} answered, ${batch.failed} failed${settled > 0 ? `; ${settled} collected` : ''}.`;
}

function explainBlocked(result: BatchBlocked): never {
	switch (result.blocked) {
		case 'state-problem':
			throw new CliError(`The batch state is not readable: ${formatProblem(result.problem)}`, undefined, 1);
		case 'bad-input':
			throw problemsError(result);
		case 'offline':
			throw new CliError(
				`Offline mode is on (\`generation.offline\` or \`${OFFLINE_ENV_VAR}\`): the batch is not read.`,
				`Unset ${OFFLINE_ENV_VAR} or set \`generation.offline: false\`.`,
			);
		case 'no-api-key':
			throw new CliError(
				'`OPENAI_API_KEY` is not set.',
				'Set the key the batch was submitted with (and `OPENAI_BASE_URL` if it went to another server).',
			);
		case 'pending':
			throw new CliError(
				`Batch ${result.state.batch ?? '(being created)'}, submitted ${result.state.submittedAt}, is still pending (${logText(result.file)}).`,
				'Collect it first (`npx prd-specs batch collect`), or cancel it (`npx prd-specs batch cancel`, then `batch collect`): one batch at a time, so that no answer is saved twice.',
				1,
			);
	}
}

/** Failures of the API, as one clear message (exit 1); the 404 of a server without batches says that the normal mode works there. */
async function guard<T>(run: () => Promise<T>): Promise<T> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof BatchUnsupportedError) throw new CliError(error.message, undefined, 1);
		if (error instanceof GenerationError)
			throw new CliError(
				`The Batch API failed: ${error.message}.`,
				'Check `OPENAI_API_KEY` and `OPENAI_BASE_URL`, then run the command again: what was done is kept.',
				1,
			);
		throw error;
	}
}

function countSpecs(count: number): string {
	return `${count} spec${count === 1 ? '' : 's'}`;
}
