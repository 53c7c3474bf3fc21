import { findIdMentions } from '../markdown/id-mentions.ts';
import { outlineMarkdown } from '../markdown/outline.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import type { SpecTrace, TraceSection } from '../prds/trace.ts';
import type { Requirement } from '../prds/requirements.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';

/**
 * The requirement trace on the pages: ids in a PRD link to the spec's sections that cite them,
 * ids cited in a spec link back to the PRD. PRDs and specs are untrusted markdown and raw HTML is
 * shown as text, so the trace is markdown inserted at positions known to be plain text: an id at
 * the start of a list item or heading (nothing before it but list, heading, quote and emphasis
 * marks) and ids in text nodes of the parsed spec. A link keeps its text, so a heading that holds
 * one keeps its id (Astro's slug reads the link's text).
 */

/** What the PRD page says about a requirement the spec cites nowhere. */
export const NOT_ADDRESSED = 'not addressed by the spec';

/** The line near the top of the PRD page: how many ids the spec addresses, and which it misses. */
export function describeCoverage(trace: SpecTrace, specHref: string): string {
	const missing = trace.missing.length > 0 ? ` Not addressed: ${trace.missing.map(escapeMarkdown).join(', ')}.` : '';
	return `**${markdownLink('Requirements addressed by the spec', specHref)}:** ${trace.cited} of ${trace.total}.${missing}`;
}

/** The overview's and `status`'s cell: `14/15`, or `—` without a trace. */
export function coverageCell(trace: SpecTrace | undefined): string {
	return trace ? `${trace.cited}/${trace.total}` : '—';
}

/**
 * The PRD body with each requirement id linked to the first spec section that cites it; after
 * it (list items) or under the heading (heading requirements), the sections that cite it, or
 * "not addressed". A requirement whose line does not open with the id as plain text is left as
 * it is: there is no position there known to be safe.
 */
export function linkRequirements(body: string, trace: SpecTrace, specHref: string): string {
	const lines = body.split('\n');
	const headings = new Map(outlineMarkdown(body).headings.map((heading) => [heading.start.line, heading]));
	/** Lines after which a note is inserted, by line index. */
	const notes = new Map<number, string[]>();
	for (const { requirement, sections } of trace.requirements) {
		const index = requirement.line - 1;
		const line = lines[index];
		if (line === undefined) continue;
		const at = findLeadingId(line, requirement.id);
		if (at === -1) continue;
		const end = at + requirement.id.length;
		const label = sections.length > 0 ? markdownLink(requirement.id, sectionHref(specHref, sections[0]!)) : escapeMarkdown(requirement.id);
		const heading = headings.get(requirement.line);
		if (heading) {
			lines[index] = line.slice(0, at) + label + line.slice(end);
			// The note is a paragraph of its own under the heading, in the same quote if the heading is in one;
			// not under a heading in a list item, where an unindented line would end the list.
			const quote = line.slice(0, line.lastIndexOf('>', at) + 1);
			if (!isQuoteAndHeadingMarks(line.slice(0, at))) continue;
			const after = heading.end.line - 1;
			notes.set(after, [...(notes.get(after) ?? []), quote, `${quote}*${headingNote(requirement, sections, specHref)}*`]);
		} else {
			let close = end;
			while (line[close] === '*' || line[close] === '_' || line[close] === ':') close++;
			lines[index] = `${line.slice(0, at)}${label}${line.slice(end, close)} ${itemNote(sections, specHref)}${line.slice(close)}`;
		}
	}
	if (notes.size === 0) return lines.join('\n');
	return lines.flatMap((line, index) => [line, ...(notes.get(index) ?? [])]).join('\n');
}

/**
 * The spec's text (`rest`, as the page shows it) with each id of the PRD it cites linked to the
 * requirement on the PRD page (see `findRequirementAnchors`). Ids in code, in raw HTML and in the
 * text of a link already are left as they are, and so are ids the PRD does not have.
 */
