import { fileURLToPath } from 'node:url';

import type { AstroIntegration } from 'astro';
import type { StarlightPlugin, StarlightUserConfig } from '@astrojs/starlight/types';
import mermaid from 'astro-mermaid';

import { resolveReviewRequired, resolveStrict, validateConfig, type PrdSpecsUserConfig } from './config.ts';
import { prepareSpecs } from './pipeline.ts';
import { findSitePolicies } from './rendering/content-security-policy.ts';
import { planSearchIndexes } from './rendering/search-indexes.ts';
import { buildSidebarGroup } from './rendering/sidebar.ts';
import { TABLE_SCRIPT_PATH } from './rendering/table-script.ts';
import { createAgentFilesIntegration } from './agent-files-integration.ts';
import { createMarkdownIntegration } from './markdown-integration.ts';
import { createSearchIndexIntegration } from './search-index-integration.ts';
import { reportProjectState } from './report-state.ts';
import { createBuildState, setBuildState } from './build-state.ts';
import { registerConfig } from './config-registry.ts';

export type { PrdSpecsConfig, PrdSpecsUserConfig } from './config.ts';
export { prdSpecsLoader } from './loader.ts';

type SidebarItem = NonNullable<StarlightUserConfig['sidebar']>[number];

/**
 * astro-mermaid, when we add it, logs its set-up and one line per diagram rendered (2,666 lines for
 * 1,000 PRDs) at info level, whatever `enableLog` says (that option is about the browser console).
 * The site did not ask for it: its info lines go to debug (`astro build --verbose`), its warnings
 * and errors stay.
 */
function withoutInfoLogs(integration: AstroIntegration): AstroIntegration {
	const setup = integration.hooks['astro:config:setup'];
	if (!setup) return integration;
	return {
		...integration,
		hooks: {
			...integration.hooks,
			'astro:config:setup': (options) => {
				const { logger } = options;
				const quiet = Object.assign(Object.create(logger) as typeof logger, { info: (message: string) => logger.debug(message) });
				return setup({ ...options, logger: quiet });
			},
		},
	};
}

/**
 * Mermaid's core chunk (about 660 KB minified) is over Vite's 500 KB warning, on every build, and
 * nothing a user can do changes it: it loads only on pages with a diagram. The limit is raised
 * above it, unless the site sets one itself.
 */
const MERMAID_CHUNK_LIMIT_KB = 1500;
const mermaidChunkLimit: AstroIntegration = {
	name: 'astro-prd-specs/mermaid-chunk-limit',
	hooks: {
		'astro:config:setup': ({ config, updateConfig }) => {
			if (config.vite.build?.chunkSizeWarningLimit === undefined) {
				updateConfig({ vite: { build: { chunkSizeWarningLimit: MERMAID_CHUNK_LIMIT_KB } } });
			}
		},
	},
};

/** Serves the script that filters and sorts the PRD tables (see `getTableScriptHead`) as a file of the site. */
const tableScriptRoute: AstroIntegration = {
	name: 'astro-prd-specs/table-script',
	hooks: {
		'astro:config:setup': ({ injectRoute }) => {
			// A URL, not the package's name: Astro reads an injected route's file from the project otherwise.
			injectRoute({ pattern: `/${TABLE_SCRIPT_PATH}`, entrypoint: new URL('./table-script-route.js', import.meta.url), prerender: true });
		},
	},
};

/**
 * Diagrams come from PRDs and model output. Mermaid's `strict` security level disables click
 * handlers and strips scripts from labels; its sanitiser would still let a label load an image
 * or restyle the page, so labels also lose every tag and attribute that loads or styles
 * anything.
 */
export const MERMAID_CONFIG = {
	securityLevel: 'strict',
	// Keys that no `%%{init}%%` directive or frontmatter `config:` may change (mermaid removes
	// them from a diagram's own configuration). Pages strip both before rendering anyway; this
	// holds where a diagram reaches mermaid some other way. Styling keys are here because their
	// values end up in CSS (`themeCSS`, fonts, theme variables).
	secure: [
		'secure',
		'securityLevel',
		'startOnLoad',
		'maxTextSize',
		'maxEdges',
		'suppressErrorRendering',
		'dompurifyConfig',
		'theme',
		'themeVariables',
		'themeCSS',
		'fontFamily',
		'altFontFamily',
		'darkMode',
		'look',
		'htmlLabels',
		'deterministicIds',
		'deterministicIDSeed',
	],
	dompurifyConfig: {
		FORBID_TAGS: [
			'style',
			'img',
			'image',
			'picture',
			'source',
			'video',
			'audio',
			'track',
			'iframe',
			'frame',
			'object',
			'embed',
			'link',
			'meta',
			'base',
			'form',
			'input',
			'button',
			'a',
			'svg',
			'math',
			'foreignObject',
		],
		// `id` and `name` would let a label define a `window` global (DOM clobbering).
		FORBID_ATTR: ['style', 'src', 'srcset', 'href', 'xlink:href', 'action', 'formaction', 'background', 'poster', 'id', 'name'],
	},
};

