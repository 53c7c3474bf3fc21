// The scale row of `npm run bench` (`BENCH_ONLY=scale`): cold builds of a large site with the
// integration and as plain Starlight pages with a fixed sidebar, one after the other, with what
// each costs in time, memory and bytes. See the Performance guide for what each figure means.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { loadavg } from 'node:os';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import type { Sample } from './fixtures.ts';
import type { SiteOptions } from './run.ts';

interface ScaleContext {
	work: string;
	astroBin: string;
	writeSites(count: number, samples: Sample[], options: SiteOptions): Promise<{ integration: string; plain: string }>;
	report(name: string, figure: string, note?: string): void;
}

/** Both sites' own sidebar: a few links, the same whatever the number of pages (the integration adds its group to it). */
function fixedSidebar(folders: number): string {
	const first = folders > 0 ? 'area-00/prd-00000' : 'prd-00000';
	return `[{ label: 'Home', link: '/' }, { label: 'First PRD', link: '/prds/${first}/' }, { label: 'Its spec', link: '/specs/${first}/' }]`;
}
const POLL_MS = 250;
const PLAIN_CHUNKED_ABOVE = 3000;

interface BuildFigures {
	seconds: number;
	/** Highest sum of VmRSS over the build process and its descendants, polled. */
	peakRssBytes: number;
	/** The machine's 1-minute load average when the build started and when it ended. */
	load: [number, number];
}

export async function benchScale(samples: Sample[], context: ScaleContext): Promise<void> {
	const count = Number(process.env.BENCH_SCALE ?? 1000);
	// PRDs spread over folders of about 50 as large sites sort them by area (`BENCH_SCALE_FOLDERS=0`: a flat `prds/`).
	const folders = Number(process.env.BENCH_SCALE_FOLDERS ?? Math.ceil(count / 50));
	const withPlain = process.env.BENCH_SCALE_PLAIN !== '0';
	// `BENCH_SCALE_OPTIONS="{ sidebar: false }"`: `prdSpecs()` options (JavaScript), to see what a part costs.
	const pluginOptions = process.env.BENCH_SCALE_OPTIONS ?? '';
	// Plain Starlight keeps every page's HTML in Astro's content store, written as one string: near
	// 4,000 PRDs that passes V8's limit, so above this it needs Astro's chunked store to build at all.
	const plainExperimental = count > PLAIN_CHUNKED_ABOVE ? "{ collectionStorage: 'chunked' }" : undefined;
	const sites = await context.writeSites(count, samples, {
		name: 'scale',
		pluginOptions,
		folders,
		plainExperimental,
		sidebar: fixedSidebar(folders),
	});
	const shape = folders > 0 ? `in ${folders} folders` : 'flat';
	const label = `Cold build, ${count.toLocaleString('en-US')} PRDs ${shape}${pluginOptions ? ` (${pluginOptions})` : ''}`;

	const integration = await coldBuild(sites.integration, context.astroBin);
	const integrationPages = await measureDist(join(sites.integration, 'dist'));
	// `BENCH_SCALE_WARM=1`: the integration site built again, as a build after an edit is (content cache and link record kept).
	const warm = process.env.BENCH_SCALE_WARM === '1' ? await build(sites.integration, context.astroBin) : undefined;
	const plain = withPlain ? await coldBuild(sites.plain, context.astroBin) : undefined;
	const plainPages = withPlain ? await measureDist(join(sites.plain, 'dist')) : undefined;

	const sides: [string, BuildFigures, DistFigures][] = [['integration', integration, integrationPages]];
	if (plain && plainPages) sides.push(['plain Starlight, fixed sidebar', plain, plainPages]);
	for (const [side, build, dist] of sides) {
		context.report(
			`${label}: ${side}`,
			`${build.seconds.toFixed(1)} s`,
			`peak RSS ${formatBytes(build.peakRssBytes)} (build process tree); load ${build.load[0].toFixed(2)} at the start, ${build.load[1].toFixed(2)} at the end`,
		);
		context.report(
			`${label}: ${side}, dist/`,
			formatBytes(dist.totalBytes),
			`${dist.files} files; largest page ${dist.largest.path} ${formatKB(dist.largest.bytes)}${dist.agentBytes > 0 ? `; markdown copies and llms files ${formatBytes(dist.agentBytes)}` : ''}`,
		);
		context.report(
			`${label}: ${side}, PRD page`,
			`${formatKB(dist.medianPrdBytes)} median`,
			`chrome (HTML outside <main>) ${formatKB(dist.medianChromeBytes)} median, ${formatKB(dist.maxChromeBytes)} at most`,
		);
	}
	if (warm) {
		context.report(
			`${label}: integration built again (warm)`,
			`${warm.seconds.toFixed(1)} s`,
			`peak RSS ${formatBytes(warm.peakRssBytes)}; load ${warm.load[0].toFixed(2)} at the start, ${warm.load[1].toFixed(2)} at the end`,
		);
	}
	if (plain) {
		context.report(
			`${label}: ratio`,
			(integration.seconds / plain.seconds).toFixed(3),
			'build time against plain Starlight; target <= 1.2 at 1,000',
		);
	}
}

