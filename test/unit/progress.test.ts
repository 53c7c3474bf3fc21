import { Writable } from 'node:stream';

import { expect, test } from 'vitest';

import { createProgressDisplay } from '../../src/integration/cli/progress.ts';
import type { CliIO } from '../../src/integration/cli/output.ts';
import type { PrdWithSpec } from '../../src/integration/project.ts';

/**
 * The screen a terminal shows after the writes: enough of ANSI for the display (`ESC[nF` moves
 * up n lines to their start, `ESC[2K` clears the line, `ESC[0J` clears to the end of the screen).
 */
function createScreen() {
	const lines: string[] = [''];
	let row = 0;
	const apply = (text: string) => {
		for (let index = 0; index < text.length; index++) {
			const char = text[index]!;
			if (char === '\u001b') {
				// eslint-disable-next-line no-control-regex -- the escape sequences are what the screen reads
				const match = /^\u001b\[(\d+)([A-Z])/.exec(text.slice(index));
				if (!match) throw new Error(`unexpected escape in ${JSON.stringify(text)}`);
				const [sequence, count, command] = match;
				if (command === 'F') row = Math.max(0, row - Number(count));
				else if (command === 'K') lines[row] = '';
				else if (command === 'J') lines.length = row + 1;
				if (command === 'F' || command === 'J') lines[row] = '';
				index += sequence.length - 1;
			} else if (char === '\n') {
				row++;
				lines[row] ??= '';
			} else {
				lines[row] += char;
			}
		}
	};
	const stream = new Writable({
		write(chunk: Buffer, _encoding, done) {
			apply(chunk.toString('utf8'));
			done();
		},
	});
	return { stream: Object.assign(stream, { isTTY: true }), text: () => lines.join('\n').trimEnd() };
}

const target = (id: string) => ({ prd: { id, file: `prds/${id}.md` } }) as PrdWithSpec;

test('on a terminal the heading stays above the live rows, each shown once, with nothing stale left', async () => {
	const screen = createScreen();
	const io: CliIO = { stdout: screen.stream, stderr: screen.stream, env: {}, cwd: '/' };
	const display = createProgressDisplay(io, [target('alpha'), target('beta')], 'Generating 2 specs with m, 2 at a time.');
	display.onProgress({ type: 'start', id: 'alpha', prdFile: 'prds/alpha.md' });
	display.logger.warn('something to say');
	display.onProgress({ type: 'start', id: 'beta', prdFile: 'prds/beta.md' });
	for (const id of ['alpha', 'beta']) {
		display.onProgress({
			type: 'end',
			outcome: { id, prdFile: `prds/${id}.md`, status: 'generated', seconds: 1, usage: { inputTokens: 1, outputTokens: 2 }, requests: 1 },
		});
	}
	display.stop();
	await new Promise((resolve) => setImmediate(resolve));
	const lines = screen.text().split('\n');
	expect(lines[0]).toBe('Generating 2 specs with m, 2 at a time.');
	expect(lines[1]).toBe('warning: something to say');
	expect(lines.slice(2).map((line) => line.replace(/\s+/g, ' '))).toEqual([
		'✓ prds/alpha.md done 1.0 s (1 in / 2 out)',
		'✓ prds/beta.md done 1.0 s (1 in / 2 out)',
	]);
	expect(screen.text()).not.toContain('waiting');
});
