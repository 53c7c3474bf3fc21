import { LIMITS } from '../limits.ts';
import { findCrowdedParagraph } from '../markdown/crowded-paragraphs.ts';
import { findDeepNesting } from '../markdown/nesting.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import { extractMermaidBlocks } from '../diagrams/mermaid-blocks.ts';
import type { MermaidChecker } from '../diagrams/mermaid-check.ts';
import { summarizeMermaidError } from '../diagrams/mermaid-message.ts';
import { findMissingSections } from '../markdown/sections.ts';
import { findIdTokens, type Requirement } from '../prds/requirements.ts';

export interface SpecCheckInput {
	/** The cleaned spec (see `cleanSpecOutput`). */
	body: string;
	/** Problems found while cleaning. */
	cleaningProblems: string[];
	truncated: boolean;
	/** Sections the template requires. */
	sections: readonly string[];
	/** The PRD's requirement ids: the spec must cite each of them, and no other id of their prefixes. */
	requirements?: readonly Requirement[] | undefined;
}

/**
 * Everything wrong with a generated spec, each said so that the model (in a repair round) and
 * a person (in the log) can act on it. Empty when the spec can be published.
 */
export async function findSpecProblems(input: SpecCheckInput, mermaid: MermaidChecker): Promise<string[]> {
	const problems = [...input.cleaningProblems];
	if (input.truncated) {
		problems.push(
			'The answer was cut off because it reached the output token limit: the specification is incomplete. Write it completely, more concisely.',
		);
	}
	// What a build would refuse in a cached spec is a problem here, so that a repair round fixes it.
	const title = splitLeadingH1(input.body).heading;
	if (title !== undefined && title.length > LIMITS.titleChars) {
		problems.push(
			`The \`# \` title line is ${title.length.toLocaleString('en-US')} characters long; keep it under ${LIMITS.titleChars}: \`# Technical Specification: <app name>\`.`,
		);
	}
	const deep = findDeepNesting(input.body, LIMITS.nestingDepth);
	if (deep) problems.push(`Line ${deep.line} opens ${deep.depth} nested quotes or lists; at most ${LIMITS.nestingDepth} are allowed.`);
	const crowded = findCrowdedParagraph(input.body, LIMITS.colonsPerParagraph);
	if (crowded) {
		problems.push(
			`The paragraph at line ${crowded.line} has more than ${LIMITS.colonsPerParagraph.toLocaleString('en-US')} colons; split it with blank lines.`,
		);
	}
	const missing = findMissingSections(input.body, input.sections);
	for (const section of missing) problems.push(`The section "## ${section}" is missing.`);
	problems.push(...findRequirementProblems(input.body, input.requirements ?? []));
	for (const block of extractMermaidBlocks(input.body)) {
		const error = await mermaid.check(block.source);
		if (error) {
			const where = block.section ? ` (in "## ${block.section}")` : '';
			problems.push(`Mermaid diagram ${block.index}${where} does not parse: ${summarizeMermaidError(error)}`);
		}
	}
	return problems;
}

/**
 * Requirement ids the spec never cites (each named with its text, so that a repair round can
 * address it), and ids it cites that the PRD does not have (of the prefixes the PRD uses). A PRD
 * without ids asks nothing of its spec.
 */
export function findRequirementProblems(body: string, requirements: readonly Requirement[]): string[] {
	if (requirements.length === 0) return [];
	const known = new Map<string, Requirement>();
	for (const requirement of requirements) if (!known.has(requirement.id)) known.set(requirement.id, requirement);
	const prefixes = new Set([...known.keys()].map((id) => id.slice(0, id.indexOf('-'))));
	const cited = new Set<string>();
	const unknown = new Map<string, number>();
	for (const token of findIdTokens(body, prefixes)) {
		if (known.has(token.id)) cited.add(token.id);
		else if (!unknown.has(token.id)) unknown.set(token.id, token.line);
	}
	const problems: string[] = [];
	for (const requirement of known.values()) {
		if (cited.has(requirement.id)) continue;
		const text = requirement.text ? `: "${requirement.text}"` : '';
		problems.push(
			`Requirement ${requirement.id} of the PRD is never cited${text}. Address it where the specification covers it, and cite ${requirement.id} there.`,
		);
	}
	for (const [id, line] of unknown) {
		problems.push(
			`Line ${line} cites ${id}, which is not a requirement id of the PRD; cite only the PRD's ids (${[...known.keys()].join(', ')}), or reword it.`,
		);
	}
	return problems;
}
