import { resolve } from 'node:path';

import type { PrdSpecsConfig } from './config.ts';
import type { Problem } from './problems.ts';
import type { ProjectReport } from './project.ts';
import type { HeadEntry } from './rendering/content-security-policy.ts';
import type { PageKind } from './rendering/entries.ts';

/** What the plugin learns in `config:setup` and the loader needs during content sync. */
export interface SharedState {
	config: PrdSpecsConfig;
	/** Content-Security-Policy entries of Starlight's `head` option, kept on our pages beside ours. */
	sitePolicies?: HeadEntry[] | undefined;
	/** Starlight's `editLink.baseUrl`, if any. */
	editLinkBaseUrl?: string | undefined;
	/** The project as scanned in `config:setup`; the loader reuses it instead of scanning again. */
	report?: ProjectReport | undefined;
	/** Paths our pages are rendered under, mapped to what each page is: their markdown is untrusted. */
	untrustedFiles: Map<string, UntrustedPage>;
	/** Pages that cannot be published: `prd:`/`spec:` links to unknown ids, nesting too deep, a render that failed. */
	pageProblems: Problem[];
	/** What rendering removed from untrusted pages or did not draw (diagrams, images, code options). */
	renderWarnings: Problem[];
}

/** One of our pages, as the markdown plugin sees it. */
export interface UntrustedPage {
	/** The file it comes from (for messages), or a description of a generated page. */
	source: string;
	kind: PageKind;
}

// The plugin runs in Astro's config context and the loader in Vite's module graph: they share
// the process but not module instances, so the state lives on `globalThis`, keyed by project root.
const STORE_KEY = Symbol.for('astro-prd-specs/state');

function getStore(): Map<string, SharedState> {
	const holder = globalThis as typeof globalThis & { [STORE_KEY]?: Map<string, SharedState> };
	holder[STORE_KEY] ??= new Map();
	return holder[STORE_KEY];
}

/** A fresh state for a project. */
export function createSharedState(config: PrdSpecsConfig, extra: Partial<SharedState> = {}): SharedState {
	return { config, untrustedFiles: new Map(), pageProblems: [], renderWarnings: [], ...extra };
}

export function setSharedState(root: string, state: SharedState): void {
	getStore().set(resolve(root), state);
}

export function getSharedState(root: string): SharedState | undefined {
	return getStore().get(resolve(root));
}

/** Every project's state in this process (one, unless several sites build in one process). */
export function getSharedStates(): SharedState[] {
	return [...getStore().values()];
}

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
