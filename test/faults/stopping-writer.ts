/*
 * A child process for test/faults/atomic-write.test.ts: writes one spec with `writeSpecFile`
 * through the `SpecWriteFs` seam and stops at the step named on the command line, saying so on
 * stdout (`stopped <step> <temporary file>`) and then waiting forever, to be killed there with
 * SIGKILL. Run with Node's own TypeScript support: `node stopping-writer.ts <root> <specsDir> <step> <metadata JSON> <body>`.
 *
 * Steps: `after-open` (the temporary file exists, empty), `mid-write` (half of the text written),
 * `before-sync` (all written, not flushed), `before-close` (flushed), `before-rename` (closed),
 * `after-rename` (the spec is in place).
 */
import type { FileHandle } from 'node:fs/promises';
import { open, rename, rm } from 'node:fs/promises';

import type { SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { writeSpecFile, type SpecWriteFs } from '../../src/integration/cache/write.ts';

const [root, specsDir, stopAt, metadataJson, body] = process.argv.slice(2) as [string, string, string, string, string];
const metadata = JSON.parse(metadataJson) as SpecMetadata;

let temporary = '';

/** Says where it stopped, then keeps the process alive until it is killed. */
function stop(step: string): Promise<never> {
	process.stdout.write(`stopped ${step} ${temporary}\n`);
	setInterval(() => undefined, 1 << 30);
	return new Promise<never>(() => undefined);
}

async function at(step: string): Promise<void> {
	if (step === stopAt) await stop(step);
}

const fs: SpecWriteFs = {
	async open(path, flags) {
		temporary = path;
		const handle: FileHandle = await open(path, flags);
		await at('after-open');
		return {
			async writeFile(data, options) {
				if (stopAt === 'mid-write' && typeof data === 'string') {
					await handle.write(data.slice(0, Math.floor(data.length / 2)), null, 'utf8');
					await stop('mid-write');
				}
				await handle.writeFile(data, options);
				await at('before-sync');
			},
			async sync() {
				await handle.sync();
				await at('before-close');
			},
			async close() {
				await handle.close();
				await at('before-rename');
			},
		};
	},
	async rename(from, to) {
		await rename(from, to);
		await at('after-rename');
	},
	rm,
};

await writeSpecFile(root, specsDir, metadata, body, fs);
process.stdout.write('finished\n');
