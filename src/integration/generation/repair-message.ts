/** The follow-up message of a repair round: the exact problems, and what to send back. */
export function buildRepairMessage(problems: readonly string[]): string {
	return [
		'The technical specification you wrote has problems that must be fixed before it can be published:',
		'',
		...problems.map((problem) => `- ${problem}`),
		'',
		'Reply with the complete corrected Technical Specification, in the same Markdown structure with every section of the template, starting with its `# Technical Specification:` title line.',
		'Mermaid diagrams must be valid Mermaid syntax (quote labels that contain punctuation). Do not include a `<technical_planning>` block or any text before the title.',
	].join('\n');
}
