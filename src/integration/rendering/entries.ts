import { DEFAULT_LIST_UP_TO, type PrdSpecsConfig } from '../config.ts';
import type { PrdWithSpec, ProjectReport } from '../project.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import { LIMITS } from '../limits.ts';
import { toSafeTitle } from '../text/plain-text.ts';
import { escapeMarkdown, markdownCode, markdownLink } from './markdown.ts';
import { getPolicyHead, type HeadEntry } from './content-security-policy.ts';
import { formatDate } from './dates.ts';
import { describeCoverage, findRequirementAnchors, linkCitations, linkRequirements } from './requirements-trace.ts';
import { reviewNotice } from './review-notice.ts';
import { describeSpecChanges, findSpecChanges, markChangedSections } from './spec-changes.ts';
import { getFileHref, getPageHref, getPrdSlug, getSpecSlug, markdownCopyPath } from './urls.ts';
import type { DocsEntry } from './docs-entry.ts';
import { getFolderTree } from './folder-tree.ts';
import { buildIndexEntries } from './index-pages.ts';
import { buildOpenQuestionsEntries } from './open-questions.ts';
import { getEditUrl, pageData } from './page-data.ts';
import { capitalize } from './prd-table.ts';
import { getTableScriptHead, type HeadTag } from './table-script.ts';

export type { DocsEntry, PageKind } from './docs-entry.ts';

export interface EntryOptions {
	/** Astro's `base`. */
	base: string;
	/** Starlight's `editLink.baseUrl`, to point "Edit page" at the real PRD or spec file. */
	editLinkBaseUrl?: string | undefined;
	overview: PrdSpecsConfig['overview'];
	openQuestions: PrdSpecsConfig['openQuestions'];
	specsDir: string;
	/** The `contentSecurityPolicy` and `remoteImages` options. */
	policy?: Pick<PrdSpecsConfig, 'contentSecurityPolicy' | 'remoteImages'>;
	/** Content-Security-Policy entries of Starlight's own `head` option, kept on our pages. */
	sitePolicies?: readonly HeadEntry[];
	/** Whether our sidebar pairs each PRD with its spec (PRD, its spec, next PRD...): then prev/next links get clear labels. */
	pairedPagination?: boolean;
	/**
	 * `sidebar.listUpTo` (its default without our sidebar): above it the site is large, with a
	 * compact PRD table and pages of PRDs by status (see `buildIndexEntries`).
	 */
	listUpTo?: number | undefined;
	/**
	 * PRD and spec pages are searched in indexes of their own (see `search-indexes.ts`): they are
	 * left out of Starlight's.
	 */
	searchApart?: boolean | undefined;
	/** PRD and spec pages have a markdown copy (`prds/<id>.md`): each links to its own ("View as markdown"). */
	markdownCopies?: boolean | undefined;
}

/**
 * Every page the integration publishes: one per PRD, one per spec (or placeholder), the overview,
 * open questions, and the index pages of folders (and, on large sites, of statuses).
 */
export function buildEntries(report: ProjectReport, options: EntryOptions): DocsEntry[] {
	const byId = new Map(report.prds.map((status) => [status.prd.id, status]));
	const referencedBy = new Map<string, PrdWithSpec[]>();
	for (const status of report.prds) {
		for (const relatedId of status.prd.frontmatter.related) {
			referencedBy.set(relatedId, [...(referencedBy.get(relatedId) ?? []), status]);
		}
	}
	const context: PageContext = { ...options, byId, referencedBy };
	// In the sidebar's order (folder by folder), which paired prev/next links follow.
	const order = getFolderTree(report).order;
	const entries = order.flatMap((status, index) => {
		const pages = [buildPrdEntry(status, context), buildSpecEntry(status, context)];
		if (options.searchApart) for (const page of pages) page.data.pagefind = false;
		if (options.pairedPagination) labelPagination(pages, order[index - 1], order[index + 1]);
		return pages;
	});
	const large = report.prds.length > (options.listUpTo ?? DEFAULT_LIST_UP_TO);
	const indexPages = buildIndexEntries(report, { base: options.base, editLinkBaseUrl: options.editLinkBaseUrl, large }, options.overview);
	entries.push(...indexPages.filter((entry) => entry.kind === 'overview'));
	if (options.openQuestions !== false) entries.push(...buildOpenQuestionsEntries(report, options.base, options.openQuestions));
	entries.push(...indexPages.filter((entry) => entry.kind !== 'overview'));
	const policy = options.policy ?? { contentSecurityPolicy: true, remoteImages: false };
	for (const entry of entries) {
		const head: HeadTag[] = getPolicyHead(entry.kind, policy, options.sitePolicies ?? []);
		// Pages with the PRD table load the script that filters and sorts it (a file of the site, allowed by `script-src 'self'`).
		if (entry.kind === 'overview' || entry.kind === 'index') head.push(getTableScriptHead(options.base));
		if (head.length > 0) entry.data.head = head;
	}
	return entries;
}

