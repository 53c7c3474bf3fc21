import { rm } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { loadProject } from '../../src/integration/project.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

const tempDir = useTempDir();
const options = { prdsDir: 'prds', specsDir: 'src/content/specs', template: undefined };
const FULL_SPEC = specText('X');

async function project(files: Record<string, string>, specs: string[] = []) {
	const root = await tempDir();
	await writeFiles(root, files);
	for (const id of specs) await writeFreshSpec(root, id, FULL_SPEC);
	return { root, report: () => loadProject(root, options) };
}

describe('loadProject', () => {
	test('fresh, missing, and stale after a body edit but not after a status edit', async () => {
		const { root, report } = await project({ 'prds/a.md': prdSource('title: A\nstatus: draft'), 'prds/b.md': prdSource('title: B') }, [
			'a',
		]);
		let result = await report();
		expect(result.problems).toEqual([]);
		expect(result.warnings).toEqual([]);
		expect(result.prds.map((s) => [s.prd.id, s.state])).toEqual([
			['a', 'fresh'],
			['b', 'missing'],
		]);

		await writeFiles(root, { 'prds/a.md': prdSource('title: A\nstatus: approved\nowner: New owner\ntags: [x]') });
		result = await report();
		expect(result.prds[0]!.state).toBe('fresh');

		await writeFiles(root, { 'prds/a.md': prdSource('title: A\nstatus: approved', '## Goal\n\nShip it sooner.\n') });
		result = await report();
		expect(result.prds[0]).toMatchObject({ state: 'stale', staleBecause: 'prd' });
		expect(result.prds[0]!.spec?.file).toBe('src/content/specs/a.md');
	});

	test('line endings alone do not make a spec stale', async () => {
		const { root, report } = await project({ 'prds/a.md': prdSource('title: A', '## Goal\n\nLine one.\nLine two.\n') }, ['a']);
		await writeFiles(root, { 'prds/a.md': prdSource('title: A', '## Goal\n\nLine one.\nLine two.\n').replace(/\n/g, '\r\n') });
		expect((await report()).prds[0]!.state).toBe('fresh');
	});

	test('a spec made with another template is stale because of the template', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prds/a.md': prdSource('title: A') });
		await writeFreshSpec(root, 'a', FULL_SPEC, { inputHash: `sha256:${'0'.repeat(64)}`, templateHash: `sha256:${'1'.repeat(64)}` });
		expect((await loadProject(root, options)).prds[0]).toMatchObject({ state: 'stale', staleBecause: 'template' });
	});

	test('warns about specs without a PRD and specs missing template sections', async () => {
		const root = await tempDir();
		await writeFiles(root, { 'prds/a.md': prdSource('title: A'), 'prds/gone.md': prdSource('title: Gone') });
		await writeFreshSpec(root, 'a', '# Technical Specification: A\n\n## System Architecture Overview\n\nOnly one.');
		await writeFreshSpec(root, 'gone', FULL_SPEC);
		await rm(join(root, 'prds/gone.md'));
		const result = await loadProject(root, options);
		expect(result.warnings.map((w) => `${w.file}: ${w.message}`)).toEqual([
			expect.stringMatching(
				/^src\/content\/specs\/a\.md: lacks the template sections "Technology Stack", .*"Clarification Requests or Feedback"\.$/,
			),
			'src/content/specs/gone.md: has no PRD (`prds/gone.md`), so it is not published.',
		]);
	});

	test('an invalid PRD is a problem, and its spec is not called an orphan', async () => {
		const { root, report } = await project({ 'prds/a.md': prdSource('title: A') }, ['a']);
		await writeFiles(root, { 'prds/a.md': prdSource('title: A\nstatus: shipped') });
		const result = await report();
		expect(result.prds).toEqual([]);
		expect(result.problems).toEqual([
			expect.objectContaining({ file: 'prds/a.md', field: 'status', message: expect.stringContaining('`status` must be one of') }),
		]);
		expect(result.warnings).toEqual([]);
	});
});
