import { getHeadings } from './template.ts';

/** Template sections (H2 headings) that a spec lacks, compared case- and space-insensitively. */
export function findMissingSections(specBody: string, sections: readonly string[]): string[] {
	const present = new Set(getHeadings(specBody, 2).map(normalizeHeading));
	return sections.filter((section) => !present.has(normalizeHeading(section)));
}

function normalizeHeading(text: string): string {
	return text.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}
