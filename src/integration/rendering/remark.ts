import type { Root, Nodes } from 'mdast';
import { visit, SKIP } from 'unist-util-visit';
import type { VFile } from 'vfile';

import { decideUrl, htmlAsText, isAllowedHtml, type MarkdownPolicy } from './markdown-policy.ts';

/** The remark (`unified()` processor) side of our markdown plugin; see `createSatteriPlugin`. */
export function createRemarkPlugin(policy: MarkdownPolicy) {
	return function remarkPrdSpecs() {
		return (tree: Root, file: VFile) => {
			const filePath = file.path || undefined;
			const untrusted = policy.isUntrusted(filePath);
			visit(tree, (node: Nodes, index, parent) => {
				if (node.type === 'link' || node.type === 'definition' || (untrusted && node.type === 'image')) {
					const decision = decideUrl(node.url, filePath, policy);
					if (decision.action === 'replace') node.url = decision.url;
					if (decision.action === 'unlink') {
						if (node.type === 'definition') node.url = '#';
						else if (parent && index !== undefined) {
							const text = node.type === 'image' ? (node.alt ?? '') : toText(node);
							parent.children.splice(index, 1, { type: 'text', value: text });
							return SKIP;
						}
					}
				}
				if (untrusted && node.type === 'html' && !isAllowedHtml(node.value) && parent && index !== undefined) {
					parent.children.splice(index, 1, htmlAsText(node.value, parent.type) as never);
					return SKIP;
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
