import { LIMITS } from '../limits.ts';
import { describeCrowdedParagraph, findCrowdedParagraph } from './crowded-paragraphs.ts';
import { describeDeepNesting, findDeepNesting } from './nesting.ts';

/**
 * What would make the markdown parser take time that grows with the square of the input (quotes
 * and lists nested too deeply on one line, a paragraph crowded with colons), as a problem to
 * report instead of rendering; `undefined` when there is none. `lineOffset` is the number of lines
 * before the text (the frontmatter), so that line numbers are the file's.
 */
export function findSlowMarkdown(markdown: string, lineOffset = 0): { message: string; hint: string } | undefined {
	const deep = findDeepNesting(markdown, LIMITS.nestingDepth);
	if (deep) return describeDeepNesting(deep, LIMITS.nestingDepth, lineOffset);
	const crowded = findCrowdedParagraph(markdown, LIMITS.colonsPerParagraph);
	if (crowded) return describeCrowdedParagraph(crowded, LIMITS.colonsPerParagraph, lineOffset);
	return undefined;
}
