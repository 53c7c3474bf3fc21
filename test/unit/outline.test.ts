import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, test } from 'vitest';

import { extractMermaidBlocks } from '../../src/integration/diagrams/mermaid-blocks.ts';
import { cleanSpecOutput } from '../../src/integration/generation/output.ts';
import { findSection, normalizeHeading, outlineMarkdown } from '../../src/integration/markdown/outline.ts';
import { readPlainSections } from '../../src/integration/markdown/quick-sections.ts';
import { findMissingSections, getHeadings } from '../../src/integration/markdown/sections.ts';
import { getTemplateSections, loadTemplate } from '../../src/integration/prompt/template.ts';

const sectionsOf = (markdown: string) => outlineMarkdown(markdown).sections.map((section) => section.heading.text);
const getSection = (markdown: string, heading: string) => findSection(outlineMarkdown(markdown), heading)?.body;

// Where the hand-written scanners (one per caller, each with its own fence rule) and CommonMark
// disagreed: the parser is right, and every caller now reads the same outline.
describe('what the parser reads differently from the old line scanners', () => {
	test('a `## X` inside a fenced block is not a section, also for the fast path of findMissingSections', () => {
		expect(sectionsOf('## A\n```md\n## B\n```\n~~~\n## C\n~~~\n## D')).toEqual(['A', 'D']);
		// The old fast path matched `^## (.+)$` anywhere, code blocks included.
		expect(findMissingSections('# T\n\n```md\n## API Design\n```\n', ['API Design'])).toEqual(['API Design']);
	});

	test('a fence line with an info string ("```ts") does not close a fence', () => {
		const markdown = '## A\n```\n```ts\n## Not a heading\n```\n## B';
		expect(sectionsOf(markdown)).toEqual(['A', 'B']);
		expect(getSection(markdown, 'A')).toBe('```\n```ts\n## Not a heading\n```');
		expect(extractMermaidBlocks('```mermaid\ngraph TB\n```ts\n```')).toEqual([
			{ index: 1, section: undefined, line: 1, source: 'graph TB\n```ts' },
		]);
	});

	test('only the same marker, as long or longer, closes a fence: ``` does not close ~~~, nor ``` a ````', () => {
		expect(sectionsOf('~~~\n```\n## X\n~~~\n## Y')).toEqual(['Y']);
		expect(sectionsOf('````\n```\n## X\n````\n## Y')).toEqual(['Y']);
	});

	test('an unclosed fence runs to the end of the document; its diagram is checked', () => {
		expect(sectionsOf('## A\n```\n## B')).toEqual(['A']);
		expect(getSection('## A\n```\n## B', 'A')).toBe('```\n## B');
		expect(extractMermaidBlocks('## A\n\n```mermaid\ngraph TB\n  A --> B')).toEqual([
			{ index: 1, section: 'A', line: 3, source: 'graph TB\n  A --> B' },
		]);
	});

	test('setext headings and ATX headings indented by up to three spaces are headings; four spaces are code', () => {
		expect(sectionsOf('Overview\n--------\n\n   ## Indented\n\n    ## Code')).toEqual(['Overview', 'Indented']);
		expect(findMissingSections('Overview\n--------\n', ['Overview'])).toEqual([]);
	});

	test('an HTML block holds the lines up to its end; `<technical_spec_template>` is no HTML tag (an underscore)', () => {
		expect(sectionsOf('<div>\n## Inside\n</div>\n\n## After')).toEqual(['After']);
		expect(sectionsOf('<technical_spec_template markdown="true">\n## First\n</technical_spec_template>')).toEqual(['First']);
		// The template's sections are read from the block's content alone.
		expect(getTemplateSections('<technical_spec_template>\n<div>\n## Held\n</div>\n\n## Section\n</technical_spec_template>')).toEqual([
			'Section',
		]);
	});

	test('an upper-case <PRE> or <SCRIPT> block ends where pages end it, not at the end of the document (Sätteri)', () => {
		const markdown = '## A\n\n<PRE>an upper-case pre</PRE>\n\n## B\n\n<SCRIPT>x</SCRIPT>\n\n## C\n\n```mermaid\ngraph TB\n```';
		expect(sectionsOf(markdown)).toEqual(['A', 'B', 'C']);
		expect(outlineMarkdown(markdown).sections[0]!.body).toBe('<PRE>an upper-case pre</PRE>');
		expect(extractMermaidBlocks(markdown)).toEqual([{ index: 1, section: 'C', line: 11, source: 'graph TB' }]);
	});

	test('a `## X` inside a list or quote is not a top-level section; one after it is', () => {
		expect(sectionsOf('- ## In a list\n> ## In a quote\n## After')).toEqual(['After']);
		// A fence opened in a list item ends with the item: the next `## ` line is a heading.
		expect(sectionsOf('- item\n  ```\n## Heading\n```\n## In code')).toEqual(['Heading']);
	});

	test('CRLF: the same outline as with LF, offsets into the LF text', () => {
		const outline = outlineMarkdown('# T\r\n\r\n## A\r\n```\r\n## X\r\n```\r\n## B\r\n');
		expect(outline.sections.map((section) => [section.heading.text, section.heading.start.line, section.body])).toEqual([
			['A', 3, '```\n## X\n```'],
			['B', 7, ''],
		]);
		expect(outline.text.slice(outline.sections[1]!.heading.start.offset)).toBe('## B\n');
		expect(cleanSpecOutput('Preamble\r\n```\r\n# Not this\r\n```\r\n# Technical Specification: X\r\n').body).toBe(
			'# Technical Specification: X',
		);
	});

	test('heading text is plain text: closing #s, emphasis, code, links and entities read as a reader sees them', () => {
		expect(getHeadings('## API Design ##\n## **Data** `Model`\n## [Risks](x) &amp; Mitigation\n## C#\n## A \\#', 2)).toEqual([
			'API Design',
			'Data Model',
			'Risks & Mitigation',
			'C#',
			'A #',
		]);
		expect(findMissingSections('## [API Design](#x)\n## Risks &amp; Mitigation', ['API Design', 'Risks & Mitigation'])).toEqual([]);
	});

	test('a section runs to the next `#` or `##` heading; deeper headings stay in it', () => {
		const markdown = '# T\n## A\n### A.1\na\n# Appendix\nx\n## B\nb';
		expect(getSection(markdown, 'A')).toBe('### A.1\na');
		expect(getSection(markdown, 'b')).toBe('b');
		expect(getSection(markdown, 'Missing')).toBeUndefined();
	});

	test('a whole answer wrapped in a ```markdown fence is unwrapped by its first and last lines, not parsed', () => {
		// Models wrap a spec whose own code blocks use the same fence: to the parser, the wrapper
		// closes at the first inner fence, but what the model meant is plain.
		expect(cleanSpecOutput('```markdown\n# Technical Specification: X\n\n```js\nx\n```\n```').body).toBe(
			'# Technical Specification: X\n\n```js\nx\n```',
		);
	});

	test('directives are read as text (`:::` encloses nothing), as the old scanners read them', () => {
		expect(sectionsOf(':::note\n## Inside an aside\n:::\n## After')).toEqual(['Inside an aside', 'After']);
		expect(extractMermaidBlocks(':::note\n```mermaid\ngraph TB\n```\n:::')).toHaveLength(1);
	});
});

