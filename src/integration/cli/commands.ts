import { createBatchWaitCheck, readBatchState } from '../cache/batch-state.ts';
import { findUnreviewed, getReviewState, type UnreviewedState } from '../cache/review.ts';
import type { CachedSpec } from '../cache/spec-file.ts';
import { resolveModel, resolveReviewRequired, OFFLINE_ENV_VAR, REVIEW_REQUIRED_ENV_VAR, type PrdSpecsConfig } from '../config.ts';
import { estimateRun } from '../generation/estimate.ts';
import { formatDollars } from '../generation/pricing.ts';
import type { ProgressLogger } from '../generation/run.ts';
import { describeOverBudget, prepareSpecs, type CreateGenerator, type PreparedSpecs, type SkippedGeneration } from '../pipeline.ts';
import { formatProblem, formatProblems } from '../problems.ts';
import { filterByState, loadProject, type PrdWithSpec, type ProjectReport } from '../project.ts';
import { CliError } from './errors.ts';
import { assertIdArguments } from './id-argument.ts';
import { formatTable, logLines, logText, safeJson, type CliIO } from './output.ts';
import { createProgressDisplay } from './progress.ts';

export interface CommandContext {
	root: string;
	config: PrdSpecsConfig;
	io: CliIO;
	/** Replaces the OpenAI client in tests of the CLI's own logic (the pipeline's seam). */
	createGenerator?: CreateGenerator | undefined;
}

/** Loads the project; bad PRDs or spec files stop every command, as they stop the build. */
export async function loadValidProject(context: CommandContext): Promise<ProjectReport> {
	const report = await loadProject(context.root, context.config);
	if (report.problems.length > 0) throw problemsError(report);
	return report;
}

export function problemsError(report: Pick<ProjectReport, 'problems'>): CliError {
	// One line per problem, each escaped by `formatProblem`.
	return new CliError(
		`${report.problems.length} problem${report.problems.length > 1 ? 's' : ''} in the PRDs or the spec cache:\n${formatProblems(report.problems)}`,
		'Fix each file as described, then run the command again.',
		1,
	);
}

function stateOf(status: PrdWithSpec): string {
	return status.state === 'stale' ? `stale (${status.staleBecause === 'template' ? 'template' : 'PRD'} changed)` : status.state;
}

/** `status`: every PRD with its spec state, as a table or JSON. */
export async function runStatus(context: CommandContext, json: boolean): Promise<number> {
	const report = await loadValidProject(context);
	const { stdout } = context.io;
	const pending = await readBatchState(context.root, context.config.specsDir);
	const batch =
		'state' in pending && pending.state
			? {
					id: pending.state.batch,
					submittedAt: pending.state.submittedAt,
					model: pending.state.model,
					requests: pending.state.requests.length,
					collected: pending.state.requests.filter((request) => request.outcome !== undefined).length,
				}
			: null;
	if ('problem' in pending) context.io.stderr.write(`warning: ${logText(formatProblem(pending.problem), 3000)}\n`);
	if (json) {
		const prds = report.prds.map((status) => ({
			id: status.prd.id,
			title: status.prd.frontmatter.title,
			file: status.prd.file,
			status: status.prd.frontmatter.status,
			owner: status.prd.frontmatter.owner ?? null,
			spec: status.state,
			staleBecause: status.staleBecause ?? null,
			specFile: status.spec?.file ?? null,
			inputHash: status.inputHash,
			model: status.spec?.metadata.model ?? null,
			source: status.spec?.metadata.source ?? null,
			generatedAt: status.spec?.metadata.generatedAt ?? null,
			review: status.spec ? reviewOf(status.spec) : null,
			coverage: coverageOf(status),
		}));
		stdout.write(`${safeJson({ prds, warnings: report.warnings, batch })}\n`);
		return 0;
	}
	if (report.prds.length === 0) {
		stdout.write(`No PRDs in ${logText(context.config.prdsDir)}/.\n`);
		return 0;
	}
	// The coverage column appears once a PRD has requirement ids, as on the overview page.
	const traced = report.prds.some((status) => status.prd.requirements.length > 0);
	const rows = report.prds.map((status) => [
		status.prd.id,
		status.prd.frontmatter.title,
		stateOf(status),
		status.spec ? (status.spec.metadata.source === 'model' ? (status.spec.metadata.model ?? '?') : 'by hand') : '-',
		status.spec?.metadata.generatedAt.slice(0, 10) ?? '-',
		status.spec ? REVIEW_CELLS[reviewOf(status.spec).state] : '-',
		...(traced ? [status.trace ? `${status.trace.cited}/${status.trace.total}` : '-'] : []),
	]);
	// Titles, models and dates come from users' files: `formatTable` keeps each on one line, cut to the width.
	const headers = ['ID', 'TITLE', 'SPEC', 'MODEL', 'GENERATED', 'REVIEW', ...(traced ? ['COVERAGE'] : [])];
	stdout.write(`${formatTable(headers, rows, [40, 60, 24, 32, 10, 20, 12])}\n`);
	const counts = (['fresh', 'stale', 'missing'] as const).map((state) => `${filterByState(report, state).length} ${state}`);
	stdout.write(`\n${report.prds.length} PRDs: ${counts.join(', ')}.\n`);
	if (batch)
		stdout.write(
			`Batch ${batch.id ?? '(being created)'} is pending since ${batch.submittedAt.slice(0, 16).replace('T', ' ')} UTC with ${batch.requests} spec${batch.requests > 1 ? 's' : ''} (\`prd-specs batch status\`, \`batch collect\`).\n`,
		);
	for (const warning of report.warnings)
		context.io.stderr.write(`warning: ${logText(warning.file, 300)}: ${logText(warning.message, 2000)}\n`);
	return 0;
}

