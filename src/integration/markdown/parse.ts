import type { Nodes, Root } from 'mdast';
import { markdownToMdast } from 'satteri';

/**
 * Parses markdown into mdast with Sätteri, the parser of Astro 7's default markdown processor (in
 * Rust: a 15 KB spec takes about 0.3 ms, some fifty times less than `mdast-util-from-markdown`),
 * with the syntax Starlight pages use: GFM and directives.
 *
 * `directives: false` reads `:::` and `:name[...]` as text. Sätteri's time grows with the square
 * of the number of text directives in a paragraph (50 KB of `:a[` takes two seconds, 1 MB minutes), so text that
 * may be large and hostile is parsed without them when its directives do not matter.
 */
export function parseMarkdown(
	markdown: string,
	{ positions = false, directives = true }: { positions?: boolean; directives?: boolean } = {},
): Root {
	return markdownToMdast(markdown, { features: { gfm: true, directive: directives, frontmatter: false }, position: positions }) as Root;
}

/** Every node of a tree, parents before children, without recursion (depth is the document's). */
export function* walk(tree: Nodes): Generator<Nodes> {
	const stack: Nodes[] = [tree];
	while (stack.length > 0) {
		const node = stack.pop()!;
		yield node;
		if ('children' in node) for (let index = node.children.length - 1; index >= 0; index--) stack.push(node.children[index]!);
	}
}
