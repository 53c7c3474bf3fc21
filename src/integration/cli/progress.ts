import type { PrdWithSpec } from '../project.ts';
import type { ProgressEvent, ProgressLogger } from '../generation/run.ts';
import { cellText, formatSeconds, logLines, type CliIO } from './output.ts';

interface Row {
	file: string;
	state: 'waiting' | 'running' | 'repairing' | 'done' | 'failed' | 'not started';
	started?: number;
	seconds?: number;
	note?: string;
}

/**
 * Progress of a `generate` run: `heading` (a line saying what the run does), then on a terminal
 * one live line per PRD (waiting, running with elapsed time, done, failed), redrawn every second,
 * with log lines printed above it. Elsewhere (CI logs): the heading and the log lines only. The
 * heading is written before the first drawing: a line written after it would shift what each
 * redraw moves back over, leaving a stale row on the screen.
 */
export function createProgressDisplay(io: CliIO, targets: readonly PrdWithSpec[], heading: string) {
	const live = Boolean(io.stdout.isTTY) && !io.env.CI;
	// The file name is shown on the one live line of its PRD: flattened and cut like a table cell.
	const rows = new Map<string, Row>(targets.map((status) => [status.prd.id, { file: cellText(status.prd.file, 80), state: 'waiting' }]));
	let drawn = 0;

	const render = () => {
		if (!live) return;
		const now = performance.now();
		const lines = [...rows.values()].map((row) => {
			const elapsed = row.seconds ?? (row.started === undefined ? undefined : (now - row.started) / 1000);
			const time = elapsed === undefined ? '' : ` ${formatSeconds(elapsed)}`;
			const mark = { waiting: '·', running: '…', repairing: '↻', done: '✓', failed: '✗', 'not started': '–' }[row.state];
			return `${mark} ${row.file.padEnd(32)} ${row.state}${time}${row.note ? ` (${row.note})` : ''}`;
		});
		// Move up over the previous drawing and clear it, then draw again.
		io.stdout.write(`${drawn > 0 ? `\u001b[${drawn}F` : ''}${lines.map((line) => `\u001b[2K${line}`).join('\n')}\n`);
		drawn = lines.length;
	};
	// Messages from generation quote file names, model output and API errors, and some have
	// several lines on purpose (the problems left after repair): each line is escaped on its own.
	const print = (stream: NodeJS.WritableStream, text: string) => {
		if (live && drawn > 0) {
			io.stdout.write(`\u001b[${drawn}F\u001b[0J`);
			drawn = 0;
		}
		stream.write(`${logLines(text)}\n`);
		render();
	};
	const timer = live ? setInterval(render, 1000) : undefined;
	timer?.unref();

	const logger: ProgressLogger = {
		// On a terminal the live lines already say what the start and end messages say.
		info: (message) => {
			if (!live) print(io.stdout, message);
		},
		warn: (message) => print(io.stderr, `warning: ${message}`),
		error: (message) => print(io.stderr, `error: ${message}`),
	};
	const onProgress = (event: ProgressEvent) => {
		const id = event.type === 'end' ? event.outcome.id : event.id;
		const row = rows.get(id);
		if (!row) return;
		if (event.type === 'start') Object.assign(row, { state: 'running', started: performance.now() });
		if (event.type === 'repair') Object.assign(row, { state: 'repairing', note: `repair round ${event.round}` });
		if (event.type === 'end') {
			const { outcome } = event;
			Object.assign(
				row,
				outcome.status === 'skipped'
					? { state: 'not started', note: 'budget reached' }
					: {
							state: outcome.status === 'generated' ? 'done' : 'failed',
							seconds: outcome.seconds,
							note: `${outcome.usage.inputTokens.toLocaleString('en-US')} in / ${outcome.usage.outputTokens.toLocaleString('en-US')} out`,
						},
			);
		}
		render();
	};
	io.stdout.write(`${heading}\n`);
	render();
	return {
		logger,
		onProgress,
		stop: () => {
			if (timer) clearInterval(timer);
			render();
		},
	};
}
