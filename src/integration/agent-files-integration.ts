import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { AstroIntegration } from 'astro';

import { getBuildState, type BuildState } from './build-state.ts';
import { planAgentFiles, type AgentFile } from './rendering/agent-files.ts';

/** Files written at once at the end of a build. */
const WRITES_AT_ONCE = 32;

/**
 * The markdown copies of PRD and spec pages and the `llms.txt` files (see `agent-files.ts`):
 * written into `dist/` at the end of a build, before the link check (added before the markdown
 * integration, whose `astro:build:done` checks them), and served by `astro dev` from the project
 * as it is at each request.
 */
export function createAgentFilesIntegration(root: string, groupLabel: string): AstroIntegration {
	let base = '/';
	let site: string | undefined;
	/** The files; `copiesOnly` for one copy asked of `astro dev` (the llms files need every copy made). */
	const plan = (state: BuildState, copiesOnly = false): AgentFile[] =>
		state.report
			? planAgentFiles(state.report, state.handWrittenPages ?? [], {
					base,
					site,
					title: state.siteTitle ?? 'Documentation',
					description: state.siteDescription,
					groupLabel,
					markdownCopies: state.config.markdownCopies,
					llmsTxt: state.config.llmsTxt && !copiesOnly,
				})
			: [];
	return {
		name: 'astro-prd-specs/agent-files',
		hooks: {
			'astro:config:done': ({ config }) => {
				base = config.base;
				site = config.site;
			},
			'astro:server:setup': ({ server }) => {
				server.middlewares.use((req, res, next) => {
					const state = getBuildState(root);
					const prefix = `/${base.replace(/^\/+|\/+$/g, '')}/`.replace(/^\/\/$/, '/');
					const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://dev').pathname);
					if (!state || !pathname.startsWith(prefix) || !/\.(md|txt)$/.test(pathname)) return next();
					const file = plan(state, pathname.endsWith('.md')).find((candidate) => candidate.path === pathname.slice(prefix.length));
					if (!file) return next();
					res.writeHead(200, { 'Content-Type': file.contentType, 'X-Content-Type-Options': 'nosniff' });
					res.end(file.text());
				});
			},
			'astro:build:done': async ({ dir, logger }) => {
				const state = getBuildState(root);
				if (!state) return;
				const files = plan(state);
				if (files.length === 0) return;
				const distDir = fileURLToPath(dir);
				// A file there already (`public/llms.txt`, another integration's) is the site's: it stays.
				const taken: string[] = [];
				for (let start = 0; start < files.length; start += WRITES_AT_ONCE) {
					await Promise.all(
						files.slice(start, start + WRITES_AT_ONCE).map(async (file) => {
							const path = join(distDir, file.path);
							await mkdir(dirname(path), { recursive: true });
							await writeFile(path, file.text(), { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
								if (error.code !== 'EEXIST') throw error;
								taken.push(file.path);
							});
						}),
					);
				}
				if (taken.length > 0)
					logger.warn(
						`${taken.map((path) => `dist/${path}`).join(', ')} ${taken.length > 1 ? 'exist' : 'exists'} already (from \`public/\` or another integration, such as starlight-llms-txt), so ours ${taken.length > 1 ? 'are' : 'is'} not written. Set \`llmsTxt: false\` (or \`markdownCopies: false\`) in the \`prdSpecs()\` options to leave ${taken.length > 1 ? 'them' : 'it'} to the site without this warning.`,
					);
				const written = files.filter((file) => !taken.includes(file.path));
				const copies = written.filter((file) => file.path.endsWith('.md')).length;
				const lists = written.filter((file) => /(^|\/)llms\.txt$/.test(file.path)).length;
				const full = written.length - copies - lists;
				const parts = [
					copies > 0 && `${copies} markdown cop${copies > 1 ? 'ies' : 'y'} of PRD and spec pages`,
					lists > 0 && `${lists} llms.txt list${lists > 1 ? 's' : ''}`,
					full > 0 && `${full} full-text file${full > 1 ? 's' : ''}`,
				].filter((part): part is string => typeof part === 'string');
				if (parts.length > 0) logger.info(`Written for coding agents: ${parts.join(', ')}.`);
			},
		},
	};
}
