/** Text made literal in markdown: no emphasis, links, HTML or directives can come out of it. */
export function escapeMarkdown(text: string): string {
	return text
		.replace(/[\r\n]+/g, ' ')
		.replace(/[\\`*_{}[\]()<>#+!|~:&-]/g, (char) => (char === '&' ? '&amp;' : `\\${char}`));
}

/** A markdown link whose label is literal text. */
export function markdownLink(label: string, href: string): string {
	return `[${escapeMarkdown(label)}](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)`;
}

/** Removes a leading `# Heading` line (the page title shows it already) and returns both. */
export function splitLeadingH1(body: string): { heading?: string; rest: string } {
	const match = /^#[ \t]+(.+?)[ \t]*#*[ \t]*(?:\n|$)/.exec(body.trimStart());
	if (!match) return { rest: body };
	return { heading: match[1]!.trim(), rest: body.trimStart().slice(match[0].length).trimStart() };
}

/** An inline code span showing `text` literally, whatever backticks it holds. */
export function markdownCode(text: string): string {
	const flat = text.replace(/[\r\n]+/g, ' ');
	const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(longestRun + 1);
	const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
	return `${fence}${pad}${flat}${pad}${fence}`;
}
