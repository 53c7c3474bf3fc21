import { fileURLToPath } from 'node:url';

import type { MdastPluginEntry } from 'satteri';

import { decideUrl, htmlAsText, isAllowedHtml, type MarkdownPolicy } from './markdown-policy.ts';

/**
 * The Sätteri (Astro 7's default processor) side of our markdown plugin: resolves `prd:` and
 * `spec:` links everywhere, and in untrusted documents turns raw HTML into text and drops
 * links and images with unsafe URLs.
 */
export function createSatteriPlugin(policy: MarkdownPolicy): MdastPluginEntry {
	return ({ fileURL }) => {
		const filePath = fileURL ? fileURLToPath(fileURL) : undefined;
		const untrusted = policy.isUntrusted(filePath);
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
			},
			...(untrusted && {
				html(node, ctx) {
					// Escaped, not removed: readers see what the author or the model wrote.
					return isAllowedHtml(node.value) ? undefined : htmlAsText(node.value, ctx.parent(node)?.type);
				},
				image(node) {
					return decideUrl(node.url, filePath, policy).action === 'unlink' ? { type: 'text', value: node.alt ?? '' } : undefined;
				},
			}),
		};
	};
}
