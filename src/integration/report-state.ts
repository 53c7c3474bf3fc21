import type { AstroIntegrationLogger } from 'astro';

import { throwPluginError } from './error.ts';
import { formatProblem, formatProblems } from './problems.ts';
import { filterByState, type ProjectReport } from './project.ts';
import { getSpecSlug } from './rendering/urls.ts';

export interface ReportOptions {
	specsDir: string;
	strict: boolean;
	logger: Pick<AstroIntegrationLogger, 'info' | 'warn'>;
}

/**
 * What the build says about the project before publishing it: bad input is an AstroError listing
 * every problem; in strict mode so are stale and missing specs; otherwise they are warnings that
 * name the files, followed by a one-line summary.
 */
export function reportProjectState(report: ProjectReport, { specsDir, strict, logger }: ReportOptions): void {
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
	if (strict && notFresh.length > 0) {
		throwPluginError(
			`Strict mode: ${notFresh.length} PRD${notFresh.length > 1 ? 's have' : ' has'} no fresh spec:\n${notFresh.join('\n')}`,
			'Generate the specs (run the build with `OPENAI_API_KEY` set) and commit them, or turn strict mode off (`strict: false`, `PRD_SPECS_STRICT=0`).',
		);
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
	logger.info(
		`${report.prds.length} PRD${report.prds.length === 1 ? '' : 's'}: ${report.prds.length - missing.length - stale.length} fresh, ${stale.length} stale, ${missing.length} missing.`,
	);
}
