import { describe, expect, test } from 'vitest';
import { z } from 'zod';

import { formatFieldPath, schemaIssuesToProblems, type IssueWording } from '../../src/integration/schema-problems.ts';

const schema = z.strictObject({
	title: z.string(),
	tags: z.array(z.string()).optional(),
	usage: z.strictObject({ inputTokens: z.number() }).optional(),
});

const wording: IssueWording = {
	file: 'prds/x.md',
	wholeInput: 'frontmatter',
	unknownKey: (key) => ({ message: `unknown ${key}`, hint: 'remove it' }),
	describe: ({ field, missing, value }) => ({
		message: missing ? `${field} missing` : `${field} bad (${JSON.stringify(value)})`,
		hint: 'fix it',
	}),
};

function problemsOf(input: unknown) {
	const result = schema.safeParse(input);
	if (result.success) throw new Error('expected a failed validation');
	return schemaIssuesToProblems(result.error, input, wording);
}

describe('schemaIssuesToProblems', () => {
	test('one problem per issue and per unknown key, each naming its field by its full path', () => {
		expect(problemsOf({ tags: ['a', 3], usage: { inputTokens: 'x', extra: 1 }, colour: 'red', size: 2 })).toEqual([
			{ file: 'prds/x.md', field: 'title', unknownKey: false, message: 'title missing', hint: 'fix it' },
			{ file: 'prds/x.md', field: 'tags[1]', unknownKey: false, message: 'tags[1] bad (3)', hint: 'fix it' },
			{ file: 'prds/x.md', field: 'usage.inputTokens', unknownKey: false, message: 'usage.inputTokens bad ("x")', hint: 'fix it' },
			{ file: 'prds/x.md', field: 'usage.extra', unknownKey: true, message: 'unknown extra', hint: 'remove it' },
			{ file: 'prds/x.md', field: 'colour', unknownKey: true, message: 'unknown colour', hint: 'remove it' },
			{ file: 'prds/x.md', field: 'size', unknownKey: true, message: 'unknown size', hint: 'remove it' },
		]);
	});

	test('an issue about the whole input names it; a field named like a prototype member is absent, not inherited', () => {
		expect(problemsOf('text')).toMatchObject([{ field: 'frontmatter', message: 'frontmatter bad ("text")' }]);
		const result = z.strictObject({ constructor: z.string() }).safeParse({});
		expect(result.success).toBe(false);
		const [problem] = schemaIssuesToProblems(result.error!, {}, wording);
		expect(problem).toMatchObject({ field: 'constructor', message: 'constructor missing' });
	});
});

test('formatFieldPath', () => {
	expect(formatFieldPath([])).toBe('');
	expect(formatFieldPath(['generation', 'prices', 'gpt-x', 'input'])).toBe('generation.prices.gpt-x.input');
	expect(formatFieldPath(['tags', 3])).toBe('tags[3]');
	expect(formatFieldPath([0, 'a'])).toBe('[0].a');
});
