import { findIdMentions } from '../markdown/id-mentions.ts';
import { outlineMarkdown } from '../markdown/outline.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import type { Problem } from '../problems.ts';
import { findCitations, type Requirement } from './requirements.ts';

/** A `##` section of a spec that cites a requirement, as its page shows it. */
export interface TraceSection {
	/** The heading's plain text; undefined for text before the first `##` heading. */
	heading: string | undefined;
	/** The heading's id on the spec page (`#slug`); undefined with `heading`. */
	slug: string | undefined;
}

export interface RequirementTrace {
	requirement: Requirement;
	/** The sections that cite it, each once, in document order; empty when the spec cites it nowhere. */
	sections: TraceSection[];
}

/** How a spec covers the requirement ids of its PRD. */
export interface SpecTrace {
	/** Each requirement of the PRD, in its order. */
	requirements: RequirementTrace[];
	/** Distinct ids the spec cites, and distinct ids the PRD has. */
	cited: number;
	total: number;
	/** Ids the spec cites nowhere, in the PRD's order. */
	missing: string[];
	/** Ids of the PRD's own kinds (its prefixes) that the spec cites but the PRD does not have. */
	unknown: string[];
}

/**
 * Traces a PRD's requirements through its spec: where the spec cites each id (`findCitations`,
 * the check generation applies), by section, with the heading ids the spec page gives those
 * sections. The page shows the spec without its `# ` title line, so the sections are read from
 * that text, as `markChangedSections` reads them. Undefined when the PRD has no requirement ids:
 * such a PRD is not traced at all.
 */
export function traceSpec(requirements: readonly Requirement[], specBody: string): SpecTrace | undefined {
	if (requirements.length === 0) return undefined;
	const { rest } = splitLeadingH1(specBody);
	const ids = new Set(requirements.map((requirement) => requirement.id));
	const sections = outlineMarkdown(rest).sections;
	const citedIn = new Map<string, TraceSection[]>();
	let index = 0;
	for (const citation of findCitations(rest, ids)) {
		// Citations come in document order, as sections do: one pass over each.
		while (index < sections.length && sections[index]!.end.offset < rest.length && sections[index]!.end.line <= citation.line) index++;
		const section = sections[index];
		const inside = section !== undefined && section.heading.start.line <= citation.line;
		const found: TraceSection = inside ? { heading: section.heading.text, slug: section.heading.slug } : { heading: undefined, slug: undefined };
		const list = citedIn.get(citation.id) ?? [];
		if (!list.some((known) => known.slug === found.slug)) list.push(found);
		citedIn.set(citation.id, list);
	}
	const prefixes = new Set([...ids].map((id) => id.slice(0, id.indexOf('-'))));
	const unknown = [...new Set(findIdMentions(rest, prefixes).map((mention) => mention.id))].filter((id) => !ids.has(id));
	const missing = [...ids].filter((id) => !citedIn.has(id));
	return {
		requirements: requirements.map((requirement) => ({ requirement, sections: citedIn.get(requirement.id) ?? [] })),
		cited: ids.size - missing.length,
		total: ids.size,
		missing,
		unknown,
	};
}

/** Most ids a message lists before it says how many more there are. */
const LISTED_IDS = 20;

/** The warning for a spec that misses requirement ids of its PRD or cites ids it does not have; undefined when it has neither. */
export function describeTraceGaps(specFile: string, prdFile: string, trace: SpecTrace): Problem | undefined {
	const parts = [
		trace.missing.length > 0 && `cites ${trace.cited} of the ${trace.total} requirement ids of ${prdFile}: it never cites ${listIds(trace.missing)}`,
		trace.unknown.length > 0 && `cites ${listIds(trace.unknown)}, which ${prdFile} does not have`,
	].filter(Boolean);
	if (parts.length === 0) return undefined;
	return {
		file: specFile,
		message: `${parts.join('; it also ')}.`,
		hint: 'Cite each requirement id where the spec addresses it (and only ids the PRD has), or regenerate the spec.',
	};
}

function listIds(ids: readonly string[]): string {
	const shown = ids.slice(0, LISTED_IDS).join(', ');
	return ids.length > LISTED_IDS ? `${shown} and ${ids.length - LISTED_IDS} more` : shown;
}