describe('the outline', () => {
	test('title: the first top-level `# ` line with text, not a setext heading, one in code, or one in a quote', () => {
		const markdown = 'Title\n=====\n\n```\n# Code\n```\n> # Quoted\n#\n   # The title #\n# Later';
		expect(outlineMarkdown(markdown).title).toMatchObject({
			text: 'The title',
			start: { offset: markdown.indexOf('# The title'), line: 9 },
		});
		expect(outlineMarkdown('## Only sections').title).toBeUndefined();
		expect(cleanSpecOutput('Text\nTitle\n=====\n').problems).toEqual([expect.stringContaining('no `# Technical Specification')]);
	});

	test('slugs: github-slugger, one per document, so a repeated heading gets -1', () => {
		const outline = outlineMarkdown(
			'## Open questions\n### Open Questions\n## Open questions\n## Technical Risks & Mitigation\n## Ünïcödé 😀',
		);
		expect(outline.headings.map((heading) => heading.slug)).toEqual([
			'open-questions',
			'open-questions-1',
			'open-questions-2',
			'technical-risks--mitigation',
			'ünïcödé-',
		]);
		expect(findSection(outline, 'OPEN  questions')?.heading.slug).toBe('open-questions');
	});

	test('code blocks: language, meta, value, line and section, nested ones included', () => {
		const markdown =
			'intro\n\n```sh\nx\n```\n\n## Diagrams\n\n1. Step:\n\n   ```Mermaid title="a"\n   graph TB\n   ```\n\nText.\n\n    indented\n';
		expect(outlineMarkdown(markdown).codeBlocks).toEqual([
			{ lang: 'sh', meta: undefined, value: 'x', start: { offset: markdown.indexOf('```sh'), line: 3 }, section: undefined },
			{ lang: 'Mermaid', meta: 'title="a"', value: 'graph TB', start: { offset: markdown.indexOf('```M'), line: 11 }, section: 'Diagrams' },
			{
				lang: undefined,
				meta: undefined,
				value: 'indented',
				start: { offset: markdown.indexOf('    indented'), line: 17 },
				section: 'Diagrams',
			},
		]);
		expect(extractMermaidBlocks(markdown)).toEqual([{ index: 1, section: 'Diagrams', line: 11, source: 'graph TB' }]);
		// As the site draws them: only `mermaid` as written.
		expect(extractMermaidBlocks(markdown, { exact: true })).toEqual([]);
		// The old scanner saw only fences at the start of a line: not one in a quote, which is a diagram too.
		expect(extractMermaidBlocks('## Q\n\n> ```mermaid\n> graph TB\n> ```')).toEqual([
			{ index: 1, section: 'Q', line: 3, source: 'graph TB' },
		]);
	});

	test('normalizeHeading: no case, emphasis or code marks, single spaces', () => {
		expect(normalizeHeading('  **API**\t_Design_ `x` ')).toBe('api design x');
	});
});

