// Benchmarks of the integration, printed as a table: `npm run bench`. Figures, not pass/fail
// tests: these machines are shared, so compare a run's ratios rather than its absolute times.
import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { validateConfig } from '../src/integration/config.ts';
import { startDiagramChecks } from '../src/integration/diagram-checks.ts';
import { prepareSpecs } from '../src/integration/pipeline.ts';
import { loadProject } from '../src/integration/project.ts';
import { launchChromium, HAS_CHROMIUM } from '../test/helpers/browser.ts';
import { startFakeOpenAI } from '../test/helpers/openai-server.ts';
import { appNameOf, specText } from '../test/helpers/spec-text.ts';
import { serveStatic } from '../test/helpers/static-server.ts';
import { readSamples, writeProject, type Sample } from './fixtures.ts';
import { benchBatch } from './batch.ts';
import { benchScale } from './scale.ts';

const PACKAGE_ROOT = new URL('../', import.meta.url).pathname;
// Inside the package, so that the sites resolve `astro` and `astro-prd-specs`.
const WORK = join(PACKAGE_ROOT, 'bench/.work');
const ASTRO_BIN = join(PACKAGE_ROOT, 'node_modules/astro/bin/astro.mjs');
const BUILD_RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 3);
const silentLogger = { info() {}, warn() {}, error() {} };

const rows: [string, string, string][] = [];
function report(name: string, figure: string, note = ''): void {
	rows.push([name, figure, note]);
	console.error(`  ${name}: ${figure}${note ? ` (${note})` : ''}`);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function run(cwd: string, args: string[]): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', PRD_SPECS_OFFLINE: '1' };
		delete env.OPENAI_API_KEY;
		const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
		let errors = '';
		child.stderr.on('data', (chunk) => (errors += chunk));
		child.on('error', reject);
		child.on('close', (code) =>
			code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`${args.join(' ')} failed in ${cwd}:\n${errors}`)),
		);
	});
}

const CONTENT_CONFIG = (loader: string) => `import { defineCollection } from 'astro:content';
import { docsSchema } from '@astrojs/starlight/schema';
${loader === 'prd' ? "import { prdSpecsLoader } from 'astro-prd-specs/loader';" : "import { docsLoader } from '@astrojs/starlight/loaders';"}
export const collections = { docs: defineCollection({ loader: ${loader === 'prd' ? 'prdSpecsLoader()' : 'docsLoader()'}, schema: docsSchema() }) };
`;

export interface SiteOptions {
	/** Directory name under bench/.work: `build` for the warm builds, `scale` for the scale row. */
	name?: string;
	/** `prdSpecs()` options, as JavaScript source. */
	pluginOptions?: string;
	/** PRDs spread over this many folders (`area-NN/`, see `writeProject`); 0 or unset: a flat `prds/`. */
	folders?: number;
	/** Astro's `experimental` option of the plain site, as JavaScript source (the integration sets its own). */
	plainExperimental?: string | undefined;
	/**
	 * Starlight's `sidebar` option of both sites, as JavaScript source (the integration adds its
	 * group to it); unset: the plain site gets Starlight's own, listing every page.
	 */
	sidebar?: string;
}

