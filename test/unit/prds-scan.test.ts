import { mkdir, symlink, writeFile } from 'node:fs/promises';
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
		expect(prds.map((prd) => prd.id)).toEqual(['checkout', 'wrong-related']);
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
			'prds/nested/inner.md': prdSource('title: Nested'),
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
});
