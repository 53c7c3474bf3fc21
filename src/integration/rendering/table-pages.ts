import type { PrdWithSpec } from '../project.ts';
import type { DocsEntry } from './docs-entry.ts';
import { pageData } from './page-data.ts';
import { splitIntoParts, partsNavigation } from './page-parts.ts';
import { buildPrdTable, type TableOptions } from './prd-table.ts';
import { getPartSlug } from './urls.ts';

/** What a page listing PRDs in a table holds besides the table. */
export interface TablePage {
	slug: string;
	kind: DocsEntry['kind'];
	title: string;
	description: string;
	/** Markdown above the table, on the first part only. */
	intro: string[];
	/** Said instead of the table when there is no PRD. */
	empty: string;
	sourceFile?: string | undefined;
	sourceBody?: DocsEntry['sourceBody'];
	data?: Record<string, unknown>;
}

/**
 * A page listing PRDs in the PRD table (the overview, a folder's or a status's index page), cut
 * into parts when its rows would make it too large (see `PART_CHARS`): `<slug>/`, `<slug>/_2/`...
 * Each part repeats the table's header and links to every part above and below its table.
 */
export function buildTablePages(page: TablePage, statuses: readonly PrdWithSpec[], table: TableOptions): DocsEntry[] {
	const { header, rows } = buildPrdTable(statuses, table);
	const introChars = page.intro.reduce((sum, text) => sum + text.length + 2, 0);
	// The intro takes room from the first part; it is accounted as one block before the rows.
	const parts = splitIntoParts([introChars, ...rows.map((row) => row.length)], (length) => length);
	const count = parts.length;
	let next = 0;
	return parts.map((part, index) => {
		const number = index + 1;
		const partRows = rows.slice(next, next + part.length - (index === 0 ? 1 : 0));
		next += partRows.length;
		const navigation = partsNavigation(table.base, page.slug, number, count);
		const tableText = rows.length === 0 ? page.empty : [...header, ...partRows].join('\n');
		const body = [...(index === 0 ? page.intro : []), navigation, tableText, navigation].filter(Boolean).join('\n\n');
		return {
			id: getPartSlug(page.slug, number),
			kind: page.kind,
			...(index === 0 && page.sourceFile !== undefined && { sourceFile: page.sourceFile }),
			...(index === 0 && page.sourceBody !== undefined && { sourceBody: page.sourceBody }),
			data: pageData({
				...page.data,
				title: count > 1 ? `${page.title} (part ${number} of ${count})` : page.title,
				description: page.description,
				editUrl: index === 0 ? (page.data?.editUrl ?? false) : false,
				tableOfContents: false,
			}),
			body,
		};
	});
}