/** The same PRD and spec markdown as a site with the integration, and as plain Starlight pages. */
export async function writeSites(
	count: number,
	samples: Sample[],
	options: SiteOptions = {},
): Promise<{ integration: string; plain: string }> {
	const name = options.name ?? 'build';
	const integration = join(WORK, `${name}-${count}-integration`);
	const plain = join(WORK, `${name}-${count}-plain`);
	const sidebar = options.sidebar ? `sidebar: ${options.sidebar}, ` : '';
	await writeProject(integration, count, samples, true, { folders: options.folders ?? 0 });
	await mkdir(join(integration, 'src/content/docs'), { recursive: true });
	await writeFile(join(integration, 'src/content/docs/index.md'), '---\ntitle: Home\n---\nBenchmark site.\n');
	await writeFile(
		join(integration, 'astro.config.mjs'),
		`import starlight from '@astrojs/starlight';\nimport { defineConfig } from 'astro/config';\nimport prdSpecs from 'astro-prd-specs';\nexport default defineConfig({ integrations: [starlight({ title: 'Bench', ${sidebar}plugins: [prdSpecs(${options.pluginOptions ?? ''})] })] });\n`,
	);
	await writeFile(join(integration, 'src/content.config.ts'), CONTENT_CONFIG('prd'));

	// The plain site: Starlight with astro-mermaid (so diagrams cost the same), pages written by hand.
	await rm(plain, { recursive: true, force: true });
	await mkdir(join(plain, 'src/content/docs/prds'), { recursive: true });
	await mkdir(join(plain, 'src/content/docs/specs'), { recursive: true });
	await writeFile(join(plain, 'src/content/docs/index.md'), '---\ntitle: Home\n---\nBenchmark site.\n');
	// PRDs in folders (`payments/checkout.md`) become pages in the same folders; `_index.md` files are not PRDs.
	const prdFiles = (await readdir(join(integration, 'prds'), { recursive: true })).filter(
		(file) => file.endsWith('.md') && !file.endsWith('_index.md'),
	);
	for (const name of prdFiles.map((file) => file.split('\\').join('/'))) {
		await mkdir(join(plain, 'src/content/docs/prds', name, '..'), { recursive: true });
		await mkdir(join(plain, 'src/content/docs/specs', name, '..'), { recursive: true });
		const prd = await readFile(join(integration, 'prds', name), 'utf8');
		const title = /^title: (.*)$/m.exec(prd)![1]!;
		const prdBody = prd.replace(/^---\n[\s\S]*?\n---\n/, '');
		await writeFile(join(plain, 'src/content/docs/prds', name), `---\ntitle: ${JSON.stringify(title)}\n---\n${prdBody}`);
		const spec = await readFile(join(integration, 'src/content/specs', name), 'utf8');
		const specBody = spec.replace(/^---\n[\s\S]*?\n---\n/, '').replace(/^\s*# (.*)\n/, '');
		// A line of its own, as the integration's provenance line: copies of one sample must not
		// render to identical HTML, which Astro's data store would store once.
		const intro = `Technical specification for [${title}](/prds/${name.replace(/\.md$/, '')}/).\n`;
		await writeFile(
			join(plain, 'src/content/docs/specs', name),
			`---\ntitle: ${JSON.stringify(`Spec ${title}`)}\n---\n${intro}${specBody}`,
		);
	}
	await writeFile(
		join(plain, 'astro.config.mjs'),
		`import starlight from '@astrojs/starlight';\nimport mermaid from 'astro-mermaid';\nimport { defineConfig } from 'astro/config';\nexport default defineConfig({ ${options.plainExperimental ? `experimental: ${options.plainExperimental}, ` : ''}integrations: [mermaid({ autoTheme: true }), starlight({ title: 'Bench', ${sidebar}})] });\n`,
	);
	await writeFile(join(plain, 'src/content.config.ts'), CONTENT_CONFIG('docs'));
	return { integration, plain };
}

async function benchBuilds(samples: Sample[]): Promise<void> {
	for (const count of [50, 200]) {
		const sites = await writeSites(count, samples);
		const times: Record<'integration' | 'plain', number[]> = { integration: [], plain: [] };
		// One warm-up build each fills Astro's content cache; then alternate to share the noise.
		await run(sites.integration, [ASTRO_BIN, 'build']);
		await run(sites.plain, [ASTRO_BIN, 'build']);
		for (let i = 0; i < BUILD_RUNS; i++) {
			times.integration.push(await run(sites.integration, [ASTRO_BIN, 'build']));
			times.plain.push(await run(sites.plain, [ASTRO_BIN, 'build']));
		}
		const withIntegration = median(times.integration);
		const plain = median(times.plain);
		report(`Warm build, ${count} PRDs: integration`, `${withIntegration.toFixed(2)} s`, `median of ${BUILD_RUNS}`);
		report(`Warm build, ${count} PRDs: plain Starlight`, `${plain.toFixed(2)} s`, `median of ${BUILD_RUNS}`);
		report(`Warm build, ${count} PRDs: ratio`, (withIntegration / plain).toFixed(3), 'target <= 1.10');
	}
}

async function benchGeneration(samples: Sample[]): Promise<void> {
	const count = 24;
	const latency = 0.5;
	const concurrency = 4;
	const root = join(WORK, 'generation');
	await writeProject(root, count, samples, false);
	const server = await startFakeOpenAI((request) => ({
		type: 'text',
		content: specText(appNameOf(request.text)),
		delayMs: latency * 1000,
	}));
	try {
		const config = validateConfig({ generation: { concurrency } });
		const env = { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.baseURL };
		const started = performance.now();
		const { outcomes } = await prepareSpecs({ root, config, logger: silentLogger, env, mayGenerate: true });
		const wall = (performance.now() - started) / 1000;
		const ideal = Math.ceil(count / concurrency) * latency;
		if (outcomes.some((o) => o.status !== 'generated')) throw new Error('a generation failed in the benchmark');
		report(
			`Cold generation, ${count} PRDs, ${latency} s a reply, ${concurrency} at once`,
			`${wall.toFixed(2)} s`,
			`ideal ${ideal.toFixed(2)} s, ratio ${(wall / ideal).toFixed(3)}, target <= 1.15`,
		);

		// Incremental: one PRD of the 24 edited.
		const prdPath = join(root, 'prds/prd-00007.md');
		await writeFile(prdPath, `${await readFile(prdPath, 'utf8')}\nOne more requirement.\n`);
		server.requests.length = 0;
		const checkStarted = performance.now();
		const report1 = await loadProject(root, config);
		const checkTime = performance.now() - checkStarted;
		await prepareSpecs({ root, config, logger: silentLogger, env, mayGenerate: true });
		report(
			`Incremental, 1 of ${count} PRDs edited`,
			`${server.requests.length} request${server.requests.length === 1 ? '' : 's'}`,
			`${report1.prds.filter((s) => s.state !== 'fresh').length} stale; cache check ${checkTime.toFixed(0)} ms; must be 1 request`,
		);
	} finally {
		await server.close();
	}
}

async function benchCacheCheck(samples: Sample[]): Promise<void> {
	const config = validateConfig({});
	for (const count of [1000, 10000]) {
		const root = join(WORK, `scale-${count}`);
		await writeProject(root, count, samples);
		const times: number[] = [];
		let heapDelta = 0;
		for (let i = 0; i < 3; i++) {
			globalThis.gc?.();
			const heapBefore = process.memoryUsage().heapUsed;
			const started = performance.now();
			const project = await loadProject(root, config);
			times.push(performance.now() - started);
			heapDelta = Math.max(heapDelta, process.memoryUsage().heapUsed - heapBefore);
			if (project.prds.length !== count || project.prds.some((s) => s.state !== 'fresh')) throw new Error('unexpected cache state');
		}
		report(
			`Cache check, ${count.toLocaleString('en-US')} PRDs`,
			`${median(times).toFixed(0)} ms`,
			`first run ${times[0]!.toFixed(0)} ms; heap +${Math.round(heapDelta / 1e6)} MB (PRDs and specs in memory)${count === 10000 ? '; target < 1000 ms' : ''}`,
		);
	}
}

/**
 * What a build spends checking diagrams: every PRD and spec page's diagrams parsed by mermaid in
 * its worker (cold: a new site, or mermaid updated), then the same pages again with the verdicts
 * kept (warm: what every later build does). Each page's diagrams are made unique with a mermaid
 * comment, so that none is parsed once for several pages as copies would be.
 */
async function benchDiagramChecks(samples: Sample[]): Promise<void> {
	const count = 200;
	const pages = Array.from({ length: count }, (_, index) => {
		const sample = samples[index % samples.length]!;
		const text = index % 2 ? sample.spec : sample.prd;
		return { id: `page-${index}`, text: text.replace(/```mermaid\n/g, `\`\`\`mermaid\n%% page ${index}\n`) };
	});
	const diagrams = pages.reduce((total, page) => total + (page.text.match(/```mermaid\n/g)?.length ?? 0), 0);
	const values = new Map<string, string>();
	const store = { get: (key: string) => values.get(key), set: (key: string, value: string) => void values.set(key, value) };
	const digest = (text: string) => String(text.length) + text.slice(-64);
	const times: number[] = [];
	for (const round of ['cold', 'warm']) {
		const started = performance.now();
		const checks = startDiagramChecks(store, digest);
		const broken = await Promise.all(pages.map((page) => checks.check(page.id, page.text)));
		await checks.finish();
		times.push(performance.now() - started);
		if (broken.some((list) => list.length > 0) || checks.failure()) throw new Error(`${round}: a sample diagram did not parse`);
	}
	report(
		`Diagram checks, ${count} pages (${diagrams} diagrams)`,
		`${(times[0]! / 1000).toFixed(1)} s cold`,
		`${(times[0]! / diagrams).toFixed(0)} ms a diagram with the worker's start; warm (verdicts kept): ${times[1]!.toFixed(0)} ms`,
	);
}

async function benchPageWeight(): Promise<void> {
	if (!HAS_CHROMIUM) {
		report('Page weight', 'skipped', 'no Chromium at /usr/bin/chromium');
		return;
	}
	const dist = join(WORK, 'build-50-integration/dist');
	const site = await serveStatic(dist);
	const browser = await launchChromium();
	try {
		for (const [label, path] of [
			['without a diagram (home)', '/'],
			['with diagrams (a spec)', '/specs/prd-00000/'],
		] as const) {
			const page = await browser.newPage();
			let bytes = 0;
			const sizes: Promise<void>[] = [];
			page.on('response', (response) => {
				if (response.request().resourceType() === 'script')
					sizes.push(
						response.body().then(
							(body) => void (bytes += body.length),
							() => undefined,
						),
					);
			});
			await page.goto(`${site.url}${path}`, { waitUntil: 'networkidle' });
			if (path !== '/') await page.waitForFunction(() => document.querySelectorAll('pre.mermaid svg').length > 0);
			await page.waitForLoadState('networkidle');
			await Promise.all(sizes);
			report(`JavaScript loaded, page ${label}`, `${Math.round(bytes / 1024)} KiB`, 'uncompressed');
			await page.close();
		}
	} finally {
		await browser.close();
		await site.close();
	}
}

await mkdir(WORK, { recursive: true });
const samples = await readSamples();
console.error(
	`Benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
);
// `BENCH_ONLY=builds,page-weight` runs some of them (cache-check, generation, batch, diagram-checks, builds, page-weight, scale).
// `scale` (1,000 PRDs, cold builds of several minutes) runs only when asked for.
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);
if (wanted('cache-check')) await benchCacheCheck(samples);
if (wanted('generation')) await benchGeneration(samples);
if (wanted('batch')) await benchBatch(samples, { work: WORK, report });
if (wanted('diagram-checks')) await benchDiagramChecks(samples);
if (wanted('builds')) await benchBuilds(samples);
if (wanted('page-weight')) await benchPageWeight();
if (only?.includes('scale')) await benchScale(samples, { work: WORK, astroBin: ASTRO_BIN, writeSites, report });

const width = Math.max(...rows.map(([name]) => name.length));
const figureWidth = Math.max(...rows.map(([, figure]) => figure.length));
console.log(`\n${'benchmark'.padEnd(width)}  ${'figure'.padEnd(figureWidth)}  notes`);
for (const [name, figure, note] of rows) console.log(`${name.padEnd(width)}  ${figure.padEnd(figureWidth)}  ${note}`);
