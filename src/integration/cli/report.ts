import type { ReviewState } from '../cache/review.ts';
import { assertGitRepository } from './git.ts';
import { formatTable, logText } from './output.ts';
import { collectChangeReport, type ChangeReport, type ReportEntry, type ReportedSection } from './report-data.ts';
import { formatReportMarkdown } from './report-markdown.ts';
import { loadValidProject, type CommandContext } from './commands.ts';

export interface ReportOptions {
	markdown: boolean;
	/** The ref the change is compared with (default `HEAD`; in a pull request, `origin/<base branch>`). */
	base: string;
}

/**
 * `report`: the PRDs a change touches, their spec and review state, what was generated and what
 * it cost, and the spec sections that changed; as text for a terminal, or with `--markdown` as
 * the text of the pull-request comment the workflow posts. Exit 0 whatever the state (`check`
 * is the command that fails).
 */
export async function runReport(context: CommandContext, options: ReportOptions): Promise<number> {
	await assertGitRepository(context.root, 'report');
	const project = await loadValidProject(context);
	const report = await collectChangeReport(context.root, context.config, project, options.base);
	context.io.stdout.write(options.markdown ? formatReportMarkdown(report) : formatReportText(report));
	return 0;
}

/** The report for a terminal: every text from users' files or a model through `logText`/`formatTable`. */
export function formatReportText(report: ChangeReport): string {
	const lines = [`Compared with ${logText(report.base, 200)} (merge base ${report.baseCommit.slice(0, 12)}).`, ''];
	if (report.entries.length === 0 && report.removedPrds.length === 0) {
		lines.push('This change touches no PRD and no spec.');
		return `${lines.join('\n')}\n`;
	}
	if (report.entries.length > 0) {
		const rows = report.entries.map((entry) => [
			entry.id,
			entry.title,
			entry.state === 'stale' ? `stale (${entry.staleBecause === 'template' ? 'template' : 'PRD'} changed)` : entry.state,
			reviewText(entry.review),
			changeText(entry),
			entry.usage ? `${count(entry.usage.inputTokens)} / ${count(entry.usage.outputTokens)}` : '-',
			entry.cost === undefined ? (entry.usage ? '?' : '-') : `$${entry.cost.toFixed(3)}`,
		]);
		lines.push(formatTable(['ID', 'TITLE', 'SPEC', 'REVIEW', 'IN THIS CHANGE', 'TOKENS IN / OUT', 'COST'], rows, [40, 50, 24, 50, 60]), '');
	}
	for (const file of report.removedPrds) lines.push(`PRD removed: ${logText(file, 300)}`);
	for (const entry of report.entries) {
		if (!entry.sections) continue;
		const { added, removed, changed } = entry.sections;
		lines.push('', `${logText(entry.id, 100)}: ${entry.sections.existed ? 'sections changed' : 'new spec'}`);
		for (const section of added) lines.push(`  added    ${logText(section.heading, 200)} (${linesText(section)})`);
		for (const section of changed) lines.push(`  changed  ${logText(section.heading, 200)} (${linesText(section)})`);
		for (const heading of removed) lines.push(`  removed  ${logText(heading, 200)}`);
		if (added.length + changed.length + removed.length === 0) lines.push('  no section changed');
	}
	return `${lines.join('\n')}\n`;
}

function changeText(entry: ReportEntry): string {
	const parts: string[] = [];
	if (entry.prdChanged) parts.push('PRD edited');
	if (entry.generated) parts.push(`spec generated${entry.model ? ` by ${entry.model}` : ''}`);
	else if (entry.specChanged) parts.push(entry.state === 'missing' ? 'spec removed' : 'spec edited');
	return parts.join(', ');
}

function reviewText(review: ReviewState | undefined): string {
	if (!review) return '-';
	if (review.reviewed) return `by ${review.by} on ${review.at.slice(0, 10)}`;
	return review.reason === 'changed' ? `no: changed since ${review.by} approved` : 'no';
}

function linesText(section: ReportedSection): string {
	const now = `${count(section.lines)} line${section.lines === 1 ? '' : 's'}`;
	return section.linesBefore === undefined ? now : `${now}, was ${count(section.linesBefore)}`;
}

function count(value: number): string {
	return value.toLocaleString('en-US');
}