export function linkCitations(rest: string, trace: SpecTrace, anchors: ReadonlyMap<string, string | undefined>, prdHref: string): string {
	const ids = new Set(trace.requirements.map(({ requirement }) => requirement.id));
	const prefixes = new Set([...ids].map((id) => id.slice(0, id.indexOf('-'))));
	let result = '';
	let cursor = 0;
	for (const mention of findIdMentions(rest, prefixes)) {
		if (mention.inLink || !ids.has(mention.id)) continue;
		const anchor = anchors.get(mention.id);
		result += rest.slice(cursor, mention.start) + markdownLink(mention.id, anchor ? `${prdHref}#${anchor}` : prdHref);
		cursor = mention.end;
	}
	return cursor === 0 ? rest : result + rest.slice(cursor);
}

/**
 * Where each requirement is on the PRD page, as a heading id: the requirement's own heading, or
 * for a list item the heading of the part of the page it is in (the closest heading before it).
 * A list item has no id of its own, and none can be given to it from markdown (raw HTML is shown
 * as text, and an inserted anchor would be a new heading); a heading's id stays as long as its
 * text does, so the link keeps working when items are added or reordered. Undefined: before
 * any heading (the link goes to the page). The page shows the PRD without its `# ` title line,
 * so the headings are read from that text.
 */
export function findRequirementAnchors(prdBody: string, requirements: readonly Requirement[]): Map<string, string | undefined> {
	const { rest } = splitLeadingH1(prdBody);
	const shift = countNewlines(prdBody.slice(0, prdBody.length - rest.length));
	const headings = outlineMarkdown(rest).headings;
	const anchors = new Map<string, string | undefined>();
	let index = 0;
	let closest: string | undefined;
	for (const requirement of [...requirements].sort((a, b) => a.line - b.line)) {
		const line = requirement.line - shift;
		while (index < headings.length && headings[index]!.start.line <= line) closest = headings[index++]!.slug;
		if (!anchors.has(requirement.id)) anchors.set(requirement.id, closest);
	}
	return anchors;
}

function sectionHref(specHref: string, section: TraceSection): string {
	return section.slug ? `${specHref}#${section.slug}` : specHref;
}

function sectionLinks(sections: readonly TraceSection[], specHref: string): string {
	return sections.map((section) => markdownLink(section.heading ?? 'introduction', sectionHref(specHref, section))).join(', ');
}

function itemNote(sections: readonly TraceSection[], specHref: string): string {
	return sections.length > 0 ? `(spec: ${sectionLinks(sections, specHref)})` : `*(${NOT_ADDRESSED})*`;
}

function headingNote(requirement: Requirement, sections: readonly TraceSection[], specHref: string): string {
	const id = escapeMarkdown(requirement.id);
	return sections.length > 0 ? `${id} in the spec: ${sectionLinks(sections, specHref)}.` : `${id}: ${NOT_ADDRESSED}.`;
}

/**
 * Where `id` starts in `line`, when only list, heading, quote and emphasis marks (and a task box)
 * come before it and it is a whole word; otherwise -1.
 */
function findLeadingId(line: string, id: string): number {
	let index = 0;
	while (index < line.length && LEADING_MARKS.includes(line[index]!)) {
		if (line[index] === '[') {
			// Only a task box: `[ ]` or `[x]` followed by a space.
			if (!' xX'.includes(line[index + 1] ?? '-') || line[index + 2] !== ']') return -1;
			index += 3;
			continue;
		}
		index++;
	}
	if (!line.startsWith(id, index)) return -1;
	const next = line[index + id.length];
	if (next !== undefined && /[\w-]/.test(next)) return -1;
	if (next === '.' && /\d/.test(line[index + id.length + 1] ?? '')) return -1;
	return index;
}

/** What may come before a requirement id at the start of its line: white space, quote, list, heading and emphasis marks, a task box. */
const LEADING_MARKS = ' \t>#-+*_0123456789.)[';

function isQuoteAndHeadingMarks(prefix: string): boolean {
	for (const char of prefix) if (!' \t>#'.includes(char)) return false;
	return true;
}

function countNewlines(text: string): number {
	let count = 0;
	for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
	return count;
}
