import { z } from 'zod';
import { CORE_SCHEMA, dump } from 'js-yaml';

import { LIMITS } from '../limits.ts';
import { readRecordedSection, SECTION_DIGEST_CHARS } from '../markdown/section-digests.ts';
import { splitLeadingH1 } from '../markdown/title.ts';
import { normalizeNewlines, parseFrontmatter, trimmedBodyLine } from '../prds/frontmatter.ts';
import { isPrdId } from '../prds/ids.ts';
import { formatCount, isOneLine, tooLongMessage } from '../prds/schema.ts';
import type { Problem } from '../problems.ts';
import { schemaIssuesToProblems } from '../schema-problems.ts';
import { truncate } from '../text/plain-text.ts';

const hashSchema = (field: string) =>
	z.string({ error: `\`${field}\` must be text.` }).regex(/^sha256:[0-9a-f]{64}$/, {
		error: `\`${field}\` must be \`sha256:\` followed by 64 hex digits.`,
	});

const tokens = z.number().int().nonnegative();

/** A batch id as the Batch API names batches (`batch_…`): kept to one short word, since the server is not trusted. */
export const BATCH_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

const dateTime = (field: string) =>
	z.iso.datetime({ offset: true, error: `\`${field}\` must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00Z.` });

/** `<16 hex digits> <heading>`: one section of the version a spec replaced (see `recordSections`). */
const recordedSection = z
	.string({ error: 'each of `replaced.sections` must be text: a section digest, a space and the heading.' })
	.max(LIMITS.titleChars + SECTION_DIGEST_CHARS + 1, {
		error: 'each of `replaced.sections` must be a digest and a heading of at most 200 characters.',
	})
	.refine((line) => isOneLine(line) && readRecordedSection(line) !== undefined, {
		error: 'each of `replaced.sections` must be 16 hex digits, a space and the heading, on one line.',
	});

/** Frontmatter of a cached spec (`<specsDir>/<id>.md`): where the spec came from. */
export const SpecMetadataSchema = z.strictObject({
	/** Id of the PRD the spec was written from. */
	prd: z.string({ error: '`prd` must be the id of the PRD.' }).refine(isPrdId, {
		error: '`prd` must be the id of the PRD: lowercase letters, digits and dashes, with `/` between folders (`payments/checkout`).',
	}),
	/** Cache key: identifies the filled prompt the spec was generated from (see `computeInputHash`). */
	inputHash: hashSchema('inputHash'),
	/** Hash of the prompt template at the time. */
	templateHash: hashSchema('templateHash'),
	/** `model` when an LLM wrote it, `manual` when a person did. */
	source: z.enum(['model', 'manual'], { error: '`source` must be `model` or `manual`.' }),
	/** Model name, for `source: model`. */
	model: z
		.string()
		.min(1)
		.max(LIMITS.modelChars, {
			error: (issue) => tooLongMessage('`model`', typeof issue.input === 'string' ? issue.input.length : 0, LIMITS.modelChars),
		})
		.refine(isOneLine, { error: '`model` must be one line of text.' })
		.optional(),
	/** ISO 8601 date-time of generation. */
	generatedAt: dateTime('generatedAt'),
	/** Tokens sent and received, summed over every request made for this spec. */
	usage: z
		.strictObject({
			inputTokens: tokens,
			outputTokens: tokens,
			requests: z.number().int().positive().optional(),
			/** The part of the usage a batch answered (`generate --batch`), priced at the Batch API's prices; the rest is repair rounds. */
			batch: z
				.strictObject({
					id: z.string().regex(BATCH_ID_PATTERN, { error: '`usage.batch.id` must be the id of a batch, such as `batch_abc123`.' }),
					inputTokens: tokens,
					outputTokens: tokens,
				})
				.optional(),
		})
		.optional(),
	/** How the spec was made, in words, when `source` says too little. */
	note: z
		.string()
		.max(LIMITS.noteChars, {
			error: (issue) => tooLongMessage('`note`', typeof issue.input === 'string' ? issue.input.length : 0, LIMITS.noteChars),
		})
		.optional(),
	/**
	 * The version this spec replaced when it was generated: its date and its `##` sections with a
	 * digest of each, so that the site can say which sections changed without git history.
	 */
	replaced: z
		.strictObject({
			generatedAt: dateTime('replaced.generatedAt').optional(),
			sections: z.array(recordedSection).max(LIMITS.recordedSections, {
				error: `\`replaced.sections\` may list at most ${LIMITS.recordedSections} sections.`,
			}),
		})
		.optional(),
	/** Who approved the spec, when, and the digest of the body they approved (see `getReviewState`). */
	review: z
		.strictObject({
			by: z
				.string({ error: '`review.by` must be the name of who approved the spec.' })
				.min(1, { error: '`review.by` must not be empty.' })
				.max(LIMITS.ownerChars, {
					error: (issue) => tooLongMessage('`review.by`', typeof issue.input === 'string' ? issue.input.length : 0, LIMITS.ownerChars),
				})
				.refine(isOneLine, { error: '`review.by` must be one line of text.' }),
			at: dateTime('review.at'),
			digest: hashSchema('review.digest'),
		})
		.optional(),
});