describe('section matching forgives the habits of real models', () => {
	test('the template sections numbered, with `and` for `&`, in other case, emphasized, with trailing punctuation: none is missing', async () => {
		const template = await loadTemplate(process.cwd(), undefined);
		if (!template.ok) throw new Error('the built-in template does not load');
		const written = [
			'1. System Architecture Overview',
			'2) Technology Stack',
			'3 - Database Schema:',
			'4.1. **Security Requirements**',
			'V. Performance Requirements',
			'Section 6: Infrastructure Requirements',
			'Part 7 – Development Environment',
			'viii) TESTING STRATEGY.',
			'9: Deployment Pipeline',
			'10 _API Design_',
			'11. Technical Risks and Mitigation',
			'XII — Future Considerations:',
			'13. Clarification Requests or Feedback?',
		];
		expect(written).toHaveLength(template.template.sections.length);
		const spec = written.map((heading) => `## ${heading}\n\nText of ${heading}.\n`).join('\n');
		expect(findMissingSections(spec, template.template.sections)).toEqual([]);
		// The open-questions page finds its section the same way, and links to the heading as written.
		const found = findSection(outlineMarkdown(spec), 'Clarification Requests or Feedback');
		expect(found?.body).toBe('Text of 13. Clarification Requests or Feedback?.');
		expect(found?.heading.slug).toBe('13-clarification-requests-or-feedback');
	});

	test('the fast path reads numbered plain headings as the parser does', () => {
		const spec = '## 1. System Architecture Overview\n## 11.2 Technical Risks and Mitigation\n## II. API Design';
		expect([...readPlainSections(spec)]).toEqual(['system architecture overview', 'technical risks and mitigation', 'api design']);
		expect(findMissingSections(spec, ['System Architecture Overview', 'Technical Risks & Mitigation', 'API Design'])).toEqual([]);
	});

	test('what stays: a heading that is only a number, other words before a number, a bare `I`', () => {
		expect(
			['1.', 'Section 3', 'Step 1: Setup', 'Phase 2 - Rollout', '2024', '1.5x Faster', 'I Want Feedback', 'R&D'].map(normalizeHeading),
		).toEqual(['1', 'section 3', 'step 1: setup', 'phase 2 - rollout', '2024', '1.5x faster', 'i want feedback', 'r and d']);
		expect(findMissingSections('## 1. Overview\n## 2. Details', ['Overview', 'Details', 'Summary'])).toEqual(['Summary']);
	});
});

