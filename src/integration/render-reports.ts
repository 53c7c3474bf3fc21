import type { Problem } from './problems.ts';

/** What our markdown plugin found while rendering one file. */
export interface RenderReport {
	/** `prd:`/`spec:` links to ids that do not exist: the page is not published. */
	problems: Problem[];
	/** What was removed from an untrusted page or not drawn (diagrams, images, code options). */
	warnings: Problem[];
}

/**
 * Reports of markdown renders, by the path of the file rendered (`''` for markdown without one).
 *
 * The plugin runs inside Astro's markdown renderer, which hands back only the HTML and a fixed set
 * of metadata (headings, image paths, frontmatter): what the plugin finds cannot come back with
 * the result. So it files it under the path it renders, and whoever rendered the file takes the
 * report from there. A page's problems are then those of its own render, whatever else is being
 * rendered meanwhile (Astro loads collections in parallel).
 */
export type RenderReports = Map<string, RenderReport>;

/** A fresh report for a file about to be rendered: what earlier renders of it left does not count. */
export function openRenderReport(reports: RenderReports, path: string): void {
	reports.set(path, emptyReport());
}

/** The report a render of `path` adds to: the one opened for it, or a new one (a file some other loader renders). */
export function renderReportFor(reports: RenderReports, path: string | undefined): RenderReport {
	const key = path ?? '';
	let report = reports.get(key);
	if (!report) reports.set(key, (report = emptyReport()));
	return report;
}

/** What the renders of `path` reported since its report was opened; the report is removed. */
export function takeRenderReport(reports: RenderReports, path: string): RenderReport {
	const report = reports.get(path) ?? emptyReport();
	reports.delete(path);
	return report;
}

/** Every report there is, file by file, as one; they are all removed. */
export function takeRenderReports(reports: RenderReports): RenderReport {
	const all = emptyReport();
	for (const report of reports.values()) {
		all.problems.push(...report.problems);
		all.warnings.push(...report.warnings);
	}
	reports.clear();
	return all;
}

function emptyReport(): RenderReport {
	return { problems: [], warnings: [] };
}
