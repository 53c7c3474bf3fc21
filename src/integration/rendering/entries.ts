import { slug } from 'github-slugger';

import type { PrdSpecsConfig } from '../config.ts';
import type { PrdWithSpec, ProjectReport, SpecState } from '../project.ts';
import { findSection, outlineMarkdown } from '../markdown/outline.ts';
import { isolateFragment } from '../markdown/fragment.ts';
import { findSlowMarkdown } from '../markdown/slow-markdown.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import { LIMITS } from '../limits.ts';
import { toSafeTitle } from '../text/plain-text.ts';
import { escapeMarkdown, markdownCode, markdownLink } from './markdown.ts';
import { getPolicyHead, type HeadEntry } from './content-security-policy.ts';
import { formatDate } from './dates.ts';
import { coverageCell, describeCoverage, findRequirementAnchors, linkCitations, linkRequirements } from './requirements-trace.ts';
import { reviewLabel, reviewNotice } from './review-notice.ts';
import { describeSpecChanges, findSpecChanges, markChangedSections } from './spec-changes.ts';
import { getPageHref, getPrdSlug, getSpecSlug } from './urls.ts';

/** What a page is: a PRD, a spec (or its placeholder), or a page gathered from several. */
export type PageKind = 'prd' | 'spec' | 'overview' | 'open-questions';

/** A page to add to Starlight's `docs` collection. */
export interface DocsEntry {
	/** Entry id, which is also the page slug (`prds/checkout`). */
	id: string;
	kind: PageKind;
	/** Starlight frontmatter; validated by the collection schema before it is stored. */
	data: Record<string, unknown>;
	/** Markdown to render. */
	body: string;
	/** The real file the page comes from, for digests and messages; undefined for generated pages. */
	sourceFile?: string;
	/** The markdown of that file shown on the page, and the file's line where it starts: checked before rendering. */
	sourceBody?: { text: string; firstLine: number };
}

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
}

const STATE_LABELS: Record<SpecState, string> = {
	fresh: 'Fresh',
	stale: 'Stale',
	missing: 'Missing',
};

/** Every page the integration publishes: one per PRD, one per spec (or placeholder), the overview. */
export function buildEntries(report: ProjectReport, options: EntryOptions): DocsEntry[] {
	const byId = new Map(report.prds.map((status) => [status.prd.id, status]));
	const referencedBy = new Map<string, PrdWithSpec[]>();
	for (const status of report.prds) {
		for (const relatedId of status.prd.frontmatter.related) {
			referencedBy.set(relatedId, [...(referencedBy.get(relatedId) ?? []), status]);
		}
	}
	const context: PageContext = { ...options, byId, referencedBy };
	const entries = report.prds.flatMap((status, index) => {
		const pages = [buildPrdEntry(status, context), buildSpecEntry(status, context)];
		if (options.pairedPagination) labelPagination(pages, report.prds[index - 1], report.prds[index + 1]);
		return pages;
	});
	if (options.overview !== false) entries.push(buildOverviewEntry(report, context, options.overview));
	if (options.openQuestions !== false) entries.push(buildOpenQuestionsEntry(report, context, options.openQuestions));
	const policy = options.policy ?? { contentSecurityPolicy: true, remoteImages: false };
	for (const entry of entries) {
		const head = getPolicyHead(entry.kind, policy, options.sitePolicies ?? []);
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
			editUrl: getEditUrl(context, prd.file),
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
		metadata.usage && `**Tokens:** ${formatCount(metadata.usage.inputTokens)} in / ${formatCount(metadata.usage.outputTokens)} out`,
		`**Cache key:** \`${metadata.inputHash.slice('sha256:'.length, 'sha256:'.length + 12)}\``,
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
			editUrl: getEditUrl(context, spec.file),
		}),
		body: [...notes, changes ? markChangedSections(rest, changes) : rest].join('\n\n'),
	};
}

function buildOverviewEntry(report: ProjectReport, context: PageContext, overview: Exclude<PrdSpecsConfig['overview'], false>): DocsEntry {
	const counts = (['fresh', 'stale', 'missing'] as const)
		.map((state) => [state, report.prds.filter((s) => s.state === state).length] as const)
		.filter(([, count]) => count > 0)
		.map(([state, count]) => `${count} ${state}`);
	// The coverage column appears once a PRD has requirement ids: a site without any keeps its table.
	const traced = report.prds.some((status) => status.prd.requirements.length > 0);
	const rows = report.prds.map((status) => {
		const { prd } = status;
		const cells = [
			markdownLink(prd.frontmatter.title, getPageHref(context.base, getPrdSlug(prd.id))),
			escapeMarkdown(capitalize(prd.frontmatter.status)),
			prd.frontmatter.owner ? escapeMarkdown(prd.frontmatter.owner) : '—',
			prd.frontmatter.tags.map(escapeMarkdown).join(', ') || '—',
			markdownLink(STATE_LABELS[status.state], getPageHref(context.base, getSpecSlug(prd.id))),
			status.spec
				? status.spec.metadata.source === 'model'
					? // Escaped text, not a code span: a code span cannot escape a colon, and a table is one paragraph (see crowded-paragraphs.ts).
						escapeMarkdown(status.spec.metadata.model ?? 'unknown')
					: 'by\u00a0hand'
				: '—',
			status.spec ? formatDate(status.spec.metadata.generatedAt) : '—',
			reviewLabel(status.spec),
			...(traced ? [coverageCell(status.trace)] : []),
		];
		return `| ${cells.join(' | ')} |`;
	});
	const table =
		rows.length === 0
			? 'There are no PRDs yet. Add one as `<id>.md` in the PRD folder.'
			: [
					`| PRD | Status | Owner | Tags | Spec | Model | Generated | Review |${traced ? ' Coverage |' : ''}`,
					`| --- | --- | --- | --- | --- | --- | --- | --- |${traced ? ' --- |' : ''}`,
					...rows,
				].join('\n');
	return {
		id: overview.slug,
		kind: 'overview',
		data: pageData({
			title: overview.title,
			description: overview.description ?? 'Every product requirements document and the state of its technical specification.',
			editUrl: false,
			tableOfContents: false,
		}),
		body: [
			overview.description ? escapeMarkdown(overview.description) : '',
			`${report.prds.length} PRD${report.prds.length === 1 ? '' : 's'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}. A *stale* spec was written from an earlier version of its PRD; a *missing* one has not been generated yet.`,
			table,
		]
			.filter(Boolean)
			.join('\n\n'),
	};
}

