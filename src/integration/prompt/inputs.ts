import type { Requirement } from '../prds/requirements.ts';
import type { Prd } from '../prds/scan.ts';

/** The three placeholders of the "Specification Chain: Technical Specification" prompt. */
export const PLACEHOLDERS = {
	appName: '[APP NAME]',
	prd: '[PRODUCT REQUIREMENTS DOCUMENT OR SUMMARY]',
	constraints: '[ANY SPECIFIC TECHNICAL REQUIREMENTS OR CONSTRAINTS]',
} as const;

/** What fills the template's placeholders for one PRD. */
export interface PromptInputs {
	appName: string;
	prd: string;
	constraints: string;
	/** The instruction to cite the PRD's requirement ids (see `requirementsInstruction`); absent when it has none. */
	requirements?: string;
}

/** What the prompt reads of a PRD; `requirements` absent is none. */
export type PromptSource = Pick<Prd, 'body' | 'frontmatter'> & { requirements?: readonly Pick<Requirement, 'id'>[] };

/** Text used when a PRD states no technical constraints. */
export const NO_CONSTRAINTS = 'None stated.';

/** The placeholder values for a PRD: app name (or title), body and constraints; and the requirements instruction when it has ids. */
export function getPromptInputs(prd: PromptSource): PromptInputs {
	const { appName, title, constraints } = prd.frontmatter;
	let constraintsText: string;
	if (Array.isArray(constraints)) constraintsText = constraints.map((item) => `- ${item}`).join('\n');
	else constraintsText = constraints ?? '';
	const inputs: PromptInputs = {
		appName: appName ?? title,
		prd: prd.body.trim(),
		constraints: constraintsText.trim() || NO_CONSTRAINTS,
	};
	// A PRD without ids gets exactly the prompt (and so the cache key) it had before ids existed.
	if (prd.requirements && prd.requirements.length > 0) inputs.requirements = requirementsInstruction(prd.requirements);
	return inputs;
}

/**
 * The fixed paragraph that asks the model to cite a PRD's requirement ids, listing them once each
 * in the PRD's order. It is the same for every template: it follows the filled template.
 */
export function requirementsInstruction(requirements: readonly Pick<Requirement, 'id'>[]): string {
	const ids = [...new Set(requirements.map((requirement) => requirement.id))];
	return [
		`Requirement ids: the PRD marks its requirements with ids (${ids.join(', ')}).`,
		'In the technical specification, cite each of these ids, exactly as written, where the specification addresses that requirement',
		'(for example "Sessions expire after 30 minutes (NFR-1)."), so that every requirement can be traced to the part of the specification that covers it.',
		'Cite every id at least once, outside code blocks, and cite no id that is not in this list.',
	].join(' ');
}

const PLACEHOLDER_PATTERN = new RegExp(
	Object.values(PLACEHOLDERS)
		.map((placeholder) => placeholder.replace(/[[\]]/g, '\\$&'))
		.join('|'),
	'g',
);

/**
 * The template with its three placeholders replaced, and the requirements instruction (if any) as
 * a last paragraph after it: exactly the prompt sent to the model.
 */
export function fillTemplate(templateText: string, inputs: PromptInputs): string {
	// One pass, so a PRD that quotes a placeholder is not filled a second time; a replacer
	// function keeps `$&`-style sequences in the PRD literal.
	const filled = templateText.replace(PLACEHOLDER_PATTERN, (placeholder) => {
		if (placeholder === PLACEHOLDERS.appName) return inputs.appName;
		if (placeholder === PLACEHOLDERS.prd) return inputs.prd;
		return inputs.constraints;
	});
	return inputs.requirements === undefined ? filled : `${filled.trimEnd()}\n\n${inputs.requirements}\n`;
}

/** Tokens of a text, estimated at four characters a token (English prose and markdown). */
export function estimateTokens(text: string): number {
	return Math.ceil(text.length / 4);
}
