import { describe, expect, test } from 'vitest';

import { LIMITS } from '../../src/integration/limits.ts';
import { countLineBreaks, describeDeepNesting, findDeepNesting } from '../../src/integration/markdown/nesting.ts';

const MAX = LIMITS.nestingDepth;

describe('findDeepNesting', () => {
	test('31 and 32 levels pass, 33 do not', () => {
		for (const marker of ['> ', '>', '- ', '* ', '+ ', '1. ', '2) ', '-\t']) {
			expect(findDeepNesting(`${marker.repeat(31)}x`, MAX), marker).toBeUndefined();
			expect(findDeepNesting(`${marker.repeat(32)}x`, MAX), marker).toBeUndefined();
			expect(findDeepNesting(`${marker.repeat(33)}x`, MAX), marker).toEqual({ line: 1, depth: 33 });
		}
	});

	test('quotes and every kind of list marker count together, after up to 3 spaces each', () => {
		const line = `${'> - * + 1. 22) '.repeat(6)}   > x`;
		expect(findDeepNesting(line, MAX)).toEqual({ line: 1, depth: 37 });
		expect(findDeepNesting(`${'   - '.repeat(33)}x`, MAX)).toEqual({ line: 1, depth: 33 });
	});

	test('the line number is the first line over the limit', () => {
		const text = ['# Title', '', '> > quote', `${'- '.repeat(40)}item`, `${'> '.repeat(50)}later`].join('\n');
		expect(findDeepNesting(text, MAX)).toEqual({ line: 4, depth: 40 });
		expect(describeDeepNesting({ line: 12, depth: 40 }, MAX).message).toBe(
			'line 12 opens 40 nested quotes or lists; at most 32 are allowed.',
		);
		expect(describeDeepNesting({ line: 4, depth: 40 }, MAX, 5).message).toBe(
			'line 9 opens 40 nested quotes or lists; at most 32 are allowed.',
		);
	});

	test('what is not a container marker stops the count', () => {
		// Four spaces are indented code; `-x`, `1.x`, ten digits, `#` are text.
		expect(findDeepNesting(`    ${'- '.repeat(40)}`, MAX)).toBeUndefined();
		expect(findDeepNesting(`- - -x ${'- '.repeat(40)}`, MAX)).toBeUndefined();
		expect(findDeepNesting(`1234567890. ${'- '.repeat(40)}`, MAX)).toBeUndefined();
		expect(findDeepNesting(`123456789. ${'- '.repeat(40)}`, MAX)).toEqual({ line: 1, depth: 41 });
		expect(findDeepNesting(`# ${'- '.repeat(40)}`, MAX)).toBeUndefined();
		expect(findDeepNesting('-'.repeat(1000), MAX)).toBeUndefined();
		// Nesting by indentation, one marker a line, is not what makes parsers slow.
		expect(findDeepNesting(Array.from({ length: 100 }, (_, i) => `${' '.repeat(i * 2)}- item`).join('\n'), MAX)).toBeUndefined();
		expect(findDeepNesting('', MAX)).toBeUndefined();
		expect(findDeepNesting('\n\n', MAX)).toBeUndefined();
	});

	test('a 1 MB line of `- ` and 1 MB of `>` complete (the check is linear)', () => {
		const line = '- '.repeat(512 * 1024);
		expect(findDeepNesting(line, MAX)).toEqual({ line: 1, depth: 512 * 1024 });
		expect(findDeepNesting(`x\n${'>'.repeat(1024 * 1024)}`, MAX)).toEqual({ line: 2, depth: 1024 * 1024 });
		// Many lines just under the limit.
		const lines = `${'> '.repeat(MAX)}x\n`.repeat(16 * 1024);
		expect(findDeepNesting(lines, MAX)).toBeUndefined();
		expect(findDeepNesting(`${'1. '.repeat(300_000)}`, MAX)).toEqual({ line: 1, depth: 300_000 });
	});
});

describe('countLineBreaks', () => {
	test('LF, CRLF and a lone CR each count once', () => {
		expect(countLineBreaks('a\nb\r\nc\rd')).toBe(3);
		expect(countLineBreaks('')).toBe(0);
	});
});
