import { createHash } from 'node:crypto';

import type { CachedSpec } from './spec-file.ts';

/** `sha256:<hex>` of a spec's body as it is stored (trimmed, `\n` line endings): what an approval is of. */
export function digestSpecBody(body: string): string {
	return `sha256:${createHash('sha256').update(body.trim()).digest('hex')}`;
}

/**
 * Whether a person approved the spec as it is now. An approval records a digest of the body
 * approved: any later change of the body (a hand edit, a regeneration) makes the spec unreviewed
 * again, without anyone resetting anything.
 */
export type ReviewState =
	| { reviewed: true; by: string; at: string }
	/** `never`: nobody approved it; `changed`: the body changed after `by` approved it at `at`. */
	| { reviewed: false; reason: 'never' }
	| { reviewed: false; reason: 'changed'; by: string; at: string };

export function getReviewState(spec: Pick<CachedSpec, 'metadata' | 'body'>): ReviewState {
	const review = spec.metadata.review;
	if (!review) return { reviewed: false, reason: 'never' };
	if (review.digest !== digestSpecBody(spec.body)) return { reviewed: false, reason: 'changed', by: review.by, at: review.at };
	return { reviewed: true, by: review.by, at: review.at };
}

/** A spec nobody approved as it is now, and why (see `ReviewState`). */
export type UnreviewedState = Exclude<ReviewState, { reviewed: true }>;

/**
 * The PRDs among `statuses` whose spec is not approved as it is now, in their order, each with its
 * review state. PRDs without a spec are not listed: a missing spec is reported as missing.
 */
export function findUnreviewed<T extends { spec?: Pick<CachedSpec, 'metadata' | 'body'> | undefined }>(
	statuses: readonly T[],
): { status: T; review: UnreviewedState }[] {
	return statuses.flatMap((status) => {
		if (!status.spec) return [];
		const review = getReviewState(status.spec);
		return review.reviewed ? [] : [{ status, review }];
	});
}
