/** Text made literal in markdown: no emphasis, links, HTML or directives can come out of it. */
export function escapeMarkdown(text: string): string {
	return text.replace(/[\r\n]+/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~:&-]/g, (char) => (char === '&' ? '&amp;' : `\\${char}`));
}

/** A markdown link whose label is literal text. */
export function markdownLink(label: string, href: string): string {
	return `[${escapeMarkdown(label)}](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)`;
}

/** An inline code span showing `text` literally, whatever backticks it holds. */
export function markdownCode(text: string): string {
	const flat = text.replace(/[\r\n]+/g, ' ');
	let longestRun = 0;
	let run = 0;
	for (const char of flat) {
		run = char === '`' ? run + 1 : 0;
		if (run > longestRun) longestRun = run;
	}
	const fence = '`'.repeat(longestRun + 1);
	const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
	return `${fence}${pad}${flat}${pad}${fence}`;
}
