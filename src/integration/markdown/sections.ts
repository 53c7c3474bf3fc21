import { stripClosingHashes } from './title.ts';

/** Template sections (H2 headings) that a spec lacks, compared case- and space-insensitively. */
export function findMissingSections(specBody: string, sections: readonly string[]): string[] {
	// Fast path for the usual case (every heading written as in the template): one regular
	// expression pass, where the exact comparison below splits every spec into lines.
	const quick = new Set(Array.from(specBody.matchAll(/^## (.+)$/gm), (match) => match[1]!.trim()));
	if (sections.every((section) => quick.has(section))) return [];
	const present = new Set(getHeadings(specBody, 2).map(normalizeHeading));
	return sections.filter((section) => !present.has(normalizeHeading(section)));
}

function normalizeHeading(text: string): string {
	return text.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** The markdown under a `## heading` (case-insensitive), up to the next `## `, outside code fences. */
export function getSection(markdown: string, heading: string): string | undefined {
	const lines = markdown.split('\n');
	const wanted = normalizeHeading(heading);
	let fence: string | undefined;
	let start = -1;
	for (let index = 0; index < lines.length; index++) {
		const line = lines[index]!;
		const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker) {
			if (fence === undefined) fence = marker;
			else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
			continue;
		}
		if (fence !== undefined || !line.startsWith('## ')) continue;
		if (start !== -1) return lines.slice(start, index).join('\n').trim();
		if (normalizeHeading(line.slice(3)) === wanted) start = index + 1;
	}
	return start === -1 ? undefined : lines.slice(start).join('\n').trim();
}

/** Text of the ATX headings of one level, skipping fenced code blocks. */
export function getHeadings(markdown: string, level: number): string[] {
	const headings: string[] = [];
	const prefix = `${'#'.repeat(level)} `;
	let fence: string | undefined;
	for (const line of markdown.split('\n')) {
		const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
		if (fenceMatch) {
			const marker = fenceMatch[1]!;
			if (fence === undefined) fence = marker;
			else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
			continue;
		}
		if (fence === undefined && line.startsWith(prefix)) {
			headings.push(stripClosingHashes(line.slice(prefix.length)).trim());
		}
	}
	return headings;
}
