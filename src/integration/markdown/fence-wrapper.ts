/**
 * A ```` ```markdown ```` (or `~~~`, `md`, no info string) fence around a whole text -> its
 * content; any other text as it is. Models often wrap their whole answer so. Only the first and
 * last lines are read, not parsed: the spec inside often has code blocks with the same fence,
 * which a parser would read as closing the wrapper. Compared by hand, not with a backreference.
 */
export function unwrapWholeFence(text: string): string {
	const firstLineEnd = text.indexOf('\n');
	const lastLineStart = text.lastIndexOf('\n');
	if (firstLineEnd === -1 || lastLineStart <= firstLineEnd) return text;
	const opening = text.slice(0, firstLineEnd);
	const marker = opening[0];
	if (marker !== '`' && marker !== '~') return text;
	let length = 0;
	while (opening[length] === marker) length++;
	// Compared after trimming, not with `^[ \t]*(?:markdown|md)?[ \t]*$`: its two runs of spaces
	// can split a long run in quadratically many ways before failing.
	const info = opening.slice(length).trim().toLowerCase();
	if (length < 3 || (info !== '' && info !== 'markdown' && info !== 'md')) return text;
	const closing = text.slice(lastLineStart + 1).trimEnd();
	if (closing !== marker.repeat(length)) return text;
	return text.slice(firstLineEnd + 1, lastLineStart);
}
