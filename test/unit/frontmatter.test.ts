import { describe, expect, test } from 'vitest';

import { normalizeNewlines, parseFrontmatter } from '../../src/integration/prds/frontmatter.ts';

describe('parseFrontmatter', () => {
	test('splits YAML fields from the body', () => {
		const result = parseFrontmatter('---\ntitle: Checkout\ntags: [a, b]\n---\n\n## Goal\n');
		expect(result).toEqual({ ok: true, data: { title: 'Checkout', tags: ['a', 'b'] }, body: '\n## Goal\n', bodyLine: 5 });
	});

	test('reads CRLF files and a BOM like LF files', () => {
		const result = parseFrontmatter('\uFEFF---\r\ntitle: Checkout\r\n---\r\nBody\r\nline 2\r\n');
		expect(result).toEqual({ ok: true, data: { title: 'Checkout' }, body: 'Body\nline 2\n', bodyLine: 4 });
	});

	test('an empty frontmatter is an empty mapping', () => {
		expect(parseFrontmatter('---\n---\nBody')).toEqual({ ok: true, data: {}, body: 'Body', bodyLine: 3 });
	});

	test('with `optional`, a file without frontmatter is all body; a broken one is still an error', () => {
		expect(parseFrontmatter('\uFEFF# PRD: Checkout\r\n\r\nBody', { optional: true })).toEqual({
			ok: true,
			data: {},
			body: '# PRD: Checkout\n\nBody',
			bodyLine: 1,
			missing: true,
		});
		expect(parseFrontmatter('---\ntitle: x\nBody', { optional: true })).toMatchObject({
			ok: false,
			message: 'the frontmatter is never closed.',
		});
	});

	test.each([
		['no frontmatter', '# Title\n\nBody', 'the file has no frontmatter.'],
		['an unclosed frontmatter', '---\ntitle: x\nBody', 'the frontmatter is never closed.'],
		['a list instead of fields', '---\n- a\n- b\n---\nBody', 'the frontmatter is not a set of `field: value` lines.'],
		['a scalar instead of fields', '---\njust text\n---\nBody', 'the frontmatter is not a set of `field: value` lines.'],
	])('rejects %s', (_, source, message) => {
		const result = parseFrontmatter(source);
		expect(result.ok).toBe(false);
		if (!result.ok) {
			expect(result.message).toBe(message);
			expect(result.hint).not.toBe('');
		}
	});

	test('names the frontmatter line of a YAML syntax error', () => {
		const result = parseFrontmatter('---\ntitle: ok\n  owner: me\nstatus: draft\n---\nBody');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.message).toBe('the frontmatter is not valid YAML on line 3: bad indentation of a mapping entry.');
	});

	test('rejects duplicate keys', () => {
		const result = parseFrontmatter('---\ntitle: a\ntitle: b\n---\nBody');
		expect(result.ok).toBe(false);
	});
});

test('normalizeNewlines turns CR and CRLF into LF and drops a BOM', () => {
	expect(normalizeNewlines('\uFEFFa\r\nb\rc\n')).toBe('a\nb\nc\n');
});