describe('the fast path of findMissingSections', () => {
	test('it reads plain `## ` lines, follows fences, and stops where an HTML block or an indented fence may start', () => {
		expect([...readPlainSections('## A\n```\n## B\n```\n## C **x**\n## D  E\n## F & G\n~~~~\n## H\n~~~\n## I')]).toEqual([
			'a',
			'd e',
			'f and g',
		]);
		expect([...readPlainSections('## A\n<div>\n\n## B')]).toEqual(['a']);
		expect([...readPlainSections('## A\n- x\n  ```\n## B')]).toEqual(['a']);
		expect([...readPlainSections('## A\r\n')]).toEqual([]);
	});

	// Random documents made of the lines that matter (fences of every kind, HTML, lists, quotes,
	// tables, setext underlines, tabs, odd spaces): whatever the fast path vouches for, the parser
	// must find. Seeded, so a failure can be replayed.
	test('every heading it vouches for is a section the parser finds (20,000 random documents)', () => {
		const lines = [
			...[
				'## A',
				'## B',
				'## A ##',
				'##  A  b',
				'## **A**',
				'##\tA',
				'   ## A',
				'    ## A',
				'\t## A',
				'## a & b',
				'## a &amp; b',
				'## A\u00a0',
				'## é',
				'## 1. A',
				'## 2) a & b.',
				'## IV. A',
				'## A:',
				'## 1.',
			],
			...['# T', 'A', 'text', '', '', '---', '===', '***', '- item', '  - nested', '* x', '1. one', '> quote', '> ```', '- ```'],
			...['```', '```', '````', '```ts', '```mermaid', '``` `x`', '``x', '  ```', '   ```', '    ```', '\t```', ' ```', '```   ', '``` \t'],
			...[
				'~~~',
				'~~~~',
				'~~~ ```',
				'  ~~~',
				'<div>',
				'</div>',
				'<!--',
				'-->',
				'<pre>',
				'</pre>',
				'<x-y>',
				' <br>',
				'<technical_spec_template>',
			],
			...[
				':::note',
				':::',
				'| a | b |',
				'| - | - |',
				'[a]: /u "t',
				'[^1]: note',
				'    code',
				'\u00a0```',
				'\u000b```',
				'\u000c```',
				'\u0000```',
			],
		];
		let seed = 42;
		const random = () => {
			// mulberry32
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
		for (let run = 0; run < 20_000; run++) {
			const count = 1 + Math.floor(random() * 14);
			const markdown = Array.from({ length: count }, () => lines[Math.floor(random() * lines.length)]).join('\n');
			const parsed = new Set(outlineMarkdown(markdown).sections.map((section) => normalizeHeading(section.heading.text)));
			for (const heading of readPlainSections(markdown)) {
				if (!parsed.has(heading)) expect.fail(`the fast path vouches for "${heading}" in ${JSON.stringify(markdown)}`);
			}
		}
	});
});

describe('untrusted text: parsing takes time in proportion to it', () => {
	const KB = 1024;

	// Each takes well under a second when linear, and tens of seconds when not: a native parse
	// cannot be stopped by the test timeout, so the time is asserted, with a wide margin.
	const finishesWithin = (seconds: number, run: () => void) => {
		const started = performance.now();
		run();
		expect((performance.now() - started) / 1000).toBeLessThan(seconds);
	};

	test('text directives, which Sätteri parses in quadratic time, are not parsed', () => {
		finishesWithin(10, () => {
			expect(outlineMarkdown(':a['.repeat(100 * KB)).sections).toEqual([]);
			expect(outlineMarkdown(`# T\n${':a[x]{b=c} '.repeat(20 * KB)}`).title?.text).toBe('T');
		});
	});

	test('a line nested too deeply is read as a blank line, offsets unchanged', () =>
		finishesWithin(10, () => {
			const markdown = `# Technical Specification: X\n${'- '.repeat(256 * KB)}\n## A\n${'> '.repeat(100)}\n## B`;
			const outline = outlineMarkdown(markdown);
			expect(
				outline.sections.map((section) => [section.heading.text, markdown.slice(section.heading.start.offset, section.heading.end.offset)]),
			).toEqual([
				['A', '## A'],
				['B', '## B'],
			]);
			expect(cleanSpecOutput(`Preamble\n${'> '.repeat(256 * KB)}\n# Technical Specification: X\n\n## A`).body).toBe(
				'# Technical Specification: X\n\n## A',
			);
		}));

	test('a megabyte answer of code fences, brackets or headings', () =>
		finishesWithin(20, () => {
			expect(cleanSpecOutput('```\n'.repeat(256 * KB)).problems).toHaveLength(1);
			expect(cleanSpecOutput(`${'['.repeat(1024 * KB)}\n# Technical Specification: X`).body).toBe('# Technical Specification: X');
			expect(findMissingSections('## A\n'.repeat(200 * KB), ['A', 'B'])).toEqual(['B']);
			expect(readPlainSections(`${'x```'.repeat(256 * KB)}\n## A`)).toEqual(new Set(['a']));
			expect(readPlainSections(`## A\n${'<'.repeat(1024 * KB)}`)).toEqual(new Set(['a']));
			expect(normalizeHeading(`1.${' x.'.repeat(256 * KB)}${' '.repeat(256 * KB)}y`)).toMatch(/^x\. x\.[^]* y$/);
			expect(normalizeHeading(`IV. ${'& '.repeat(256 * KB)}.`)).toHaveLength(4 * 256 * KB - 1);
		}));
});

// A real PRD's spec, written by a model from this project's prompt (not copied into the repository).
const REAL_SPEC = '/work/shared/fixtures/spec-chain-sample/TECHNICAL_SPEC.md';

test.skipIf(!existsSync(REAL_SPEC))('a real spec: its 13 template sections, one diagram, and the fast path sees them all', async () => {
	const template = await loadTemplate(process.cwd(), undefined);
	if (!template.ok) throw new Error('the built-in template does not load');
	const spec = readFileSync(REAL_SPEC, 'utf8');
	const outline = outlineMarkdown(spec);
	expect(outline.sections.map((section) => section.heading.text)).toEqual(template.template.sections);
	expect(outline.title?.text).toMatch(/^Technical Specification: /);
	expect(extractMermaidBlocks(spec).map((block) => block.section)).toEqual(['System Architecture Overview']);
	expect([...readPlainSections(spec)]).toEqual(template.template.sections.map(normalizeHeading));
	expect(findMissingSections(spec, template.template.sections)).toEqual([]);
});
