import { describe, expect, test } from 'vitest';

import { sanitizeCodeOptions } from '../../src/integration/rendering/code-options.ts';
import { sanitizeDiagram } from '../../src/integration/rendering/diagram-safety.ts';

const MB = 1024 * 1024;

describe('sanitizeDiagram', () => {
	test('a plain diagram is rendered as written', () => {
		const source =
			'graph TB\n    A["Web app"] --> B[(DB)]\n    style A fill:#f9f,stroke:#333,stroke-width:4px\n    classDef hot fill:#f96,color:white;';
		expect(sanitizeDiagram(source)).toEqual({ action: 'render', source, removed: [] });
	});

	test('directives are removed, wherever they are and however they are written', () => {
		const source =
			"%%{init: {'themeCSS': 'g { background: red }'}}%%\ngraph TB\n  A --> B\n  %%{ init: { 'fontFamily': 'x' } }%%\n  B[\"%%{wrap}%%\"] --> C";
		const verdict = sanitizeDiagram(source);
		expect(verdict).toMatchObject({ action: 'render', removed: ['a `%%{...}%%` directive'] });
		expect(verdict.action === 'render' && verdict.source).not.toContain('%%{');
		// An unclosed directive runs to the end, as mermaid reads it.
		expect(sanitizeDiagram('graph TB\n A --> B\n%%{init: {"theme": "dark"')).toMatchObject({
			action: 'render',
			source: 'graph TB\n A --> B\n',
		});
		// Directives that join into a new one when removed are refused.
		expect(sanitizeDiagram('graph TB\n%%%%{x}%%{init:{}}%%').action).toBe('refuse');
	});

	test('frontmatter keeps its title only', () => {
		const verdict = sanitizeDiagram(
			'---\ntitle: Flow "one"\nconfig:\n  themeCSS: ".node rect { fill: url(#x) }"\n  fontFamily: "x; background: red"\n---\nflowchart LR\n  A --> B',
		);
		expect(verdict).toEqual({
			action: 'render',
			source: '---\ntitle: "Flow \\"one\\""\n---\nflowchart LR\n  A --> B',
			removed: ['its frontmatter `config`'],
		});
		expect(sanitizeDiagram('\n\n  ---\nconfig: {theme: dark}\n  ---\ngraph TB\n A')).toEqual({
			action: 'render',
			source: 'graph TB\n A',
			removed: ['its frontmatter `config`'],
		});
		expect(sanitizeDiagram('---\nconfig: x\ngraph TB').action).toBe('refuse');
	});

	test('what loads content is refused', () => {
		for (const source of [
			'flowchart TB\n  A@{ img: "https://attacker.example/x.png", label: "x", pos: "t" }',
			'flowchart TB\n  A@{ shape: image, "img": "//attacker.example/x.png" }',
			'sequenceDiagram\n  participant A\n  properties A: {"class": "x", "icon": "https://attacker.example/i.png"}\n  A->>A: hi',
			'graph TB\n  A --> B\n  style A fill:url(https://attacker.example/x.svg#p)',
			'graph TB\n  classDef x fill:red}@import "https://attacker.example/x.css";.y{color:red',
			'graph TB\n  classDef x background:u\\72 l(https://attacker.example)',
			'graph TB\n  A["URL( in a label"]',
			'graph TB\n  A["@import in a label"]',
			`graph TB\n${'A-->B\n'.repeat(10_000)}`,
		]) {
			expect(sanitizeDiagram(source).action, source.slice(0, 80)).toBe('refuse');
		}
		expect(sanitizeDiagram('flowchart TB\n  A@{ shape: rounded, label: "imgs: none" }\n  B@{ icon: "fa:user" }').action).toBe('render');
	});

	test('single passes over hostile sources', () => {
		expect(sanitizeDiagram('%%{'.repeat(MB / 3)).action).toBe('refuse');
		expect(sanitizeDiagram(`graph TB\n${'@{ img: '.repeat(6000)}`).action).toBe('refuse');
		expect(sanitizeDiagram(`graph TB\n${'@{ img '.repeat(6000)}`).action).toBe('render');
		expect(sanitizeDiagram(`graph TB\n${'%%{'.repeat(16_000)}`)).toEqual({
			action: 'render',
			source: 'graph TB\n',
			removed: ['a `%%{...}%%` directive'],
		});
	});
});

describe('sanitizeCodeOptions', () => {
	test('keeps bounded options', () => {
		const meta = 'title="src/app.ts" frame=code {2-3} ins={1} del="old" "needle" wrap showLineNumbers=false';
		expect(sanitizeCodeOptions(meta, 5)).toEqual({ meta, removed: [] });
	});

	test('removes ranges beyond the block, regex markers and unknown options', () => {
		expect(sanitizeCodeOptions('{1-2000000000} /(a+)+$/ mark=/x+/ onload=alert(1) title="ok"', 3)).toEqual({
			meta: 'title="ok"',
			removed: ['`{1-2000000000}`', '`/(a+)+$/`', '`mark=/x+/`', '`onload=alert(1)`'],
		});
		expect(sanitizeCodeOptions('{0} {3-2} {1-4} {1,2,3}', 3)).toEqual({ meta: '{1,2,3}', removed: ['`{0}`', '`{3-2}`', '`{1-4}`'] });
		expect(sanitizeCodeOptions(`{${Array.from({ length: 60 }, () => '1').join(',')}}`, 3).meta).toBe('');
		expect(sanitizeCodeOptions(`title="${'t'.repeat(201)}"`, 3).meta).toBe('');
	});

	test('bounds the number of markers and the length of the options', () => {
		expect(sanitizeCodeOptions(Array.from({ length: 25 }, (_, i) => `"m${i}"`).join(' '), 1).removed).toHaveLength(5);
		expect(sanitizeCodeOptions('x'.repeat(600), 1)).toEqual({ meta: '', removed: ['options longer than 500 characters'] });
	});

	test('unterminated quotes, braces and slashes end at the end of the options', () => {
		expect(sanitizeCodeOptions('title="open', 1).meta).toBe('title="open');
		expect(sanitizeCodeOptions('{1-2 /abc', 9).removed).toEqual(['`{1-2 /abc`']);
	});
});
