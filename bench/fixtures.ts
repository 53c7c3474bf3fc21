import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { computeInputHash } from '../src/integration/prompt/cache-key.ts';
import { parseSpecFile, serializeSpecFile } from '../src/integration/cache/spec-file.ts';
import { loadTemplate } from '../src/integration/prompt/template.ts';
import { scanPrds } from '../src/integration/prds/scan.ts';

const REPO = new URL('../', import.meta.url).pathname;
const SAMPLES = ['fleet-telemetry', 'mobile-checkout', 'team-calendar'];

export interface Sample {
	prd: string;
	spec: string;
}

/** The repository's own sample PRDs and specs: realistic sizes, with mermaid. */
export async function readSamples(): Promise<Sample[]> {
	return Promise.all(
		SAMPLES.map(async (id) => {
			const prd = await readFile(join(REPO, 'prds', `${id}.md`), 'utf8');
			const parsed = parseSpecFile(await readFile(join(REPO, 'src/content/specs', `${id}.md`), 'utf8'), id, id);
			if (!parsed.ok) throw new Error(`sample spec ${id} is invalid`);
			// `prd:` links point at the samples' ids, which the generated projects do not have.
			return { prd: prd.replace(/\]\((prd|spec):[^)]*\)/g, ']'), spec: parsed.spec.body.replace(/\]\((prd|spec):[^)]*\)/g, ']') };
		}),
	);
}

export interface ProjectShape {
	/**
	 * Spreads the PRDs over this many folders, PRD `i` in folder `i % folders`
	 * (`prds/area-03/prd-00042.md`), each folder with an `_index.md` giving its title and
	 * description; the specs mirror the folders. Without it (or 0) the PRD folder is flat.
	 */
	folders?: number;
}

/** The folder of PRD number `index` (`area-03`), '' for a flat project. */
function folderOf(index: number, folders: number): string {
	return folders > 0 ? `area-${String(index % folders).padStart(2, '0')}` : '';
}

/**
 * Writes `count` PRDs (copies of the samples, each with its own id, title and a line of its own,
 * so every hash differs) under `root`, with a fresh cached spec for each when `withSpecs`; in
 * `shape.folders` folders when given.
 */
export async function writeProject(
	root: string,
	count: number,
	samples: Sample[],
	withSpecs = true,
	shape: ProjectShape = {},
): Promise<void> {
	const folders = Math.max(0, Math.floor(shape.folders ?? 0));
	await rm(root, { recursive: true, force: true });
	await mkdir(join(root, 'prds'), { recursive: true });
	await mkdir(join(root, 'src/content/specs'), { recursive: true });
	for (let index = 0; index < Math.min(folders, count); index++) {
		const folder = folderOf(index, folders);
		await mkdir(join(root, 'prds', folder));
		await mkdir(join(root, 'src/content/specs', folder));
		await writeFile(
			join(root, 'prds', folder, '_index.md'),
			`---\ntitle: Area ${index}\ndescription: The PRDs of area ${index}.\n---\n\nWhat area ${index} is about, in a sentence.\n`,
		);
	}
	const writes: Promise<void>[] = [];
	for (let index = 0; index < count; index++) {
		const sample = samples[index % samples.length]!;
		const folder = folderOf(index, folders);
		const id = `${folder === '' ? '' : `${folder}/`}prd-${String(index).padStart(5, '0')}`;
		const prd = sample.prd
			.replace(/^title: (.*)$/m, `title: $1 ${index}`)
			.replace(/^related: .*$/m, 'related: []')
			.replace(/\n---\n/, `\n---\n\nThis is requirement set number ${index}.\n`);
		writes.push(writeFile(join(root, 'prds', `${id}.md`), prd));
		if (writes.length >= 256) await Promise.all(writes.splice(0));
	}
	await Promise.all(writes.splice(0));
	if (!withSpecs) return;
	const template = await loadTemplate(root, undefined);
	if (!template.ok) throw new Error('template');
	const scan = await scanPrds(root, 'prds');
	if (scan.problems.length > 0) throw new Error(scan.problems.map((p) => p.message).join('\n'));
	for (const prd of scan.prds) {
		// The number in the id, not the scan's order: with folders the two differ.
		const index = Number(prd.id.slice(-5));
		const body = samples[index % samples.length]!.spec.replace(/^# (.*)$/m, `# $1 ${index}`);
		const text = serializeSpecFile(
			{
				prd: prd.id,
				inputHash: computeInputHash(template.template.hash, prd),
				templateHash: template.template.hash,
				source: 'manual',
				generatedAt: '2026-11-26T00:00:00Z',
			},
			body,
		);
		writes.push(writeFile(join(root, 'src/content/specs', `${prd.id}.md`), text));
		if (writes.length >= 256) await Promise.all(writes.splice(0));
	}
	await Promise.all(writes);
}
