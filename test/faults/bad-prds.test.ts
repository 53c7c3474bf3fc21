import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { expect, test } from 'vitest';

import { validateConfig } from '../../src/integration/config.ts';
import { loadProject } from '../../src/integration/project.ts';
import { prdSource } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

type Content = string | Buffer | { dir: true } | { symlinkTo: string };

/** File name, what it holds, and what the one message about it must say (or `valid`). */
const CATALOGUE: [string, Content, RegExp | 'valid'][] = [
	// Frontmatter is optional: the title is the first heading, or the file name.
	['no-frontmatter.md', '# PRD: Checkout\n\nJust markdown.\n', 'valid'],
	[
		'no-frontmatter-long-heading.md',
		`\n# ${'H'.repeat(201)}\n\nBody\n`,
		/› title: the first heading \(line 2\), used as the title, is 201 characters long; at most 200 are allowed\./,
	],
	['empty-file.md', '\n \n', /› body: the PRD is empty\./],
	['unclosed.md', '---\ntitle: Unclosed\n\nBody\n', /› frontmatter: the frontmatter is never closed\./],
	['bad-yaml.md', '---\ntitle: [oops\n---\nBody\n', /› frontmatter: the frontmatter is not valid YAML on line \d+: /],
	[
		'bad-indent.md',
		'---\ntitle: x\n  owner: y\n---\nBody\n',
		/› frontmatter: the frontmatter is not valid YAML on line 3: bad indentation/,
	],
	['list-frontmatter.md', '---\n- a\n- b\n---\nBody\n', /› frontmatter: the frontmatter is not a set of `field: value` lines\./],
	['duplicate-key.md', '---\ntitle: a\ntitle: b\n---\nBody\n', /duplicated mapping key/],
	['no-title.md', prdSource('owner: Someone'), 'valid'],
	['empty-title.md', prdSource('title: "   "'), /› title: `title` must not be empty\./],
	['number-title.md', prdSource('title: 42'), /› title: `title` must be text\./],
	[
		'bad-status.md',
		prdSource('title: S\nstatus: shipped'),
		/› status: `status` must be one of: draft, review, approved, superseded, archived\./,
	],
	['tags-text.md', prdSource('title: T\ntags: web'), /› tags: `tags` must be a list of text\./],
	['constraints-number.md', prdSource('title: C\nconstraints: 7'), /› constraints: `constraints` must be text or a list of text\./],
	['unknown-field.md', prdSource('title: U\nowners: [me]'), /› owners: is not a PRD field\. .*\(did you mean "owner"\?\)/],
	[
		'unknown-related.md',
		prdSource('title: R\nrelated: [checkuot]'),
		/› related\[0\]: "checkuot" is not the id of any PRD\. .*\(did you mean "checkout"\?\)/,
	],
	['self-related.md', prdSource('title: Self\nrelated: [self-related]'), /› related\[0\]: a PRD cannot be related to itself\./],
	['empty-body.md', prdSource('title: Empty', '\n   \n'), /› body: the PRD has no content after its frontmatter\./],
	[
		'binary.md',
		Buffer.concat([Buffer.from('---\ntitle: Bin\n---\n'), Buffer.from([0x00, 0x01, 0x02, 0xff])]),
		/is not valid UTF-8 text\.|contains binary data/,
	],
	['nul-bytes.md', '---\ntitle: Nul\n---\nA\u0000B\n', /contains binary data \(NUL bytes\)\./],
	['latin1.md', Buffer.from('---\ntitle: Caf\xe9\n---\nCaf\xe9 cr\xe8me\n', 'latin1'), /is not valid UTF-8 text\./],
	['Odd Name!.md', prdSource('title: Odd'), /"Odd Name!" cannot be a PRD id: ids are used in URLs\./],
	['UPPER.md', prdSource('title: Upper'), /"UPPER" cannot be a PRD id/],
	['checkout.markdown', prdSource('title: Checkout again'), /has the same id "checkout" as prds\/checkout\.md\./],
	// Symbolic links are never followed, wherever they lead (or do not lead).
	[
		'loop.md',
		{ symlinkTo: 'loop.md' },
		/: is a symbolic link: only regular files inside the project are read\. Replace the link with the PRD file itself\./,
	],
	['dangling.md', { symlinkTo: 'nowhere.md' }, /: is a symbolic link: only regular files inside the project are read\./],
	['link-inside.md', { symlinkTo: 'checkout.md' }, /: is a symbolic link: only regular files inside the project are read\./],
	['link-passwd.md', { symlinkTo: '/etc/passwd' }, /: is a symbolic link: only regular files inside the project are read\./],
	['link-zero.md', { symlinkTo: '/dev/zero' }, /: is a symbolic link: only regular files inside the project are read\./],
	[
		'link-up.md',
		{ symlinkTo: '../../../../../../../../etc/hostname' },
		/: is a symbolic link: only regular files inside the project are read\./,
	],
	// Sizes: a PRD file, each frontmatter field, the nesting of one line.
	[
		'too-large.md',
		prdSource('title: Too large', `## Everything\n\n${'A very long requirement. '.repeat(50_000)}\n`),
		/: is 1\.2 MB; a PRD file may be at most 1 MB\. Shorten the PRD/,
	],
	[
		'long-title.md',
		prdSource(`title: ${'T'.repeat(201)}`),
		/› title: `title` is 201 characters long; at most 200 are allowed\. Shorten it to at most 200 characters\./,
	],
	[
		'long-app-name.md',
		prdSource(`title: A\nappName: ${'A'.repeat(250)}`),
		/› appName: `appName` is 250 characters long; at most 200 are allowed\./,
	],
	[
		'long-description.md',
		prdSource(`title: D\ndescription: ${'d'.repeat(501)}`),
		/› description: `description` is 501 characters long; at most 500 are allowed\./,
	],
	['long-owner.md', prdSource(`title: O\nowner: ${'o'.repeat(201)}`), /› owner: `owner` is 201 characters long; at most 200 are allowed\./],
	[
		'long-tag.md',
		prdSource(`title: T\ntags: [ok, ${'t'.repeat(61)}]`),
		/› tags\[1\]: `tags\[1\]` is 61 characters long; at most 60 are allowed\./,
	],
	[
		'many-tags.md',
		prdSource(`title: T\ntags: [${Array.from({ length: 31 }, (_, i) => `t${i}`).join(', ')}]`),
		/› tags: `tags` lists 31 tags; at most 30 are allowed\. Keep at most 30 tags\./,
	],
	[
		'many-related.md',
		prdSource(`title: R\nrelated: [${Array.from({ length: 101 }, (_, i) => `r${i}`).join(', ')}]`),
		/› related: `related` lists 101 ids; at most 100 are allowed\./,
	],
	[
		'long-constraints.md',
		prdSource(`title: C\nconstraints: [${'a'.repeat(12_000)}, ${'b'.repeat(8_001)}]`),
		/› constraints: `constraints` items are 20,001 characters long together; at most 20,000 are allowed\. Shorten them/,
	],
	[
		'multiline-title.md',
		prdSource('title: "Checkout\\n## Injected heading"'),
		/› title: `title` must be one line of text\. Write it on one line/,
	],
	['block-title.md', prdSource('title: |\n  Line one\n  Line two'), /› title: `title` must be one line of text\./],
	['tab-owner.md', prdSource('owner: "Team\\tA"\ntitle: Tab'), /› owner: `owner` must be one line of text\./],
	['separator-tag.md', prdSource('title: S\ntags: ["a\\u2028b"]'), /› tags\[0\]: `tags\[0\]` must be one line of text\./],
	['control-related.md', prdSource('title: C\nrelated: ["checkout\\u0085"]'), /› related\[0\]: `related\[0\]` must be one line of text\./],
	['folder.md', { dir: true }, /is a folder, not a PRD file\./],
	['Nested', { dir: true }, /"Nested" cannot be the name of a folder of PRDs: folder names are part of PRD ids/],
	// Unusual but valid: they must load like any other PRD.
	['bom.md', `\uFEFF${prdSource('title: With a BOM')}`, 'valid'],
	['crlf.md', prdSource('title: CRLF', '## Goal\n\nWindows line endings.\n').replace(/\n/g, '\r\n'), 'valid'],
	['huge.md', prdSource('title: Huge', `## Everything\n\n${'A very long requirement. '.repeat(40_000)}\n`), 'valid'],
	[
		'at-the-limits.md',
		prdSource(
			`title: ${'T'.repeat(200)}\ndescription: ${'d'.repeat(500)}\ntags: [${Array.from({ length: 30 }, () => 't'.repeat(60)).join(', ')}]`,
			`${'> '.repeat(32)}deep\n`,
		),
		'valid',
	],
];