/** How the spec cites the PRD's requirement ids; null when the PRD has none, none cited when it has no spec. */
function coverageOf({ prd, trace }: PrdWithSpec): { cited: number; total: number; missing: string[]; unknown: string[] } | null {
	if (prd.requirements.length === 0) return null;
	if (trace) return { cited: trace.cited, total: trace.total, missing: trace.missing, unknown: trace.unknown };
	const ids = [...new Set(prd.requirements.map((requirement) => requirement.id))];
	return { cited: 0, total: ids.length, missing: ids, unknown: [] };
}

type ReviewSummary = { state: 'reviewed' | 'not-reviewed' | 'changed'; by: string | null; at: string | null };

const REVIEW_CELLS: Record<ReviewSummary['state'], string> = {
	reviewed: 'reviewed',
	'not-reviewed': 'not reviewed',
	changed: 'changed since review',
};

/** A spec's review for `status`: `changed` when the body changed after `by` approved it at `at`. */
function reviewOf(spec: Pick<CachedSpec, 'metadata' | 'body'>): ReviewSummary {
	const review = getReviewState(spec);
	if (review.reviewed) return { state: 'reviewed', by: review.by, at: review.at };
	if (review.reason === 'changed') return { state: 'changed', by: review.by, at: review.at };
	return { state: 'not-reviewed', by: null, at: null };
}

/** `check`: exit 0 only when every PRD has a fresh spec (and, when reviews are required, an approved one). */
export async function runCheck(context: CommandContext): Promise<number> {
	const report = await loadValidProject(context);
	const notFresh = filterByState(report, 'stale', 'missing');
	const reviewRequired = resolveReviewRequired(context.config, context.io.env);
	const unreviewed = reviewRequired ? findUnreviewed(report.prds) : [];
	if (notFresh.length === 0 && unreviewed.length === 0) {
		context.io.stdout.write(`All ${report.prds.length} specs are fresh${reviewRequired ? ' and reviewed' : ''}.\n`);
		return 0;
	}
	if (notFresh.length > 0) await printNotFresh(context, report, notFresh);
	if (unreviewed.length > 0) printUnreviewed(context, report, unreviewed, notFresh.length > 0);
	return 1;
}

async function printNotFresh(context: CommandContext, report: ProjectReport, notFresh: PrdWithSpec[]): Promise<void> {
	// A spec the pending batch will answer is still not fresh (`check` fails), but says so.
	const pending = await readBatchState(context.root, context.config.specsDir);
	const batch = 'state' in pending ? pending.state : undefined;
	const waits = createBatchWaitCheck(batch);
	let waiting = 0;
	const lines = notFresh.map((status) => {
		const waitsForBatch = waits(status.prd.id, status.inputHash);
		if (waitsForBatch) waiting++;
		const inBatch = waitsForBatch ? `; waiting in batch ${batch?.batch ?? '(being created)'}` : '';
		return logText(
			status.state === 'missing'
				? `${status.prd.file}: no spec (${context.config.specsDir}/${status.prd.id}.md)${inBatch}`
				: `${status.prd.file}: ${status.spec!.file} is stale (the ${status.staleBecause === 'template' ? 'prompt template' : 'PRD'} changed)${inBatch}`,
		);
	});
	const next =
		waiting > 0
			? `Generate them with \`OPENAI_API_KEY=... npx prd-specs generate\` (the batch's with \`npx prd-specs batch collect\` once it ends) and commit ${logText(context.config.specsDir)}/.`
			: `Generate them with \`OPENAI_API_KEY=... npx prd-specs generate\` and commit ${logText(context.config.specsDir)}/.`;
	context.io.stdout.write(
		`${notFresh.length} of ${report.prds.length} PRDs have no fresh spec:\n${lines.map((line) => `  ${line}`).join('\n')}\n\n${next}\n`,
	);
}

