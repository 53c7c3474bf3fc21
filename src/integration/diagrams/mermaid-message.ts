/** Mermaid's parse errors are multi-line with a caret under the place; keep them short but exact, on one line. */
export function summarizeMermaidError(error: string): string {
	return error
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '' && !isCaretLine(line))
		.slice(0, 4)
		.join(' ')
		.slice(0, 600);
}

/** The line of the diagram that mermaid names (`Parse error on line 3:`), if it names one. */
export function findErrorLine(error: string): number | undefined {
	const prefix = 'Parse error on line ';
	if (!error.startsWith(prefix)) return undefined;
	let end = prefix.length;
	while (end < error.length && end < prefix.length + 7 && error.charCodeAt(end) >= 48 && error.charCodeAt(end) <= 57) end++;
	const line = Number(error.slice(prefix.length, end));
	return end > prefix.length && error[end] === ':' && line > 0 ? line : undefined;
}

/** `-------^`: where mermaid points at the error in the line it quotes above. */
function isCaretLine(line: string): boolean {
	if (!line.endsWith('^')) return false;
	for (let index = 0; index < line.length - 1; index++) if (line[index] !== '-') return false;
	return true;
}
