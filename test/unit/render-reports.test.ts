import { expect, test } from 'vitest';

import type { Problem } from '../../src/integration/problems.ts';
import {
	openRenderReport,
	renderReportFor,
	takeRenderReport,
	takeRenderReports,
	type RenderReports,
} from '../../src/integration/render-reports.ts';

const problem = (file: string): Problem => ({ file, message: 'is wrong.', hint: 'Fix it.' });

test('a file’s report holds what renders of that file reported since it was opened, and no other file’s', () => {
	const reports: RenderReports = new Map();
	renderReportFor(reports, '/site/a.md').problems.push(problem('left from an earlier render'));
	openRenderReport(reports, '/site/a.md');
	renderReportFor(reports, '/site/a.md').problems.push(problem('a.md'));
	renderReportFor(reports, '/site/b.md').problems.push(problem('b.md'));
	renderReportFor(reports, '/site/a.md').warnings.push(problem('a.md warning'));
	expect(takeRenderReport(reports, '/site/a.md')).toEqual({ problems: [problem('a.md')], warnings: [problem('a.md warning')] });
	// Taken once: a second take finds nothing.
	expect(takeRenderReport(reports, '/site/a.md')).toEqual({ problems: [], warnings: [] });
	expect([...reports.keys()]).toEqual(['/site/b.md']);
});

test('every report can be taken at once, file by file; markdown without a file has a report too', () => {
	const reports: RenderReports = new Map();
	renderReportFor(reports, '/site/a.md').problems.push(problem('a.md'));
	renderReportFor(reports, undefined).warnings.push(problem('(a markdown string)'));
	renderReportFor(reports, '/site/b.md').problems.push(problem('b.md'));
	renderReportFor(reports, '/site/a.md').problems.push(problem('a.md again'));
	expect(takeRenderReports(reports)).toEqual({
		problems: [problem('a.md'), problem('a.md again'), problem('b.md')],
		warnings: [problem('(a markdown string)')],
	});
	expect(reports.size).toBe(0);
});
