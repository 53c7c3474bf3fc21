import { resolve } from 'node:path';

import type { PrdSpecsConfig } from './config.ts';
import type { Problem } from './problems.ts';
import type { ProjectReport } from './project.ts';

/** What the plugin learns in `config:setup` and the loader needs during content sync. */
export interface SharedState {
	config: PrdSpecsConfig;
	/** Starlight's `editLink.baseUrl`, if any. */
	editLinkBaseUrl?: string | undefined;
	/** The project as scanned in `config:setup`; the loader reuses it instead of scanning again. */
	report?: ProjectReport | undefined;
	/** Paths our pages are rendered under, mapped to the file each comes from: their markdown is untrusted. */
	untrustedFiles: Map<string, string>;
	/** `prd:`/`spec:` links to unknown ids found while rendering. */
	linkProblems: Problem[];
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
	return { config, untrustedFiles: new Map(), linkProblems: [], ...extra };
}

export function setSharedState(root: string, state: SharedState): void {
	getStore().set(resolve(root), state);
}

export function getSharedState(root: string): SharedState | undefined {
	return getStore().get(resolve(root));
}
