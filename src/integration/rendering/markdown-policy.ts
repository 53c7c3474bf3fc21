import type { Problem } from '../problems.ts';
import { isSafeUrl, resolveSpecLink } from './links.ts';

/**
 * What our markdown plugins do to one document, whatever the processor. Built by the plugin
 * from the shared state, so that it always sees the current PRD ids and untrusted files.
 */
export interface MarkdownPolicy {
	/** PRD and spec pages come from authors' pull requests and from a model: their HTML is escaped and unsafe links dropped. */
	isUntrusted(filePath: string | undefined): boolean;
	knownIds(): ReadonlySet<string>;
	base: string;
	/** Records a `prd:`/`spec:` link to an id that does not exist. */
	reportProblem(problem: Problem): void;
	/** Path of a file relative to the project root, for messages. */
	relativePath(filePath: string | undefined): string;
}

/** Markup that astro-mermaid emits for a diagram: inert text that mermaid renders at strict security level. */
const MERMAID_BLOCK = /^<pre class="mermaid">[^<>]*<\/pre>$/;

/** Whether a raw HTML node may stay as HTML in an untrusted document. */
export function isAllowedHtml(value: string): boolean {
	return MERMAID_BLOCK.test(value);
}

export type UrlDecision = { action: 'keep' } | { action: 'replace'; url: string } | { action: 'unlink' };

/** What to do with a link or image URL in a document. */
export function decideUrl(url: string, filePath: string | undefined, policy: MarkdownPolicy): UrlDecision {
	const link = resolveSpecLink(url, policy.knownIds(), policy.base);
	if (link.kind === 'resolved') return { action: 'replace', url: link.href };
	if (link.kind === 'unknown') {
		const kind = link.scheme === 'prd' ? 'PRD' : 'spec';
		policy.reportProblem({
			file: policy.relativePath(filePath),
			field: `link ${url}`,
			message: `points at the ${kind} "${link.id}", which does not exist.`,
			hint: `Use the id of a PRD (its file name without \`.md\`): \`${link.scheme}:<id>\`.`,
		});
		return { action: 'keep' };
	}
	if (policy.isUntrusted(filePath) && !isSafeUrl(url)) return { action: 'unlink' };
	return { action: 'keep' };
}

const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition', 'containerDirective']);

/** The node that shows raw HTML as text: a paragraph where a block stood, text inside a paragraph. */
export function htmlAsText(value: string, parentType: string | undefined) {
	const text = { type: 'text' as const, value };
	return parentType !== undefined && BLOCK_PARENTS.has(parentType) ? { type: 'paragraph' as const, children: [text] } : text;
}
