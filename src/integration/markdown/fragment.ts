import type { Definition, Nodes } from 'mdast';
import { directiveToMarkdown } from 'mdast-util-directive';
import { gfmToMarkdown } from 'mdast-util-gfm';
import { toMarkdown } from 'mdast-util-to-markdown';

import { neutralizeRawTextBlocks } from './html-blocks.ts';
import { parseMarkdown, walk } from './parse.ts';

/**
 * A piece of one document (a section of a spec) made safe to place on a page among pieces of
 * other documents, such as the open-questions page. The piece is parsed on its own and written
 * out again, so:
 *
 * - every code fence, list, quote and directive it opens is closed within it (a section that
 *   ended inside an unclosed ``` or `:::` would otherwise swallow every later piece);
 * - its reference links and images point at their URLs and its definitions are dropped, so one
 *   piece's `[docs]: https://...` cannot replace another's;
 * - its footnote labels carry `prefix`, so they cannot meet another piece's;
 * - its headings sit below the page's own (`###` at least);
 * - raw HTML becomes text (the page shows untrusted HTML as text anyway).
 */
export function isolateFragment(markdown: string, prefix: string): string {
	const tree = parseMarkdown(neutralizeRawTextBlocks(markdown));
	const definitions = new Map<string, Definition>();
	for (const node of walk(tree))
		if (node.type === 'definition' && !definitions.has(node.identifier)) definitions.set(node.identifier, node);

	for (const node of walk(tree)) {
		if (node.type === 'heading' && node.depth < 3) node.depth = 3;
		if (node.type === 'footnoteReference' || node.type === 'footnoteDefinition') {
			node.identifier = `${prefix}-${node.identifier}`;
			node.label = `${prefix}-${node.label ?? node.identifier}`;
		}
		if ('children' in node) node.children = node.children.flatMap((child) => replacement(child, definitions)) as never[];
	}
	return toMarkdown(tree, { extensions: [gfmToMarkdown(), directiveToMarkdown()], fences: true, bullet: '-', rule: '-' }).trim();
}

function replacement(node: Nodes, definitions: ReadonlyMap<string, Definition>): Nodes[] {
	switch (node.type) {
		case 'definition':
			return [];
		case 'linkReference': {
			const definition = definitions.get(node.identifier);
			return definition ? [{ type: 'link', url: definition.url, title: definition.title ?? null, children: node.children }] : node.children;
		}
		case 'imageReference': {
			const definition = definitions.get(node.identifier);
			return definition
				? [{ type: 'image', url: definition.url, title: definition.title ?? null, alt: node.alt ?? null }]
				: [{ type: 'text', value: node.alt ?? '' }];
		}
		case 'html':
			return [{ type: 'text', value: node.value }];
		default:
			return [node];
	}
}
