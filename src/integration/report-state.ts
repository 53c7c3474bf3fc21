import type { AstroIntegrationLogger } from 'astro';

import { findUnreviewed, type UnreviewedState } from './cache/review.ts';
import { throwPluginError } from './error.ts';
import { formatProblem, formatProblems } from './problems.ts';
import type { SpecTrace } from './prds/trace.ts';
import { filterByState, type ProjectReport } from './project.ts';
import { getSpecSlug } from './rendering/urls.ts';
import { printable } from './text/plain-text.ts';

export interface ReportOptions {
	specsDir: string;
	strict: boolean;
	/** `review.required` (with its environment override): unreviewed specs fail a strict build, and are warnings otherwise. */
	reviewRequired?: boolean;
	logger: Pick<AstroIntegrationLogger, 'info' | 'warn'>;
}

/**
 * What the build says about the project before publishing it: bad input is an AstroError listing
 * every problem; in strict mode so are stale and missing specs; otherwise they are warnings that
 * name the files, followed by a one-line summary. When reviews are required, specs nobody approved
 * as they are now fail a strict build too, and are warnings otherwise.
 */
export function reportProjectState(report: ProjectReport, { specsDir, strict, reviewRequired = false, logger }: ReportOptions): void {
	if (report.problems.length > 0) {
		const count = report.problems.length;
		throwPluginError(
			`${count} problem${count > 1 ? 's' : ''} in the PRDs or the spec cache:\n${formatProblems(report.problems)}`,
			'Fix each file as described above, then build again.',
		);
	}
	for (const warning of report.warnings) logger.warn(formatProblem(warning));

	const missing = filterByState(report, 'missing');
	const stale = filterByState(report, 'stale');
	const notFresh = [
		...missing.map(({ prd }) => `- ${prd.file}: no spec in \`${specsDir}/${prd.id}.md\`.`),
		...stale.map(
			({ prd, spec, staleBecause }) =>
				`- ${prd.file}: \`${spec!.file}\` is stale (the ${staleBecause === 'template' ? 'prompt template' : 'PRD'} changed since it was generated).`,
		),
	];
	// A fresh spec that leaves requirements out (or cites ids its PRD lacks) fails like a stale one; a stale one is listed already.
	const untraced = filterByState(report, 'fresh')
		.filter(({ trace }) => trace && trace.missing.length + trace.unknown.length > 0)
		.map(({ prd, spec, trace }) => `- ${prd.file}: \`${spec!.file}\` ${describeGaps(trace!)}.`);
	const unreviewed = reviewRequired
		? findUnreviewed(report.prds).map(({ status, review }) => `\`${status.spec!.file}\` ${describeUnreviewed(review)}`)
		: [];
	if (strict && notFresh.length + untraced.length + unreviewed.length > 0) {
		const failures = [
			notFresh.length > 0 &&
				`Strict mode: ${notFresh.length} PRD${notFresh.length > 1 ? 's have' : ' has'} no fresh spec:\n${notFresh.join('\n')}`,
			untraced.length > 0 &&
				`Strict mode: ${untraced.length} spec${untraced.length > 1 ? 's do' : ' does'} not trace ${untraced.length > 1 ? 'their' : 'its'} PRD's requirement ids:\n${untraced.join('\n')}`,
			unreviewed.length > 0 &&
				`Strict mode with review required: ${unreviewed.length} spec${unreviewed.length > 1 ? 's are' : ' is'} not reviewed:\n${unreviewed.map((line) => `- ${line}.`).join('\n')}`,
		].filter(Boolean);
		const hints = [
			notFresh.length > 0 &&
				'Generate the specs (run the build with `OPENAI_API_KEY` set) and commit them, or turn strict mode off (`strict: false`, `PRD_SPECS_STRICT=0`).',
			untraced.length > 0 &&
				'Cite each requirement id where the spec addresses it (and only ids its PRD has), or regenerate the spec; or turn strict mode off.',
			unreviewed.length > 0 &&
				'Review each spec and approve it with `npx prd-specs approve <id>`, then commit it; or stop requiring reviews (`review.required: false`, `PRD_SPECS_REVIEW_REQUIRED=0`).',
		].filter(Boolean);
		throwPluginError(failures.join('\n'), hints.join(' '));
	}
	for (const { prd } of missing) {
		logger.warn(
			`${prd.file} has no spec yet: /${getSpecSlug(prd.id)}/ is published as a placeholder. Build with \`OPENAI_API_KEY\` set to generate it.`,
		);
	}
	for (const { prd, spec, staleBecause } of stale) {
		const changed = staleBecause === 'template' ? 'The prompt template changed' : `${prd.file} changed`;
		logger.warn(`${changed} since \`${spec!.file}\` was generated: the spec is published with a stale warning.`);
	}
	for (const line of unreviewed) logger.warn(`Review required: ${line}; it is published with a "Not reviewed" notice.`);
	logger.info(
		`${report.prds.length} PRD${report.prds.length === 1 ? '' : 's'}: ${report.prds.length - missing.length - stale.length} fresh, ${stale.length} stale, ${missing.length} missing.`,
	);
}

/** `misses FR-3, FR-7` / `cites unknown FR-99`: the ids are checked `<PREFIX>-<digits>` tokens, safe for the log. */
function describeGaps(trace: SpecTrace): string {
	return [
		trace.missing.length > 0 &&
			`does not cite ${trace.missing.length} of ${trace.total} requirement ids (${trace.missing.slice(0, 20).join(', ')}${trace.missing.length > 20 ? ', ...' : ''})`,
		trace.unknown.length > 0 &&
			`cites ids its PRD does not have (${trace.unknown.slice(0, 20).join(', ')}${trace.unknown.length > 20 ? ', ...' : ''})`,
	]
		.filter(Boolean)
		.join(' and ');
}

/** `has never been approved` / `changed after <name> approved it on <date>`, safe for the log. */
function describeUnreviewed(review: UnreviewedState): string {
	if (review.reason === 'never') return 'has never been approved';
	return `changed after ${printable(review.by, 300)} approved it on ${review.at.slice(0, 10)}`;
}
