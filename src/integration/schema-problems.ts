import type { z } from 'zod';

import type { Problem } from './problems.ts';

export type SchemaIssue = z.core.$ZodIssue;

/** One issue of a failed validation, with what a message about it needs. */
export interface IssueContext {
	issue: SchemaIssue;
	/** The field it is about, by its full path: `tags[3]`, `generation.model`. */
	field: string;
	/** The value at that path in the validated input (`undefined` when the field is absent). */
	value: unknown;
	/** Whether the issue is that a required field is absent. */
	missing: boolean;
}

/** How one kind of file (options, PRD frontmatter, spec metadata) words its problems. */
export interface IssueWording {
	file: string;
	/** The field named when an issue is about the input as a whole. */
	wholeInput: string;
	/** A key the schema does not know. */
	unknownKey(key: string, field: string): { message: string; hint: string };
	/** Any other issue. */
	describe(context: IssueContext): { message: string; hint: string };
}

/** A `Problem` that says whether it is about an unknown key, for callers that word those apart. */
export interface SchemaProblem extends Problem {
	field: string;
	unknownKey: boolean;
}

/**
 * The problems of a failed zod validation, one per issue and one per unknown key, each naming
 * its field by its full path, in the order zod reports them.
 */
export function schemaIssuesToProblems(error: z.ZodError, input: unknown, wording: IssueWording): SchemaProblem[] {
	return error.issues.flatMap((issue): SchemaProblem[] => {
		if (issue.code === 'unrecognized_keys') {
			return issue.keys.map((key) => {
				const field = formatFieldPath([...issue.path, key]);
				return { file: wording.file, field, unknownKey: true, ...wording.unknownKey(key, field) };
			});
		}
		const field = formatFieldPath(issue.path) || wording.wholeInput;
		const value = valueAt(input, issue.path);
		const missing = issue.code === 'invalid_type' && value === undefined;
		return [{ file: wording.file, field, unknownKey: false, ...wording.describe({ issue, field, value, missing }) }];
	});
}

/** `['tags', 3]` -> `tags[3]`; `['generation', 'model']` -> `generation.model`. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
	return path.map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index > 0 ? '.' : ''}${String(part)}`)).join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let node = input;
	for (const key of path) {
		if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
		node = (node as Record<PropertyKey, unknown>)[key];
	}
	return node;
}
