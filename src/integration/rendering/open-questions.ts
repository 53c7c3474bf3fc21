import { slug } from 'github-slugger';

import type { PrdSpecsConfig } from '../config.ts';
import { LIMITS } from '../limits.ts';
import { isolateFragment } from '../markdown/fragment.ts';
import { findSection, outlineMarkdown } from '../markdown/outline.ts';
import { findSlowMarkdown } from '../markdown/slow-markdown.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import type { ProjectReport } from '../project.ts';
import type { DocsEntry } from './docs-entry.ts';
import { getFolderTree } from './folder-tree.ts';
import { escapeMarkdown, markdownLink } from './markdown.ts';
import { pageData } from './page-data.ts';
import { partsNavigation, splitIntoParts } from './page-parts.ts';
import { getPageHref, getPartSlug, getPrdSlug, getSpecSlug } from './urls.ts';

/** PRDs without a spec named per paragraph of the "No spec yet" section, so that a part can end between two. */
const UNSPECIFIED_PER_BLOCK = 200;

/**
 * Markdown characters of one part of the open-questions page. Gathered sections are lists, code
 * and headings, and every heading gains Starlight's anchor link with its icon: measured at 1,000
 * PRDs, a part became 2.9 times its markdown in HTML (80,000 characters made 267 KB pages). 48,000
 * characters keep a part near 140 KB, under 200 KB with the chrome.
 */
export const OPEN_QUESTIONS_PART_CHARS = 48_000;

/**
 * The open-questions page: the chosen section of every spec, by PRD, in the order of the sidebar.
 * At a thousand specs that is megabytes, so the page is cut into parts like the overview (see
 * `PART_CHARS`), each linking to the others; a small site has one part, as before.
 */
export function buildOpenQuestionsEntries(
	report: ProjectReport,
	base: string,
	options: Exclude<PrdSpecsConfig['openQuestions'], false>,
): DocsEntry[] {
	const groups: string[] = [];
	const withoutSpec: string[] = [];
	for (const status of getFolderTree(report).order) {
		const { prd, spec } = status;
		const prdLink = markdownLink(prd.frontmatter.title, getPageHref(base, getPrdSlug(prd.id)));
		if (!spec) {
			withoutSpec.push(prdLink);
			continue;
		}
		const specHref = getPageHref(base, getSpecSlug(prd.id));
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
	const tail: string[] = [];
	for (let start = 0; start < withoutSpec.length; start += UNSPECIFIED_PER_BLOCK) {
		const names = withoutSpec.slice(start, start + UNSPECIFIED_PER_BLOCK).join(', ');
		tail.push(
			start === 0
				? [`## No spec yet`, `These PRDs have no specification, so no questions yet: ${names}.`].join('\n\n')
				: `More PRDs without a specification: ${names}.`,
		);
	}
	const parts = splitIntoParts([...groups, ...tail], (block) => block.length, OPEN_QUESTIONS_PART_CHARS);
	return parts.map((blocks, index) => {
		const navigation = partsNavigation(base, options.slug, index + 1, parts.length);
		return {
			id: getPartSlug(options.slug, index + 1),
			kind: 'open-questions',
			data: pageData({
				title: parts.length > 1 ? `${options.title} (part ${index + 1} of ${parts.length})` : options.title,
				description: 'Open questions and suggestions from every technical specification, grouped by PRD.',
				editUrl: false,
			}),
			body: [intro, navigation, ...blocks, navigation].filter(Boolean).join('\n\n'),
		};
	});
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
