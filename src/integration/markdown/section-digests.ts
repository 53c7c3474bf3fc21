import { createHash } from 'node:crypto';

import { LIMITS } from '../limits.ts';
import { countLineBreaks } from './nesting.ts';
import { normalizeHeading, outlineMarkdown } from './outline.ts';
import { splitLeadingH1 } from './title.ts';

/** One `##` section of a spec, as it is published. */
export interface SectionDigest {
	/** Its heading, as written (plain text). */
	heading: string;
	/** The id the page gives it (the spec is shown without its `# ` title line). */
	slug: string;
	/** A digest of the section's text (heading line excluded): two sections with the same text have the same one. */
	digest: string;
	/** Lines of the section's text. */
	lines: number;
	/** Its text, trimmed. */
	text: string;
}

/** Characters of a section digest: 64 bits of SHA-256, hex. Enough to tell versions of one section apart. */
export const SECTION_DIGEST_CHARS = 16;

/** The `##` sections of a spec body, in order, each with a digest of its text. */
export function digestSections(body: string): SectionDigest[] {
	const outline = outlineMarkdown(splitLeadingH1(body).rest);
	return outline.sections.map((section) => ({
		heading: section.heading.text,
		slug: section.heading.slug,
		digest: digestText(section.body),
		lines: section.body === '' ? 0 : countLineBreaks(section.body) + 1,
		text: section.body,
	}));
}

/** What changed between two versions of a spec, section by section. */
export interface SectionChanges {
	/** Sections of the new version that the old one did not have. */
	added: SectionDigest[];
	/** Headings of the old version's sections that the new one does not have. */
	removed: string[];
	/** Sections of both versions whose text differs. */
	changed: SectionDigest[];
}

/** A section of an earlier version, as recorded in a spec's metadata: `<digest> <heading>`. */
export interface RecordedSection {
	heading: string;
	digest: string;
}

/**
 * Compares the sections of a spec with those of an earlier version. Sections are matched by
 * heading as `normalizeHeading` reads it (case, numbering, emphasis and `&`/`and` aside), so
 * renumbering a heading is not a change; a heading that occurs twice is matched in order.
 */
export function compareSections(before: readonly RecordedSection[], after: readonly SectionDigest[]): SectionChanges {
	const { pairs, left } = matchSections(before, after);
	const changes: SectionChanges = { added: [], removed: left.map((section) => section.heading), changed: [] };
	for (const [section, match] of pairs) {
		if (!match) changes.added.push(section);
		else if (match.digest !== section.digest) changes.changed.push(section);
	}
	return changes;
}

/** Two versions of a spec's sections side by side, matched as `compareSections` matches them. */
export interface SectionVersions {
	/** Sections of the new version that the old one did not have, in the new version's order. */
	added: SectionDigest[];
	/** Sections of the old version that the new one does not have, in the old version's order. */
	removed: SectionDigest[];
	/** Sections of both versions whose text differs, in the new version's order. */
	changed: { before: SectionDigest; after: SectionDigest }[];
	/** Sections of the new version whose text is the same as in the old one. */
	unchanged: SectionDigest[];
}

/** Like `compareSections`, when the old version's text is at hand too (as `prd-specs diff` has it from git). */
export function pairSections(before: readonly SectionDigest[], after: readonly SectionDigest[]): SectionVersions {
	const { pairs, left } = matchSections(before, after);
	const versions: SectionVersions = { added: [], removed: left, changed: [], unchanged: [] };
	for (const [section, match] of pairs) {
		if (!match) versions.added.push(section);
		else if (match.digest !== section.digest) versions.changed.push({ before: match, after: section });
		else versions.unchanged.push(section);
	}
	return versions;
}

/**
 * Each section of `after` with the section of `before` it matches (by normalized heading, in
 * order), and the sections of `before` left unmatched, in their order.
 */
function matchSections<B extends RecordedSection>(
	before: readonly B[],
	after: readonly SectionDigest[],
): { pairs: [SectionDigest, B | undefined][]; left: B[] } {
	const old = new Map<string, B[]>();
	for (const section of before) {
		const key = normalizeHeading(section.heading);
		old.set(key, [...(old.get(key) ?? []), section]);
	}
	const matched = new Set<B>();
	const pairs = after.map((section): [SectionDigest, B | undefined] => {
		const match = old.get(normalizeHeading(section.heading))?.shift();
		if (match) matched.add(match);
		return [section, match];
	});
	return { pairs, left: before.filter((section) => !matched.has(section)) };
}

/**
 * The sections of a spec as lines to record in the next version's metadata: `<digest> <heading>`,
 * each one a line the metadata schema accepts, so that recording never stops a spec from being
 * saved. A heading's runs of white space become one space (a setext heading can span lines), which
 * `normalizeHeading` reads the same. A section whose heading cannot be recorded (longer than
 * `LIMITS.titleChars`, empty, or holding control characters) and those after the first
 * `LIMITS.recordedSections` are left out: the next version shows them as new.
 */
export function recordSections(sections: readonly SectionDigest[]): string[] {
	const lines: string[] = [];
	for (const section of sections) {
		const heading = section.heading.replace(/\s+/g, ' ').trim();
		if (heading === '' || heading.length > LIMITS.titleChars || hasControlCharacters(heading)) continue;
		lines.push(`${section.digest} ${heading}`);
		if (lines.length === LIMITS.recordedSections) break;
	}
	return lines;
}

/** C0 and C1 control characters (white space is flattened before this is asked). */
function hasControlCharacters(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return false;
}

/** A line written by `recordSections`, read back; undefined when it is not one. */
export function readRecordedSection(line: string): RecordedSection | undefined {
	const digest = line.slice(0, SECTION_DIGEST_CHARS);
	if (line[SECTION_DIGEST_CHARS] !== ' ' || !isHex(digest)) return undefined;
	const heading = line.slice(SECTION_DIGEST_CHARS + 1);
	return heading.trim() === '' ? undefined : { heading, digest };
}

function isHex(text: string): boolean {
	if (text.length !== SECTION_DIGEST_CHARS) return false;
	for (const char of text) if (!((char >= '0' && char <= '9') || (char >= 'a' && char <= 'f'))) return false;
	return true;
}

function digestText(text: string): string {
	return createHash('sha256').update(text).digest('hex').slice(0, SECTION_DIGEST_CHARS);
}
