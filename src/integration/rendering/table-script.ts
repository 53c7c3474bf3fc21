/** Where the site serves the table script, under Astro's `base`. A `_` segment: no page of ours can take it. */
export const TABLE_SCRIPT_PATH = '_prd-specs/prd-table.js';

/** A `<script>` entry of Starlight's `head` option. */
export interface ScriptHeadEntry {
	tag: 'script';
	attrs: { src: string; defer: true };
}

/** A Starlight `head` entry of one of our pages. */
export type HeadTag = ScriptHeadEntry | { tag: 'meta'; attrs: Record<string, string> };

/**
 * The `head` entry that loads the table script: a file of the site, not inline, so that a
 * Content-Security-Policy with `script-src 'self'` (a site's own, or one a user sets with
 * `contentSecurityPolicy`) lets it run.
 */
export function getTableScriptHead(base: string): ScriptHeadEntry {
	return { tag: 'script', attrs: { src: `${base.replace(/\/+$/, '')}/${TABLE_SCRIPT_PATH}`, defer: true } };
}

/** The script file's text: `enhancePrdTables`, compiled, run once the page is parsed. */
export function getTableScript(): string {
	return `// astro-prd-specs: filters and sorts the PRD tables of this page.\n(${enhancePrdTables.toString()})();\n`;
}

/**
 * Runs in the reader's browser (serialised with `toString`, so it uses nothing outside itself).
 * Finds the PRD tables of the page (a header row starting with PRD and Status), adds a text
 * filter, a status and a spec-state select and a count above each, and makes each column header
 * a button that sorts the rows (`aria-sort` on the header says how). Every text it shows comes
 * from the table's own cells through `textContent` and `new Option`, never through HTML parsing:
 * a PRD title is shown, never run. Without the script the table is a plain table.
 */
export function enhancePrdTables(): void {
	const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
	const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
	const textOf = (node: Node | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
	/** `26 Nov 2026` (as the Generated column writes dates) as `2026-11-26`, so dates sort in time order. */
	const sortKey = (text: string) => {
		const date = /^(\d{1,2}) ([A-Za-z]{3}) (\d{4})$/.exec(text);
		const month = date ? months.indexOf(date[2]!.toLowerCase()) : -1;
		return date && month !== -1 ? `${date[3]}-${String(month + 1).padStart(2, '0')}-${date[1]!.padStart(2, '0')}` : text;
	};
	for (const table of document.querySelectorAll<HTMLTableElement>('.sl-markdown-content table')) {
		const headers = [...(table.tHead?.rows[0]?.cells ?? [])];
		const body = table.tBodies[0];
		if (!body || textOf(headers[0]) !== 'PRD' || textOf(headers[1]) !== 'Status') continue;
		const rows = [...body.rows];
		const cell = (row: HTMLTableRowElement, column: number) => textOf(row.cells[column]);
		const columnOf = (name: string) => headers.findIndex((header) => textOf(header) === name);

		const controls = document.createElement('div');
		controls.className = 'prd-specs-table-filters not-content';
		controls.style.cssText = 'display:flex;flex-wrap:wrap;gap:0.5rem;align-items:center;margin-block:1rem 0.5rem';
		const search = document.createElement('input');
		search.type = 'search';
		search.placeholder = 'Filter PRDs';
		search.setAttribute('aria-label', 'Filter PRDs by any text in their row');
		controls.append(search);
		const selects: { column: number; select: HTMLSelectElement }[] = [];
		for (const [name, label] of [
			['Status', 'Status'],
			['Spec', 'Spec'],
		] as const) {
			const column = columnOf(name);
			if (column === -1) continue;
			const select = document.createElement('select');
			select.setAttribute('aria-label', `${label} filter`);
			select.add(new Option(`${label}: all`, ''));
			for (const value of [...new Set(rows.map((row) => cell(row, column)))].sort(collator.compare)) select.add(new Option(value, value));
			controls.append(select);
			selects.push({ column, select });
		}
		const count = document.createElement('span');
		count.setAttribute('aria-live', 'polite');
		controls.append(count);
		const apply = () => {
			const query = search.value.trim().toLowerCase();
			let shown = 0;
			for (const row of rows) {
				const visible =
					(query === '' || textOf(row).toLowerCase().includes(query)) &&
					selects.every(({ column, select }) => select.value === '' || cell(row, column) === select.value);
				row.hidden = !visible;
				if (visible) shown++;
			}
			count.textContent = `${shown} of ${rows.length} PRDs`;
		};
		search.addEventListener('input', apply);
		for (const { select } of selects) select.addEventListener('change', apply);
		table.before(controls);
		apply();

		headers.forEach((header, column) => {
			const button = document.createElement('button');
			button.type = 'button';
			button.textContent = textOf(header);
			button.style.cssText = 'all:unset;cursor:pointer;font-weight:inherit';
			button.setAttribute('aria-label', `Sort by ${textOf(header)}`);
			header.replaceChildren(button);
			button.addEventListener('click', () => {
				const ascending = header.getAttribute('aria-sort') !== 'ascending';
				for (const other of headers) other.removeAttribute('aria-sort');
				header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
				const sorted = [...rows].sort(
					(a, b) => collator.compare(sortKey(cell(a, column)), sortKey(cell(b, column))) * (ascending ? 1 : -1),
				);
				body.append(...sorted);
			});
		});
	}
}
