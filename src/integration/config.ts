import { z } from 'astro/zod';

import { throwPluginError } from './error.ts';
import { schemaIssuesToProblems } from './schema-problems.ts';

/**
 * `sidebar.listUpTo`'s default: above this many PRDs the sidebar no longer lists them. Measured on
 * built pages: each listed PRD adds two sidebar links of about 180 bytes of HTML to every page, and
 * Starlight's chrome with the compact group is about 20 KB; 50 PRDs keep a page's chrome under 40 KB.
 */
export const DEFAULT_LIST_UP_TO = 50;

/**
 * `search.prdsPerIndex`'s default. Pagefind holds every page it indexes in memory until it writes
 * the index: measured, about 860 KB for a spec page and 460 KB for a PRD page, so 10,000 pages
 * took 6.8 GB. In search indexes of 1,000 PRDs (their pages and specs) each run stays near 1.3 GB.
 */
export const DEFAULT_PRDS_PER_SEARCH_INDEX = 1000;

/** Name of the environment variable that turns strict mode on (`1`/`true`) or off (`0`/`false`). */
export const STRICT_ENV_VAR = 'PRD_SPECS_STRICT';
/** Name of the environment variable that keeps the build from calling the API (`1`/`true`). */
export const OFFLINE_ENV_VAR = 'PRD_SPECS_OFFLINE';
/** Name of the environment variable that overrides the `generation.model` option. */
export const MODEL_ENV_VAR = 'PRD_SPECS_MODEL';
/** Name of the environment variable that overrides `review.required` (`1`/`true` or `0`/`false`). */
export const REVIEW_REQUIRED_ENV_VAR = 'PRD_SPECS_REVIEW_REQUIRED';

/** A current model (gpt-5 and gpt-5-mini shut down on 2026-12-11). */
export const DEFAULT_MODEL = 'gpt-6.1-terra';

const tokenPriceSchema = z.strictObject({
	/** US dollars per million input tokens. */
	input: z.number().nonnegative(),
	/** US dollars per million output tokens. */
	output: z.number().nonnegative(),
});

const priceSchema = tokenPriceSchema.extend({
	/** Prices of the Batch API (`generate --batch`); half of `input` and `output` when not set. */
	batch: tokenPriceSchema.optional(),
});

const GenerationSchema = z.strictObject({
	/**
	 * Model that writes the specs. `PRD_SPECS_MODEL` overrides it.
	 * @default 'gpt-6.1-terra'
	 */
	model: z.string().trim().min(1).default(DEFAULT_MODEL),
	/**
	 * `chat` (Chat Completions, which every OpenAI-compatible server has) or `responses`
	 * (OpenAI's Responses API).
	 * @default 'chat'
	 */
	api: z.enum(['chat', 'responses'], { error: '`generation.api` must be `chat` or `responses`.' }).default('chat'),
	/**
	 * How many specs are generated at the same time.
	 * @default 2
	 */
	concurrency: z.number().int().min(1).max(16, { error: '`generation.concurrency` must be between 1 and 16.' }).default(2),
	/**
	 * Deadline in seconds for one answer of the model, retries of a broken stream included
	 * (a repair round is a new answer with its own deadline).
	 * @default 600
	 */
	timeoutSeconds: z.number().positive().max(3600).default(600),
	/**
	 * Retries of a request that fails with a connection error, 408, 409, 429 or 5xx (the SDK's,
	 * honouring `Retry-After`), and separately of a stream that breaks midway.
	 * @default 2
	 */
	retries: z.number().int().min(0).max(10).default(2),
	/**
	 * Rounds in which the model is sent the problems found in its spec and asked to fix them.
	 * @default 2
	 */
	repairRounds: z.number().int().min(0).max(2, { error: '`generation.repairRounds` must be 0, 1 or 2.' }).default(2),
	/**
	 * Never call the API, even with a key set. `PRD_SPECS_OFFLINE` overrides it.
	 * @default false
	 */
	offline: z.boolean().default(false),
	/**
	 * Also generate in `astro dev`: at start-up, and a few seconds after the last edit of a PRD
	 * (never once per keystroke). Off by default: editing a PRD in dev then only marks its
	 * spec stale.
	 * @default false
	 */
	inDev: z.boolean().default(false),
	/**
	 * Largest prompt sent, in tokens (estimated at four characters a token). A PRD whose prompt
	 * is larger fails with a clear message instead of a request the model would reject.
	 * @default 200000
	 */
	maxInputTokens: z.number().int().positive().default(200_000),
	/** Prices per million tokens for models that are not built in, to report the cost. */
	prices: z.record(z.string(), priceSchema).default({}),
	/**
	 * Budget of one run in US dollars (the `--max-cost` flag overrides it): a run whose estimate is
	 * above it does not start, and a run that reaches it starts no further spec. Unset: no budget.
	 */
	maxCost: z
		.number({ error: '`generation.maxCost` must be an amount in US dollars, such as `5` or `0.5`.' })
		.positive({ error: '`generation.maxCost` must be more than 0 dollars (leave it out for no budget).' })
		.optional(),
});

