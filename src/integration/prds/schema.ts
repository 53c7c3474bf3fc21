import { z } from 'zod';

import { LIMITS } from '../limits.ts';

/** PRD ids are file names: lowercase letters, digits and dashes, so URLs stay stable. */
export const PRD_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export const PRD_STATUSES = ['draft', 'review', 'approved', 'superseded', 'archived'] as const;

/**
 * Whether `text` holds no line break, tab or other control character (C0, DEL and C1, and the
 * Unicode line and paragraph separators). YAML turns `"a\nb"` or a `|` block into such values.
 */
export function isOneLine(text: string): boolean {
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) return false;
	}
	return true;
}

/** `1,234`: numbers in messages. */
export function formatCount(count: number): string {
	return count.toLocaleString('en-US');
}

/** Message of a text value over its limit: `` `title` is 250 characters long; at most 200 are allowed. `` */
export function tooLongMessage(label: string, length: number, max: number): string {
	return `${label} is ${formatCount(length)} characters long; at most ${formatCount(max)} are allowed.`;
}

/** The length of a value that failed a length check (zod hands the value over as `input`). */
function lengthOf(input: unknown): number {
	return typeof input === 'string' || Array.isArray(input) ? input.length : 0;
}

/** Issue parameters that tell `scanPrds` which rule a custom issue is about. */
export const ONE_LINE_RULE = 'one-line';
export const TOTAL_LENGTH_RULE = 'total-length';

/**
 * Text that must not be empty (after trimming), at most `max` characters, and on one line unless
 * `multiline`. `label` names the value in messages (`` `title` ``, `a tag`).
 */
const text = (field: string, { max, oneLine = true, label = `\`${field}\`` }: { max?: number; oneLine?: boolean; label?: string } = {}) => {
	let schema = z
		.string({ error: `\`${field}\` must be text.` })
		.trim()
		.min(1, { error: `\`${field}\` must not be empty.` });
	if (max !== undefined) schema = schema.max(max, { error: (issue) => tooLongMessage(label, lengthOf(issue.input), max) });
	if (!oneLine) return schema;
	return schema.refine(isOneLine, { error: `${label} must be one line of text.`, params: { rule: ONE_LINE_RULE } });
};

const textList = (field: string, item: ReturnType<typeof text>, { max, noun }: { max: number; noun: string }) =>
	z
		.array(item, { error: `\`${field}\` must be a list of text.` })
		.max(max, { error: (issue) => `\`${field}\` lists ${formatCount(lengthOf(issue.input))} ${noun}; at most ${formatCount(max)} are allowed.` });

/** Characters of `constraints`, all items together. */
function constraintsLength(value: unknown): number {
	if (typeof value === 'string') return value.length;
	if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + (typeof item === 'string' ? item.length : 0), 0);
	return 0;
}

/** Page title; also the app name in the prompt unless `appName` is set. */
const title = text('title', { max: LIMITS.titleChars });

/** The fields of a PRD's frontmatter but its title. */
const PRD_SHAPE = {
	/** Name of the product the spec is written for (the prompt's app name). */
	appName: text('appName', { max: LIMITS.titleChars }).optional(),
	/** Short summary shown under the title and in search results. */
	description: text('description', { max: LIMITS.descriptionChars }).optional(),
	/** Technical requirements or constraints that fill the prompt's third placeholder. */
	constraints: z
		.union([z.string().trim(), z.array(text('constraints', { oneLine: false }))], {
			error: '`constraints` must be text or a list of text.',
		})
		.refine((value) => constraintsLength(value) <= LIMITS.constraintsChars, {
			error: (issue) =>
				`\`constraints\` ${Array.isArray(issue.input) ? 'items are' : 'is'} ${formatCount(constraintsLength(issue.input))} characters long${Array.isArray(issue.input) ? ' together' : ''}; at most ${formatCount(LIMITS.constraintsChars)} are allowed.`,
			params: { rule: TOTAL_LENGTH_RULE, maximum: LIMITS.constraintsChars },
		})
		.optional(),
	/** Where the PRD is in its life. */
	status: z
		.enum(PRD_STATUSES, { error: `\`status\` must be one of: ${PRD_STATUSES.join(', ')}.` })
		.default('draft'),
	/** Person or team responsible for the PRD. */
	owner: text('owner', { max: LIMITS.ownerChars }).optional(),
	tags: textList('tags', text('tags', { max: LIMITS.tagChars, label: 'a tag' }), { max: LIMITS.tags, noun: 'tags' }).default([]),
	/** Ids of other PRDs (their file names without `.md`). */
	related: textList('related', text('related', { label: 'a related id' }), { max: LIMITS.related, noun: 'ids' }).default([]),
};

const FRONTMATTER_ERROR = { error: (issue: { code: string }) => (issue.code === 'invalid_type' ? 'the frontmatter must be a set of YAML fields.' : undefined) };

/** Frontmatter of a PRD as the rest of the integration sees it: it always has a title. */
export const PrdFrontmatterSchema = z.strictObject({ title, ...PRD_SHAPE }, FRONTMATTER_ERROR);

/**
 * Frontmatter as a PRD file may write it: without a title, `scanPrds` takes the first heading or
 * the file name (see `deriveTitle`).
 */
export const PrdFileFrontmatterSchema = z.strictObject({ title: title.optional(), ...PRD_SHAPE }, FRONTMATTER_ERROR);

export type PrdFrontmatter = z.output<typeof PrdFrontmatterSchema>;

export const PRD_FIELDS = Object.keys(PrdFrontmatterSchema.shape);

/**
 * Frontmatter of a folder's `_index.md`: the title and description of the folder's index page.
 * Both optional; without a title the folder's name is made readable (`card-payments` -> `Card payments`).
 */
export const FolderFrontmatterSchema = z.strictObject(
	{ title: title.optional(), description: text('description', { max: LIMITS.descriptionChars }).optional() },
	FRONTMATTER_ERROR,
);

export const FOLDER_FIELDS = Object.keys(FolderFrontmatterSchema.shape);
