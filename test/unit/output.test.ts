import { describe, expect, test } from 'vitest';

import { extractMermaidBlocks } from '../../src/integration/diagrams/mermaid-blocks.ts';
import { cleanSpecOutput } from '../../src/integration/generation/output.ts';

describe('cleanSpecOutput', () => {
	test('drops the planning block and anything before the title', () => {
		const text =
			'Sure! Here is my plan.\r\n<technical_planning>\r\n# Not the title\r\nThinking...\r\n</technical_planning>\r\n\r\nPreamble.\r\n# Technical Specification: Pay\r\n\r\n## A\r\n';
		expect(cleanSpecOutput(text)).toEqual({ body: '# Technical Specification: Pay\n\n## A', problems: [] });
	});

	test('several planning blocks and attributes go too', () => {
		const text =
			'<technical_planning id="1">x</technical_planning># Technical Specification: P\n<TECHNICAL_PLANNING>y</TECHNICAL_PLANNING>\n## A';
		expect(cleanSpecOutput(text).body).toBe('# Technical Specification: P\n\n## A');
	});

	test('an unclosed planning block runs to the title', () => {
		expect(cleanSpecOutput('<technical_planning>\nthoughts\n# Technical Specification: P\n## A')).toEqual({
			body: '# Technical Specification: P\n## A',
			problems: [],
		});
		expect(cleanSpecOutput('<technical_planning>\nonly thoughts').problems).toEqual([
			'The `<technical_planning>` block is never closed and no specification follows it.',
			'The answer has no `# Technical Specification: <app name>` title line, so no specification was found.',
		]);
	});

	test('unwraps an answer fenced as markdown, but not a title inside a code block', () => {
		expect(cleanSpecOutput('```markdown\n# Technical Specification: P\n\n## A\n```').body).toBe('# Technical Specification: P\n\n## A');
		expect(cleanSpecOutput('```sh\n# a shell comment\n```\nno title').problems).toHaveLength(1);
	});
});

test('extractMermaidBlocks finds fenced mermaid blocks with their section', () => {
	const markdown =
		'## One\n\n```mermaid\ngraph TB\n  A --> B\n```\n\n## Two\n\n````md\n```mermaid\nnot this\n```\n````\n\n~~~mermaid title\nsequenceDiagram\n  A->>B: hi\n~~~\n';
	expect(extractMermaidBlocks(markdown)).toEqual([
		{ index: 1, section: 'One', line: 3, source: 'graph TB\n  A --> B' },
		{ index: 2, section: 'Two', line: 16, source: 'sequenceDiagram\n  A->>B: hi' },
	]);
});
