import { describe, expect, test } from 'vitest';

import { LIMITS } from '../../src/integration/limits.ts';
import { formatProblems } from '../../src/integration/problems.ts';
import { scanPrds } from '../../src/integration/prds/scan.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

/** The problems of one PRD with the given frontmatter (YAML lines), as `field: message hint`. */
async function problemsOf(frontmatter: string, body?: string): Promise<string[]> {
	const root = await tempDir();
	await writeFiles(root, { 'prds/x.md': prdSource(frontmatter, body) });
	const { problems } = await scanPrds(root, 'prds');
	return problems.map((problem) => `${problem.field}: ${problem.message} ${problem.hint}`);
}

const list = (count: number, item: (index: number) => string) => `[${Array.from({ length: count }, (_, index) => item(index)).join(', ')}]`;

/** Field, YAML for a value at the limit and one over it, and the message one over must give. */
const LENGTH_CASES: [string, (length: number) => string, number, string][] = [
	[
		'title',
		(n) => `title: ${'t'.repeat(n)}`,
		LIMITS.titleChars,
		'title: `title` is 201 characters long; at most 200 are allowed. Shorten it to at most 200 characters.',
	],
	[
		'appName',
		(n) => `title: T\nappName: ${'a'.repeat(n)}`,
		LIMITS.titleChars,
		'appName: `appName` is 201 characters long; at most 200 are allowed. Shorten it to at most 200 characters.',
	],
	[
		'description',
		(n) => `title: T\ndescription: ${'d'.repeat(n)}`,
		LIMITS.descriptionChars,
		'description: `description` is 501 characters long; at most 500 are allowed. Shorten it to at most 500 characters.',
	],
	[
		'owner',
		(n) => `title: T\nowner: ${'o'.repeat(n)}`,
		LIMITS.ownerChars,
		'owner: `owner` is 201 characters long; at most 200 are allowed. Shorten it to at most 200 characters.',
	],
	[
		'a tag',
		(n) => `title: T\ntags: [web, ${'g'.repeat(n)}]`,
		LIMITS.tagChars,
		'tags[1]: `tags[1]` is 61 characters long; at most 60 are allowed. Shorten it to at most 60 characters.',
	],
	[
		'tags',
		(n) => `title: T\ntags: ${list(n, (i) => `tag${i}`)}`,
		LIMITS.tags,
		'tags: `tags` lists 31 tags; at most 30 are allowed. Keep at most 30 tags.',
	],
	[
		'related',
		(n) => `title: T\nrelated: ${list(n, (i) => `prd-${i}`)}`,
		LIMITS.related,
		'related: `related` lists 101 ids; at most 100 are allowed. List at most 100 related PRDs.',
	],
	[
		'constraints as text',
		(n) => `title: T\nconstraints: ${'c'.repeat(n)}`,
		LIMITS.constraintsChars,
		'constraints: `constraints` is 20,001 characters long; at most 20,000 are allowed. Shorten them to at most 20,000 characters in all.',
	],
	[
		'constraints as a list',
		(n) => `title: T\nconstraints:\n  - ${'a'.repeat(n - 10_000)}\n  - ${'b'.repeat(10_000)}`,
		LIMITS.constraintsChars,
		'constraints: `constraints` items are 20,001 characters long together; at most 20,000 are allowed. Shorten them to at most 20,000 characters in all.',
	],
];

describe('PRD frontmatter limits', () => {
	test.each(LENGTH_CASES)('%s: at the limit passes, one over fails with the length and the limit', async (_name, yaml, limit, message) => {
		const atLimit = await problemsOf(yaml(limit));
		// `related` ids at the limit are unknown PRDs, which is another matter.
		expect(atLimit.filter((problem) => !problem.includes('is not the id of any PRD'))).toEqual([]);
		expect(await problemsOf(yaml(limit + 1))).toEqual([message]);
	});

	test('lengths are measured after trimming, as the values are used', async () => {
		expect(await problemsOf(`title: "  ${'t'.repeat(LIMITS.titleChars)}  "`)).toEqual([]);
	});

	test('one-line fields refuse line breaks and control characters, whatever YAML spelling made them', async () => {
		const hint =
			'Write it on one line, without line breaks, tabs or other control characters (a `\\n` in a quoted value, or a `|` block, is a line break).';
		expect(await problemsOf('title: "Checkout\\nflow"')).toEqual([`title: \`title\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: |\n  Checkout\n  flow')).toEqual([`title: \`title\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: T\nappName: "A\\rB"')).toEqual([`appName: \`appName\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: T\ndescription: "A\\u2028B"')).toEqual([
			`description: \`description\` must be one line of text. ${hint}`,
		]);
		expect(await problemsOf('title: T\nowner: "A\\u2029B"')).toEqual([`owner: \`owner\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: T\nowner: "A\\x1b[31mB"')).toEqual([`owner: \`owner\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: T\ntags: [ok, "a\\u007fb"]')).toEqual([`tags[1]: \`tags[1]\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: T\nrelated: ["a\\u009bb"]')).toEqual([`related[0]: \`related[0]\` must be one line of text. ${hint}`]);
		expect(await problemsOf('title: "Tab\\there"')).toEqual([`title: \`title\` must be one line of text. ${hint}`]);
		// A folded block is one line once YAML has folded it; constraints may span lines.
		expect(await problemsOf('title: >\n  Checkout\n  flow\nconstraints: |\n  Line one\n  Line two')).toEqual([]);
	});

	test('the schema alone gives messages that read well too', () => {
		const result = PrdFrontmatterSchema.safeParse({ title: 'x'.repeat(201), tags: ['t'.repeat(61)], owner: 'a\nb' });
		expect(result.success || result.error.issues.map((issue) => issue.message)).toEqual([
			'`title` is 201 characters long; at most 200 are allowed.',
			'`owner` must be one line of text.',
			'a tag is 61 characters long; at most 60 are allowed.',
		]);
	});

	test('messages quote at most about 60 characters of a value', async () => {
		const root = await tempDir();
		const longId = `missing-${'x'.repeat(5000)}`;
		await writeFiles(root, { 'prds/x.md': prdSource(`title: T\nrelated: [${longId}]`) });
		const { problems } = await scanPrds(root, 'prds');
		expect(problems).toHaveLength(1);
		expect(problems[0]!.message.length).toBeLessThan(100);
		expect(problems[0]!.message).toMatch(/^"missing-x+…" is not the id of any PRD\.$/);
		expect(formatProblems(problems).length).toBeLessThan(300);
	});
});
