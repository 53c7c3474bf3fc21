import { z } from 'zod';
import { CORE_SCHEMA, dump } from 'js-yaml';

import { normalizeNewlines, parseFrontmatter } from '../prds/frontmatter.ts';
import type { Problem } from '../problems.ts';

const hashSchema = (field: string) =>
	z.string({ error: `\`${field}\` must be text.` }).regex(/^sha256:[0-9a-f]{64}$/, {
		error: `\`${field}\` must be \`sha256:\` followed by 64 hex digits.`,
	});

const tokens = z.number().int().nonnegative();

/** Frontmatter of a cached spec (`<specsDir>/<id>.md`): where the spec came from. */
export const SpecMetadataSchema = z.strictObject({
	/** Id of the PRD the spec was written from. */
	prd: z.string({ error: '`prd` must be the id of the PRD.' }),
	/** Cache key: identifies the filled prompt the spec was generated from (see `computeInputHash`). */
	inputHash: hashSchema('inputHash'),
	/** Hash of the prompt template at the time. */
	templateHash: hashSchema('templateHash'),
	/** `model` when an LLM wrote it, `manual` when a person did. */
	source: z.enum(['model', 'manual'], { error: '`source` must be `model` or `manual`.' }),
	/** Model name, for `source: model`. */
	model: z.string().min(1).optional(),
	/** ISO 8601 date-time of generation. */
	generatedAt: z.iso.datetime({ offset: true, error: '`generatedAt` must be an ISO 8601 date-time, e.g. 2026-11-26T10:00:00Z.' }),
	/** Tokens sent and received, summed over every request made for this spec. */
	usage: z.strictObject({ inputTokens: tokens, outputTokens: tokens, requests: z.number().int().positive().optional() }).optional(),
	/** How the spec was made, in words, when `source` says too little. */
	note: z.string().optional(),
});

export type SpecMetadata = z.output<typeof SpecMetadataSchema>;

const SPEC_FIELDS = Object.keys(SpecMetadataSchema.shape);

export interface CachedSpec {
	id: string;
	file: string;
	metadata: SpecMetadata;
	/** The spec's markdown, with `\n` line endings. */
	body: string;
}

export type SpecFileResult = { ok: true; spec: CachedSpec } | { ok: false; problems: Problem[] };

const REGENERATE_HINT = 'Correct the metadata (the README describes each field), or delete the file so that the spec is generated again.';

/** Parses a cached spec file and checks its metadata. */
export function parseSpecFile(source: string, file: string, id: string): SpecFileResult {
	const parsed = parseFrontmatter(source);
	if (!parsed.ok) {
		return { ok: false, problems: [{ file, field: 'frontmatter', message: parsed.message, hint: REGENERATE_HINT }] };
	}
	const result = SpecMetadataSchema.safeParse(parsed.data);
	if (!result.success) {
		return {
			ok: false,
			problems: result.error.issues.map((issue) => {
				if (issue.code === 'unrecognized_keys') {
					return { file, field: issue.keys.join(', '), message: `is not a spec metadata field (allowed: ${SPEC_FIELDS.join(', ')}).`, hint: REGENERATE_HINT };
				}
				const missing = issue.code === 'invalid_type' && !(String(issue.path[0]) in parsed.data);
				return { file, field: issue.path.join('.') || 'frontmatter', message: missing ? 'is required.' : issue.message, hint: REGENERATE_HINT };
			}),
		};
	}
	if (result.data.prd !== id) {
		return {
			ok: false,
			problems: [
				{
					file,
					field: 'prd',
					message: `says "${result.data.prd}" but the file is named for "${id}".`,
					hint: 'Spec files are named after their PRD: rename the file or correct `prd`.',
				},
			],
		};
	}
	return { ok: true, spec: { id, file, metadata: result.data, body: parsed.body.trim() } };
}

/** The text of a spec file: metadata as YAML frontmatter, then the spec. */
export function serializeSpecFile(metadata: SpecMetadata, body: string): string {
	const yamlText = dump(SpecMetadataSchema.parse(metadata), { lineWidth: -1, noRefs: true, schema: CORE_SCHEMA });
	return `---\n${yamlText}---\n\n${normalizeNewlines(body).trim()}\n`;
}
