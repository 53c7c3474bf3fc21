import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { expect, test } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(PACKAGE_ROOT, 'lib/cli/main.js');

// `npm run build:lib` (which vitest's global setup runs) compiles the bin afresh: tsc writes it
// without the executable bit, so a clean checkout's `npx prd-specs` failed with "Permission denied".
test('the compiled prd-specs bin is executable and runs as a command', async () => {
	expect((await stat(BIN)).mode & 0o111).toBe(0o111);
	// As npm runs it: `node_modules/.bin` (this project's Node) first on the PATH, the shebang finds node.
	const env = { ...process.env, PATH: `${join(PACKAGE_ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}` };
	const { stdout } = await promisify(execFile)(BIN, ['--help'], { env });
	expect(stdout).toMatch(/^Usage: prd-specs <command> \[options\]/);
});