function buildOpenQuestionsEntry(
	report: ProjectReport,
	context: PageContext,
	options: Exclude<PrdSpecsConfig['openQuestions'], false>,
): DocsEntry {
	const groups: string[] = [];
	const withoutSpec: string[] = [];
	for (const status of report.prds) {
		const { prd, spec } = status;
		const prdLink = markdownLink(prd.frontmatter.title, getPageHref(context.base, getPrdSlug(prd.id)));
		if (!spec) {
			withoutSpec.push(prdLink);
			continue;
		}
		const specHref = getPageHref(context.base, getSpecSlug(prd.id));
		// The page shows the spec without its title line: its headings get their ids in that order.
		const found = findSection(outlineMarkdown(splitLeadingH1(spec.body).rest), options.section);
		const section = gatherSection(found?.body, `q${groups.length + 1}`, specHref);
		const anchor = found?.heading.slug ?? slug(options.section);
		const source = `From the ${markdownLink('technical specification', `${specHref}#${anchor}`)} of ${prdLink}${
			status.state === 'stale'
				? `, which is stale: the ${status.staleBecause === 'template' ? 'prompt template' : 'PRD'} changed after these were written`
				: ''
		}.`;
		groups.push([`## ${escapeMarkdown(prd.frontmatter.title)}`, source, section].join('\n\n'));
	}
	const intro = `What the specs ask of the product team: the “${escapeMarkdown(options.section)}” section of every spec, by PRD. Answering them in the PRD makes its spec stale, so the next build with an API key writes it again.`;
	const tail =
		withoutSpec.length > 0 ? [`## No spec yet`, `These PRDs have no specification, so no questions yet: ${withoutSpec.join(', ')}.`] : [];
	return {
		id: options.slug,
		kind: 'open-questions',
		data: pageData({
			title: options.title,
			description: 'Open questions and suggestions from every technical specification, grouped by PRD.',
			editUrl: false,
		}),
		body: [intro, ...groups, ...tail].join('\n\n'),
	};
}

/**
 * One spec's section as it is placed among every other spec's: isolated (see `isolateFragment`),
 * so that nothing one spec writes can run into the next one's section or change its links.
 */
function gatherSection(section: string | undefined, prefix: string, specHref: string): string {
	if (!section) return '*The spec has no open questions.*';
	if (section.length > LIMITS.gatheredSectionChars) {
		return `*This section is ${section.length.toLocaleString('en-US')} characters long, too long to gather here: read it in the ${markdownLink('technical specification', specHref)}.*`;
	}
	if (findSlowMarkdown(section)) {
		return `*This section nests quotes or lists too deeply, or crowds too many colons into a paragraph, to gather here: see the ${markdownLink('technical specification', specHref)}.*`;
	}
	return isolateFragment(section, prefix) || '*The spec has no open questions.*';
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

/**
 * Starlight frontmatter of one of our pages. Every title and description we hand to Starlight
 * passes through here: Starlight writes the title into `<title>` without escaping it, so titles
 * from PRDs and specs must be safe as raw HTML already (see `toSafeTitle`).
 */
function pageData(data: { title: string; description?: string } & Record<string, unknown>): Record<string, unknown> {
	const safe: Record<string, unknown> = { ...data, title: toSafeTitle(data.title, LIMITS.titleChars + 30) };
	if (data.description !== undefined) safe.description = toSafeTitle(data.description, LIMITS.descriptionChars + 60);
	return safe;
}

function linkList(label: string, statuses: PrdWithSpec[], context: PageContext): string | false {
	if (statuses.length === 0) return false;
	const links = statuses.map((s) => markdownLink(s.prd.frontmatter.title, getPageHref(context.base, getPrdSlug(s.prd.id))));
	return `**${label}:** ${links.join(', ')}`;
}

function getEditUrl(context: EntryOptions, file: string): string | false {
	if (!context.editLinkBaseUrl) return false;
	return `${context.editLinkBaseUrl.replace(/\/?$/, '/')}${file}`;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function formatCount(count: number): string {
	return count.toLocaleString('en-US');
}
