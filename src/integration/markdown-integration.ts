import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { AstroIntegration, AstroIntegrationLogger } from 'astro';

import { throwPluginError } from './error.ts';
import { checkLinks, type BrokenLink } from './rendering/link-check.ts';
import type { MarkdownPolicy } from './rendering/markdown-policy.ts';
import { applyMarkdownPlugin } from './rendering/processor.ts';
import { getBuildState } from './build-state.ts';
import { renderReportFor } from './render-reports.ts';

const REPORTED_BROKEN_LINKS = 20;

/**
 * The Astro side of the plugin: our markdown plugin in the site's processor (escaping and link
 * resolution), and the check that every internal link of the built site resolves.
 */
export function createMarkdownIntegration(root: string): AstroIntegration {
	let memo: { report: unknown; ids: ReadonlySet<string> } | undefined;
	let base = '/';
	let site: string | undefined;
	// Kept with Astro's own caches (`node_modules/.astro/` by default): a clean build starts without it.
	let linkRecordFile: string | undefined;
	const state = () => getBuildState(root);
	// Filed under the path being rendered: the loader takes each page's report after its render.
	const reportOf = (path: string | undefined) => {
		const current = state();
		return current && renderReportFor(current.renderReports, path);
	};
	return {
		name: 'astro-prd-specs/markdown',
		hooks: {
			'astro:config:setup': async ({ config, updateConfig, logger }) => {
				base = config.base;
				site = config.site;
				linkRecordFile = fileURLToPath(new URL('prd-specs/link-check.json', config.cacheDir));
				const policy: MarkdownPolicy = {
					base: config.base,
					isUntrusted: (path) => path !== undefined && (state()?.untrustedFiles.has(path) ?? false),
					allowsRemoteImages: (path) =>
						path !== undefined && state()?.config.remoteImages === 'prds' && state()?.untrustedFiles.get(path)?.kind === 'prd',
					knownIds: () => {
						const report = state()?.report;
						if (memo && memo.report === report) return memo.ids;
						const ids = new Set(report?.prds.map((status) => status.prd.id));
						memo = { report, ids };
						return ids;
					},
					reportProblem: (path, problem) => reportOf(path)?.problems.push(problem),
					reportWarning: (path, problem) => reportOf(path)?.warnings.push(problem),
					brokenDiagram: (path, source) =>
						path === undefined ? undefined : state()?.untrustedFiles.get(path)?.brokenDiagrams?.get(source),
					relativePath: (path) =>
						path ? (state()?.untrustedFiles.get(path)?.source ?? relative(root, path).split('\\').join('/')) : '(a markdown string)',
				};
				await applyMarkdownPlugin(config, updateConfig, policy, logger);
			},
			'astro:build:done': async ({ dir, logger }) => {
				const broken = await checkLinksKeepingRecord(fileURLToPath(dir), base, linkRecordFile, logger, site);
				if (broken.length === 0) {
					logger.info('Every internal link resolves.');
					return;
				}
				const lines = broken.slice(0, REPORTED_BROKEN_LINKS).map(({ page, href }) => `- ${page} links to ${href}`);
				if (broken.length > REPORTED_BROKEN_LINKS) lines.push(`- ... and ${broken.length - REPORTED_BROKEN_LINKS} more`);
				throwPluginError(
					`${broken.length} broken internal link${broken.length > 1 ? 's' : ''} in the built site:\n${lines.join('\n')}`,
					'Point each link at an existing page (for PRDs and specs, `prd:<id>` and `spec:<id>` links are resolved for you).',
				);
			},
		},
	};
}

/** The link check, with what it learnt of unchanged pages kept in `recordFile` between builds. */
async function checkLinksKeepingRecord(
	distDir: string,
	base: string,
	recordFile: string | undefined,
	logger: AstroIntegrationLogger,
	site: string | undefined,
): Promise<BrokenLink[]> {
	const previous = recordFile && (await readFile(recordFile, 'utf8').then(parseJson, () => undefined));
	const check = await checkLinks(distDir, base, previous, site);
	logger.debug(`Links checked in ${check.scanned} of ${check.pages} pages; the others are unchanged since the last build.`);
	if (recordFile) {
		// Only a cache: a build that cannot keep it checks every page next time.
		await mkdir(dirname(recordFile), { recursive: true })
			.then(() => writeFile(recordFile, JSON.stringify(check.record)))
			.catch((error: unknown) => logger.debug(`The link check's record was not kept: ${String(error)}`));
	}
	return check.broken;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
