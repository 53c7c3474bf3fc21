import OpenAI, { APIError, toFile } from 'openai';

import { redactSecrets } from '../secrets.ts';
import type { BatchApi } from './batch-requests.ts';
import { BATCH_ENDPOINTS } from './batch-requests.ts';
import { GenerationError } from './generator.ts';
import { describeApiError } from './openai.ts';

/** Where the batch's status stands: `ended` once nothing more will happen to it. */
export interface BatchInfo {
	id: string;
	status: 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
	ended: boolean;
	total: number;
	completed: number;
	failed: number;
	outputFileId: string | undefined;
	errorFileId: string | undefined;
	/** Why a batch `failed` (its input was refused): the server's first errors. */
	errors: string[];
	inputFileId: string;
}

/** The server has no Batch API (it answered 404 to the Files or Batches endpoint). */
export class BatchUnsupportedError extends GenerationError {
	override name = 'BatchUnsupportedError';
}

export interface BatchClientOptions {
	apiKey: string;
	baseURL?: string | undefined;
	retries: number;
	timeoutMs: number;
}

/** The Files and Batches endpoints of the OpenAI API, through the official SDK; every failure is a `GenerationError` that says what to do. */
export function createBatchClient(options: BatchClientOptions) {
	const client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: options.retries, timeout: options.timeoutMs });
	const where = options.baseURL ? `the API at \`OPENAI_BASE_URL\`` : 'the OpenAI API';
	const fail = (what: string, error: unknown): never => {
		if (error instanceof GenerationError) throw error;
		if (error instanceof APIError && error.status === 404 && (what === 'upload' || what === 'create'))
			throw new BatchUnsupportedError(
				`${where} has no Batch API (it answered 404 to the ${what === 'upload' ? 'Files' : 'Batches'} endpoint): \`--batch\` needs the OpenAI API (or a server with its Files and Batches endpoints). Generate without --batch: the normal mode works with this server.`,
			);
		throw new GenerationError(`${describeWhat(what)}: ${describeApiError(error, options.apiKey)}`);
	};
	return {
		/** Uploads the input file (purpose `batch`); returns its id. */
		async upload(jsonl: string): Promise<string> {
			try {
				const file = await client.files.create({
					file: await toFile(Buffer.from(jsonl, 'utf8'), 'prd-specs-batch.jsonl'),
					purpose: 'batch',
				});
				if (!API_ID.test(file.id)) throw new GenerationError(BAD_ID);
				return file.id;
			} catch (error) {
				return fail('upload', error);
			}
		},
		/** Creates the batch of the uploaded requests, to end within 24 hours. */
		async create(inputFileId: string, api: BatchApi): Promise<BatchInfo> {
			try {
				const batch = await client.batches.create({
					input_file_id: inputFileId,
					endpoint: BATCH_ENDPOINTS[api],
					completion_window: '24h',
					metadata: { tool: 'prd-specs' },
				});
				return describeBatch(batch, options.apiKey);
			} catch (error) {
				return fail('create', error);
			}
		},
		async retrieve(batchId: string): Promise<BatchInfo> {
			try {
				return describeBatch(await client.batches.retrieve(batchId), options.apiKey);
			} catch (error) {
				if (error instanceof APIError && error.status === 404)
					throw new GenerationError(
						`${where} does not know batch ${batchId} (404): it may belong to another organization or project than \`OPENAI_API_KEY\`, or \`OPENAI_BASE_URL\` points elsewhere than where it was submitted.`,
					);
				return fail('retrieve', error);
			}
		},
		/** The batch created from `inputFileId`, among the latest 100: finds a batch whose creation a crash kept from being recorded. */
		async findByInputFile(inputFileId: string): Promise<BatchInfo | undefined> {
			try {
				const page = await client.batches.list({ limit: 100 });
				const batch = page.data.find((candidate) => candidate.input_file_id === inputFileId);
				return batch && describeBatch(batch, options.apiKey);
			} catch (error) {
				return fail('list', error);
			}
		},
		async cancel(batchId: string): Promise<BatchInfo> {
			try {
				return describeBatch(await client.batches.cancel(batchId), options.apiKey);
			} catch (error) {
				return fail('cancel', error);
			}
		},
		/** The text of an output or error file; refused above `maxBytes`. */
		async download(fileId: string, maxBytes: number): Promise<string> {
			try {
				const response = await client.files.content(fileId);
				return await readCapped(response, maxBytes, fileId);
			} catch (error) {
				return fail('download', error);
			}
		},
	};
}

export type BatchClient = ReturnType<typeof createBatchClient>;

function describeWhat(what: string): string {
	return (
		{
			upload: 'uploading the requests failed',
			create: 'creating the batch failed',
			retrieve: 'reading the batch failed',
			list: 'listing the batches failed',
			cancel: 'cancelling the batch failed',
			download: 'downloading the answers failed',
		}[what] ?? what
	);
}

const ENDED = new Set<BatchInfo['status']>(['failed', 'completed', 'expired', 'cancelled']);

/** Ids of batches and files as the API writes them (`batch_abc`, `file-abc`); the state file takes no other. */
const API_ID = /^[A-Za-z0-9_-]{1,100}$/;
const BAD_ID = 'the server answered with a batch or file id that is not one (letters, digits, `_` and `-`)';

function describeBatch(batch: OpenAI.Batches.Batch, apiKey: string): BatchInfo {
	for (const id of [batch.id, batch.input_file_id, batch.output_file_id, batch.error_file_id])
		if (id != null && !API_ID.test(id)) throw new GenerationError(BAD_ID);
	const counts = batch.request_counts ?? { total: 0, completed: 0, failed: 0 };
	return {
		id: batch.id,
		status: batch.status,
		ended: ENDED.has(batch.status),
		total: counts.total,
		completed: counts.completed,
		failed: counts.failed,
		outputFileId: batch.output_file_id ?? undefined,
		errorFileId: batch.error_file_id ?? undefined,
		errors: (batch.errors?.data ?? [])
			.slice(0, 5)
			.map((error) =>
				redactSecrets(`${error.line != null ? `line ${error.line}: ` : ''}${error.message ?? error.code ?? 'error'}`, [apiKey]),
			),
		inputFileId: batch.input_file_id,
	};
}

/** The body as text, read chunk by chunk, refused once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number, fileId: string): Promise<string> {
	if (!response.body) return '';
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
		size += chunk.byteLength;
		if (size > maxBytes)
			throw new GenerationError(
				`the file ${fileId} of the batch is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, more than its answers can be: it is not read`,
			);
		chunks.push(Buffer.from(chunk));
	}
	return Buffer.concat(chunks).toString('utf8');
}
