// @ts-check
import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const SRC = './src/integration';

/**
 * The layers of `src/integration/`, lowest first: a layer may import the layers before it, never
 * the ones after it, so the top-level modules cannot import each other in a circle.
 */
const LAYERS = [
	// Foundations: limits, problems, errors, text and file helpers, the markdown outline, options, mermaid's parser.
	['limits.ts', 'problems.ts', 'schema-problems.ts', 'error.ts', 'secrets.ts', 'config.ts', 'text', 'files', 'markdown', 'diagrams'],
	// What is read from the project: PRDs, then what fills the prompt (template, inputs, cache key).
	['prds'],
	['prompt'],
	// The spec cache on disk, then the project's state (each PRD with its spec).
	['cache'],
	['project.ts'],
	// Generation is handed what it needs (targets, a way to save); rendering turns state into pages.
	['generation', 'rendering'],
	// What puts them together: the shared pipeline and the batch run, build state, pages' HTML and render reports, the config registry, diagram verdicts kept between builds.
	[
		'pipeline.ts',
		'batch-run.ts',
		'report-state.ts',
		'build-state.ts',
		'page-html.ts',
		'render-reports.ts',
		'config-registry.ts',
		'diagram-checks.ts',
	],
	// Storing our pages as docs entries: shared by the loader's content sync and the dev watcher's refresh.
	['sync-entries.ts'],
	[
		'dev',
		'loader.ts',
		'markdown-integration.ts',
		'agent-files-integration.ts',
		'route-middleware.ts',
		'table-script-route.ts',
		'index.ts',
		'cli',
	],
];

/** One zone per layer member: it may not import anything of a later layer. */
const layerZones = LAYERS.flatMap((layer, index) => {
	const later = LAYERS.slice(index + 1).flat();
	if (later.length === 0) return [];
	return layer.map((member) => ({
		target: `${SRC}/${member}`,
		from: later.map((other) => `${SRC}/${other}`),
		message: `\`${member}\` is in a lower layer than the module it imports (see LAYERS in eslint.config.js).`,
	}));
});

/** Modules of one layer that must not import each other either. */
const siblingZones = [
	{ target: `${SRC}/generation`, from: [`${SRC}/rendering`], message: 'Generation does not import rendering.' },
	{ target: `${SRC}/rendering`, from: [`${SRC}/generation`], message: 'Rendering does not import generation.' },
	{
		target: `${SRC}/generation`,
		from: [`${SRC}/cache`, `${SRC}/project.ts`],
		message: 'Generation is handed its targets and a way to save a spec: it does not read or write the cache itself.',
	},
];

export default tseslint.config(
	{ ignores: ['**/dist', 'lib', '**/node_modules', '**/.astro', 'bench/.work', 'test/.tmp', '.scratch', 'public'] },
	js.configs.recommended,
	...tseslint.configs.recommendedTypeChecked,
	{
		languageOptions: {
			parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs'] }, tsconfigRootDir: import.meta.dirname },
		},
		plugins: { 'import-x': importX },
		settings: { 'import-x/resolver-next': [importX.createNodeResolver?.() ?? undefined].filter(Boolean) },
		rules: {
			'import-x/no-cycle': 'error',
			'import-x/no-restricted-paths': ['error', { zones: [...layerZones, ...siblingZones] }],
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
		},
	},
	{
		// The package's own code imports only what package.json declares for its users (type-only
		// imports of type packages aside): dependencies and peer dependencies.
		files: ['src/integration/**/*.ts'],
		rules: {
			'import-x/no-extraneous-dependencies': ['error', { devDependencies: false, peerDependencies: true, optionalDependencies: false }],
		},
	},
	{
		// Vitest's asymmetric matchers (`expect.stringMatching(...)` inside an expected object) are typed `any`.
		files: ['test/**/*.ts'],
		rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
	},
	{
		files: ['**/*.js', '**/*.mjs'],
		extends: [tseslint.configs.disableTypeChecked],
		languageOptions: { globals: { process: 'readonly', URL: 'readonly', console: 'readonly' } },
	},
);
