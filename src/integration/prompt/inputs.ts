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
}

/** Text used when a PRD states no technical constraints. */
export const NO_CONSTRAINTS = 'None stated.';

/** The placeholder values for a PRD: app name (or title), body and constraints. */
export function getPromptInputs(prd: Pick<Prd, 'body' | 'frontmatter'>): PromptInputs {
	const { appName, title, constraints } = prd.frontmatter;
	let constraintsText: string;
	if (Array.isArray(constraints)) constraintsText = constraints.map((item) => `- ${item}`).join('\n');
	else constraintsText = constraints ?? '';
	return {
		appName: appName ?? title,
		prd: prd.body.trim(),
		constraints: constraintsText.trim() || NO_CONSTRAINTS,
	};
}

const PLACEHOLDER_PATTERN = new RegExp(
	Object.values(PLACEHOLDERS)
		.map((placeholder) => placeholder.replace(/[[\]]/g, '\\$&'))
		.join('|'),
	'g',
);

/** The template with its three placeholders replaced: exactly the prompt sent to the model. */
export function fillTemplate(templateText: string, inputs: PromptInputs): string {
	// One pass, so a PRD that quotes a placeholder is not filled a second time; a replacer
	// function keeps `$&`-style sequences in the PRD literal.
	return templateText.replace(PLACEHOLDER_PATTERN, (placeholder) => {
		if (placeholder === PLACEHOLDERS.appName) return inputs.appName;
		if (placeholder === PLACEHOLDERS.prd) return inputs.prd;
		return inputs.constraints;
	});
}

/** Tokens of a text, estimated at four characters a token (English prose and markdown). */
export function estimateTokens(text: string): number {
	return Math.ceil(text.length / 4);
}
