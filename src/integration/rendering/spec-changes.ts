import type { SpecMetadata } from '../cache/spec-file.ts';
import { outlineMarkdown } from '../markdown/outline.ts';
import { compareSections, digestSections, readRecordedSection, type SectionChanges } from '../markdown/section-digests.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';

/**
 * What a spec page says about its latest generation: which `##` sections it added, changed and
 * removed against the version it replaced (`replaced` in the spec's metadata, recorded when it was
 * generated, so no git history is needed). Pure functions of the spec; `entries.ts` places them.
 */

/** The line under the heading of a section the latest generation added. */
export const NEW_SECTION_MARK = '*New in the latest generation.*';
/** The line under the heading of a section the latest generation changed. */
export const CHANGED_SECTION_MARK = '*Changed in the latest generation.*';

/** The sections that changed in a spec's latest generation; undefined when it records no replaced version, or none changed. */
export function findSpecChanges(metadata: Pick<SpecMetadata, 'replaced'>, body: string): SectionChanges | undefined {
	if (!metadata.replaced) return undefined;
	const before = metadata.replaced.sections.map(readRecordedSection).filter((section) => section !== undefined);
	const changes = compareSections(before, digestSections(body));
	return changes.added.length + changes.changed.length + changes.removed.length === 0 ? undefined : changes;
}

/**
 * The notice near the top of the page: a list of the sections that changed, each linking to its
 * heading (`#slug`, the id the page gives it), the new ones marked as such; removed ones are named,
 * as there is nothing to link to. Every heading is escaped: spec text is untrusted.
 * `replacedOn` is the date of the version replaced, as the page writes dates.
 */
export function describeSpecChanges(changes: SectionChanges, replacedOn: string | undefined): string {
	const items = [
		...changes.added.map((section) => `- ${markdownLink(section.heading, `#${section.slug}`)} (new)`),
		...changes.changed.map((section) => `- ${markdownLink(section.heading, `#${section.slug}`)}`),
		...changes.removed.map((heading) => `- ${escapeMarkdown(heading)} (removed)`),
	];
	const replaced = replacedOn ? `the version of ${replacedOn}` : 'the previous version';
	return `:::note[Changed in the latest generation]\nThese sections differ from ${replaced}:\n\n${items.join('\n')}\n:::`;
}

/**
 * `rest` (the spec body without its `# ` title line, as the page shows it) with a short
 * emphasized line right after the heading of each section that was added or changed. The line is
 * a paragraph of its own, after the heading, so the heading's text and id (and with them the
 * table of contents and every link to it) stay as they are.
 */
export function markChangedSections(rest: string, changes: SectionChanges): string {
	const marks = new Map<string, string>();
	for (const section of changes.added) marks.set(section.slug, NEW_SECTION_MARK);
	for (const section of changes.changed) marks.set(section.slug, CHANGED_SECTION_MARK);
	// The outline of `rest` is the one `digestSections` reads: a slug names one section.
	let result = '';
	let cursor = 0;
	for (const section of outlineMarkdown(rest).sections) {
		const mark = marks.get(section.heading.slug);
		if (!mark) continue;
		const at = section.heading.end.offset;
		// A blank line on each side: the mark neither joins the heading nor runs into the text after it.
		result += `${rest.slice(cursor, at)}\n\n${mark}\n`;
		cursor = at;
	}
	return cursor === 0 ? rest : result + rest.slice(cursor);
}
