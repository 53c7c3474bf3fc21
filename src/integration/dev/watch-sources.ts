import { join, relative } from 'node:path';

import type { LoaderContext } from 'astro/loaders';

import type { BuildState } from '../build-state.ts';
import { formatProblems } from '../problems.ts';
import { loadProject, type ProjectReport } from '../project.ts';
import { buildPageEntries, logRenderWarnings, syncEntries, takePreviousEntries } from '../sync-entries.ts';
import { printable } from '../text/plain-text.ts';
import { createGenerationScheduler } from './generation-scheduler.ts';

const RELOAD_DELAY_MS = 150;
const watched = new WeakSet<object>();

/** In `astro dev`: re-scan when a PRD, a spec or the template changes, and update the pages. */
export function watchSources(context: LoaderContext, root: string, state: BuildState): void {
	const watcher = context.watcher;
	// Astro may run the loader again in one dev session: watch the sources once.
	if (!watcher || watched.has(watcher)) return;
	watched.add(watcher);
	const dirs = [state.config.prdsDir, state.config.specsDir].map((dir) => join(root, dir));
	const template = state.config.template ? join(root, state.config.template) : undefined;
	watcher.add(template ? [...dirs, template] : dirs);
	let reloadTimer: ReturnType<typeof setTimeout> | undefined;

	const refresh = async (reason: string) => {
		const report = await loadProject(root, state.config);
		if (report.problems.length > 0) context.logger.error(`PRD problems:\n${formatProblems(report.problems)}`);
		await publish(report, reason);
	};
	const publish = async (report: ProjectReport, reason: string) => {
		state.report = report;
		const previous = takePreviousEntries(context);
		const { problems, warnings } = await syncEntries(context, state, buildPageEntries(context, state, report), previous);
		logRenderWarnings(context.logger, warnings);
		if (problems.length > 0) context.logger.error(`Pages that could not be published:\n${formatProblems(problems)}`);
		context.logger.info(`Updated the PRD and spec pages (${printable(reason, 300)}).`);
	};
	const scheduleGeneration = createGenerationScheduler(
		async () => {
			// Imported here: the loader is bundled into the site's server build, which should not
			// carry the OpenAI client and the generation code.
			const { prepareSpecs } = await import('../pipeline.ts');
			const { report, outcomes } = await prepareSpecs({ root, config: state.config, logger: context.logger, mayGenerate: true });
			if (outcomes.length > 0) await publish(report, 'specs generated');
		},
		(error) => context.logger.error(`Generation failed: ${error.message}`),
	);

	const onChange = (path: string) => {
		if (!dirs.some((dir) => path.startsWith(dir)) && path !== template) return;
		clearTimeout(reloadTimer);
		reloadTimer = setTimeout(() => {
			refresh(`${relative(root, path)} changed`).catch((error: Error) =>
				context.logger.error(`Could not update the PRD pages: ${error.message}`),
			);
			if (state.config.generation.inDev && !path.startsWith(dirs[1]!)) scheduleGeneration();
		}, RELOAD_DELAY_MS);
	};
	for (const event of ['add', 'change', 'unlink'] as const) watcher.on(event, onChange);
}