/** The specs `check` fails on when reviews are required (`review.required` or its environment variable). */
function printUnreviewed(
	context: CommandContext,
	report: ProjectReport,
	unreviewed: { status: PrdWithSpec; review: UnreviewedState }[],
	afterNotFresh: boolean,
): void {
	const specs = report.prds.filter((status) => status.spec).length;
	// Reviewers' names come from spec files: `logText` keeps each line one safe line.
	const lines = unreviewed.map(({ status, review }) =>
		logText(
			review.reason === 'never'
				? `${status.spec!.file}: never approved`
				: `${status.spec!.file}: changed after ${review.by} approved it on ${review.at.slice(0, 10)}`,
		),
	);
	context.io.stdout.write(
		`${afterNotFresh ? '\n' : ''}${unreviewed.length} of ${specs} specs are not reviewed, and reviews are required (\`review.required\` or ${REVIEW_REQUIRED_ENV_VAR}):\n${lines.map((line) => `  ${line}`).join('\n')}\n\nReview each one, approve it with \`npx prd-specs approve <id>\` and commit ${logText(context.config.specsDir)}/.\n`,
	);
}

export interface GenerateOptions {
	ids: string[];
	force: boolean;
	dryRun: boolean;
	concurrency?: number | undefined;
	/** The run's budget in US dollars (`--max-cost`), instead of `generation.maxCost`. */
	maxCost?: number | undefined;
	/** Estimate at the Batch API's prices (`--dry-run --batch`). */
	batch?: boolean | undefined;
}