/** A path relative to the project root (a folder or a file), named by its option in messages. */
const relativePathSchema = (option: string) =>
	z
		.string({ error: `\`${option}\` must be a path relative to the project root.` })
		.trim()
		.min(1, { error: `\`${option}\` must not be empty.` })
		.refine((value) => !value.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(value), {
			error: `\`${option}\` must be relative to the project root, not absolute.`,
		});

export const PrdSpecsConfigSchema = z
	.strictObject({
		/**
		 * Folder, relative to the project root, that holds one `<id>.md` file per PRD.
		 * @default 'prds'
		 */
		prdsDir: relativePathSchema('prdsDir').default('prds'),
		/**
		 * Folder, relative to the project root, where generated specs are cached as
		 * reviewable markdown files (`<id>.md`). Commit it.
		 * @default 'src/content/specs'
		 */
		specsDir: relativePathSchema('specsDir').default('src/content/specs'),
		/**
		 * Prompt template file, relative to the project root. Its text is part of every
		 * spec's cache key. Defaults to the bundled "Specification Chain: Technical
		 * Specification" prompt.
		 */
		template: relativePathSchema('template').optional(),
		/**
		 * Fail the build when a spec is stale or missing instead of publishing a warning or
		 * placeholder. The `PRD_SPECS_STRICT` environment variable overrides it.
		 * @default false
		 */
		strict: z.boolean({ error: '`strict` must be `true` or `false`.' }).default(false),
		/**
		 * Overview page listing every PRD with its status, owner and spec state. Its slug
		 * is the page path (`'prds'` -> `/prds/`, `'index'` -> the home page). `false`
		 * turns it off.
		 */
		overview: z
			.union([
				z.literal(false),
				z.strictObject({
					/** @default 'prds' */
					slug: z
						.string()
						.regex(/^(index|[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*)$/, {
							error: '`overview.slug` must be `index` or a lowercase path such as `prds` or `docs/requirements`.',
						})
						.default('prds'),
					/** @default 'Product requirements' */
					title: z.string().min(1).default('Product requirements'),
					/** Text shown above the table. */
					description: z.string().optional(),
				}),
			])
			.prefault({}),
		/**
		 * Page gathering every spec's "Clarification Requests or Feedback" section, grouped by PRD.
		 * `false` turns it off.
		 */
		openQuestions: z
			.union([
				z.literal(false),
				z.strictObject({
					/** @default 'open-questions' */
					slug: z
						.string()
						.regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)*$/, {
							error: '`openQuestions.slug` must be a lowercase path such as `open-questions`.',
						})
						.default('open-questions'),
					/** @default 'Open questions' */
					title: z.string().min(1).default('Open questions'),
					/** The spec section to gather. @default 'Clarification Requests or Feedback' */
					section: z.string().min(1).default('Clarification Requests or Feedback'),
				}),
			])
			.prefault({}),
		/**
		 * Sidebar group that lists every PRD with its spec. `false` leaves the sidebar alone.
		 */
		sidebar: z
			.union([
				z.literal(false),
				z.strictObject({
					/** @default 'Specifications' */
					label: z.string().min(1).default('Specifications'),
					/** Where the group goes in the sidebar. @default 'start' */
					position: z.enum(['start', 'end']).default('start'),
					/**
					 * `grouped`: one entry per PRD holding its requirements and its spec; `flat`: a list of
					 * PRDs and a list of specs, lighter on every page of a large site; `auto`: grouped up to
					 * 20 PRDs, flat above.
					 * @default 'auto'
					 */
					layout: z.enum(['auto', 'grouped', 'flat'], { error: '`sidebar.layout` must be `auto`, `grouped` or `flat`.' }).default('auto'),
					/**
					 * Up to this many PRDs the group lists every one (as `layout` says). Above it the group
					 * is compact: the overview, open questions, the folders (each a link to its index page,
					 * the current page's opened), the pages by status, and the current PRD with its spec, so
					 * that a page's size does not grow with the number of PRDs.
					 * @default 50 (`DEFAULT_LIST_UP_TO`)
					 */
					listUpTo: z
						.number({ error: '`sidebar.listUpTo` must be a whole number of PRDs, 0 or more.' })
						.int({ error: '`sidebar.listUpTo` must be a whole number of PRDs, 0 or more.' })
						.min(0, { error: '`sidebar.listUpTo` must be a whole number of PRDs, 0 or more.' })
						.default(DEFAULT_LIST_UP_TO),
				}),
			])
			.prefault({}),
		/**
		 * Images from other sites in PRDs. `false`: published as links, never loaded (a remote image
		 * is fetched by every reader's browser, which tells its host who reads the site). `'prds'`:
		 * shown on PRD pages, which people review in pull requests. Specs are written by a model
		 * and never load images from other sites.
		 * @default false
		 */
		remoteImages: z.union([z.literal(false), z.literal('prds')], { error: "`remoteImages` must be `false` or `'prds'`." }).default(false),
		/**
		 * A Content-Security-Policy for the PRD, spec, overview and open-questions pages, which
		 * show untrusted text: images, fonts, stylesheets and media load only from the site itself
		 * (and remote images on PRD pages with `remoteImages: 'prds'`), whatever a diagram or a
		 * page tries. `true`: the built-in policy; a string: your own policy instead; `false`: none.
		 * @default true
		 */
		contentSecurityPolicy: z
			.union([z.boolean(), z.string().trim().min(1)], { error: '`contentSecurityPolicy` must be `true`, `false` or a policy string.' })
			.default(true),
		/** Site search (Starlight's Pagefind) of PRD and spec pages. */
		search: z
			.strictObject({
				/**
				 * Above this many PRDs, their pages and specs are indexed apart from the rest of the site,
				 * in search indexes of this many PRDs each, one Pagefind run after another, which the
				 * search box merges: Pagefind's memory then depends on this number, not on the site's size.
				 * @default 1000 (`DEFAULT_PRDS_PER_SEARCH_INDEX`)
				 */
				prdsPerIndex: z
					.number({ error: '`search.prdsPerIndex` must be a whole number of PRDs, 1 or more.' })
					.int({ error: '`search.prdsPerIndex` must be a whole number of PRDs, 1 or more.' })
					.min(1, { error: '`search.prdsPerIndex` must be a whole number of PRDs, 1 or more.' })
					.default(DEFAULT_PRDS_PER_SEARCH_INDEX),
			})
			.prefault({}),
		/**
		 * A markdown copy of every PRD and spec page (`/prds/<id>.md`, `/specs/<id>.md`), linked from
		 * the page ("View as markdown"): what coding agents read best.
		 * @default true
		 */
		markdownCopies: z.boolean({ error: '`markdownCopies` must be `true` or `false`.' }).default(true),
		/**
		 * `/llms.txt`: the site's PRDs and specs for coding agents (the llms.txt convention), with
		 * their full text in `/llms-full.txt` (per folder on a large site).
		 * @default true
		 */
		llmsTxt: z.boolean({ error: '`llmsTxt` must be `true` or `false`.' }).default(true),
		/** How specs are generated when one is missing or stale and an API key is set. */
		generation: GenerationSchema.prefault({}),
		/** Whether specs must be approved (`prd-specs approve`) before they are published. */
		review: z
			.strictObject({
				/**
				 * Make the strict build and `prd-specs check` fail on specs nobody approved as they are now
				 * (a non-strict build warns). The `PRD_SPECS_REVIEW_REQUIRED` environment variable overrides it.
				 * @default false
				 */
				required: z.boolean({ error: '`review.required` must be `true` or `false`.' }).default(false),
			})
			.prefault({}),
		/** Requirement ids in PRDs (`FR-1`, `NFR-12`, `REQ-3.1`), which specs must cite. */
		requirements: z
			.strictObject({
				/**
				 * What an id starts with: `<PREFIX>-<digits>`, with an optional `.<digits>`. Each prefix is 1 to 10
				 * upper-case letters; an empty list turns requirement ids off.
				 * @default ['FR', 'NFR', 'REQ']
				 */
				prefixes: z
					.array(
						z.string().regex(/^[A-Z]{1,10}$/, {
							error:
								'`requirements.prefixes` must list prefixes of 1 to 10 upper-case letters (A-Z), such as `FR` or `NFR`, without the `-`.',
						}),
						{ error: "`requirements.prefixes` must be a list of prefixes, such as `['FR', 'NFR']`." },
					)
					.max(20, { error: '`requirements.prefixes` may list at most 20 prefixes.' })
					.default(['FR', 'NFR', 'REQ']),
			})
			.prefault({}),
		/**
		 * Add astro-mermaid so ```mermaid blocks render as diagrams (set `false` if the site
		 * adds it itself).
		 * @default true
		 */
		mermaid: z.boolean().default(true),
	})
	// Every option has a default: no options at all is a valid configuration.
	.prefault({});

