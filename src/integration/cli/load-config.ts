import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { PrdSpecsConfig } from '../config.ts';
import { getRegisteredConfigs } from '../config-registry.ts';
import { CliError } from './errors.ts';
import { logLines, logText } from './output.ts';

const CONFIG_FILES = ['astro.config.mjs', 'astro.config.js', 'astro.config.mts', 'astro.config.ts'];

/**
 * The `prdSpecs()` options the site builds with: the Astro config file is imported (it calls
 * `prdSpecs()`, which records its options), so the CLI never has a second copy of them.
 */
export async function loadSiteConfig(root: string, configPath?: string): Promise<{ config: PrdSpecsConfig; file: string }> {
	const file = configPath ? resolve(root, configPath) : CONFIG_FILES.map((name) => join(root, name)).find((path) => existsSync(path));
	if (!file || !existsSync(file)) {
		throw new CliError(
			configPath
				? `The config file ${logText(configPath, 300)} does not exist.`
				: `No Astro config file (${CONFIG_FILES.join(', ')}) in ${logText(root, 300)}.`,
			'Run the command at the root of the docs site, or pass --root <folder> or --config <file>.',
		);
	}
	const before = getRegisteredConfigs().length;
	try {
		await import(pathToFileURL(file).href);
	} catch (error) {
		if (error instanceof CliError || (error as { name?: string }).name === 'AstroUserError') throw error;
		throw new CliError(
			`${logText(file, 300)} could not be loaded: ${logLines((error as Error).message)}`,
			'Check that `npm run build` works; the CLI reads the same config file.',
		);
	}
	const configs = getRegisteredConfigs().slice(before);
	if (configs.length === 0) {
		throw new CliError(
			`${logText(file, 300)} does not use prdSpecs().`,
			'Add `plugins: [prdSpecs()]` to the `starlight()` options of the Astro config.',
		);
	}
	return { config: configs.at(-1)!, file };
}
