/**
 * Every size the integration accepts from users' files and from a model, in one place. PRDs and
 * specs arrive by pull request and from a model: each limit keeps one file from stalling or
 * bloating the build, and each has a message that names the file and the limit.
 */
export const LIMITS = {
	/** Bytes of one PRD file. A prompt of 200,000 tokens is about 800 KB. */
	prdFileBytes: 1024 * 1024,
	/**
	 * Folders below the PRD folder (and below the spec cache, which mirrors it): `prds/a/b/x.md` is
	 * two deep. Each level is part of a PRD's URL; deeper trees are refused rather than walked.
	 */
	prdFolderDepth: 8,
	/** PRD files in the PRD folder and all its sub-folders (and spec files in the cache): the scan stops there. */
	prdFiles: 20_000,
	/** Bytes of a folder's `_index.md` (its title, description and a short introduction). */
	folderIndexBytes: 64 * 1024,
	/** Bytes of one cached spec file (a generated spec is typically 20-40 KB). */
	specFileBytes: 1024 * 1024,
	/** Bytes of the prompt template file. */
	templateFileBytes: 256 * 1024,
	/** Characters of a PRD's `title` and `appName`, and of a spec's `# ` title line. */
	titleChars: 200,
	/** Characters of a PRD's `description`. */
	descriptionChars: 500,
	/** Characters of a PRD's `owner`. */
	ownerChars: 200,
	/** Tags of one PRD, and characters of one tag. */
	tags: 30,
	tagChars: 60,
	/** Ids in one PRD's `related`. */
	related: 100,
	/** Characters of a PRD's `constraints`, all items together. */
	constraintsChars: 20_000,
	/** Characters of a spec's `model` and `note`. */
	modelChars: 200,
	noteChars: 2000,
	/**
	 * Quote and list markers that open on one line (`> > - - x`). Each one nests the document a
	 * level deeper, and markdown parsers take time that grows with the square of the depth.
	 */
	nestingDepth: 32,
	/**
	 * Unescaped colons in one paragraph (text between blank lines). With directives on, the
	 * markdown parser takes time that grows with the square of their number in a paragraph.
	 */
	colonsPerParagraph: 1000,
	/** Characters of a code block's info string (language and options). */
	codeInfoChars: 500,
	/** Characters of one mermaid diagram (mermaid's own `maxTextSize` is 50,000). */
	diagramChars: 50_000,
	/** Sections of the replaced version recorded in a spec's metadata (`replaced.sections`). */
	recordedSections: 200,
	/** Characters of one spec's section gathered onto a shared page (open questions). */
	gatheredSectionChars: 32_000,
	/**
	 * Bytes of one `llms-full.txt` file (the full text of PRDs and specs for coding agents): a site
	 * over it gets one per folder, and a folder over it several parts. Agents read a few hundred
	 * kilobytes at once; larger files are fetched and never read.
	 */
	llmsFullBytes: 2 * 1024 * 1024,
	/** PRDs that `/llms.txt` lists one by one; above, it lists folders, each with its own list. */
	llmsListedPrds: 2000,
} as const;
