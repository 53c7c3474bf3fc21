import { mkdir, readdir, readFile, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { describeReplacedSpec } from '../../src/integration/cache/replaced.ts';
import { readSpecCache } from '../../src/integration/cache/read.ts';
import { parseSpecFile, serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { removeAbandonedTempFiles, writeSpecFile } from '../../src/integration/cache/write.ts';
import { LIMITS } from '../../src/integration/limits.ts';
import { formatProblems, type Problem } from '../../src/integration/problems.ts';
import { loadProject } from '../../src/integration/project.ts';
import { computeInputHash } from '../../src/integration/prompt/cache-key.ts';
import { resolveSpecLink } from '../../src/integration/rendering/links.ts';
import { decideUrl, type MarkdownPolicy } from '../../src/integration/rendering/markdown-policy.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();

const metadata: SpecMetadata = {
	prd: 'payments/eu/checkout',
	inputHash: `sha256:${'a'.repeat(64)}`,
	templateHash: `sha256:${'b'.repeat(64)}`,
	source: 'manual',
	generatedAt: '2026-11-26T10:00:00Z',
};

const OPTIONS = { prdsDir: 'prds', specsDir: 'specs', template: undefined };

describe('the spec cache mirrors the PRD folders', () => {
	test('a spec is written at its id’s path, creating the folders, and read back under its id', async () => {
		const root = await tempDir();
		expect(await writeSpecFile(root, 'specs', metadata, '# Spec')).toBe('specs/payments/eu/checkout.md');
		expect(await readdir(join(root, 'specs/payments/eu'))).toEqual(['checkout.md']);
		await writeSpecFile(root, 'specs', { ...metadata, prd: 'top' }, '# Top');
		const cache = await readSpecCache(root, 'specs');
		expect(cache.problems).toEqual([]);
		expect([...cache.specs.keys()].sort()).toEqual(['payments/eu/checkout', 'top']);
		expect(cache.specs.get('payments/eu/checkout')).toMatchObject({
			id: 'payments/eu/checkout',
			file: 'specs/payments/eu/checkout.md',
			body: '# Spec',
		});
		// What a regeneration records of the spec it replaces is read from the same place.
		expect(await describeReplacedSpec(root, 'specs', 'payments/eu/checkout')).toEqual({ generatedAt: metadata.generatedAt, sections: [] });
	});

	test('temporary files of dead processes are removed in the folders too', async () => {
		const root = await tempDir();
		await writeSpecFile(root, 'specs', metadata, '# Spec');
		const dead = '.checkout.md.999999999.abcd1234.tmp';
		await writeFiles(root, { [`specs/payments/eu/${dead}`]: 'half' });
		await removeAbandonedTempFiles(root, 'specs');
		expect(await readdir(join(root, 'specs/payments/eu'))).toEqual(['checkout.md']);
	});

	test('the `prd` field takes an id with folders, each segment checked; it must match the file’s path', () => {
		const text = serializeSpecFile(metadata, '# Spec');
		expect(parseSpecFile(text, 'specs/payments/eu/checkout.md', 'payments/eu/checkout').ok).toBe(true);
		const moved = parseSpecFile(text, 'specs/checkout.md', 'checkout');
		expect(moved.ok ? [] : formatProblems(moved.problems)).toContain('says "payments/eu/checkout" but the file is named for "checkout"');
		for (const prd of ['../checkout', 'payments//checkout', '/checkout', 'Payments/checkout', 'a\\b']) {
			const result = parseSpecFile(text.replace('prd: payments/eu/checkout', `prd: "${prd.replace('\\', '\\\\')}"`), 'specs/x.md', 'x');
			expect(result.ok ? [] : result.problems.map((problem) => problem.field), prd).toEqual(['prd']);
		}
		expect(() => serializeSpecFile({ ...metadata, prd: '../outside' }, '# Spec')).toThrow();
	});

	test('a folder of the cache that is a symbolic link is refused for reading and for writing', async () => {
		const root = await tempDir();
		await mkdir(join(root, 'specs'));
		await mkdir(join(root, 'elsewhere/eu'), { recursive: true });
		await symlink(join(root, 'elsewhere'), join(root, 'specs/payments'));
		await expect(writeSpecFile(root, 'specs', metadata, '# Spec')).rejects.toThrow(
			'`specs/payments` is a symbolic link or a file, not a folder: nothing is written through it.',
		);
		expect(await readdir(join(root, 'elsewhere/eu'))).toEqual([]);
		await writeFiles(root, { 'elsewhere/eu/checkout.md': serializeSpecFile(metadata, '# Spec') });
		const cache = await readSpecCache(root, 'specs');
		expect(cache.specs.size).toBe(0);
		expect(formatProblems(cache.problems)).toBe(
			'- specs/payments: is a symbolic link to a folder: only real folders inside the spec cache are read. Replace the link with the folder itself, or delete it so that its specs are generated again.',
		);
		expect(await describeReplacedSpec(root, 'specs', 'payments/eu/checkout')).toBeUndefined();
	});

	test('folders deeper than the PRDs may be are a problem; folders whose name is not an id segment are not the cache’s', async () => {
		const root = await tempDir();
		const deep = Array.from({ length: LIMITS.prdFolderDepth + 1 }, (_, index) => `l${index + 1}`).join('/');
		await writeFiles(root, { [`specs/${deep}/x.md`]: 'not read', 'specs/Images/x.md': 'not read', 'specs/_drafts/x.md': 'not read' });
		expect(formatProblems((await readSpecCache(root, 'specs')).problems)).toBe(
			`- specs/${deep}: is 9 folders deep; the spec cache mirrors the PRD folders, which are at most 8 deep. Delete the folder: specs are kept at the path of their PRD.`,
		);
	});
});

describe('a project with PRDs in folders', () => {
	test('moving a PRD and its spec into a folder keeps the cache key: the spec stays fresh', async () => {
		const root = await tempDir();
		const source = prdSource('title: Checkout\nrelated: [search]', '## Goal\n\nPay. FR-1: one tap.\n');
		await writeFiles(root, { 'prds/checkout.md': source, 'prds/search.md': prdSource('title: Search') });
		const flat = await loadProject(root, OPTIONS);
		const before = flat.prds.find((status) => status.prd.id === 'checkout')!;
		await writeFiles(root, { 'prds/payments/checkout.md': source });
		await rm(join(root, 'prds/checkout.md'));
		const nested = await loadProject(root, OPTIONS);
		const after = nested.prds.find((status) => status.prd.id === 'payments/checkout')!;
		expect(after.inputHash).toBe(before.inputHash);
		expect(computeInputHash(nested.template!.hash, after.prd)).toBe(before.inputHash);
		expect(nested.folders).toEqual([{ path: 'payments', title: 'Payments' }]);
	});

	test('a spec left behind when its PRD moved into a folder is reported with the PRD’s new place', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prds/checkout.md': prdSource('title: Checkout'), 'prds/gone.md': prdSource('title: Gone') });
		await writeFreshSpec(root, 'checkout', '# Checkout spec', { specsDir: 'specs' });
		await writeFreshSpec(root, 'gone', '# Gone spec', { specsDir: 'specs' });
		await mkdir(join(root, 'prds/payments'));
		await rename(join(root, 'prds/checkout.md'), join(root, 'prds/payments/checkout.md'));
		await rm(join(root, 'prds/gone.md'));
		const report = await loadProject(root, OPTIONS);
		expect(report.problems).toEqual([]);
		expect(report.prds.map((status) => [status.prd.id, status.state])).toEqual([['payments/checkout', 'missing']]);
		expect(formatProblems(report.warnings)).toBe(
			[
				'- specs/checkout.md: has no PRD (`prds/checkout.md`), so it is not published. If the PRD moved to `prds/payments/checkout.md`, move the spec to `specs/payments/checkout.md` and set its `prd` to `payments/checkout` (the spec stays fresh); else delete it.',
				'- specs/gone.md: has no PRD (`prds/gone.md`), so it is not published. Delete the spec if the PRD was removed on purpose, or restore the PRD.',
			].join('\n'),
		);
		// Done as the hint says, the spec is fresh again.
		await mkdir(join(root, 'specs/payments'));
		const text = await readFile(join(root, 'specs/checkout.md'), 'utf8');
		await writeFiles(root, { 'specs/payments/checkout.md': text.replace('prd: checkout', 'prd: payments/checkout') });
		await rm(join(root, 'specs/checkout.md'));
		const fixed = await loadProject(root, OPTIONS);
		expect(fixed.prds.map((status) => [status.prd.id, status.state])).toEqual([['payments/checkout', 'fresh']]);
	});
});

describe('links to PRDs in folders', () => {
	test('prd: and spec: links take ids with folders', () => {
		const ids = new Set(['payments/checkout', 'search']);
		expect(resolveSpecLink('prd:payments/checkout', ids, '/')).toEqual({ kind: 'resolved', href: '/prds/payments/checkout/' });
		expect(resolveSpecLink('spec:payments/checkout#api', ids, '/docs/')).toEqual({
			kind: 'resolved',
			href: '/docs/specs/payments/checkout/#api',
		});
		expect(resolveSpecLink('prd:payments', ids, '/')).toEqual({ kind: 'unknown', id: 'payments', scheme: 'prd' });
	});

	test('a link to an unknown id suggests a close id, or the PRD of the same name in a folder', () => {
		const problems: Problem[] = [];
		const policy: MarkdownPolicy = {
			base: '/',
			isUntrusted: () => true,
			allowsRemoteImages: () => false,
			knownIds: () => new Set(['payments/checkout', 'search']),
			reportProblem: (_path, problem) => problems.push(problem),
			reportWarning: () => undefined,
			brokenDiagram: () => undefined,
			relativePath: () => 'prds/search.md',
		};
		expect(decideUrl('prd:payments/checkout', undefined, policy)).toEqual({ action: 'replace', url: '/prds/payments/checkout/' });
		decideUrl('prd:checkout', undefined, policy);
		decideUrl('spec:payments/chekout#x', undefined, policy);
		decideUrl('prd:nothing-like-it', undefined, policy);
		expect(problems.map((problem) => problem.hint)).toEqual([
			'Use the id of a PRD (its file name without `.md`): `prd:<id>` (did you mean "payments/checkout"?).',
			'Use the id of a PRD (its file name without `.md`): `spec:<id>` (did you mean "payments/checkout"?).',
			'Use the id of a PRD (its file name without `.md`): `prd:<id>`.',
		]);
	});
});
