import { z } from 'zod';

import { throwPluginError } from './error.ts';

/** Name of the environment variable that turns strict mode on (`1`/`true`) or off (`0`/`false`). */
export const STRICT_ENV_VAR = 'PRD_SPECS_STRICT';

const relativeDirSchema = (option: string) =>
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
		prdsDir: relativeDirSchema('prdsDir').default('prds'),
		/**
		 * Folder, relative to the project root, where generated specs are cached as
		 * reviewable markdown files (`<id>.md`). Commit it.
		 * @default 'src/content/specs'
		 */
		specsDir: relativeDirSchema('specsDir').default('src/content/specs'),
		/**
		 * Prompt template file, relative to the project root. Its text is part of every
		 * spec's cache key. Defaults to the bundled "Specification Chain: Technical
		 * Specification" prompt.
		 */
		template: relativeDirSchema('template').optional(),
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
			.default({ slug: 'prds', title: 'Product requirements' }),
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
				}),
			])
			.default({ label: 'Specifications', position: 'start' }),
		/**
		 * Add astro-mermaid so ```mermaid blocks render as diagrams (set `false` if the site
		 * adds it itself).
		 * @default true
		 */
		mermaid: z.boolean().default(true),
	})
	.default({
		prdsDir: 'prds',
		specsDir: 'src/content/specs',
		strict: false,
		overview: { slug: 'prds', title: 'Product requirements' },
		sidebar: { label: 'Specifications', position: 'start' },
		mermaid: true,
	});

export type PrdSpecsUserConfig = z.input<typeof PrdSpecsConfigSchema>;
export type PrdSpecsConfig = z.output<typeof PrdSpecsConfigSchema>;

/** Validates the plugin options, throwing one AstroError that names each bad option. */
export function validateConfig(userConfig: unknown): PrdSpecsConfig {
	const result = PrdSpecsConfigSchema.safeParse(userConfig);
	if (result.success) return result.data;
	const lines = result.error.issues.flatMap((issue) => {
		const prefix = issue.path.map((part) => `${String(part)}.`).join('');
		if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `- \`${prefix}${key}\` is not an option.`);
		return [`- \`${issue.path.join('.') || '(options)'}\`: ${issue.message}`];
	});
	throwPluginError(
		`Invalid prd-specs options:\n${lines.join('\n')}`,
		'Check the options passed to `prdSpecs()` in `astro.config.mjs`. Allowed options: `prdsDir`, `specsDir`, `template`, `strict`, `overview`, `sidebar`, `mermaid`.',
	);
}

/** Strict mode from the option, overridden by `PRD_SPECS_STRICT` when that is set. */
export function resolveStrict(config: Pick<PrdSpecsConfig, 'strict'>, env: NodeJS.ProcessEnv = process.env): boolean {
	const raw = env[STRICT_ENV_VAR]?.trim().toLowerCase();
	if (raw === undefined || raw === '') return config.strict;
	if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
	if (['0', 'false', 'no', 'off'].includes(raw)) return false;
	throwPluginError(
		`\`${STRICT_ENV_VAR}\` is set to "${env[STRICT_ENV_VAR]}", which is not a boolean.`,
		`Set \`${STRICT_ENV_VAR}\` to \`1\`/\`true\` or \`0\`/\`false\`, or unset it.`,
	);
}