export type PrdSpecsUserConfig = z.input<typeof PrdSpecsConfigSchema>;
export type PrdSpecsConfig = z.output<typeof PrdSpecsConfigSchema>;

const OPTIONS_HINT =
	'Check the options passed to `prdSpecs()` in `astro.config.mjs`. Allowed options: `prdsDir`, `specsDir`, `template`, `strict`, `overview`, `openQuestions`, `sidebar`, `mermaid`, `remoteImages`, `contentSecurityPolicy`, `search`, `markdownCopies`, `llmsTxt`, `generation`, `review`, `requirements`.';

/** Validates the plugin options, throwing one AstroError that names each bad option. */
export function validateConfig(userConfig: unknown): PrdSpecsConfig {
	const result = PrdSpecsConfigSchema.safeParse(userConfig);
	if (result.success) return result.data;
	const problems = schemaIssuesToProblems(result.error, userConfig, {
		file: 'astro.config.mjs',
		wholeInput: '(options)',
		unknownKey: () => ({ message: 'is not an option.', hint: OPTIONS_HINT }),
		describe: ({ issue }) => ({ message: issue.message, hint: OPTIONS_HINT }),
	});
	const lines = problems.map(({ field, message, unknownKey }) => `- \`${field}\`${unknownKey ? ' ' : ': '}${message}`);
	throwPluginError(`Invalid prd-specs options:\n${lines.join('\n')}`, OPTIONS_HINT);
}

