import { symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, describe, expect, test } from 'vitest';

import { LIMITS } from '../../src/integration/limits.ts';
import { comparePrdIds, describeBadId, isPrdId } from '../../src/integration/prds/ids.ts';
import { scanPrds } from '../../src/integration/prds/scan.ts';
import { formatProblems } from '../../src/integration/problems.ts';
import { prdSource, writeFiles } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

async function scan(files: Record<string, string>) {
	const root = await tempDir();
	await writeFiles(root, files);
	return scanPrds(root, 'prds');
}

describe('PRDs in folders', () => {
	test('a PRD in a folder has its path as id and its folder; PRDs are sorted by id; folders with a PRD at any depth are listed', async () => {
		const { prds, problems, folders, fileIds } = await scan({
			'prds/zeta.md': prdSource('title: Zeta\nrelated: [payments/eu/sepa]'),
			'prds/payments/checkout.md': prdSource('title: Checkout\nrelated: [a, payments/eu/sepa]'),
			'prds/payments/eu/sepa.md': prdSource('title: SEPA'),
			'prds/payments-eu.md': prdSource('title: Payments EU'),
			'prds/a.md': prdSource('title: A'),
			'prds/only-deep/inner/x.md': prdSource('title: X'),
			'prds/empty/notes.txt': 'not a PRD',
		});
		expect(problems).toEqual([]);
		expect(prds.map((prd) => [prd.id, prd.folder, prd.file])).toEqual([
			['a', '', 'prds/a.md'],
			['only-deep/inner/x', 'only-deep/inner', 'prds/only-deep/inner/x.md'],
			['payments/checkout', 'payments', 'prds/payments/checkout.md'],
			['payments/eu/sepa', 'payments/eu', 'prds/payments/eu/sepa.md'],
			['payments-eu', '', 'prds/payments-eu.md'],
			['zeta', '', 'prds/zeta.md'],
		]);
		expect([...fileIds].sort(comparePrdIds)).toEqual(prds.map((prd) => prd.id));
		// `only-deep` holds no PRD itself, only below it; `empty` holds none.
		expect(folders).toEqual([
			{ path: 'only-deep', title: 'Only deep' },
			{ path: 'only-deep/inner', title: 'Inner' },
			{ path: 'payments', title: 'Payments' },
			{ path: 'payments/eu', title: 'Eu' },
		]);
	});

	test('a flat folder scans as before: no folders, ids are file names', async () => {
		const { prds, folders } = await scan({ 'prds/b.md': prdSource('title: B'), 'prds/a.md': prdSource('title: A') });
		expect(prds.map((prd) => [prd.id, prd.folder])).toEqual([
			['a', ''],
			['b', ''],
		]);
		expect(folders).toEqual([]);
	});

	test("a folder's _index.md gives its title, description and body; the top folder's _index.md is skipped like any _ file", async () => {
		const { folders, problems, skipped, prds } = await scan({
			'prds/_index.md': '---\ntitle: Not a folder\n---\n',
			'prds/payments/_index.md':
				'---\ntitle: Payments and billing\ndescription: Everything that takes money.\n---\n\n# Payments\n\nOwned by the payments team.\n',
			'prds/payments/checkout.md': prdSource('title: Checkout'),
			'prds/card-payments/_index.md': 'Just a body, no frontmatter.\n',
			'prds/card-payments/visa.md': prdSource('title: Visa'),
			'prds/hostile/_index.md': '---\ntitle: "</title><script>alert(1)</script>"\n---\n',
			'prds/hostile/x.md': prdSource('title: X'),
		});
		expect(problems).toEqual([]);
		expect(prds.map((prd) => prd.id)).toEqual(['card-payments/visa', 'hostile/x', 'payments/checkout']);
		expect(skipped).toEqual(['prds/_index.md']);
		expect(folders).toEqual([
			{
				path: 'card-payments',
				title: 'Card payments',
				body: 'Just a body, no frontmatter.',
				bodyLine: 1,
				file: 'prds/card-payments/_index.md',
			},
			{ path: 'hostile', title: '‹/title›‹script›alert(1)‹/script›', file: 'prds/hostile/_index.md' },
			{
				path: 'payments',
				title: 'Payments and billing',
				description: 'Everything that takes money.',
				body: '# Payments\n\nOwned by the payments team.',
				bodyLine: 6,
				file: 'prds/payments/_index.md',
			},
		]);
	});

	test('_index.md fields are checked like a PRD’s: unknown keys, sizes, one line, a symbolic link', async () => {
		const root = await tempDir();
		await writeFiles(root, {
			'prds/a/_index.md': '---\ntitel: Payments\n---\n',
			'prds/a/x.md': prdSource('title: X'),
			'prds/b/_index.md': `---\ntitle: ${'t'.repeat(LIMITS.titleChars + 1)}\ndescription: "two\\nlines"\n---\n`,
			'prds/b/x.md': prdSource('title: X'),
			'prds/c/_index.md': '---\ntitle: [not, text]\n---\n',
			'prds/c/x.md': prdSource('title: X'),
			'prds/d/x.md': prdSource('title: X'),
			'prds/e/_index.md': `---\ntitle: E\n---\n${'x'.repeat(LIMITS.folderIndexBytes)}`,
			'prds/e/x.md': prdSource('title: X'),
			'secret.md': '---\ntitle: Secret\n---\n',
		});
		await symlink(join(root, 'secret.md'), join(root, 'prds/d/_index.md'));
		const { folders, problems, prds } = await scanPrds(root, 'prds');
		// Every PRD still loads, and each folder keeps the title made from its name.
		expect(prds).toHaveLength(5);
		expect(folders.map((folder) => folder.title)).toEqual(['A', 'B', 'C', 'D', 'E']);
		expect(formatProblems(problems)).toBe(
			[
				'- prds/a/_index.md › titel: is not a field of a folder’s `_index.md`. Allowed fields: title, description (did you mean "title"?).',
				'- prds/b/_index.md › title: `title` is 201 characters long; at most 200 are allowed. Shorten it to at most 200 characters.',
				'- prds/b/_index.md › description: `description` must be one line of text. Write it on one line, without line breaks, tabs or other control characters (a `\\n` in a quoted value, or a `|` block, is a line break).',
				'- prds/c/_index.md › title: `title` must be text. Write it as one line of text, e.g. `title: Payments`, or remove the field to use the folder’s name.',
				'- prds/d/_index.md: is a symbolic link: only regular files inside the project are read. Replace the link with the `_index.md` file itself.',
				'- prds/e/_index.md: is 65,553 bytes; a folder index file may be at most 64 KB. Shorten the `_index.md`: it introduces a folder of PRDs; the requirements belong in the PRDs.',
			].join('\n'),
		);
	});

	test('folders starting with _ or . are skipped; a folder name that cannot be part of an id, or a file name in a folder, is a problem', async () => {
		const { prds, problems, skipped } = await scan({
			'prds/_archive/old.md': prdSource('title: Old'),
			'prds/.git-like/x.md': prdSource('title: Hidden'),
			'prds/Payments/checkout.md': prdSource('title: Checkout'),
			'prds/with space/x.md': prdSource('title: X'),
			'prds/ok/Bad Name.md': prdSource('title: Bad'),
			'prds/ok/good.md': prdSource('title: Good'),
		});
		expect(prds.map((prd) => prd.id)).toEqual(['ok/good']);
		expect(skipped).toEqual(['prds/_archive', 'prds/.git-like']);
		expect(formatProblems(problems)).toBe(
			[
				'- prds/ok/Bad Name.md: "Bad Name" cannot be a PRD id: ids are used in URLs. Rename the file using lowercase letters, digits and dashes only, e.g. `checkout-flow.md`.',
				'- prds/Payments: "Payments" cannot be the name of a folder of PRDs: folder names are part of PRD ids, which are used in URLs. Rename the folder using lowercase letters, digits and dashes only, e.g. `payments`, or rename it to start with `_` to keep it out of the site.',
				'- prds/with space: "with space" cannot be the name of a folder of PRDs: folder names are part of PRD ids, which are used in URLs. Rename the folder using lowercase letters, digits and dashes only, e.g. `payments`, or rename it to start with `_` to keep it out of the site.',
			].join('\n'),
		);
	});

	test('a PRD x.md next to a folder x/ holding PRDs is a problem naming both: they would publish the same URL', async () => {
		const { prds, problems } = await scan({
			'prds/payments.md': prdSource('title: Payments'),
			'prds/payments/checkout.md': prdSource('title: Checkout'),
			// A folder with no PRD in it publishes nothing: no clash.
			'prds/search.md': prdSource('title: Search'),
			'prds/search/notes.txt': 'notes',
		});
		expect(prds.map((prd) => prd.id)).toEqual(['payments/checkout', 'search']);
		expect(formatProblems(problems)).toBe(
			'- prds/payments.md: and the folder `prds/payments/` would both be published at /prds/payments/. Rename the file or the folder, or move the PRD into the folder (e.g. as `prds/payments/overview.md`).',
		);
	});

	test(`folders deeper than ${LIMITS.prdFolderDepth} levels are refused, with how to fix it`, async () => {
		const deepest = Array.from({ length: LIMITS.prdFolderDepth }, (_, index) => `l${index + 1}`).join('/');
		const { prds, problems } = await scan({
			[`prds/${deepest}/ok.md`]: prdSource('title: Deep enough'),
			[`prds/${deepest}/l9/too-deep.md`]: prdSource('title: Too deep'),
		});
		expect(prds.map((prd) => prd.id)).toEqual([`${deepest}/ok`]);
		expect(formatProblems(problems)).toBe(
			`- prds/${deepest}/l9: is 9 folders deep; PRDs may be at most 8 folders below \`prds/\`. Move its PRDs to a folder nearer the top: every folder is a part of their ids and URLs.`,
		);
	});

	test('a sub-folder that is a symbolic link is refused, wherever it points; a link to a file without .md is skipped as before', async () => {
		const root = await tempDir();
		await writeFiles(root, {
			'prds/a.md': prdSource('title: A'),
			'elsewhere/inside.md': prdSource('title: Inside the project'),
			'notes.txt': 'notes',
		});
		await symlink(join(root, 'elsewhere'), join(root, 'prds/linked'));
		await symlink('/etc', join(root, 'prds/etc'));
		await symlink(join(root, 'notes.txt'), join(root, 'prds/notes'));
		const { prds, problems, skipped } = await scanPrds(root, 'prds');
		expect(prds.map((prd) => prd.id)).toEqual(['a']);
		expect(skipped).toEqual(['prds/notes']);
		expect(formatProblems(problems)).toBe(
			[
				'- prds/etc: is a symbolic link to a folder: only real folders inside the PRD folder are read. Replace the link with the folder itself, or remove it.',
				'- prds/linked: is a symbolic link to a folder: only real folders inside the PRD folder are read. Replace the link with the folder itself, or remove it.',
			].join('\n'),
		);
	});

	test('related ids name PRDs in folders; an unknown one suggests a close id or the same name in another folder', async () => {
		const { problems } = await scan({
			'prds/payments/checkout.md': prdSource('title: Checkout\nrelated: [search/index-v2]'),
			'prds/search/index-v2.md': prdSource('title: Search\nrelated: [checkout, payments/chekout, payments/checkout]'),
		});
		expect(formatProblems(problems)).toBe(
			[
				'- prds/search/index-v2.md › related[0]: "checkout" is not the id of any PRD. Use the file name without extension of a PRD in `prds/` (did you mean "payments/checkout"?).',
				'- prds/search/index-v2.md › related[1]: "payments/chekout" is not the id of any PRD. Use the file name without extension of a PRD in `prds/` (did you mean "payments/checkout"?).',
			].join('\n'),
		);
	});

	describe('the number of PRD files', () => {
		const limits = LIMITS as { prdFiles: number };
		const saved = limits.prdFiles;
		afterEach(() => {
			limits.prdFiles = saved;
		});

		test('above the limit the scan stops, with one problem that says how to fix it', async () => {
			limits.prdFiles = 3;
			const { prds, problems, folders } = await scan({
				'prds/a.md': prdSource('title: A'),
				'prds/b/one.md': prdSource('title: One'),
				'prds/b/two.md': prdSource('title: Two'),
				// The limit is reached inside `b`: `b` is still listed, with the PRDs read there.
				'prds/b/zz.md': prdSource('title: ZZ'),
				'prds/c/three.md': prdSource('title: Three'),
				'prds/d.md': prdSource('title: D'),
			});
			expect(prds.map((prd) => prd.id)).toEqual(['a', 'b/one', 'b/two']);
			expect(folders.map((folder) => folder.path)).toEqual(['b']);
			expect(formatProblems(problems)).toBe(
				'- prds: holds more than 3 PRD files (counting its sub-folders), so the rest are not read. Keep at most 3 PRDs in `prds/`: move old ones out of it, or into a folder whose name starts with `_` (which is skipped).',
			);
		});
	});
});

