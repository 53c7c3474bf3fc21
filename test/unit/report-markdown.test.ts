import { describe, expect, test } from 'vitest';

import { githubText } from '../../src/integration/cli/github-markdown.ts';
import type { ChangeReport, ReportEntry } from '../../src/integration/cli/report-data.ts';
import { formatReportMarkdown, REPORT_MARKER } from '../../src/integration/cli/report-markdown.ts';

/** The text GitHub sees once character references are decoded. */
const decode = (text: string) => text.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));

describe('githubText', () => {
	test('keeps letters, digits and spaces; writes punctuation as character references', () => {
		expect(githubText('Billing v2 (EU)')).toBe('Billing v2 &#40;EU&#41;');
		expect(decode(githubText('a<b>|`c`*d*[e](f)\\g&h;'))).toBe('a<b>|`c`*d*[e](f)\\g&h;');
		expect(githubText('a<b>|`c`*d*[e](f)\\g&h;')).not.toMatch(/[<>|`*[\]()\\]|&(?!#\d+;)/);
	});

	test('mentions nobody and links no issue', () => {
		const text = decode(githubText('@octocat @org/team #12 owner/repo#3 GH-4 gh-5'));
		expect(text).not.toMatch(/@\w|#\d|gh-\d/i);
		expect(text.replaceAll('\u200B', '')).toBe('@octocat @org/team #12 owner/repo#3 GH-4 gh-5');
	});

	test('one line, bidi controls removed, cut to length', () => {
		expect(githubText('a\nb\r\n\u202Ec\u0007')).toBe('a b c');
		expect(githubText('x'.repeat(300), 10)).toBe(`${'x'.repeat(9)}…`);
	});
});

const entry = (index: number): ReportEntry => ({
	id: `prd-${index}`,
	title: `Title ${index} ${'<'.repeat(150)}`,
	prdFile: `prds/prd-${index}.md`,
	prdChanged: true,
	specFile: `src/content/specs/prd-${index}.md`,
	specChanged: true,
	state: 'fresh',
	generated: true,
	model: 'gpt-6.1-terra',
	usage: { inputTokens: 100, outputTokens: 200 },
	cost: 0.0011,
	sections: { existed: true, added: [{ heading: 'A'.repeat(150), lines: 3 }], removed: ['@x'], changed: [] },
});

describe('formatReportMarkdown', () => {
	test('a long report is cut at a line, with a note, under the limit', () => {
		const report: ChangeReport = {
			base: 'origin/main',
			baseCommit: 'a'.repeat(40),
			entries: Array.from({ length: 200 }, (_, i) => entry(i)),
			removedPrds: [],
		};
		const text = formatReportMarkdown(report);
		expect(text.length).toBeLessThanOrEqual(65_536);
		expect(text.startsWith(`${REPORT_MARKER}\n`)).toBe(true);
		expect(text).toMatch(
			/\n\n_The report is cut here: it is longer than a GitHub comment may be\. Run `npx prd-specs report` for all of it\._\n$/,
		);
		const small = formatReportMarkdown({ ...report, entries: report.entries.slice(0, 2) });
		expect(small).not.toContain('cut here');
		expect(small).toContain('2 specs generated: 200 tokens in, 400 out, about $0.002.');
		expect(formatReportMarkdown(report, 2000).length).toBeLessThanOrEqual(2000);
	});
});
