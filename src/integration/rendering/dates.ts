const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-26T10:00:00Z` -> `26 Nov 2026`, with no-break spaces so that a table cell keeps it on one line. */
export function formatDate(iso: string): string {
	const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
	return `${day}\u00a0${MONTHS[month! - 1]}\u00a0${year}`;
}
