import { fileURLToPath } from 'node:url';

import type { MdastPluginEntry } from 'satteri';

import {
	decideCode,
	decideDirectiveAttributes,
	decideImage,
	decideUrl,
	htmlAsText,
	refusedDiagramNodes,
	type MarkdownPolicy,
} from './markdown-policy.ts';

/**
 * The Sätteri (Astro 7's default processor) side of our markdown plugin: resolves `prd:` and
 * `spec:` links everywhere, and in untrusted documents turns raw HTML into text, drops links and
 * images with unsafe URLs, keeps images to this site, pins diagrams and bounds code options.
 */
export function createSatteriPlugin(policy: MarkdownPolicy): MdastPluginEntry {
	return ({ fileURL }) => {
		const filePath = fileURL ? fileURLToPath(fileURL) : undefined;
		const untrusted = policy.isUntrusted(filePath);
		let diagrams = 0;
		// `![alt][label]`: the definition may come after the reference, so they are settled at the end.
		const imageReferences: { identifier: string; alt?: string | null | undefined }[] = [];
		const definitions = new Map<string, string>();
		return {
			name: 'astro-prd-specs',
			link(node, ctx) {
				const decision = decideUrl(node.url, filePath, policy);
				if (decision.action === 'replace') ctx.setProperty(node, 'url', decision.url);
				if (decision.action === 'unlink') return { type: 'text', value: ctx.textContent(node) };
				return undefined;
			},
			definition(node, ctx) {
				const decision = decideUrl(node.url, filePath, policy);
				if (decision.action === 'replace') ctx.setProperty(node, 'url', decision.url);
				if (decision.action === 'unlink') ctx.setProperty(node, 'url', '#');
				definitions.set(node.identifier, decision.action === 'replace' ? decision.url : decision.action === 'unlink' ? '#' : node.url);
			},
			...(untrusted && {
				html(node, ctx) {
					// Escaped, not removed: readers see what the author or the model wrote.
					return htmlAsText(node.value, ctx.parent(node)?.type);
				},
				image(node) {
					const decision = decideImage(node.url, filePath, policy);
					if (decision.action === 'text') return { type: 'text', value: node.alt || node.url };
					if (decision.action === 'link')
						return { type: 'link', url: node.url, title: null, children: [{ type: 'text', value: node.alt || node.url }] };
					return undefined;
				},
				imageReference(node) {
					imageReferences.push(node);
				},
				code(node, ctx) {
					const decision = decideCode(node, filePath, policy, () => ++diagrams);
					if (decision.action === 'refuse') ctx.replaceNode(node, refusedDiagramNodes(decision.notice, decision.value));
					if (decision.action === 'update') {
						if (decision.value !== undefined) ctx.setProperty(node, 'value', decision.value);
						if (decision.lang !== undefined) ctx.setProperty(node, 'lang', decision.lang);
						if (decision.meta !== undefined) ctx.setProperty(node, 'meta', decision.meta);
					}
				},
				containerDirective(node) {
					const attributes = decideDirectiveAttributes(node.name, node.attributes, filePath, policy);
					// Sätteri cannot set a directive's attributes: the directive is replaced (and later
					// plugins, Starlight's asides among them, see the replacement).
					if (attributes) return { ...node, attributes, children: [...node.children] };
					return undefined;
				},
				after(_root, ctx) {
					for (const node of imageReferences) {
						const url = definitions.get(node.identifier) ?? '';
						const decision = decideImage(url, filePath, policy);
						if (decision.action === 'keep') continue;
						const text = { type: 'text' as const, value: node.alt || url };
						ctx.replaceNode(node as never, decision.action === 'link' ? { type: 'link', url, title: null, children: [text] } : text);
					}
				},
			}),
		};
	};
}
