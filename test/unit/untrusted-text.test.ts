import { describe, expect, test } from 'vitest';

import { cleanSpecOutput } from '../../src/integration/generation/output.ts';
import { getHeadings } from '../../src/integration/markdown/sections.ts';
import { getTemplateSections } from '../../src/integration/prompt/template.ts';
import { splitLeadingH1, stripClosingHashes } from '../../src/integration/markdown/title.ts';
import { formatProblem } from '../../src/integration/problems.ts';
import { findAnchorHrefs } from '../../src/integration/rendering/link-check.ts';
import { markdownCode } from '../../src/integration/rendering/markdown.ts';
import { printable, toSafeTitle, toSingleLine, truncate } from '../../src/integration/text/plain-text.ts';

// Inputs of a megabyte or so, shaped to make a backtracking regular expression take minutes or
// hours. Each function must be a single pass: these tests finish in milliseconds when it is, and
// hit the test timeout when it is not. (No timing is asserted.)
const MB = 1024 * 1024;

describe('titles and labels', () => {
	test('a title is one line, without < or >, whatever Starlight does with it', () => {
		expect(toSafeTitle('x </title><script>window.__pwned=1</script>')).toBe('x ‹/title›‹script›window.__pwned=1‹/script›');
		expect(toSafeTitle('Two\nlines\r\n\tand\u2028more\u0085 ')).toBe('Two lines and more');
		expect(toSafeTitle('Right\u202eto\u2066left')).toBe('Righttoleft');
		expect(toSafeTitle('R&D: "quotes" stay')).toBe('R&D: "quotes" stay');
	});

	test('a title is cut at its limit without splitting a character', () => {
		expect(toSafeTitle('a'.repeat(300), 200)).toBe(`${'a'.repeat(199)}…`);
		expect(truncate(`${'a'.repeat(198)}😀😀`, 200)).toBe(`${'a'.repeat(198)}…`);
		expect(toSafeTitle('x'.repeat(2 * MB)).length).toBe(200);
	});

	test('toSingleLine collapses runs of white space and controls', () => {
		expect(toSingleLine('  a \n\n b\u0000c  ')).toBe('a b c');
	});
});

describe('log lines', () => {
	test('printable shows line breaks and control characters escaped, so text cannot start a line', () => {
		expect(printable('prds/a\n::error::pwned.md')).toBe('prds/a\\n::error::pwned.md');
		expect(printable('a\r\n\u001b[31mred\u202e')).toBe('a\\r\\n\\u001b[31mred\\u202e');
		expect(printable('x'.repeat(5000), 100).length).toBe(100);
		// GitHub Actions also reads the older `##[name]` form anywhere in a line.
		expect(printable('title ##[error]x')).toBe('title #\\u0023[error]x');
	});

	test('a problem is always one line, whatever its file name and field hold', () => {
		const line = formatProblem({
			file: 'src/content/specs/x\n::error::pwned.md',
			field: 'bad\n::warning::key',
			message: 'is not a field.\n::error::x',
			hint: 'Remove it.',
		});
		expect(line.split('\n')).toHaveLength(1);
		expect(line).toBe('src/content/specs/x\\n::error::pwned.md › bad\\n::warning::key: is not a field.\\n::error::x Remove it.');
	});
});

describe('single passes over hostile text', () => {
	test('a leading heading followed by a megabyte of spaces (cubic before: 16 KB hung the build)', () => {
		expect(splitLeadingH1(`# a${' '.repeat(MB)}x\n\nbody`)).toEqual({ heading: `a${' '.repeat(MB)}x`, rest: 'body' });
		expect(splitLeadingH1(`# a${' \t'.repeat(MB / 2)}`).heading).toBe('a');
		expect(splitLeadingH1(`${' '.repeat(MB)}# t #`)).toEqual({ heading: 't', rest: '' });
	});

	test('the closing # run of a heading follows CommonMark', () => {
		expect(stripClosingHashes('Title ##')).toBe('Title ');
		expect(stripClosingHashes('C#')).toBe('C#');
		expect(stripClosingHashes('###')).toBe('');
		expect(stripClosingHashes(`a${' #'.repeat(MB / 2)}x`)).toBe(`a${' #'.repeat(MB / 2)}x`);
		expect(getHeadings(`## a${' #'.repeat(MB / 4)} \n## b ##`, 2)).toEqual([`a${' #'.repeat(MB / 4 - 1)}`, 'b']);
	});

	test('planning blocks: a megabyte of unclosed openers, and of closed blocks', () => {
		const unclosed = cleanSpecOutput(`${'<technical_planning>'.repeat(MB / 20)}\n# Technical Specification: X\n\n## A`);
		expect(unclosed.body).toBe('# Technical Specification: X\n\n## A');
		const closed = cleanSpecOutput(`${'<technical_planning>x</technical_planning>'.repeat(MB / 40)}# Technical Specification: X`);
		expect(closed.body).toBe('# Technical Specification: X');
		expect(cleanSpecOutput(`${'<technical_planning'.repeat(MB / 19)}`).problems).toHaveLength(2);
	});

	test('a fenced answer is unwrapped by comparing its fences, not with a backreference', () => {
		expect(cleanSpecOutput('```markdown\n# Technical Specification: X\n\n## A\n```').body).toBe('# Technical Specification: X\n\n## A');
		expect(cleanSpecOutput('````md\n# Technical Specification: X\n```\n````').body).toBe('# Technical Specification: X\n```');
		expect(cleanSpecOutput(`\`\`\`${' '.repeat(MB)}x\n# Technical Specification: X\n\`\`\`${' \t'.repeat(MB / 2)}y`).problems).toEqual([
			expect.stringContaining('title line'),
		]);
		// Fences of different lengths: not unwrapped, so the title is inside a code block.
		const hostile = `${'`'.repeat(MB)}\n# Technical Specification: X\n${'`'.repeat(MB - 1)}`;
		expect(cleanSpecOutput(hostile).problems).toEqual([
			expect.stringContaining('has no `# Technical Specification: <app name>` title line'),
		]);
	});

	test('template sections are found with indexOf', () => {
		expect(getTemplateSections(`${'<technical_spec_template'.repeat(MB / 24)}`)).toEqual([]);
		expect(getTemplateSections('<technical_spec_template>\n## One\n</technical_spec_template>')).toEqual(['One']);
	});

	test('the link check reads anchors in one pass, even in a tag that never ends', () => {
		expect(
			findAnchorHrefs('<a class="x" href="/a/">A</a><A\nHREF=\'/b/\'>B</A><abbr href="/no/">x</abbr><a title="x > y" href=/c/ >'),
		).toEqual(['/a/', '/b/', '/c/']);
		expect(findAnchorHrefs(`<a title="${'<a '.repeat(MB / 3)}`)).toEqual([]);
		expect(findAnchorHrefs(`<a ${'<a '.repeat(MB / 3)}`)).toEqual([]);
	});

	test('an inline code span of any number of backticks', () => {
		expect(markdownCode('`'.repeat(200_000))).toBe(`${'`'.repeat(200_001)} ${'`'.repeat(200_000)} ${'`'.repeat(200_001)}`);
		expect(markdownCode('` '.repeat(300_000)).length).toBeGreaterThan(600_000);
	});
});
