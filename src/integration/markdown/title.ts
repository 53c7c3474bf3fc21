/**
 * Removes a leading `# Heading` line (the page title shows it already) and returns both. The
 * heading follows CommonMark's ATX rules: a `#` and a space or tab, the text, and an optional
 * closing run of `#` after a space. Hand-written (no regular expression) so that it takes one
 * pass over the first line whatever it holds: the body is untrusted text.
 */
export function splitLeadingH1(body: string): { heading?: string; rest: string } {
	let start = 0;
	while (start < body.length && isWhitespace(body.charCodeAt(start))) start++;
	if (body[start] !== '#' || (body[start + 1] !== ' ' && body[start + 1] !== '\t')) return { rest: body };
	let end = body.indexOf('\n', start);
	if (end === -1) end = body.length;
	const heading = stripClosingHashes(body.slice(start + 2, end)).trim();
	if (heading === '') return { rest: body };
	return { heading, rest: body.slice(end).trimStart() };
}

/** `Title ##` -> `Title`: CommonMark's optional closing sequence (a run of `#` after a space or tab). */
export function stripClosingHashes(text: string): string {
	let end = text.length;
	while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
	let hashes = end;
	while (hashes > 0 && text[hashes - 1] === '#') hashes--;
	if (hashes === end) return text.slice(0, end);
	// The run closes the heading only if it is the whole text or follows a space or tab.
	if (hashes === 0) return '';
	return text[hashes - 1] === ' ' || text[hashes - 1] === '\t' ? text.slice(0, hashes) : text.slice(0, end);
}

function isWhitespace(code: number): boolean {
	return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0x0c || code === 0x0b;
}