/** `generate`: write the missing and stale specs (or the named ones, or all with --force). */
export async function runGenerate(context: CommandContext, options: GenerateOptions): Promise<number> {
	const { io } = context;
	assertIdArguments(options.ids, context.config.prdsDir);
	// The live display shows the targets the pipeline picks: it is set up on the `plan` event,
	// before generation logs anything.
	let display: ReturnType<typeof createProgressDisplay> | undefined;
	const logger: ProgressLogger = {
		info: (message) => display?.logger.info(message),
		warn: (message) => display?.logger.warn(message),
		error: (message) => display?.logger.error(message),
	};
	let result: PreparedSpecs;
	try {
		result = await prepareSpecs({
			root: context.root,
			config: context.config,
			logger,
			env: io.env,
			// A dry run sends nothing: the pipeline stops once it has picked the targets.
			mayGenerate: !options.dryRun,
			ids: options.ids,
			force: options.force,
			concurrency: options.concurrency,
			maxCost: options.maxCost,
			// The CLI says what happens on stdout, and fails where the build goes on with the cache.
			logRunLines: false,
			createGenerator: context.createGenerator,
			onProgress: (event) => {
				if (event.type !== 'plan') {
					display?.onProgress(event);
					return;
				}
				display = createProgressDisplay(
					io,
					event.targets,
					`Generating ${event.targets.length} spec${event.targets.length > 1 ? 's' : ''} with ${logText(event.model, 200)}, ${event.concurrency} at a time${event.waitingInBatch > 0 ? ` (${event.waitingInBatch} more ${event.waitingInBatch > 1 ? 'are' : 'is'} waiting in the pending batch: \`batch collect\` saves ${event.waitingInBatch > 1 ? 'them' : 'it'})` : ''}.`,
				);
			},
		});
	} finally {
		display?.stop();
	}
	if (result.skipped) return explainSkip(context, options, result);
	io.stdout.write(`${logLines(result.summary)}\n`);
	return result.outcomes.every((outcome) => outcome.status === 'generated') ? 0 : 1;
}

/** Why `generate` generated nothing: a message and exit code 0, the dry run's table, or a `CliError`. */
export function explainSkip(context: CommandContext, options: GenerateOptions, result: SkippedGeneration): number {
	const { io, config } = context;
	const { skipped } = result;
	switch (skipped.reason) {
		case 'bad-input':
			throw problemsError(result.report);
		case 'unknown-ids': {
			const known = new Set(result.report.prds.map((status) => status.prd.id));
			throw new CliError(
				`Unknown PRD id${skipped.ids.length > 1 ? 's' : ''}: ${logText(skipped.ids.join(', '), 300)}.`,
				`Known ids: ${logText([...known].join(', '), 2000) || '(none)'}. An id is a file name in ${logText(config.prdsDir)}/ without .md, with its folders (\`payments/checkout\`).`,
			);
		}
		case 'no-targets':
			io.stdout.write(
				`Nothing to generate: ${options.ids.length > 0 ? 'the named specs are' : 'every spec is'} fresh (use --force to regenerate).\n`,
			);
			return 0;
		case 'in-batch':
			io.stdout.write(
				`Nothing to generate: ${skipped.count === 1 ? 'the spec is' : `the ${skipped.count} specs are`} waiting in batch ${skipped.batch ?? '(being created)'}. \`npx prd-specs batch collect\` saves ${skipped.count === 1 ? 'it' : 'them'} once the batch ends (\`batch cancel\` cancels it).\n`,
			);
			return 0;
		case 'not-allowed':
			return printDryRun(context, result.report, result.targets, options);
		case 'offline':
			throw new CliError(
				`Offline mode is on (\`generation.offline\` or \`${OFFLINE_ENV_VAR}\`): nothing is generated.`,
				`Unset ${OFFLINE_ENV_VAR} or set \`generation.offline: false\`.`,
			);
		case 'no-api-key':
			throw new CliError(
				'`OPENAI_API_KEY` is not set.',
				'Set it (and `OPENAI_BASE_URL` for an OpenAI-compatible server), or use --dry-run to see what would be generated.',
			);
		case 'over-budget':
			throw new CliError(
				`Nothing generated: ${describeOverBudget(skipped)}`,
				'`prd-specs generate --dry-run` shows the estimate of each spec; `--batch` costs half as much where the API has batches.',
				1,
			);
	}
}

function printDryRun(context: CommandContext, report: ProjectReport, targets: PrdWithSpec[], options: GenerateOptions): number {
	const { io, config } = context;
	const model = resolveModel(config, io.env);
	const mode = options.batch ? 'batch' : 'normal';
	const estimate = estimateRun(report.template!.text, targets, {
		model,
		prices: config.generation.prices,
		mode,
		maxInputTokens: config.generation.maxInputTokens,
	});
	const rows = estimate.targets.map(({ target, usage, tooLarge, cost }) => [
		target.prd.id,
		tooLarge ? 'too large: not sent' : target.state === 'fresh' ? 'forced' : target.state,
		`~${usage.inputTokens.toLocaleString('en-US')}`,
		`~${usage.outputTokens.toLocaleString('en-US')}`,
		tooLarge ? '-' : cost === undefined ? '?' : `~$${cost.toFixed(3)}`,
	]);
	const how = options.batch ? ' in a batch (at the Batch API prices)' : '';
	io.stdout.write(
		`Dry run: nothing is sent. ${targets.length} spec${targets.length > 1 ? 's' : ''} would be generated with ${logText(model, 200)}${how}:\n\n`,
	);
	io.stdout.write(`${formatTable(['ID', 'REASON', 'TOKENS IN', 'TOKENS OUT', 'COST'], rows, [40])}\n\n`);
	const { usage, cost } = estimate;
	io.stdout.write(
		`Estimated total: ~${usage.inputTokens.toLocaleString('en-US')} tokens in, ~${usage.outputTokens.toLocaleString('en-US')} out, ${cost === undefined ? `cost unknown for ${logText(model, 200)} (set \`generation.prices\`)` : `about $${cost.toFixed(2)}`}, before any repair round.\n`,
	);
	const maxCost = options.maxCost ?? config.generation.maxCost;
	if (maxCost !== undefined) {
		const fits = cost !== undefined && cost <= maxCost;
		io.stdout.write(
			fits
				? `Budget: ${formatDollars(maxCost)}; the estimate fits.\n`
				: `Budget: ${formatDollars(maxCost)}; ${describeOverBudget({ reason: 'over-budget', maxCost, model, estimate: cost })} The run would not start.\n`,
		);
	}
	return 0;
}