/** Strict mode from the option, overridden by `PRD_SPECS_STRICT` when that is set. */
export function resolveStrict(config: Pick<PrdSpecsConfig, 'strict'>, env: NodeJS.ProcessEnv = process.env): boolean {
	return readBooleanEnv(env, STRICT_ENV_VAR) ?? config.strict;
}

/** Offline mode from the option, overridden by `PRD_SPECS_OFFLINE` when that is set. */
export function resolveOffline(config: Pick<PrdSpecsConfig, 'generation'>, env: NodeJS.ProcessEnv = process.env): boolean {
	return readBooleanEnv(env, OFFLINE_ENV_VAR) ?? config.generation.offline;
}

/** Whether specs must be reviewed: the `review.required` option, overridden by `PRD_SPECS_REVIEW_REQUIRED` when that is set. */
export function resolveReviewRequired(config: Pick<PrdSpecsConfig, 'review'>, env: NodeJS.ProcessEnv = process.env): boolean {
	return readBooleanEnv(env, REVIEW_REQUIRED_ENV_VAR) ?? config.review.required;
}

/** The model from `PRD_SPECS_MODEL`, or the option. */
export function resolveModel(config: Pick<PrdSpecsConfig, 'generation'>, env: NodeJS.ProcessEnv = process.env): string {
	return env[MODEL_ENV_VAR]?.trim() || config.generation.model;
}

function readBooleanEnv(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
	const raw = env[name]?.trim().toLowerCase();
	if (raw === undefined || raw === '') return undefined;
	if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
	if (['0', 'false', 'no', 'off'].includes(raw)) return false;
	throwPluginError(
		`\`${name}\` is set to "${env[name]}", which is not a boolean.`,
		`Set \`${name}\` to \`1\`/\`true\` or \`0\`/\`false\`, or unset it.`,
	);
}