/** `astro build` after deleting what an earlier build left (Astro's content cache and `dist/`). */
async function coldBuild(root: string, astroBin: string): Promise<BuildFigures> {
	await Promise.all([
		rm(join(root, 'node_modules/.astro'), { recursive: true, force: true }),
		rm(join(root, '.astro'), { recursive: true, force: true }),
		rm(join(root, 'dist'), { recursive: true, force: true }),
	]);
	return build(root, astroBin);
}

/** `astro build`, timed, with the peak memory of its process tree. */
async function build(root: string, astroBin: string): Promise<BuildFigures> {
	const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', PRD_SPECS_OFFLINE: '1' };
	delete env.OPENAI_API_KEY;
	const load = loadavg()[0]!;
	const started = performance.now();
	// Astro's own log (with the time of each step) is kept next to the site: `build.log`.
	const log = createWriteStream(join(root, 'build.log'));
	const child = spawn(process.execPath, [astroBin, 'build'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout.pipe(log);
	let errors = '';
	child.stderr.on('data', (chunk) => (errors = `${errors}${chunk}`.slice(-20_000)));
	let peakRssBytes = 0;
	const poll = setInterval(() => void treeRss(child.pid!).then((rss) => (peakRssBytes = Math.max(peakRssBytes, rss))), POLL_MS);
	try {
		const code = await new Promise<number | null>((resolve, reject) => {
			child.on('error', reject);
			child.on('close', resolve);
		});
		if (code !== 0) throw new Error(`astro build failed in ${root}:\n${errors}`);
	} finally {
		clearInterval(poll);
	}
	return { seconds: (performance.now() - started) / 1000, peakRssBytes, load: [load, loadavg()[0]!] };
}

/** VmRSS of a process and of every process below it, from `/proc` (Linux). */
async function treeRss(rootPid: number): Promise<number> {
	const parents = new Map<number, number>();
	for (const name of await readdir('/proc')) {
		if (!/^\d+$/.test(name)) continue;
		const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
		// `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so read after the last `)`.
		const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
		if (ppid) parents.set(Number(name), ppid);
	}
	const inTree = (pid: number): boolean => {
		for (let current: number | undefined = pid, depth = 0; current && depth < 64; current = parents.get(current), depth++)
			if (current === rootPid) return true;
		return false;
	};
	let total = 0;
	for (const pid of [rootPid, ...[...parents.keys()].filter((pid) => pid !== rootPid && inTree(pid))]) {
		const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
		const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
		if (kb) total += Number(kb) * 1024;
	}
	return total;
}

interface DistFigures {
	files: number;
	totalBytes: number;
	/** The files for coding agents: markdown copies (`*.md`) and `llms*.txt`. */
	agentBytes: number;
	largest: { path: string; bytes: number };
	medianPrdBytes: number;
	medianChromeBytes: number;
	maxChromeBytes: number;
}

/**
 * Sizes of a built site. A PRD page is `prds/<id>/index.html` for each PRD (folder index pages
 * excluded: they are not PRDs). Its chrome is every byte outside `<main ...>...</main>`: the head,
 * header, sidebar, table of contents and scripts, all that a page carries besides its own content.
 */
async function measureDist(dist: string): Promise<DistFigures> {
	const files = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
	let totalBytes = 0;
	let agentBytes = 0;
	let largest = { path: '', bytes: 0 };
	const prdPages: string[] = [];
	for (const file of files) {
		const path = join(file.parentPath, file.name);
		const { size } = await stat(path);
		totalBytes += size;
		const relative = path
			.slice(dist.length + 1)
			.split('\\')
			.join('/');
		if (relative.endsWith('.md') || /(^|\/)llms[^/]*\.txt$/.test(relative)) agentBytes += size;
		if (!relative.endsWith('.html')) continue;
		if (size > largest.bytes) largest = { path: `/${relative.replace(/index\.html$/, '')}`, bytes: size };
		if (relative.startsWith('prds/') && relative.endsWith('/index.html')) prdPages.push(path);
	}
	// Folder index pages have no spec page beside them.
	const sizes: number[] = [];
	const chromes: number[] = [];
	for (const path of prdPages) {
		const specPage = path.replace(`${join(dist, 'prds')}`, join(dist, 'specs'));
		if (!(await stat(specPage).catch(() => undefined))) continue;
		const html = await readFile(path);
		sizes.push(html.length);
		chromes.push(chromeBytes(html));
	}
	return {
		files: files.length,
		agentBytes,
		totalBytes,
		largest,
		medianPrdBytes: median(sizes),
		medianChromeBytes: median(chromes),
		maxChromeBytes: Math.max(0, ...chromes),
	};
}

/** Bytes of a page outside its `<main>` element (all of it when it has none). */
function chromeBytes(html: Buffer): number {
	const start = html.indexOf('<main');
	const end = html.lastIndexOf('</main>');
	if (start === -1 || end === -1) return html.length;
	const contentStart = html.indexOf('>', start) + 1;
	return html.length - (end - contentStart);
}

function median(values: number[]): number {
	if (values.length === 0) return 0;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function formatBytes(bytes: number): string {
	return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

function formatKB(bytes: number): string {
	return `${(bytes / 1000).toFixed(1)} KB`;
}
