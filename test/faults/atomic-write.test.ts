/*
 * "A spec that passes is written at once, atomically (temporary file, flush, rename)": shown, not
 * claimed. `writeSpecFile` takes its file operations from a seam (`SpecWriteFs`), so these tests
 * make a write fail at each step in this process, and stop a write at each step in a child
 * process that is then killed with SIGKILL (it says on stdout where it stopped: no sleeps, no
 * timing). At every point the previous spec is intact byte for byte, or the new one complete;
 * a partial `<id>.md` never exists; the temporary file is removed on error, and after a kill
 * by `removeAbandonedTempFiles` (not while its process still runs).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, test } from 'vitest';

import { readSpecCache } from '../../src/integration/cache/read.ts';
import { serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { removeAbandonedTempFiles, writeSpecFile, type SpecWriteFs } from '../../src/integration/cache/write.ts';
import { useTempDir } from '../helpers/tmp.ts';

const WRITER = fileURLToPath(new URL('./stopping-writer.ts', import.meta.url));
const tempDir = useTempDir();

const OLD: SpecMetadata = {
	prd: 'checkout',
	inputHash: `sha256:${'a'.repeat(64)}`,
	templateHash: `sha256:${'b'.repeat(64)}`,
	source: 'manual',
	generatedAt: '2026-11-01T09:30:00.000Z',
};
const OLD_BODY = '# Technical Specification: Basketly\n\n## Overview\n\nThe previous spec, which must survive.';
const NEW: SpecMetadata = {
	prd: 'checkout',
	inputHash: `sha256:${'c'.repeat(64)}`,
	templateHash: `sha256:${'d'.repeat(64)}`,
	source: 'model',
	model: 'gpt-6.1-terra',
	generatedAt: '2026-11-27T10:00:00.000Z',
	usage: { inputTokens: 7012, outputTokens: 5480, requests: 1 },
};
// Long enough that half of it is clearly not a spec, and not ASCII only (a cut may split a character).
const NEW_BODY = `# Technical Specification: Basketly\n\n${Array.from({ length: 400 }, (_, i) => `## Section ${i}\n\nÉtape ${i}: the new spec — complete.`).join('\n\n')}`;
const NEW_TEXT = serializeSpecFile(NEW, NEW_BODY);

/** A project with `specs/checkout.md` written by the real writer, or none; returns its bytes. */
async function project(withPrevious: boolean): Promise<{ root: string; specs: string; target: string; previous: Buffer | null }> {
	const root = await tempDir();
	const specs = join(root, 'specs');
	const target = join(specs, 'checkout.md');
	if (!withPrevious) return { root, specs, target, previous: null };
	await writeSpecFile(root, 'specs', OLD, OLD_BODY);
	return { root, specs, target, previous: await readFile(target) };
}

async function readOrNull(path: string): Promise<Buffer | null> {
	return readFile(path).catch((error: NodeJS.ErrnoException) => {
		if (error.code === 'ENOENT') return null;
		throw error;
	});
}

function injected(code: string): NodeJS.ErrnoException {
	return Object.assign(new Error(`${code}: injected fault`), { code });
}

/** Where an in-process write can fail. */
const FAULTS = {
	open: 'opening the temporary file fails',
	'after-open': 'writing fails before any byte',
	'mid-write': 'writing fails after half the text (disk full)',
	sync: 'flushing fails (after the write, before the rename)',
	close: 'closing fails (after the flush, before the rename)',
	rename: 'the rename fails',
} as const;
type Fault = keyof typeof FAULTS;

interface Trace {
	/** The operations, in order. */
	calls: string[];
	/** The spec's bytes as each operation began. */
	targetAt: { call: string; bytes: Buffer | null }[];
	temporary?: string;
	/** The temporary file's bytes when the fault struck. */
	temporaryAtFault?: Buffer | null;
}

