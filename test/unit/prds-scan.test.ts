import { execFileSync } from 'node:child_process';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { formatProblems } from '../../src/integration/problems.ts';
import { scanPrds } from '../../src/integration/prds/scan.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

async function scan(files: Record<string, string>) {
	const root = await tempDir();
	await writeFiles(root, files);
	return scanPrds(root, 'prds');
}

describe('scanPrds', () => {
	test('reads valid PRDs with defaults, sorted by id', async () => {
		const { prds, problems } = await scan({
			'prds/checkout.md': prdSource('title: Checkout\nconstraints: [Runs on AWS]\nrelated: [search]'),
			'prds/search.md': prdSource('title: Search\nstatus: approved\nowner: Search team\ntags: [web]'),
		});
		expect(problems).toEqual([]);
		expect(prds.map((prd) => prd.id)).toEqual(['checkout', 'search']);
		expect(prds[0]).toMatchObject({
			file: 'prds/checkout.md',
			frontmatter: { title: 'Checkout', status: 'draft', tags: [], related: ['search'], constraints: ['Runs on AWS'] },
			body: '## Goal\n\nShip it.',
		});
		expect(prds[1]!.frontmatter).toMatchObject({ status: 'approved', owner: 'Search team', tags: ['web'] });
	});

	test('lists requirement ids; a duplicate id is a problem naming both lines of the file', async () => {
		const body = '## Requirements\n\n- FR-1: One-tap checkout.\n- FR-2: Saved cards.\n- FR-1: Receipts by email.\n';
		const { prds, problems } = await scan({
			'prds/checkout.md': prdSource('title: Checkout\nowner: Payments', body),
			'prds/search.md': prdSource('title: Search'),
		});
		// The frontmatter takes four lines and a blank one: the body starts on line 6.
		expect(prds[0]!.requirements).toEqual([
			{ id: 'FR-1', text: 'One-tap checkout.', line: 3 },
			{ id: 'FR-2', text: 'Saved cards.', line: 4 },
			{ id: 'FR-1', text: 'Receipts by email.', line: 5 },
		]);
		expect(prds[1]!.requirements).toEqual([]);
		expect(formatProblems(problems)).toBe(
			'- prds/checkout.md › line 10: the requirement id FR-1 is used twice: on line 8 and on line 10. Give each requirement its own id (renumber one of them, e.g. to the next free number): the spec cites ids, and FR-1 must name one requirement.',
		);
	});

	test('requirement ids use the configured prefixes', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prds/checkout.md': prdSource('title: Checkout', '- FR-1 Not ours\n- STORY-1 Ours\n') });
		expect((await scanPrds(root, 'prds', ['STORY'])).prds[0]!.requirements.map((r) => r.id)).toEqual(['STORY-1']);
	});

	test('a missing PRD folder is an empty project', async () => {
		const root = await tempDir();
		expect(await scanPrds(root, 'prds')).toMatchObject({ prds: [], problems: [] });
	});

	test('skips README and files starting with an underscore', async () => {
		const { prds, problems, skipped } = await scan({
			'prds/README.md': '# How to write a PRD',
			'prds/_template.md': '---\n---\n',
			'prds/notes.txt': 'not markdown',
			'prds/a.md': prdSource('title: A'),
		});
		expect(problems).toEqual([]);
		expect(prds.map((prd) => prd.id)).toEqual(['a']);
		expect(skipped).toEqual(['prds/_template.md', 'prds/notes.txt', 'prds/README.md']);
	});

	test('without frontmatter or without `title`, the title is the leading heading, or the file name', async () => {
		const { prds, problems } = await scan({
			'prds/checkout.md': '# Product Requirements Document: Checkout flow\n\n## Goal\n\nPay.\n',
			'prds/search.md': prdSource('owner: Search team', '# prd - Site search\n\nFind.\n'),
			'prds/order-history.md': 'Orders, listed.\n\n# Not first\n',
			'prds/plain.md': '# Plain heading\n\nText.\n',
			'prds/titled.md': prdSource('title: Written title', '# PRD: Heading\n\nText.\n'),
		});
		expect(problems).toEqual([]);
		expect(Object.fromEntries(prds.map((prd) => [prd.id, prd.frontmatter.title]))).toEqual({
			checkout: 'Checkout flow',
			'order-history': 'Order history',
			plain: 'Plain heading',
			search: 'Site search',
			titled: 'Written title',
		});
		// The body keeps its heading (the PRD page drops it) and the defaults apply.
		expect(prds[0]).toMatchObject({ body: '# Product Requirements Document: Checkout flow\n\n## Goal\n\nPay.', bodyLine: 1 });
		expect(prds[0]!.frontmatter).toEqual({ title: 'Checkout flow', status: 'draft', tags: [], related: [] });
		expect(prds.find((prd) => prd.id === 'search')!.frontmatter.owner).toBe('Search team');
	});

	test('gives one message per problem, naming the file and the field', async () => {
		const { prds, problems } = await scan({
			'prds/bad-fields.md': prdSource('titel: Oops\nstatus: shipped\ntags: web\nowner: 42'),
			'prds/no-title.md': prdSource('owner: Me'),
			'prds/empty-body.md': prdSource('title: Empty', '\n\n'),
			'prds/no-frontmatter.md': '# Just markdown\n',
			'prds/bad-yaml.md': '---\ntitle: [unclosed\n---\nBody\n',
			'prds/wrong-related.md': prdSource('title: Wrong related\nrelated: [checkuot, wrong-related]'),
			'prds/checkout.md': prdSource('title: Checkout'),
			'prds/Bad Name.md': prdSource('title: Bad name'),
		});
		expect(prds.map((prd) => prd.id)).toEqual(['checkout', 'no-frontmatter', 'no-title', 'wrong-related']);
		expect(formatProblems(problems)).toMatchSnapshot();
		for (const problem of problems) {
			expect(problem.file).toMatch(/^prds\//);
			expect(problem.hint.length).toBeGreaterThan(10);
		}
	});

	test('reports duplicate ids, folders and unreadable or binary files', async () => {
		const root = await tempDir();
		await writeFiles(root, {
			'prds/checkout.md': prdSource('title: Checkout'),
			'prds/checkout.markdown': prdSource('title: Checkout again'),
			'prds/Nested/inner.md': prdSource('title: Nested'),
		});
		await mkdir(join(root, 'prds/folder.md'));
		await writeFile(join(root, 'prds/latin1.md'), Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0xe9, 0x0a]));
		await writeFile(join(root, 'prds/binary.md'), `---\ntitle: Bin\n---\nA\u0000B`);
		await symlink('loop.md', join(root, 'prds/loop.md'));
		await symlink('missing-target.md', join(root, 'prds/dangling.md'));
		const { prds, problems } = await scanPrds(root, 'prds');
		expect(prds.map((prd) => prd.id)).toEqual(['checkout']);
		expect(formatProblems(problems)).toMatchSnapshot();
	});

	test('a PRD that is a symbolic link is refused, wherever it points', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await writeFiles(root, { 'prds/checkout.md': prdSource('title: Checkout') });
		await writeFiles(outside, { 'secret.md': prdSource('title: Secret', 'TOKEN=hunter2\n') });
		await symlink('checkout.md', join(root, 'prds/alias.md'));
		await symlink(join(outside, 'secret.md'), join(root, 'prds/secret.md'));
		const { prds, problems } = await scanPrds(root, 'prds');
		expect(prds.map((prd) => prd.id)).toEqual(['checkout']);
		expect(problems).toEqual([
			{
				file: 'prds/alias.md',
				message: 'is a symbolic link: only regular files inside the project are read.',
				hint: 'Replace the link with the PRD file itself.',
			},
			{
				file: 'prds/secret.md',
				message: 'is a symbolic link: only regular files inside the project are read.',
				hint: 'Replace the link with the PRD file itself.',
			},
		]);
		expect(JSON.stringify(problems)).not.toContain(outside);
	});

	test('a FIFO in the PRD folder is refused without blocking the scan', async (context) => {
		const root = await tempDir();
		await writeFiles(root, { 'prds/checkout.md': prdSource('title: Checkout') });
		try {
			execFileSync('mkfifo', [join(root, 'prds/pipe.md')], { stdio: 'ignore' });
		} catch {
			context.skip();
		}
		const { prds, problems } = await scanPrds(root, 'prds');
		expect(prds.map((prd) => prd.id)).toEqual(['checkout']);
		expect(problems).toEqual([
			{
				file: 'prds/pipe.md',
				message: 'is not a regular file (it is a named pipe).',
				hint: 'A PRD must be a regular text file: replace it with one, or remove it.',
			},
		]);
	});

	test('a PRD folder that leads outside the project is one problem that names nothing of what is there', async () => {
		const root = await tempDir();
		const outside = await tempDir();
		await writeFiles(outside, { 'private-notes.md': prdSource('title: Private'), 'id_rsa.md': prdSource('title: Key') });
		await symlink(outside, join(root, 'prds'));
		const scan = await scanPrds(root, 'prds');
		expect(scan).toMatchObject({ prds: [], skipped: [] });
		expect(scan.fileIds.size).toBe(0);
		expect(scan.problems).toEqual([
			{
				file: 'prds',
				message: '`prds` resolves to a folder outside the project; PRDs are only read from inside it.',
				hint: 'Make the PRD folder a real folder of the project, not a symbolic link to somewhere else, or set `prdsDir`.',
			},
		]);
		const text = formatProblems(scan.problems);
		for (const name of [outside, ...(await readdir(outside))]) expect(text).not.toContain(name);
		// `..` leads outside as well, and so does a link further up the path.
		await mkdir(join(root, 'docs'));
		await symlink(outside, join(root, 'docs/linked'));
		expect((await scanPrds(root, 'docs/linked')).problems).toHaveLength(1);
		await writeFiles(root, { 'sibling/other.md': prdSource('title: Other') });
		const up = await scanPrds(join(root, 'docs'), '../sibling');
		expect(up.prds).toEqual([]);
		expect(up.problems.map((problem) => problem.message)).toEqual([
			'`../sibling` resolves to a folder outside the project; PRDs are only read from inside it.',
		]);
	});

	test('a PRD folder that is a link to a folder inside the project is read; a dangling link is no PRDs', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'docs/requirements/checkout.md': prdSource('title: Checkout') });
		await symlink(join(root, 'docs/requirements'), join(root, 'prds'));
		expect((await scanPrds(root, 'prds')).prds.map((prd) => prd.id)).toEqual(['checkout']);
		await symlink(join(root, 'nowhere'), join(root, 'dangling'));
		expect(await scanPrds(root, 'dangling')).toMatchObject({ prds: [], problems: [] });
	});
});
