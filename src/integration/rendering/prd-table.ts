import type { PrdWithSpec, SpecState } from '../project.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';
import { formatDate } from './dates.ts';
import { coverageCell } from './requirements-trace.ts';
import { reviewLabel } from './review-notice.ts';
import { getPageHref, getPrdSlug, getSpecSlug } from './urls.ts';

export const STATE_LABELS: Record<SpecState, string> = {
	fresh: 'Fresh',
	stale: 'Stale',
	missing: 'Missing',
};

export interface TableOptions {
	base: string;
	/** Without the tags and model columns: the table of large sites, where every byte of a row counts (thousands of rows). */
	compact: boolean;
	/** With the coverage column: once any PRD of the site has requirement ids. */
	traced: boolean;
}

/**
 * The markdown table of PRDs (the overview, folder and status pages): its header lines, and one
 * line per PRD, so that a long table can be cut into parts between rows. Every cell is escaped
 * text or a link with an escaped label: a title cannot open markup, and no row can end the table.
 * The table works as it is; the page's script (see `table-script.ts`) adds filtering and sorting.
 */
export function buildPrdTable(statuses: readonly PrdWithSpec[], options: TableOptions): { header: string[]; rows: string[] } {
	const { compact, traced } = options;
	const columns = ['PRD', 'Status', 'Owner', ...(compact ? [] : ['Tags']), 'Spec', ...(compact ? [] : ['Model']), 'Generated', 'Review'];
	if (traced) columns.push('Coverage');
	const header = [`| ${columns.join(' | ')} |`, `|${' --- |'.repeat(columns.length)}`];
	const rows = statuses.map((status) => {
		const { prd, spec } = status;
		const cells = [
			markdownLink(prd.frontmatter.title, getPageHref(options.base, getPrdSlug(prd.id))),
			escapeMarkdown(capitalize(prd.frontmatter.status)),
			prd.frontmatter.owner ? escapeMarkdown(prd.frontmatter.owner) : '—',
			...(compact ? [] : [prd.frontmatter.tags.map(escapeMarkdown).join(', ') || '—']),
			markdownLink(STATE_LABELS[status.state], getPageHref(options.base, getSpecSlug(prd.id))),
			...(compact
				? []
				: [
						spec
							? spec.metadata.source === 'model'
								? // Escaped text, not a code span: a code span cannot escape a colon, and a table is one paragraph (see crowded-paragraphs.ts).
									escapeMarkdown(spec.metadata.model ?? 'unknown')
								: 'by\u00a0hand'
							: '—',
					]),
			spec ? formatDate(spec.metadata.generatedAt) : '—',
			reviewLabel(spec),
			...(traced ? [coverageCell(status.trace)] : []),
		];
		return `| ${cells.join(' | ')} |`;
	});
	return { header, rows };
}

export function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}
