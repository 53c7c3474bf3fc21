import { LIMITS } from '../limits.ts';
import { toSafeTitle } from '../text/plain-text.ts';

/**
 * Starlight frontmatter of one of our pages. Every title and description we hand to Starlight
 * passes through here: Starlight writes the title into `<title>` without escaping it, so titles
 * from PRDs and specs must be safe as raw HTML already (see `toSafeTitle`).
 */
export function pageData(data: { title: string; description?: string } & Record<string, unknown>): Record<string, unknown> {
	const safe: Record<string, unknown> = { ...data, title: toSafeTitle(data.title, LIMITS.titleChars + 30) };
	if (data.description !== undefined) safe.description = toSafeTitle(data.description, LIMITS.descriptionChars + 60);
	return safe;
}

/** Starlight's "Edit page" link to a file of the project, when the site has `editLink.baseUrl`. */
export function getEditUrl(editLinkBaseUrl: string | undefined, file: string): string | false {
	if (!editLinkBaseUrl) return false;
	return `${editLinkBaseUrl.replace(/\/?$/, '/')}${file}`;
}