/** Real file operations that record what they do and fail at `fault`. */
function faultyFs(target: string, fault: Fault | undefined, trace: Trace): SpecWriteFs {
	const step = async (call: string) => {
		trace.calls.push(call);
		trace.targetAt.push({ call, bytes: await readOrNull(target) });
	};
	const fail = async (code: string): Promise<never> => {
		trace.temporaryAtFault = await readOrNull(trace.temporary!);
		throw injected(code);
	};
	return {
		async open(path, flags) {
			trace.temporary = path;
			await step('open');
			if (fault === 'open') await fail('EMFILE');
			const handle = await open(path, flags);
			return {
				async writeFile(data, options) {
					await step('writeFile');
					if (fault === 'after-open') await fail('EIO');
					if (fault === 'mid-write') {
						// writeSpecFile writes its text as one string.
						const text = data as string;
						await handle.write(text.slice(0, Math.floor(text.length / 2)), null, 'utf8');
						await fail('ENOSPC');
					}
					await handle.writeFile(data, options);
				},
				async sync() {
					await step('sync');
					if (fault === 'sync') await fail('EIO');
					await handle.sync();
				},
				async close() {
					await step('close');
					await handle.close();
					if (fault === 'close') await fail('EIO');
				},
			};
		},
		async rename(from, to) {
			await step('rename');
			if (fault === 'rename') await fail('EACCES');
			await rename(from, to);
		},
		async rm(path, options) {
			trace.calls.push('rm');
			await rm(path, options);
		},
	};
}

describe('a write that fails at each step leaves the previous spec, and no temporary file', () => {
	test.each(
		Object.entries(FAULTS).flatMap(([fault, label]) => [true, false].map((withPrevious) => [fault as Fault, label, withPrevious] as const)),
	)('%s: %s (previous spec: %s)', async (fault, _, withPrevious) => {
		const { root, specs, target, previous } = await project(withPrevious);
		const trace: Trace = { calls: [], targetAt: [] };
		const write = writeSpecFile(root, 'specs', NEW, NEW_BODY, faultyFs(target, fault, trace));
		await expect(write).rejects.toThrow(/injected fault/);

		// The fault struck where it was meant to (a failed open leaves nothing to look at).
		if (fault !== 'open') {
			expect(trace.temporaryAtFault, 'the temporary file existed when the write failed').not.toBeNull();
			if (fault === 'mid-write') {
				expect(trace.temporaryAtFault!.length).toBeGreaterThan(0);
				expect(trace.temporaryAtFault!.length).toBeLessThan(Buffer.byteLength(NEW_TEXT));
			}
		}
		// At no step did the spec hold anything but the previous bytes (or nothing).
		for (const { call, bytes } of trace.targetAt) expect(bytes, `the spec as ${call} began`).toEqual(previous);
		// After: the previous spec, byte for byte, and no temporary file.
		expect(await readOrNull(target)).toEqual(previous);
		expect(await readdir(specs)).toEqual(withPrevious ? ['checkout.md'] : []);
		const cache = await readSpecCache(root, 'specs');
		expect(cache.problems).toEqual([]);
		if (withPrevious) expect(cache.specs.get('checkout')?.metadata).toEqual(OLD);
		// The temporary file was removed by the writer itself.
		expect(trace.calls.at(-1)).toBe('rm');
	});

	test('a write that succeeds: temporary file beside the spec, written, flushed, closed, then renamed over it', async () => {
		const { root, specs, target, previous } = await project(true);
		const trace: Trace = { calls: [], targetAt: [] };
		expect(await writeSpecFile(root, 'specs', NEW, NEW_BODY, faultyFs(target, undefined, trace))).toBe('specs/checkout.md');
		expect(trace.calls).toEqual(['open', 'writeFile', 'sync', 'close', 'rename']);
		for (const { call, bytes } of trace.targetAt) expect(bytes, `the spec as ${call} began`).toEqual(previous);
		// In the same folder (a rename does not cross file systems), named as removeAbandonedTempFiles expects.
		expect(dirname(trace.temporary!)).toBe(specs);
		expect(basename(trace.temporary!)).toMatch(new RegExp(`^\\.checkout\\.md\\.${process.pid}\\.[0-9a-f]+\\.tmp$`));
		expect(await readFile(target, 'utf8')).toBe(NEW_TEXT);
		expect(await readdir(specs)).toEqual(['checkout.md']);
	});
});

