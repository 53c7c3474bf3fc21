import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { getReviewState, type ReviewState } from '../cache/review.ts';
import type { PrdSpecsConfig } from '../config.ts';
import { costOfUsage } from '../generation/pricing.ts';
import { normalizeHeading } from '../markdown/outline.ts';
import type { ProjectReport, SpecState } from '../project.ts';
import { findMergeBase, listChangedFiles, resolveCommit } from './git.ts';
import { compareSpecWithCommit } from './spec-at-commit.ts';

/** A `##` section named in a report, with its length now and, for a changed one, before. */
export interface ReportedSection {
	heading: string;
	lines: number;
	linesBefore?: number | undefined;
}

/** One PRD that the change touches (its file, or its spec's file). */
export interface ReportEntry {
	id: string;
	title: string;
	prdFile: string;
	prdChanged: boolean;
	specFile: string;
	specChanged: boolean;
	state: SpecState;
	staleBecause?: 'prd' | 'template' | undefined;
	/** Undefined when there is no spec. */
	review?: ReviewState | undefined;
	/** The spec file changed and a model wrote it: it was (re)generated in this change. */
	generated: boolean;
	model?: string | undefined;
	usage?: { inputTokens: number; outputTokens: number } | undefined;
	/** US dollars, when the model's price is known. */
	cost?: number | undefined;
	/** What changed in the spec against the base, section by section; only when its file changed. */
	sections?: { existed: boolean; added: ReportedSection[]; removed: string[]; changed: ReportedSection[] } | undefined;
}

export interface ChangeReport {
	/** The ref as given, and the merge base it was compared with. */
	base: string;
	baseCommit: string;
	entries: ReportEntry[];
	/** PRD files the change deletes. */
	removedPrds: string[];
}

/**
 * What a change (the work tree against the merge base of `base` and `HEAD`, as a pull request
 * against `base` sees it) does to the PRDs and specs: every PRD whose file or spec file changed,
 * with its spec and review state, what was generated and what it cost, and the spec's sections
 * added, removed and changed. Reads git and the project; writes nothing.
 */
export async function collectChangeReport(
	root: string,
	config: Pick<PrdSpecsConfig, 'prdsDir' | 'specsDir' | 'generation'>,
	project: ProjectReport,
	base: string,
): Promise<ChangeReport> {
	const commit = await resolveCommit(root, base);
	const baseCommit = await findMergeBase(root, commit);
	const changed = new Set(await listChangedFiles(root, commit));
	const entries: ReportEntry[] = [];
	const prdFiles = new Set<string>();
	for (const status of project.prds) {
		const { prd } = status;
		prdFiles.add(prd.file);
		const specFile = status.spec?.file ?? `${config.specsDir}/${prd.id}.md`;
		const prdChanged = changed.has(prd.file);
		const specChanged = changed.has(specFile);
		if (!prdChanged && !specChanged) continue;
		const metadata = status.spec?.metadata;
		const generated = specChanged && metadata?.source === 'model';
		const usage = generated ? metadata.usage : undefined;
		const entry: ReportEntry = {
			id: prd.id,
			title: prd.frontmatter.title,
			prdFile: prd.file,
			prdChanged,
			specFile,
			specChanged,
			state: status.state,
			staleBecause: status.staleBecause,
			review: status.spec ? getReviewState(status.spec) : undefined,
			generated,
			model: generated ? metadata.model : undefined,
			usage: usage && { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens },
			// A batch's part of the usage at the batch price.
			cost: usage && metadata?.model ? costOfUsage(metadata.model, usage, config.generation.prices) : undefined,
		};
		if (specChanged) {
			const comparison = await compareSpecWithCommit(root, baseCommit, specFile, status.spec?.body ?? '');
			const linesBefore = new Map<string, number>();
			for (const section of comparison.before) {
				const key = normalizeHeading(section.heading);
				if (!linesBefore.has(key)) linesBefore.set(key, section.lines);
			}
			entry.sections = {
				existed: comparison.existed,
				added: comparison.changes.added.map(({ heading, lines }) => ({ heading, lines })),
				removed: comparison.changes.removed,
				changed: comparison.changes.changed.map(({ heading, lines }) => ({
					heading,
					lines,
					linesBefore: linesBefore.get(normalizeHeading(heading)),
				})),
			};
		}
		entries.push(entry);
	}
	// A PRD file the change deletes: in the PRD folder or one of its folders the scan reads, no longer on disk.
	const removedPrds = [...changed].filter(
		(file) =>
			file.startsWith(`${config.prdsDir}/`) &&
			file
				.slice(config.prdsDir.length + 1)
				.split('/')
				.slice(0, -1)
				.every((folder) => !folder.startsWith('_') && !folder.startsWith('.')) &&
			/\.mdx?$/i.test(file) &&
			!prdFiles.has(file) &&
			!existsSync(join(root, file)),
	);
	return { base, baseCommit, entries, removedPrds };
}
