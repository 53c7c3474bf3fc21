import type { CachedSpec } from './cache/spec-file.ts';
import { computeInputHash } from './prompt/cache-key.ts';
import { readSpecCache } from './cache/read.ts';
import type { PrdSpecsConfig } from './config.ts';
import { findMissingSections } from './markdown/sections.ts';
import { loadTemplate, type PromptTemplate } from './prompt/template.ts';
import type { Problem } from './problems.ts';
import type { PrdFolder } from './prds/folders.ts';
import { scanPrds, type Prd } from './prds/scan.ts';
import { describeTraceGaps, traceSpec, type SpecTrace } from './prds/trace.ts';

/** `fresh`: the spec was made from the PRD as it is; `stale`: the PRD or template changed since; `missing`: no spec. */
export type SpecState = 'fresh' | 'stale' | 'missing';

/** A PRD with the state of its spec (not the PRD's own `status` field, which is the author's). */
export interface PrdWithSpec {
	prd: Prd;
	/** Cache key of the spec this PRD needs now. */
	inputHash: string;
	state: SpecState;
	/** Why a stale spec is stale. */
	staleBecause?: 'prd' | 'template';
	spec?: CachedSpec;
	/** How the spec cites the PRD's requirement ids; undefined without a spec or without ids. */
	trace?: SpecTrace;
}

export interface ProjectReport {
	template?: PromptTemplate;
	prds: PrdWithSpec[];
	/** Every folder holding a PRD at some depth, sorted by path; none for a flat PRD folder. */
	folders: PrdFolder[];
	/** Bad input: the build cannot go on until they are fixed. */
	problems: Problem[];
	/** Worth telling, not worth failing for. */
	warnings: Problem[];
}

export type ProjectOptions = Pick<PrdSpecsConfig, 'prdsDir' | 'specsDir' | 'template'> & Partial<Pick<PrdSpecsConfig, 'requirements'>>;

/**
 * Scans the PRDs and the spec cache and works out each PRD's spec state. Reads files, never
 * writes, never throws for bad input: callers decide what a problem means.
 */
export async function loadProject(root: string, options: ProjectOptions): Promise<ProjectReport> {
	const [templateResult, scan, cache] = await Promise.all([
		loadTemplate(root, options.template),
		scanPrds(root, options.prdsDir, options.requirements?.prefixes),
		readSpecCache(root, options.specsDir),
	]);
	const problems = [...scan.problems, ...cache.problems];
	const warnings: Problem[] = [];
	if (!templateResult.ok) return { prds: [], folders: [], problems: [templateResult.problem, ...problems], warnings };
	const template = templateResult.template;

	const prds = scan.prds.map((prd): PrdWithSpec => {
		const inputHash = computeInputHash(template.hash, prd);
		const spec = cache.specs.get(prd.id);
		if (!spec) return { prd, inputHash, state: 'missing' };
		const missingSections = findMissingSections(spec.body, template.sections);
		if (missingSections.length > 0) {
			warnings.push({
				file: spec.file,
				message: `lacks the template section${missingSections.length > 1 ? 's' : ''} ${missingSections.map((s) => `"${s}"`).join(', ')}.`,
				hint: 'Add the sections, or delete the file to regenerate the spec.',
			});
		}
		const trace = traceSpec(prd.requirements, spec.body);
		const gaps = trace && describeTraceGaps(spec.file, prd.file, trace);
		if (gaps) warnings.push(gaps);
		const traced = trace ? { trace } : {};
		if (spec.metadata.inputHash === inputHash) return { prd, inputHash, state: 'fresh', spec, ...traced };
		const staleBecause = spec.metadata.templateHash === template.hash ? 'prd' : 'template';
		return { prd, inputHash, state: 'stale', staleBecause, spec, ...traced };
	});

	for (const spec of cache.specs.values()) {
		// A PRD that failed validation still owns its spec: its own problem says enough.
		if (scan.fileIds.has(spec.id)) continue;
		warnings.push({
			file: spec.file,
			message: `has no PRD (\`${options.prdsDir}/${spec.id}.md\`), so it is not published.`,
			hint: 'Delete the spec if the PRD was removed on purpose, or restore the PRD.',
		});
	}
	return { template, prds, folders: scan.folders, problems, warnings };
}

/** PRDs whose spec is in the given states. */
export function filterByState(report: ProjectReport, ...states: SpecState[]): PrdWithSpec[] {
	return report.prds.filter((status) => states.includes(status.state));
}
