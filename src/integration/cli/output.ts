import { printable, toSingleLine, truncate } from '../text/plain-text.ts';

/** Where the CLI writes; replaceable in tests. */
export interface CliIO {
	stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
	stderr: NodeJS.WritableStream;
	env: NodeJS.ProcessEnv;
	cwd: string;
}

/*
 * Everything the CLI prints from users' files (titles, ids, file names, YAML keys, model names,
 * messages from generation) goes through the functions below. CI logs are read by GitHub Actions,
 * which takes a line for a workflow command when it starts with `::name::` (after any spaces), and
 * also when it holds the older `##[name]` anywhere. So user text must neither start a line of its
 * own (line breaks are escaped or flattened) nor contain these forms.
 */

/** `line` with a leading `::` and every `##[` escaped (`\u003a:`, `#\u0023[`), so GitHub Actions does not read it as a command. */
export function defuseCommands(line: string): string {
	return line.replace(/^(\s*):(?=:)/u, '$1\\u003a').replaceAll('##[', '#\\u0023[');
}

/** One line of the log from untrusted text: control characters and line breaks escaped (see `printable`), commands defused. */
export function logText(text: string, max = 1000): string {
	return defuseCommands(printable(text, max));
}

/**
 * A message whose line breaks are intended (a list of problems, a generation error with details):
 * each line is made safe with `logText`, the line breaks are kept.
 */
export function logLines(text: string, maxPerLine = 5000): string {
	return text
		.split('\n')
		.map((line) => logText(line, maxPerLine))
		.join('\n');
}

/** A table cell: one line (whitespace and control characters flattened), at most `max` characters, commands defused. */
export function cellText(text: string, max = 60): string {
	return defuseCommands(truncate(toSingleLine(text), max));
}

/**
 * JSON for stdout. `JSON.stringify` already escapes line breaks and control characters; `##[`
 * is written `#\u0023[`, which parses back to the same text but is no legacy workflow command.
 */
export function safeJson(value: unknown): string {
	return JSON.stringify(value, null, 2).replaceAll('##[', '#\\u0023[');
}

/**
 * Left-aligned columns with two spaces between them. Every cell is made one safe line with
 * `cellText`, at most `maxWidths[column]` characters (60 by default), so a row is always one line.
 */
export function formatTable(header: string[], rows: string[][], maxWidths: readonly number[] = []): string {
	const cells = [header, ...rows].map((row) => row.map((cell, column) => cellText(cell, maxWidths[column] ?? 60)));
	const widths = cells[0]!.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
	const line = (row: string[]) =>
		row
			.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
			.join('  ')
			.trimEnd();
	return cells.map(line).join('\n');
}

export function formatSeconds(seconds: number): string {
	if (seconds < 60) return `${seconds.toFixed(1)} s`;
	return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