describe('PRD ids', () => {
	test.each([
		['checkout', true],
		['payments/checkout', true],
		['a/b/c/d/e/f/g/h/x', true],
		['a/b/c/d/e/f/g/h/i/x', false],
		['/etc/passwd', false],
		['../x', false],
		['a/../x', false],
		['a//b', false],
		['a/', false],
		['a\\b', false],
		['Payments/checkout', false],
		['x.md', false],
		['', false],
	])('%j is an id: %s', (id, expected) => {
		expect(isPrdId(id)).toBe(expected);
		expect(describeBadId(id) === undefined).toBe(expected);
	});

	test('what is wrong with text that is not an id, as a path', () => {
		expect(describeBadId('/etc/passwd')).toBe('it starts with `/`: ids are paths under the PRD folder, such as `payments/checkout`');
		expect(describeBadId('payments/../../x')).toBe('it contains `.` or `..`: an id names a PRD inside the PRD folder');
		expect(describeBadId('a\\b')).toBe('it contains `\\`: folders in an id are separated by `/`');
		expect(describeBadId('a//b')).toBe('it has an empty folder name (`//`, or `/` at the end)');
		expect(describeBadId('checkout.md')).toBe('it ends in a file extension: an id is the path without `.md`');
	});

	test('ids sort segment by segment, so a folder’s PRDs stay together', () => {
		expect(['zeta', 'payments-eu', 'payments/eu/x', 'a', 'payments/checkout', 'payments/z'].sort(comparePrdIds)).toEqual([
			'a',
			'payments/checkout',
			'payments/eu/x',
			'payments/z',
			'payments-eu',
			'zeta',
		]);
	});
});
