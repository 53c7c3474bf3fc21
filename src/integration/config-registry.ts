import type { PrdSpecsConfig } from './config.ts';

// `prdSpecs()` records its validated options here when `astro.config.mjs` runs, so that the CLI
// can load the same config file and use exactly the options the site builds with.
const CONFIGS_KEY = Symbol.for('astro-prd-specs/configs');

export function registerConfig(config: PrdSpecsConfig): void {
	const holder = globalThis as typeof globalThis & { [CONFIGS_KEY]?: PrdSpecsConfig[] };
	(holder[CONFIGS_KEY] ??= []).push(config);
}

/** Options of every `prdSpecs()` call made in this process, in order. */
export function getRegisteredConfigs(): readonly PrdSpecsConfig[] {
	return (globalThis as typeof globalThis & { [CONFIGS_KEY]?: PrdSpecsConfig[] })[CONFIGS_KEY] ?? [];
}
