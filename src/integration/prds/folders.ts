// PROVISIONAL (helper N, issue 15): the contract's `PrdFolder`, so that navigation and index pages
// can be built and tested before the folder scan exists. Helper F's `prds/folders.ts` replaces
// this file at merge.

/** A folder under the PRD folder that holds at least one valid PRD at some depth below it. */
export interface PrdFolder {
	/** Path under the PRD folder, `/`-separated, never '' (the top folder has no entry): `payments`, `payments/eu`. */
	path: string;
	/** `title` of its `_index.md` frontmatter, else made from the folder name (`card-payments` -> `Card payments`). Safe plain text, at most LIMITS.titleChars. */
	title: string;
	/** `description` of its `_index.md`, if any (one line, at most LIMITS.descriptionChars). */
	description?: string;
	/** The markdown body of `_index.md` after its frontmatter, if any (untrusted, rendered like a PRD body). */
	body?: string;
	/** `_index.md` relative to the project root, if there is one. */
	file?: string;
}