test(`a catalogue of ${CATALOGUE.filter(([, , e]) => e !== 'valid').length} bad PRDs: one clear message per file, and the good PRDs still load`, async () => {
	const root = await tempDir();
	const dir = join(root, 'prds');
	await mkdir(dir, { recursive: true });
	await writeFile(join(dir, 'checkout.md'), prdSource('title: Checkout'));
	await writeFile(join(dir, 'search.md'), prdSource('title: Search\nrelated: [checkout]'));
	for (const [name, content] of CATALOGUE) {
		if (typeof content === 'object' && 'dir' in content) await mkdir(join(dir, name));
		else if (typeof content === 'object' && 'symlinkTo' in content) await symlink(content.symlinkTo, join(dir, name));
		else await writeFile(join(dir, name), content);
	}

	const report = await loadProject(root, validateConfig({}));
	for (const [name, , expected] of CATALOGUE) {
		const file = `prds/${name}`;
		const messages = report.problems
			.filter((problem) => problem.file === file)
			.map((p) => `${p.file}${p.field ? ` › ${p.field}` : ''}: ${p.message} ${p.hint}`);
		if (expected === 'valid') {
			expect(messages, file).toEqual([]);
			expect(
				report.prds.some((status) => status.prd.file === file),
				file,
			).toBe(true);
		} else {
			expect(messages, file).toHaveLength(1);
			expect(messages[0], file).toMatch(expected);
		}
	}
	// Nothing else is reported, and the good PRDs are all there.
	expect(report.problems.every((problem) => CATALOGUE.some(([name]) => problem.file === `prds/${name}`))).toBe(true);
	// A PRD whose only fault is a `related` id still loads (its content is fine): in `astro dev`
	// its pages stay up while the build and the CLI report the link.
	expect(report.prds.map((status) => status.prd.id).sort()).toEqual([
		'at-the-limits',
		'bom',
		'checkout',
		'crlf',
		'huge',
		'no-frontmatter',
		'no-title',
		'search',
		'self-related',
		'unknown-related',
	]);
	expect(report.prds.find((status) => status.prd.id === 'crlf')!.prd.body).toBe('## Goal\n\nWindows line endings.');
	expect(report.prds.find((status) => status.prd.id === 'no-frontmatter')!.prd.frontmatter).toMatchObject({
		title: 'Checkout',
		status: 'draft',
	});
	expect(report.prds.find((status) => status.prd.id === 'no-title')!.prd.frontmatter.title).toBe('No title');
});
