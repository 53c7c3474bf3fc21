import { getReviewState } from '../cache/review.ts';
import type { CachedSpec } from '../cache/spec-file.ts';
import { formatDate } from './dates.ts';
import { escapeMarkdown, markdownCode } from './markdown.ts';

type ReviewedSpec = Pick<CachedSpec, 'metadata' | 'body'>;

/**
 * The aside near the top of a spec page that says whether a person approved the spec as it is
 * now, so that a reader can tell an approved spec from raw model output. Reviewers' names come
 * from spec files (pull requests): they are escaped.
 */
export function reviewNotice(id: string, spec: ReviewedSpec): string {
	const review = getReviewState(spec);
	if (review.reviewed) return `:::tip[Reviewed]\nReviewed by ${escapeMarkdown(review.by)} on ${formatDate(review.at)}.\n:::`;
	const { metadata } = spec;
	const writtenBy = metadata.source === 'model' ? `Written by model ${markdownCode(metadata.model ?? 'unknown')}` : 'Written by hand';
	const approve = `A reviewer approves it with ${markdownCode(`prd-specs approve ${id}`)}.`;
	if (review.reason === 'never') return `:::note[Not reviewed]\n${writtenBy}, and nobody has approved it yet. ${approve}\n:::`;
	return `:::caution[Not reviewed]\n${writtenBy}, and changed after ${escapeMarkdown(review.by)} approved it on ${formatDate(review.at)}. The change has not been approved. ${approve}\n:::`;
}

/** The overview's review cell: `Reviewed`, `Not reviewed`, `Changed since review`, or `—` without a spec. */
export function reviewLabel(spec: ReviewedSpec | undefined): string {
	if (!spec) return '—';
	const review = getReviewState(spec);
	if (review.reviewed) return 'Reviewed';
	return review.reason === 'changed' ? 'Changed since review' : 'Not reviewed';
}
