import { expect, test } from 'vitest';

import { findIdMentions } from '../../src/integration/markdown/id-mentions.ts';
import { clearMarkdownMemo, memoizeText } from '../../src/integration/markdown/memo.ts';
import { outlineMarkdown } from '../../src/integration/markdown/outline.ts';

test('a result is computed once for each text and variant, until the memo is cleared', () => {
	let computed = 0;
	const length = (text: string, variant: string) => memoizeText('test-length', text, variant, () => (computed++, text.length));
	expect([length('abc', ''), length('abc', ''), length('abc', 'x'), length('abcd', '')]).toEqual([3, 3, 3, 4]);
	expect(computed).toBe(3);
	clearMarkdownMemo();
	length('abc', '');
	expect(computed).toBe(4);
});

test('the outline and the id mentions of a text are read once; other prefixes are another reading', () => {
	clearMarkdownMemo();
	const text = '## Goals\n\nFR-1 and NFR-2.\n';
	expect(outlineMarkdown(text)).toBe(outlineMarkdown(`${text}`));
	const mentions = findIdMentions(text, new Set(['FR', 'NFR']));
	expect(findIdMentions(text, new Set(['NFR', 'FR']))).toBe(mentions);
	expect(findIdMentions(text, new Set(['FR'])).map((mention) => mention.id)).toEqual(['FR-1']);
	clearMarkdownMemo();
	expect(findIdMentions(text, new Set(['FR', 'NFR']))).not.toBe(mentions);
	expect(findIdMentions(text, new Set(['FR', 'NFR']))).toEqual(mentions);
});
