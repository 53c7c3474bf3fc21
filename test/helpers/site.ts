import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

import { afterAll } from 'vitest';

import { writeFreshSpec } from './files.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = join(PACKAGE_ROOT, 'test/fixtures/site');
// Copies live inside the package so that `astro` and `astro-prd-specs` resolve from them.
const TMP_ROOT = join(PACKAGE_ROOT, 'test/.tmp');
const ASTRO_BIN = join(PACKAGE_ROOT, 'node_modules/astro/bin/astro.mjs');
const CLI_BIN = join(PACKAGE_ROOT, 'lib/cli/main.js');

export interface BuildResult {
	code: number | null;
	/** stdout and stderr together, ANSI colours removed. */
	output: string;
	stdout: string;
}

/** Copies the fixture site into a fresh folder and records its sample spec as fresh. Removed after the file's tests. */
export function useFixtureSite(): () => Promise<string> {
	const dirs: string[] = [];
	afterAll(async () => {
		await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
	});
	return async () => {
		await mkdir(TMP_ROOT, { recursive: true });
		const dir = await mkdtemp(join(TMP_ROOT, 'site-'));
		dirs.push(dir);
		await cp(FIXTURE, dir, { recursive: true, filter: (source) => !source.includes('spec-bodies') });
		for (const name of await readdir(join(FIXTURE, 'spec-bodies'))) {
			const body = await readFile(join(FIXTURE, 'spec-bodies', name), 'utf8');
			await writeFreshSpec(dir, name.replace(/\.md$/, ''), body);
		}
		return dir;
	};
}

/** Runs `astro build` in a site folder with no API key, telemetry off. */
export function buildSite(dir: string, env: Record<string, string> = {}): Promise<BuildResult> {
	return runNode(dir, [ASTRO_BIN, 'build'], env);
}

/** Runs `astro sync` in a site folder (content and types, as `astro check` and editors do). */
export function syncSite(dir: string, env: Record<string, string> = {}): Promise<BuildResult> {
	return runNode(dir, [ASTRO_BIN, 'sync'], env);
}

/** Runs the package's `prd-specs` command (the compiled bin) in a site folder. */
export function runCli(dir: string, args: string[], env: Record<string, string> = {}): Promise<BuildResult> {
	return runNode(dir, [CLI_BIN, ...args], env);
}

/** The environment of a user's shell: vitest's own variables removed, telemetry off, no key. */
function userEnv(env: Record<string, string>): NodeJS.ProcessEnv {
	// vitest sets NODE_ENV=test, DEV=1, MODE=test... (which make Astro build a development-mode
	// site, without search) and VITEST* variables.
	const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !/^(VITEST|NODE_ENV$|TEST$|MODE$|DEV$|PROD$|SSR$|BASE_URL$|OPENAI_|PRD_SPECS_)/.test(name),
		),
	);
	return Object.assign(childEnv, { ASTRO_TELEMETRY_DISABLED: '1', NO_COLOR: '1', FORCE_COLOR: '0' }, env);
}

/** `astro dev` on a free port of 127.0.0.1; resolves once it serves. */
export async function startDevServer(
	dir: string,
	env: Record<string, string> = {},
): Promise<{ url: string; output: () => string; stop(): Promise<void> }> {
	const port = await new Promise<number>((resolve) => {
		const probe = createServer().listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as AddressInfo;
			probe.close(() => resolve(port));
		});
	});
	const child = spawn(process.execPath, [ASTRO_BIN, 'dev', '--host', '127.0.0.1', '--port', String(port)], {
		cwd: dir,
		env: userEnv(env),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (chunk) => (output += chunk));
	child.stderr.on('data', (chunk) => (output += chunk));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 60_000;
	for (;;) {
		if (child.exitCode !== null) throw new Error(`astro dev exited:\n${output}`);
		if (Date.now() > deadline) throw new Error(`astro dev did not start:\n${output}`);
		if (
			await fetch(url).then(
				(response) => response.ok,
				() => false,
			)
		)
			break;
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	return {
		url,
		output: () => output,
		stop: () =>
			new Promise((resolve) => {
				child.once('close', () => resolve());
				child.kill('SIGTERM');
			}),
	};
}

/** Starts the `prd-specs` bin without waiting for it, to kill it midway. */
export function spawnCli(dir: string, args: string[], env: Record<string, string> = {}) {
	return spawn(process.execPath, [CLI_BIN, ...args], { cwd: dir, env: userEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
}

function runNode(dir: string, args: string[], env: Record<string, string>): Promise<BuildResult> {
	const childEnv = userEnv(env);
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, args, { cwd: dir, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		let stdout = '';
		child.stdout.on('data', (chunk) => ((output += chunk), (stdout += chunk)));
		child.stderr.on('data', (chunk) => (output += chunk));
		child.on('error', reject);
		// eslint-disable-next-line no-control-regex -- ANSI colour codes start with ESC
		child.on('close', (code) => resolve({ code, output: output.replace(/\u001b\[[0-9;]*m/g, ''), stdout }));
	});
}

/** A built page's HTML, by its URL path (`/prds/x/`). */
export function readPage(dir: string, path: string): Promise<string> {
	return readFile(join(dir, 'dist', path, 'index.html'), 'utf8');
}

/** The `<main>` of a page: the content without header, sidebar and scripts. */
export function getMain(html: string): string {
	return /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';
}
