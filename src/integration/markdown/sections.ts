import { normalizeHeading, outlineMarkdown } from './outline.ts';
import { readPlainSections } from './quick-sections.ts';

/**
 * Template sections (`##` headings) that a spec lacks, compared as `normalizeHeading` does. A
 * section counts when the spec has it as a top-level `##` heading (see `outlineMarkdown`).
 */
export function findMissingSections(specBody: string, sections: readonly string[]): string[] {
	// The cache check runs this on every spec of every build: a single pass answers for the usual
	// spec (every section written as in the template), and the parser for the others.
	const quick = readPlainSections(specBody);
	if (normalizedSections(sections).every((section) => quick.has(section))) return [];
	const present = new Set(outlineMarkdown(specBody).sections.map((section) => normalizeHeading(section.heading.text)));
	return sections.filter((section) => !present.has(normalizeHeading(section)));
}

/** Plain text of the top-level headings of one level (see `outlineMarkdown`). */
export function getHeadings(markdown: string, level: number): string[] {
	return outlineMarkdown(markdown)
		.headings.filter((heading) => heading.topLevel && heading.depth === level)
		.map((heading) => heading.text);
}

/** The template's sections, normalized once for all the specs checked against them. */
function normalizedSections(sections: readonly string[]): string[] {
	let normalized = NORMALIZED.get(sections);
	if (!normalized) NORMALIZED.set(sections, (normalized = sections.map(normalizeHeading)));
	return normalized;
}

const NORMALIZED = new WeakMap<readonly string[], string[]>();
