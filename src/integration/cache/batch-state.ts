import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

import { makeFolderInsideProject, resolveInsideProject } from '../files/project-paths.ts';
import { readTextFile } from '../files/read-text-file.ts';
import { isPrdId } from '../prds/ids.ts';
import type { Problem } from '../problems.ts';
import { formatFieldPath } from '../schema-problems.ts';
import { BATCH_ID_PATTERN } from './spec-file.ts';
import { writeFileAtomically } from './write.ts';

/**
 * The batch a `prd-specs generate --batch` submitted, kept in the spec cache (`<specsDir>/_batch.json`,
 * which the spec reader skips, as every `_` name) so that it is committed with the specs: another
 * machine, or CI tomorrow, collects it. It is removed once every request is settled.
 */
export const BATCH_STATE_FILE = '_batch.json';

/** Requests of one batch: the Batch API takes 50,000; so many specs at once are far more than a run needs. */
export const MAX_BATCH_REQUESTS = 50_000;

/** Bytes of the state file: about 250 per request. */
const MAX_STATE_BYTES = 32 * 1024 * 1024;

const hash = z.string().regex(/^sha256:[0-9a-f]{64}$/, { error: 'must be `sha256:` followed by 64 hex digits.' });
const openAiId = z.string().regex(BATCH_ID_PATTERN, { error: 'must be an id of the API (letters, digits, `_` and `-`).' });

const RequestSchema = z.strictObject({
	/** `custom_id` of the request in the batch. */
	id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be the request id, letters, digits, `_` and `-`.' }),
	prd: z.string().refine(isPrdId, { error: 'must be the id of a PRD.' }),
	/** Cache key of the PRD when it was submitted: an answer for a PRD that changed since is dropped. */
	inputHash: hash,
	/** Settled: `saved` (its spec written), `failed` or `dropped`; absent while its answer is still to collect. */
	outcome: z.enum(['saved', 'failed', 'dropped'], { error: 'must be `saved`, `failed` or `dropped`.' }).optional(),
});

export const BatchStateSchema = z.strictObject({
	version: z.literal(1, { error: 'must be 1.' }),
	/** The batch's id; null between the upload of its requests and its creation (see `recoverBatch`). */
	batch: openAiId.nullable(),
	/** The uploaded file of requests. */
	inputFile: openAiId,
	api: z.enum(['chat', 'responses'], { error: 'must be `chat` or `responses`.' }),
	model: z.string().min(1).max(200),
	templateHash: hash,
	submittedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time.' }),
	requests: z.array(RequestSchema).min(1).max(MAX_BATCH_REQUESTS),
});

export type BatchState = z.infer<typeof BatchStateSchema>;
export type BatchRequest = BatchState['requests'][number];

export type ReadBatchState = { state: BatchState; file: string } | { state: undefined; file: string } | { problem: Problem };

/** The state of the pending batch, `state: undefined` when none was submitted, or what is wrong with the file. */
export async function readBatchState(root: string, specsDir: string): Promise<ReadBatchState> {
	const file = `${specsDir}/${BATCH_STATE_FILE}`;
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status === 'missing') return { state: undefined, file };
	if (folder.status !== 'inside')
		return { problem: { file: specsDir, message: 'is not a readable folder inside the project.', hint: 'Check the `specsDir` option.' } };
	const read = readTextFile(join(folder.realPath, BATCH_STATE_FILE), { maxBytes: MAX_STATE_BYTES, kind: 'batch state' });
	if (!read.ok) {
		if (read.message.startsWith('cannot be read (ENOENT)')) return { state: undefined, file };
		return { problem: { file, message: read.message, hint: read.hint } };
	}
	const hint = 'The file is written by `prd-specs generate --batch`: restore it from git, or delete it (its batch is then not collected).';
	let json: unknown;
	try {
		json = JSON.parse(read.text);
	} catch {
		return { problem: { file, message: 'is not valid JSON.', hint } };
	}
	const parsed = BatchStateSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		const field = formatFieldPath(issue.path);
		return { problem: { file, ...(field && { field }), message: issue.message, hint } };
	}
	return { state: parsed.data, file };
}

/**
 * Whether the batch will still answer the spec of `prd` for this version of it (cache key): a
 * request not settled yet. For a run to leave the spec to the batch, and for messages to say so.
 */
export function createBatchWaitCheck(state: BatchState | undefined): (prd: string, inputHash: string) => boolean {
	const waiting = new Set(
		state?.requests.filter((request) => request.outcome === undefined).map((request) => `${request.prd}\n${request.inputHash}`),
	);
	return (prd, inputHash) => waiting.has(`${prd}\n${inputHash}`);
}

/** Writes the state atomically (a crash leaves the previous state or this one). */
export async function writeBatchState(root: string, specsDir: string, state: BatchState): Promise<void> {
	const dir = await makeFolderInsideProject(root, specsDir, 'specsDir');
	await writeFileAtomically(dir, BATCH_STATE_FILE, `${JSON.stringify(BatchStateSchema.parse(state), null, '\t')}\n`);
}

/** Removes the state: its batch is collected. */
export async function removeBatchState(root: string, specsDir: string): Promise<void> {
	const folder = await resolveInsideProject(root, specsDir);
	if (folder.status === 'inside') await rm(join(folder.realPath, BATCH_STATE_FILE), { force: true });
}
