import { z } from 'zod';

/** PRD ids are file names: lowercase letters, digits and dashes, so URLs stay stable. */
export const PRD_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export const PRD_STATUSES = ['draft', 'review', 'approved', 'superseded', 'archived'] as const;

const text = (field: string) =>
	z
		.string({ error: `\`${field}\` must be text.` })
		.trim()
		.min(1, { error: `\`${field}\` must not be empty.` });

const textList = (field: string) =>
	z.array(text(field), { error: `\`${field}\` must be a list of text.` });

/** Frontmatter of a PRD file (`prds/<id>.md`). */
export const PrdFrontmatterSchema = z.strictObject(
	{
		/** Page title; also the app name in the prompt unless `appName` is set. */
		title: text('title'),
		/** Name of the product the spec is written for (the prompt's app name). */
		appName: text('appName').optional(),
		/** Short summary shown under the title and in search results. */
		description: text('description').optional(),
		/** Technical requirements or constraints that fill the prompt's third placeholder. */
		constraints: z
			.union([z.string().trim(), z.array(text('constraints'))], {
				error: '`constraints` must be text or a list of text.',
			})
			.optional(),
		/** Where the PRD is in its life. */
		status: z
			.enum(PRD_STATUSES, { error: `\`status\` must be one of: ${PRD_STATUSES.join(', ')}.` })
			.default('draft'),
		/** Person or team responsible for the PRD. */
		owner: text('owner').optional(),
		tags: textList('tags').default([]),
		/** Ids of other PRDs (their file names without `.md`). */
		related: textList('related').default([]),
	},
	{ error: (issue) => (issue.code === 'invalid_type' ? 'the frontmatter must be a set of YAML fields.' : undefined) },
);

export type PrdFrontmatter = z.output<typeof PrdFrontmatterSchema>;

export const PRD_FIELDS = Object.keys(PrdFrontmatterSchema.shape);
