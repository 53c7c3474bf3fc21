/**
 * The follow-up message of a repair round: the exact problems, and what to send back. With the
 * PRD's requirement ids, it also asks that the corrected spec keep citing every one of them (a
 * rewrite that fixes a diagram must not lose them).
 */
export function buildRepairMessage(problems: readonly string[], requirementIds: readonly string[] = []): string {
	const ids = [...new Set(requirementIds)];
	return [
		'The technical specification you wrote has problems that must be fixed before it can be published:',
		'',
		...problems.map((problem) => `- ${problem}`),
		'',
		'Reply with the complete corrected Technical Specification, in the same Markdown structure with every section of the template, starting with its `# Technical Specification:` title line.',
		'Mermaid diagrams must be valid Mermaid syntax (quote labels that contain punctuation). Do not include a `<technical_planning>` block or any text before the title.',
		...(ids.length > 0
			? [`Cite every requirement id of the PRD (${ids.join(', ')}) where the specification addresses it, and no other id.`]
			: []),
	].join('\n');
}
