import { parseFrontmatter } from '../prds/frontmatter.ts';
import { compareSections, digestSections, type SectionChanges, type SectionDigest } from '../markdown/section-digests.ts';
import { readFileAtCommit } from './git.ts';

/** A spec as it is now against its version at a commit, section by section. */
export interface SpecComparison {
	/** Whether the spec file existed at the commit (if not, every section is added). */
	existed: boolean;
	before: SectionDigest[];
	after: SectionDigest[];
	changes: SectionChanges;
}

/**
 * Compares a spec body with the spec file at `commit` (its path relative to the site root). The
 * old file is read as data: its frontmatter is skipped whether or not it is valid metadata.
 */
export async function compareSpecWithCommit(root: string, commit: string, file: string, body: string): Promise<SpecComparison> {
	const old = await readFileAtCommit(root, commit, file);
	const before = old === undefined ? [] : digestSections(bodyOf(old));
	const after = digestSections(body);
	const changes = compareSections(
		before.map(({ heading, digest }) => ({ heading, digest })),
		after,
	);
	return { existed: old !== undefined, before, after, changes };
}

function bodyOf(text: string): string {
	const parsed = parseFrontmatter(text, { optional: true });
	return parsed.ok ? parsed.body : text;
}
