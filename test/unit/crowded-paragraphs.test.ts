import { describe, expect, test } from 'vitest';

import { findCrowdedParagraph } from '../../src/integration/markdown/crowded-paragraphs.ts';
import { findSlowMarkdown } from '../../src/integration/markdown/slow-markdown.ts';

describe('findCrowdedParagraph', () => {
	test('counts the unescaped colons of each paragraph, whatever follows them', () => {
		expect(findCrowdedParagraph('a:b c:d', 2)).toBeUndefined();
		expect(findCrowdedParagraph('a:b c:d e:f', 2)).toEqual({ line: 1, count: 3 });
		expect(findCrowdedParagraph('10:30 a : b :é', 2)).toEqual({ line: 1, count: 3 });
		expect(findCrowdedParagraph('one:\ntwo:\nthree:', 2)).toEqual({ line: 3, count: 3 });
	});

	test('a blank line (spaces and tabs allowed) starts the count again', () => {
		expect(findCrowdedParagraph('a:b c:d\n\ne:f g:h', 2)).toBeUndefined();
		expect(findCrowdedParagraph('a:b c:d\n \t \ne:f g:h', 2)).toBeUndefined();
		expect(findCrowdedParagraph('a:b c:d\n x\ne:f', 2)).toEqual({ line: 3, count: 3 });
		expect(findCrowdedParagraph(`${'x\n\n'.repeat(5)}:a :b :c`, 2)).toEqual({ line: 11, count: 3 });
	});

	test('an escaped colon costs nothing and is not counted; after an escaped backslash it is', () => {
		expect(findCrowdedParagraph('\\:a \\:b \\:c', 2)).toBeUndefined();
		expect(findCrowdedParagraph('\\\\:a \\\\:b \\\\:c', 2)).toEqual({ line: 1, count: 3 });
		expect(findCrowdedParagraph('\\\\\\:a \\\\\\:b \\\\\\:c', 2)).toBeUndefined();
	});

	test('a megabyte of colons in one paragraph is found at its first line over the limit', () => {
		expect(findCrowdedParagraph('see:here '.repeat(120_000), 1000)).toEqual({ line: 1, count: 1001 });
		expect(findCrowdedParagraph(':\n'.repeat(500_000), 1000)).toEqual({ line: 1001, count: 1001 });
	});
});

test('findSlowMarkdown names the nesting or the paragraph, with the line in the file', () => {
	expect(findSlowMarkdown('fine: text\n\nmore: text')).toBeUndefined();
	expect(findSlowMarkdown(`${'> '.repeat(40)}x`, 4)?.message).toBe('line 5 opens 40 nested quotes or lists; at most 32 are allowed.');
	expect(findSlowMarkdown(`intro\n\n${'a:b '.repeat(1001)}`, 4)).toEqual({
		message:
			'the paragraph at line 7 has more than 1,000 colons; markdown reads each as a possible directive (`:name[...]`), at a cost that grows with the square of their number in one paragraph.',
		hint: 'Split the paragraph with blank lines, or write `\\:` for a colon that opens no directive.',
	});
});