export type SpecMetadata = z.output<typeof SpecMetadataSchema>;

const SPEC_FIELDS = Object.keys(SpecMetadataSchema.shape);

export interface CachedSpec {
	id: string;
	file: string;
	metadata: SpecMetadata;
	/** The spec's markdown, with `\n` line endings. */
	body: string;
	/** 1-based line of the file where `body` starts, for messages about it. */
	bodyLine?: number;
}

export type SpecFileResult = { ok: true; spec: CachedSpec } | { ok: false; problems: Problem[] };

/** Longest part of a user's value quoted in a message. */
const QUOTE_CHARS = 60;

const REGENERATE_HINT = 'Correct the metadata (the README describes each field), or delete the file so that the spec is generated again.';

/**
 * Parses a cached spec file and checks its metadata, and that its body is one the site can
 * publish: a `# ` title line of at most `LIMITS.titleChars`, no line nesting quotes or lists
 * deeper than `LIMITS.nestingDepth`.
 */
export function parseSpecFile(source: string, file: string, id: string): SpecFileResult {
	const parsed = parseFrontmatter(source);
	if (!parsed.ok) {
		return { ok: false, problems: [{ file, field: 'frontmatter', message: parsed.message, hint: REGENERATE_HINT }] };
	}
	const problems: Problem[] = [];
	const result = SpecMetadataSchema.safeParse(parsed.data);
	if (!result.success) {
		const issues = schemaIssuesToProblems(result.error, parsed.data, {
			file,
			wholeInput: 'frontmatter',
			unknownKey: () => ({ message: `is not a spec metadata field (allowed: ${SPEC_FIELDS.join(', ')}).`, hint: REGENERATE_HINT }),
			describe: ({ issue, missing }) => ({ message: missing ? 'is required.' : issue.message, hint: REGENERATE_HINT }),
		});
		problems.push(...issues.map(({ unknownKey: _, ...problem }) => problem));
	} else if (result.data.prd !== id) {
		problems.push({
			file,
			field: 'prd',
			message: `says "${truncate(result.data.prd, QUOTE_CHARS)}" but the file is named for "${truncate(id, QUOTE_CHARS)}".`,
			hint: 'Spec files are named after their PRD: rename the file or correct `prd`.',
		});
	}
	const body = parsed.body.trim();
	const heading = splitLeadingH1(body).heading;
	if (heading !== undefined && heading.length > LIMITS.titleChars) {
		problems.push({
			file,
			field: 'title',
			message: `the \`# \` title line is ${formatCount(heading.length)} characters long; at most ${formatCount(LIMITS.titleChars)} are published.`,
			hint: 'Shorten the title line, or delete the file so that the spec is generated again.',
		});
	}
	if (problems.length > 0 || !result.success) return { ok: false, problems };
	return { ok: true, spec: { id, file, metadata: result.data, body, bodyLine: trimmedBodyLine(parsed.body, parsed.bodyLine) } };
}

/** The text of a spec file: metadata as YAML frontmatter, then the spec. */
export function serializeSpecFile(metadata: SpecMetadata, body: string): string {
	const yamlText = dump(SpecMetadataSchema.parse(metadata), { lineWidth: -1, noRefs: true, schema: CORE_SCHEMA });
	return `---\n${yamlText}---\n\n${normalizeNewlines(body).trim()}\n`;
}
