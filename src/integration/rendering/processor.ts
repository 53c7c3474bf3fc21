import type { AstroConfig, AstroIntegrationLogger, HookParameters } from 'astro';

import { throwPluginError } from '../error.ts';
import type { MarkdownPolicy } from './markdown-policy.ts';

/**
 * Adds our markdown plugin to the site's processor, first in line so that raw HTML from PRDs and
 * specs is escaped before any other plugin (Starlight's, astro-mermaid's) adds trusted markup.
 * Astro 7 runs Sätteri by default; a site that switched to `unified()` gets the remark version.
 * (Same approach as starlight-blog's `applyMarkdownPlugin` and astro-mermaid.)
 */
export async function applyMarkdownPlugin(
	config: AstroConfig,
	updateConfig: HookParameters<'astro:config:setup'>['updateConfig'],
	policy: MarkdownPolicy,
	logger: AstroIntegrationLogger,
): Promise<void> {
	const processor = config.markdown.processor;
	if (processor?.name === 'satteri') {
		const [{ satteri, isSatteriProcessor }, { createSatteriPlugin }] = await Promise.all([
			import('@astrojs/markdown-satteri'),
			import('./satteri.ts'),
		]);
		if (isSatteriProcessor(processor)) {
			const options = processor.options;
			updateConfig({
				markdown: { processor: satteri({ ...options, mdastPlugins: [createSatteriPlugin(policy), ...options.mdastPlugins] }) },
			});
			return;
		}
	}
	if (processor?.name === 'unified') {
		const [{ unified, isUnifiedProcessor }, { createRemarkPlugin }] = await Promise.all([
			import('@astrojs/markdown-remark'),
			import('./remark.ts'),
		]);
		if (isUnifiedProcessor(processor)) {
			const options = processor.options;
			updateConfig({
				markdown: { processor: unified({ ...options, remarkPlugins: [createRemarkPlugin(policy), ...options.remarkPlugins] }) },
			});
			return;
		}
	}
	logger.error(`Unknown markdown processor "${processor?.name ?? 'none'}".`);
	throwPluginError(
		`The markdown processor "${processor?.name ?? 'none'}" is not supported: PRD and spec pages could not be rendered safely.`,
		'Use Astro’s default Sätteri processor or `unified()` from `@astrojs/markdown-remark` in `markdown.processor`.',
	);
}