interface PageContext extends EntryOptions {
	byId: Map<string, PrdWithSpec>;
	referencedBy: Map<string, PrdWithSpec[]>;
}

function buildPrdEntry(status: PrdWithSpec, context: PageContext): DocsEntry {
	const { prd } = status;
	const { frontmatter } = prd;
	const specHref = getPageHref(context.base, getSpecSlug(prd.id));
	const facts = [
		`**Status:** ${escapeMarkdown(capitalize(frontmatter.status))}`,
		frontmatter.owner && `**Owner:** ${escapeMarkdown(frontmatter.owner)}`,
		frontmatter.tags.length > 0 && `**Tags:** ${frontmatter.tags.map(escapeMarkdown).join(', ')}`,
		context.markdownCopies && markdownLink('View as markdown', getFileHref(context.base, markdownCopyPath('prd', prd.id))),
	].filter(Boolean);
	const links = [
		linkList(
			'Related',
			frontmatter.related.map((id) => context.byId.get(id)).filter((s) => s !== undefined),
			context,
		),
		linkList('Referenced by', context.referencedBy.get(prd.id) ?? [], context),
	].filter(Boolean);

	const specNotice = {
		fresh: `:::tip[Technical specification]\n${markdownLink(`Technical specification for ${frontmatter.title}`, specHref)}, up to date with this PRD.\n:::`,
		stale: `:::caution[Technical specification is stale]\n${
			status.staleBecause === 'template' ? 'The prompt template changed' : 'This PRD changed'
		} after its ${markdownLink('technical specification', specHref)} was written. The spec is still published, with a warning, until it is regenerated.\n:::`,
		missing: `:::note[No technical specification yet]\nThis PRD has ${markdownLink('no generated specification', specHref)} yet.\n:::`,
	}[status.state];

	// With a spec, each requirement id links to where the spec cites it (nothing changes without one).
	const { trace } = status;
	const { rest } = splitLeadingH1(trace ? linkRequirements(prd.body, trace, specHref) : prd.body);
	const coverage = trace ? [describeCoverage(trace, specHref)] : [];
	return {
		id: getPrdSlug(prd.id),
		kind: 'prd',
		sourceFile: prd.file,
		sourceBody: { text: prd.body, firstLine: prd.bodyLine ?? 1 },
		data: pageData({
			title: frontmatter.title,
			...(frontmatter.description && { description: frontmatter.description }),
			editUrl: getEditUrl(context.editLinkBaseUrl, prd.file),
		}),
		body: [facts.join(' · '), ...links, specNotice, ...coverage, rest].join('\n\n'),
	};
}