/** Starlight's `title`, one text or one per locale: the default locale's (or the first). */
function titleOf(title: string | Record<string, string> | undefined, defaultLocale: string | undefined): string | undefined {
	if (typeof title === 'string' || title === undefined) return title;
	return (defaultLocale && title[defaultLocale]) || Object.values(title)[0];
}

/**
 * Starlight plugin that publishes the PRDs of `prds/` and their technical specifications.
 * Pair it with `prdSpecsLoader()` in `src/content.config.ts`.
 */
export default function prdSpecs(userConfig?: PrdSpecsUserConfig): StarlightPlugin {
	const config = validateConfig(userConfig);
	registerConfig(config);
	return {
		name: 'astro-prd-specs',
		hooks: {
			'config:setup': async ({
				astroConfig,
				command,
				config: starlightConfig,
				logger,
				updateConfig,
				addIntegration,
				addRouteMiddleware,
			}) => {
				if (command === 'preview') return;
				const root = fileURLToPath(astroConfig.root);
				const strict = resolveStrict(config);
				// Specs are generated here, before content sync, so the loader and the sidebar see them.
				const mayGenerate = command === 'build' || (command === 'dev' && config.generation.inDev);
				const { report } = await prepareSpecs({ root, config, logger, mayGenerate });

				// Bad input and, in strict mode, stale or missing specs (and unreviewed ones when reviews are required) stop here; the rest is logged.
				reportProjectState(report, { specsDir: config.specsDir, strict, reviewRequired: resolveReviewRequired(config), logger });

				setBuildState(
					root,
					createBuildState(config, {
						report,
						editLinkBaseUrl: starlightConfig.editLink?.baseUrl,
						sitePolicies: findSitePolicies(starlightConfig.head),
						htmlInStore: starlightConfig.prerender === false,
						siteTitle: titleOf(starlightConfig.title, starlightConfig.defaultLocale),
						siteDescription: starlightConfig.description,
					}),
				);
				// Before the markdown integration: its link check, at the end of the build, covers these files.
				if (config.markdownCopies || config.llmsTxt)
					addIntegration(createAgentFilesIntegration(root, config.sidebar === false ? 'PRDs' : config.sidebar.label));
				// Added before astro-mermaid, so that our markdown plugin is set up first.
				addIntegration(createMarkdownIntegration(root));
				addIntegration(tableScriptRoute);
				// A large site's PRD and spec pages are searched in indexes of their own, merged by the search box.
				const searchIndexes = starlightConfig.pagefind === false ? [] : planSearchIndexes(report, config.search.prdsPerIndex);
				if (searchIndexes.length > 0) {
					const pagefind = typeof starlightConfig.pagefind === 'object' ? starlightConfig.pagefind : {};
					const base = astroConfig.base.replace(/\/$/, '');
					const ours = searchIndexes.map((part) => ({ bundlePath: `${base}/${part.path}`, baseUrl: `${base}/` }));
					updateConfig({ pagefind: { ...pagefind, mergeIndex: [...(pagefind.mergeIndex ?? []), ...ours] } });
					addIntegration(createSearchIndexIntegration(searchIndexes, config.search.prdsPerIndex));
				}

				if (config.sidebar !== false) {
					// Our nodes are Starlight sidebar items (slug links and groups), in a narrower type.
					const group = buildSidebarGroup(report, config.sidebar, config.overview, config.openQuestions) as SidebarItem;
					const existing = starlightConfig.sidebar ?? [];
					updateConfig({ sidebar: config.sidebar.position === 'start' ? [group, ...existing] : [...existing, group] });
				}
				// Renders our pages from the HTML kept outside the content store. Also keeps the sidebar
				// group current while `astro dev` runs (PRDs added or removed, specs turning stale); in a
				// build, shapes it per page when it is compact (the config's group holds no PRD), and sets
				// prev/next when the sidebar's order is not the PRDs' (see the middleware).
				addRouteMiddleware({ entrypoint: 'astro-prd-specs/route-middleware' });
				if (starlightConfig.expressiveCode !== false) {
					// The spec template (so every generated spec) has an ```env block: shiki knows it as `dotenv`.
					const expressiveCode =
						starlightConfig.expressiveCode === true || starlightConfig.expressiveCode === undefined ? {} : starlightConfig.expressiveCode;
					const shiki = typeof expressiveCode.shiki === 'object' ? expressiveCode.shiki : {};
					updateConfig({ expressiveCode: { ...expressiveCode, shiki: { ...shiki, langAlias: { env: 'dotenv', ...shiki.langAlias } } } });
				}
				if (config.mermaid && !astroConfig.integrations.some((integration) => integration.name === 'astro-mermaid')) {
					addIntegration(withoutInfoLogs(mermaid({ theme: 'default', autoTheme: true, enableLog: false, mermaidConfig: MERMAID_CONFIG })));
					addIntegration(mermaidChunkLimit);
				}
			},
		},
	};
}
