import type { Definition, Nodes, Parents, Root } from 'mdast';
import { visit, SKIP } from 'unist-util-visit';
import type { VFile } from 'vfile';

import {
	decideCode,
	decideDirectiveAttributes,
	decideImage,
	decideUrl,
	htmlAsText,
	refusedDiagramNodes,
	type MarkdownPolicy,
} from './markdown-policy.ts';

/** The remark (`unified()` processor) side of our markdown plugin; see `createSatteriPlugin`. */
export function createRemarkPlugin(policy: MarkdownPolicy) {
	return function remarkPrdSpecs() {
		return (tree: Root, file: VFile) => {
			const filePath = file.path || undefined;
			const untrusted = policy.isUntrusted(filePath);
			const definitions = new Map<string, string>();
			let diagrams = 0;
			// Definitions first: an image reference may come before the definition it uses.
			visit(tree, 'definition', (node: Definition) => {
				const decision = decideUrl(node.url, filePath, policy);
				if (decision.action === 'replace') node.url = decision.url;
				if (decision.action === 'unlink') node.url = '#';
				definitions.set(node.identifier, node.url);
			});
			visit(tree, (node: Nodes, index, parent: Parents | undefined) => {
				const replace = (...nodes: Nodes[]) => {
					parent!.children.splice(index!, 1, ...(nodes as never[]));
					return [SKIP, index! + nodes.length] as [typeof SKIP, number];
				};
				if (node.type === 'link') {
					const decision = decideUrl(node.url, filePath, policy);
					if (decision.action === 'replace') node.url = decision.url;
					if (decision.action === 'unlink' && parent && index !== undefined) return replace({ type: 'text', value: toText(node) });
				}
				if (!untrusted || !parent || index === undefined) return undefined;
				if (node.type === 'html') return replace(htmlAsText(node.value, parent.type));
				if (node.type === 'image' || node.type === 'imageReference') {
					const url = node.type === 'image' ? node.url : (definitions.get(node.identifier) ?? '');
					const decision = decideImage(url, filePath, policy);
					const text = { type: 'text' as const, value: node.alt || url };
					if (decision.action === 'text') return replace(text);
					if (decision.action === 'link') return replace({ type: 'link', url, title: null, children: [text] });
				}
				if (node.type === 'code') {
					const decision = decideCode(node, filePath, policy, () => ++diagrams);
					if (decision.action === 'refuse') return replace(...(refusedDiagramNodes(decision.notice, decision.value) as Nodes[]));
					if (decision.action === 'update') Object.assign(node, decision);
				}
				if (node.type === 'containerDirective') {
					const attributes = decideDirectiveAttributes(node.name, node.attributes, filePath, policy);
					if (attributes) node.attributes = attributes;
				}
				return undefined;
			});
		};
	};
}

function toText(node: Nodes): string {
	if ('value' in node && typeof node.value === 'string') return node.value;
	if ('children' in node) return (node.children as Nodes[]).map(toText).join('');
	return '';
}
