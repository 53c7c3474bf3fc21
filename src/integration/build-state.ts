import { resolve } from 'node:path';

import type { PrdSpecsConfig } from './config.ts';
import type { PageHtmlStore } from './page-html.ts';
import type { ProjectReport } from './project.ts';
import type { RenderReports } from './render-reports.ts';
import type { HandWrittenPage } from './rendering/agent-files.ts';
import type { HeadEntry } from './rendering/content-security-policy.ts';
import type { BrokenDiagram } from './rendering/diagram-check.ts';
import type { PageKind } from './rendering/entries.ts';

/** What the plugin learns in `config:setup` and the loader needs during content sync. */
export interface BuildState {
	config: PrdSpecsConfig;
	/** Content-Security-Policy entries of Starlight's `head` option, kept on our pages beside ours. */
	sitePolicies?: HeadEntry[] | undefined;
	/** Starlight's `editLink.baseUrl`, if any. */
	editLinkBaseUrl?: string | undefined;
	/** The project as scanned in `config:setup`; the loader reuses it instead of scanning again. */
	report?: ProjectReport | undefined;
	/** Paths our pages are rendered under, mapped to what each page is: their markdown is untrusted. */
	untrustedFiles: Map<string, UntrustedPage>;
	/** What our markdown plugin found in each file it rendered, until the loader takes it. */
	renderReports: RenderReports;
	/** Where the content sync put our pages' HTML, for the route middleware (see `page-html.ts`). */
	pageHtml?: PageHtmlStore | undefined;
	/** Starlight renders pages on request (`prerender: false`): their HTML stays in the content store. */
	htmlInStore?: boolean | undefined;
	/** The docs collection's own pages, as the last content sync loaded them: `llms.txt` lists them. */
	handWrittenPages?: HandWrittenPage[] | undefined;
	/** Starlight's `title` and `description`, which head `llms.txt`. */
	siteTitle?: string | undefined;
	siteDescription?: string | undefined;
}

/** One of our pages, as the markdown plugin sees it. */
export interface UntrustedPage {
	/** The file it comes from (for messages), or a description of a generated page. */
	source: string;
	kind: PageKind;
	/** Its diagrams that mermaid cannot parse, by source as drawn: the page shows them as code. */
	brokenDiagrams?: ReadonlyMap<string, BrokenDiagram>;
}

// The plugin runs in Astro's config context and the loader in Vite's module graph: they share
// the process but not module instances, so the state lives on `globalThis`, keyed by project root.
const STATE_KEY = Symbol.for('astro-prd-specs/state');

function getStates(): Map<string, BuildState> {
	const holder = globalThis as typeof globalThis & { [STATE_KEY]?: Map<string, BuildState> };
	holder[STATE_KEY] ??= new Map();
	return holder[STATE_KEY];
}

/** A fresh state for a project. */
export function createBuildState(config: PrdSpecsConfig, extra: Partial<BuildState> = {}): BuildState {
	return { config, untrustedFiles: new Map(), renderReports: new Map(), ...extra };
}

export function setBuildState(root: string, state: BuildState): void {
	getStates().set(resolve(root), state);
}

export function getBuildState(root: string): BuildState | undefined {
	return getStates().get(resolve(root));
}

/** Every project's state in this process (one, unless several sites build in one process). */
export function getBuildStates(): BuildState[] {
	return [...getStates().values()];
}
