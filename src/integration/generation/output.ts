import { normalizeNewlines } from '../prds/frontmatter.ts';

export interface CleanedOutput {
	/** The spec: from its `# ` title to the end, planning removed. */
	body: string;
	/** What is wrong with the output as a whole (no title, planning left open). */
	problems: string[];
}

const PLANNING_BLOCK = /<technical_planning\b[^>]*>[\s\S]*?<\/technical_planning\s*>/gi;
const PLANNING_OPEN = /<technical_planning\b[^>]*>/i;

/**
 * Turns a model's answer into the spec it publishes: the private `<technical_planning>` block
 * and anything before the spec's `# ` title go, and a whole-answer ```markdown fence is unwrapped.
 */
export function cleanSpecOutput(text: string): CleanedOutput {
	const problems: string[] = [];
	let output = normalizeNewlines(text).replace(PLANNING_BLOCK, '');
	const unclosed = PLANNING_OPEN.exec(output);
	if (unclosed) {
		// An unclosed planning block runs to the spec's title, if there is one after it.
		const rest = output.slice(unclosed.index);
		const title = findTitleLine(rest);
		if (title === -1) problems.push('The `<technical_planning>` block is never closed and no specification follows it.');
		output = output.slice(0, unclosed.index) + (title === -1 ? '' : rest.slice(title));
	}
	output = unwrapFence(output.trim());
	const title = findTitleLine(output);
	if (title === -1) {
		problems.push('The answer has no `# Technical Specification: <app name>` title line, so no specification was found.');
		return { body: output.trim(), problems };
	}
	return { body: output.slice(title).trim(), problems };
}

/** Offset of the first `# ` heading line outside code fences, or -1. */
function findTitleLine(text: string): number {
	let offset = 0;
	let fence: string | undefined;
	for (const line of text.split('\n')) {
		const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
		if (marker) {
			if (fence === undefined) fence = marker;
			else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
		} else if (fence === undefined && /^#\s+\S/.test(line)) {
			return offset;
		}
		offset += line.length + 1;
	}
	return -1;
}

/** `\`\`\`markdown\n...\n\`\`\`` around the whole answer -> its content. */
function unwrapFence(text: string): string {
	const match = /^(`{3,}|~{3,})[ \t]*(?:markdown|md)?[ \t]*\n([\s\S]*)\n\1[ \t]*$/i.exec(text);
	return match ? match[2]! : text;
}