function buildSpecEntry(status: PrdWithSpec, context: PageContext): DocsEntry {
	const { prd, spec } = status;
	const prdLink = markdownLink(prd.frontmatter.title, getPageHref(context.base, getPrdSlug(prd.id)));
	const specFile = `${context.specsDir}/${prd.id}.md`;
	if (!spec) {
		return {
			id: getSpecSlug(prd.id),
			kind: 'spec',
			data: pageData({
				title: `Technical specification: ${prd.frontmatter.title}`,
				description: `No technical specification has been generated for ${prd.frontmatter.title} yet.`,
				editUrl: false,
				pagefind: false,
			}),
			body: [
				`:::caution[Not generated yet]\nThere is no technical specification for the PRD ${prdLink} yet, so this page is a placeholder.\n:::`,
				'## How to generate it',
				`The spec is written by a model from \`${prd.file}\` and cached in \`${specFile}\`. Run the site build with an API key set:`,
				'```sh\nOPENAI_API_KEY=... npm run build\n```',
				`Then commit \`${specFile}\`, so that builds without a key (pull requests from forks, for example) publish it too.`,
			].join('\n\n'),
		};
	}
	const { heading, rest: text } = splitLeadingH1(spec.body);
	const prdHref = getPageHref(context.base, getPrdSlug(prd.id));
	const rest = status.trace ? linkCitations(text, status.trace, findRequirementAnchors(prd.body, prd.requirements), prdHref) : text;
	const { metadata } = spec;
	const madeBy = metadata.source === 'model' ? `model ${markdownCode(metadata.model ?? 'unknown')}` : 'written by hand';
	const provenance = [
		`**PRD:** ${prdLink}`,
		`**Made by:** ${madeBy}`,
		`**Date:** ${formatDate(metadata.generatedAt)}`,
		metadata.usage &&
			`**Tokens:** ${formatCount(metadata.usage.inputTokens)} in / ${formatCount(metadata.usage.outputTokens)} out${metadata.usage.batch ? ' (Batch API)' : ''}`,
		`**Cache key:** \`${metadata.inputHash.slice('sha256:'.length, 'sha256:'.length + 12)}\``,
		context.markdownCopies && markdownLink('View as markdown', getFileHref(context.base, markdownCopyPath('spec', prd.id))),
	].filter(Boolean);
	const notes = [provenance.join(' · '), reviewNotice(prd.id, spec)];
	if (metadata.note) notes.push(`*${escapeMarkdown(metadata.note)}*`);
	const changes = findSpecChanges(metadata, spec.body);
	if (changes) notes.push(describeSpecChanges(changes, metadata.replaced?.generatedAt && formatDate(metadata.replaced.generatedAt)));
	if (status.state === 'stale') {
		const why =
			status.staleBecause === 'template'
				? 'The prompt template changed after this specification was generated'
				: `The PRD ${prdLink} changed after this specification was generated`;
		notes.unshift(
			`:::caution[Stale specification]\n${why}, so it may not match the requirements any more. Regenerate it by running the build with an API key set.\n:::`,
		);
	}
	return {
		id: getSpecSlug(prd.id),
		kind: 'spec',
		sourceFile: spec.file,
		sourceBody: { text: spec.body, firstLine: spec.bodyLine ?? 1 },
		data: pageData({
			title: heading ?? `Technical specification: ${prd.frontmatter.title}`,
			description: `Technical specification for ${prd.frontmatter.title}.`,
			editUrl: getEditUrl(context.editLinkBaseUrl, spec.file),
		}),
		body: [...notes, changes ? markChangedSections(rest, changes) : rest].join('\n\n'),
	};
}

/**
 * Starlight's prev/next links take the sidebar labels, which are the same for every PRD
 * ("Requirements", "Technical spec"): name the PRD in them.
 */
function labelPagination([prdPage, specPage]: DocsEntry[], previous: PrdWithSpec | undefined, next: PrdWithSpec | undefined): void {
	const { title } = prdPage!.data as { title: string };
	const prdTitle = (status: PrdWithSpec) => status.prd.frontmatter.title;
	prdPage!.data.next = toSafeTitle(`Spec: ${title}`, LIMITS.titleChars + 6);
	if (previous) prdPage!.data.prev = toSafeTitle(`Spec: ${prdTitle(previous)}`, LIMITS.titleChars + 6);
	specPage!.data.prev = toSafeTitle(`PRD: ${title}`, LIMITS.titleChars + 5);
	if (next) specPage!.data.next = toSafeTitle(`PRD: ${prdTitle(next)}`, LIMITS.titleChars + 5);
}

function linkList(label: string, statuses: PrdWithSpec[], context: PageContext): string | false {
	if (statuses.length === 0) return false;
	const links = statuses.map((s) => markdownLink(s.prd.frontmatter.title, getPageHref(context.base, getPrdSlug(s.prd.id))));
	return `**${label}:** ${links.join(', ')}`;
}

function formatCount(count: number): string {
	return count.toLocaleString('en-US');
}