/** Where the child process is stopped, then killed. */
const STOPS = ['after-open', 'mid-write', 'before-sync', 'before-close', 'before-rename', 'after-rename'] as const;

type Writer = ChildProcessByStdio<null, Readable, Readable>;
const children: Writer[] = [];
afterEach(() => {
	for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts the stopping writer; resolves with its line `stopped <step> <temporary>`, rejects if it exits first. */
function startWriter(root: string, stopAt: string): { child: Writer; stopped: Promise<{ step: string; temporary: string }> } {
	const child = spawn(process.execPath, [WRITER, root, 'specs', stopAt, JSON.stringify(NEW), NEW_BODY], {
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	children.push(child);
	const stopped = new Promise<{ step: string; temporary: string }>((resolve, reject) => {
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => {
			stdout += chunk;
			const line = /^stopped (\S+) (.+)\n/.exec(stdout);
			if (line) resolve({ step: line[1]!, temporary: line[2]! });
		});
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.once('close', (code, signal) =>
			reject(new Error(`the writer ended (${code ?? signal}) without stopping at ${stopAt}:\n${stdout}${stderr}`)),
		);
	});
	return { child, stopped };
}

describe('a writer killed with SIGKILL at each step', () => {
	test.each(STOPS)(
		'killed %s: the previous spec or the complete new one, and the temporary file is cleaned up afterwards',
		async (stopAt) => {
			const { root, specs, target, previous } = await project(true);
			const { child, stopped } = startWriter(root, stopAt);
			const { step, temporary } = await stopped;
			expect(step).toBe(stopAt);
			const renamed = stopAt === 'after-rename';
			const temporaryName = basename(temporary);
			expect(temporaryName).toMatch(new RegExp(`^\\.checkout\\.md\\.${child.pid}\\.[0-9a-f]+\\.tmp$`));

			if (!renamed) {
				// The temporary file of a process that still runs is not touched.
				await removeAbandonedTempFiles(root, 'specs');
				expect((await readdir(specs)).sort()).toEqual([temporaryName, 'checkout.md'].sort());
			}

			child.kill('SIGKILL');
			const [, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
			expect(signal).toBe('SIGKILL');

			// The spec: the previous one byte for byte, or the whole new one.
			expect(await readFile(target)).toEqual(renamed ? Buffer.from(NEW_TEXT) : previous);
			const cache = await readSpecCache(root, 'specs');
			expect(cache.problems).toEqual([]);
			expect(cache.specs.get('checkout')?.metadata).toEqual(renamed ? NEW : OLD);

			if (!renamed) {
				const left = await readFile(join(specs, temporaryName));
				if (stopAt === 'after-open') expect(left.length).toBe(0);
				if (stopAt === 'mid-write') {
					expect(left.length).toBeGreaterThan(0);
					expect(left.length).toBeLessThan(Buffer.byteLength(NEW_TEXT));
				}
				if (stopAt !== 'after-open' && stopAt !== 'mid-write') expect(left.toString('utf8')).toBe(NEW_TEXT);
			}
			// The killed process's temporary file is removed by the next run's clean-up; the spec stays.
			await removeAbandonedTempFiles(root, 'specs');
			expect(await readdir(specs)).toEqual(['checkout.md']);
			expect(await readFile(target)).toEqual(renamed ? Buffer.from(NEW_TEXT) : previous);
		},
	);

	test('the writer, left alone, finishes the write (the seam changes nothing by itself)', async () => {
		const { root, specs, target } = await project(true);
		const child = spawn(process.execPath, [WRITER, root, 'specs', 'nowhere', JSON.stringify(NEW), NEW_BODY], {
			stdio: ['ignore', 'pipe', 'inherit'],
		});
		children.push(child as unknown as Writer);
		let stdout = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		const [code] = (await once(child, 'close')) as [number | null];
		expect(code).toBe(0);
		expect(stdout).toBe('finished\n');
		expect(await readFile(target, 'utf8')).toBe(NEW_TEXT);
		expect(await readdir(specs)).toEqual(['checkout.md']);
	});
});
