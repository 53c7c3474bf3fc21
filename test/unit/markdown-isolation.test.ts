import { createSatteriMarkdownProcessor } from '@astrojs/markdown-satteri';
import { describe, expect, test } from 'vitest';

import { isolateFragment } from '../../src/integration/markdown/fragment.ts';
import { neutralizeRawTextBlocks } from '../../src/integration/markdown/html-blocks.ts';

const render = async (markdown: string) =>
	(await (await createSatteriMarkdownProcessor({ syntaxHighlight: false })).render(markdown, {})).code;

describe('neutralizeRawTextBlocks', () => {
	test('Sätteri alone lets <PRE> swallow the rest of the document (the bug this works around)', async () => {
		expect(await render('<PRE>x</PRE>\n\n## After\n')).not.toContain('<h2');
	});

	test('after it, the rest of the document is markdown again, and the tag reads the same', async () => {
		const source =
			'<PRE>x</PRE>\n\n## After\n\n> <Script>y</SCRIPT>\n\n## Later\n\n```html\n<PRE>in code</PRE>\n```\n\n<textarea>\n\n## Last\n';
		const neutral = neutralizeRawTextBlocks(source);
		expect(neutral).toBe(
			'&lt;PRE>x</PRE>\n\n## After\n\n> &lt;Script>y</SCRIPT>\n\n## Later\n\n```html\n<PRE>in code</PRE>\n```\n\n&lt;textarea>\n\n## Last\n',
		);
		const html = await render(neutral);
		expect(html).toMatch(/<h2[^>]*>After<\/h2>/);
		expect(html).toMatch(/<h2[^>]*>Later<\/h2>/);
		expect(html).toMatch(/<h2[^>]*>Last<\/h2>/);
		expect(html).toContain('&lt;PRE&gt;in code&lt;/PRE&gt;');
	});

	test('documents without such a tag are returned as they are', () => {
		const source = 'Plain <b>html</b> and <preview> text.';
		expect(neutralizeRawTextBlocks(source)).toBe(source);
	});

	test('a chain of blocks, each hiding the next, ends with every opener escaped', () => {
		const source = '<PRE>\n\n'.repeat(20);
		expect(neutralizeRawTextBlocks(source)).toBe('&lt;PRE>\n\n'.repeat(20));
		expect(neutralizeRawTextBlocks('<PRE>\n\n'.repeat(100_000)).startsWith('&lt;PRE>')).toBe(true);
	});
});

describe('isolateFragment', () => {
	test('closes what the piece opens', () => {
		expect(isolateFragment('- Which regions?\n\n```js\nunclosed fence', 'q1')).toBe('- Which regions?\n\n```js\nunclosed fence\n```');
		expect(isolateFragment(':::caution[Trap]\nEverything after this is in my box', 'q1')).toBe(
			':::caution[Trap]\nEverything after this is in my box\n:::',
		);
		expect(isolateFragment('~~~~\n````\n', 'q1')).toBe('`````\n````\n`````');
	});

	test('resolves its reference links and drops its definitions', () => {
		expect(isolateFragment('See [docs] and ![logo][l].\n\n[docs]: https://b.example/\n[l]: /logo.png', 'q2')).toBe(
			'See [docs](https://b.example/) and ![logo](/logo.png).',
		);
	});

	test('prefixes its footnotes, lowers its headings and shows raw HTML as text', () => {
		expect(isolateFragment('Note[^1].\n\n[^1]: a footnote', 'q3')).toBe('Note[^q3-1].\n\n[^q3-1]: a footnote');
		expect(isolateFragment('# Big\n\n## Mid\n\n#### Deep', 'q')).toBe('### Big\n\n### Mid\n\n#### Deep');
		expect(isolateFragment('<PRE>x</PRE>\n\nafter <img src=x onerror=alert(1)>', 'q')).toBe(
			'\\<PRE>x\\</PRE>\n\nafter \\<img src=x onerror=alert(1)>',
		);
	});

	test('pieces placed one after the other stay apart when rendered', async () => {
		const first = isolateFragment('[docs]: https://first.example/\n\n- a\n\n```\nunclosed', 'q1');
		const second = isolateFragment('- b, see [docs]\n\n:::note\nopen', 'q2');
		const third = isolateFragment('- c, see [docs]\n\n[docs]: https://third.example/', 'q3');
		const html = await render(`## One\n\n${first}\n\n## Two\n\n${second}\n\n## Three\n\n${third}`);
		expect(html).toMatch(/<h2[^>]*>Two<\/h2>/);
		expect(html).toMatch(/<h2[^>]*>Three<\/h2>/);
		// The first piece's definition applies to neither of the others.
		expect(html).toContain('<li>b, see [docs]</li>');
		expect(html).toContain('<a href="https://third.example/">docs</a>');
		expect(html).not.toContain('first.example');
	});
});
