/** The sections of the built-in template, in order. */
export const SECTIONS = [
	'System Architecture Overview',
	'Technology Stack',
	'Database Schema',
	'Security Requirements',
	'Performance Requirements',
	'Infrastructure Requirements',
	'Development Environment',
	'Testing Strategy',
	'Deployment Pipeline',
	'API Design',
	'Technical Risks & Mitigation',
	'Future Considerations',
	'Clarification Requests or Feedback',
];

export interface SpecTextOptions {
	/** Sections to leave out. */
	omit?: string[];
	/** Mermaid source of the architecture diagram. */
	diagram?: string;
	/** Text before the title (a model's preamble or planning block). */
	before?: string;
	/** A word that appears only in this spec, to find it later. */
	marker?: string;
}

export const VALID_DIAGRAM = 'graph TB\n    UI["Web app"] --> API["API gateway"]\n    API --> DB[("PostgreSQL")]';
export const INVALID_DIAGRAM = 'graph TB\n    UI["Web app" --> API[API gateway\n    API -->';

/** A spec as a model would write it from the template. */
export function specText(appName: string, options: SpecTextOptions = {}): string {
	const sections = SECTIONS.filter((section) => !options.omit?.includes(section)).map((section) => {
		if (section === 'System Architecture Overview') {
			return `## ${section}\n\nArchitecture of ${appName}${options.marker ? ` (${options.marker})` : ''}.\n\n\`\`\`mermaid\n${options.diagram ?? VALID_DIAGRAM}\n\`\`\``;
		}
		if (section === 'Clarification Requests or Feedback') return `## ${section}\n\n- Which regions must ${appName} serve?`;
		return `## ${section}\n\nDetails of ${section.toLowerCase()} for ${appName}.`;
	});
	return `${options.before ?? ''}# Technical Specification: ${appName}\n\n${sections.join('\n\n')}\n`;
}

/** The app name a generation request asks a spec for (from the filled prompt). */
export function appNameOf(promptText: string): string {
	return /<app_name>\s*([^\n<]+?)\s*<\/app_name>/.exec(promptText)?.[1] ?? 'unknown';
}
