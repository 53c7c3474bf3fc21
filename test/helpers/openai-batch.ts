import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

import type { RecordedRequest, Reply } from './openai-server.ts';

/** A file uploaded to, or written by, the fake Files API. */
export interface FakeFile {
	id: string;
	filename: string;
	purpose: string;
	content: string;
}

/** A batch of the fake Batches API, with OpenAI's fields. */
export interface FakeBatch {
	id: string;
	object: 'batch';
	endpoint: string;
	input_file_id: string;
	completion_window: string;
	status: 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';
	output_file_id: string | null;
	error_file_id: string | null;
	created_at: number;
	request_counts: { total: number; completed: number; failed: number };
	metadata: Record<string, string> | null;
	errors: null;
}

/** The fake server's Files and Batches endpoints. */
export interface FakeBatchApi {
	/** `false`: `/files` and `/batches` answer 404, as Ollama, llama.cpp and most proxies do. */
	supported: boolean;
	files: Map<string, FakeFile>;
	batches: Map<string, FakeBatch>;
	/**
	 * The statuses a batch goes through, one per retrieve, after `validating` (its status when
	 * created). Its requests are answered (by the server's queue, then its handler) when it
	 * reaches `completed`: a test may change the handler between submit and collect.
	 */
	lifecycle: FakeBatch['status'][];
}

export function createBatchApi(): FakeBatchApi {
	return { supported: true, files: new Map(), batches: new Map(), lifecycle: ['in_progress', 'finalizing', 'completed'] };
}

/** What the server answers one request of a batch with (its queue, then its handler). */
export type AnswerRequest = (request: RecordedRequest) => Reply;

const json = (res: ServerResponse, status: number, body: unknown) => {
	res.writeHead(status, { 'content-type': 'application/json' });
	res.end(JSON.stringify(body));
};
const notFound = (res: ServerResponse, message: string) =>
	json(res, 404, { error: { message, type: 'invalid_request_error', param: null, code: null } });

/** Handles `/v1/files...` and `/v1/batches...`; false when the path is neither. */
export async function handleBatchApi(
	api: FakeBatchApi,
	request: { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer },
	res: ServerResponse,
	answer: AnswerRequest,
): Promise<boolean> {
	const path = request.path.replace(/^\/v1/, '').split('?')[0]!;
	if (!path.startsWith('/files') && !path.startsWith('/batches')) return false;
	if (!api.supported) {
		notFound(res, `Unknown request URL: ${request.method} ${request.path}`);
		return true;
	}
	const parts = path.split('/').filter(Boolean);
	if (parts[0] === 'files') {
		if (request.method === 'POST' && parts.length === 1) {
			const form = await new Request('http://fake/upload', {
				method: 'POST',
				headers: toHeaders(request.headers),
				body: new Uint8Array(request.body),
			}).formData();
			const file = form.get('file');
			const purpose = form.get('purpose');
			if (!(file instanceof File) || typeof purpose !== 'string')
				return (json(res, 400, { error: { message: 'a file and a purpose are required', type: 'invalid_request_error' } }), true);
			const stored: FakeFile = {
				id: `file-${api.files.size + 1}`,
				filename: file.name,
				purpose,
				content: await file.text(),
			};
			api.files.set(stored.id, stored);
			json(res, 200, describeFile(stored));
			return true;
		}
		const file = api.files.get(parts[1] ?? '');
		if (!file) return (notFound(res, `No such File object: ${parts[1]}`), true);
		if (parts[2] === 'content') {
			res.writeHead(200, { 'content-type': 'application/octet-stream' });
			res.end(file.content);
			return true;
		}
		json(res, 200, describeFile(file));
		return true;
	}
	if (request.method === 'POST' && parts.length === 1) {
		const body = JSON.parse(request.body.toString('utf8')) as {
			input_file_id: string;
			endpoint: string;
			completion_window: string;
			metadata?: Record<string, string>;
		};
		const input = api.files.get(body.input_file_id);
		if (!input) return (notFound(res, `No such File object: ${body.input_file_id}`), true);
		const batch: FakeBatch = {
			id: `batch_${api.batches.size + 1}`,
			object: 'batch',
			endpoint: body.endpoint,
			input_file_id: input.id,
			completion_window: body.completion_window,
			status: 'validating',
			output_file_id: null,
			error_file_id: null,
			created_at: 1_700_000_000,
			request_counts: { total: input.content.split('\n').filter(Boolean).length, completed: 0, failed: 0 },
			metadata: body.metadata ?? null,
			errors: null,
		};
		api.batches.set(batch.id, batch);
		json(res, 200, batch);
		return true;
	}
	if (request.method === 'GET' && parts.length === 1) {
		// The latest first, as OpenAI lists them; listing does not advance a batch.
		const data = [...api.batches.values()].reverse();
		json(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
		return true;
	}
	const batch = api.batches.get(parts[1] ?? '');
	if (!batch) return (notFound(res, `No such Batch object: ${parts[1]}`), true);
	if (request.method === 'POST' && parts[2] === 'cancel') {
		if (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) batch.status = 'cancelling';
		json(res, 200, batch);
		return true;
	}
	advance(api, batch, answer);
	json(res, 200, batch);
	return true;
}

function describeFile(file: FakeFile) {
	return {
		id: file.id,
		object: 'file',
		bytes: Buffer.byteLength(file.content),
		created_at: 1_700_000_000,
		filename: file.filename,
		purpose: file.purpose,
		status: 'processed',
	};
}

function toHeaders(headers: IncomingHttpHeaders): Headers {
	const result = new Headers();
	for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') result.set(name, value);
	return result;
}

/** One retrieve: the batch moves to its next status, and its requests are answered when it completes. */
function advance(api: FakeBatchApi, batch: FakeBatch, answer: AnswerRequest): void {
	if (batch.status === 'cancelling') {
		batch.status = 'cancelled';
		return;
	}
	if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) return;
	const next = api.lifecycle[batch.status === 'validating' ? 0 : api.lifecycle.indexOf(batch.status) + 1];
	if (!next) return;
	batch.status = next;
	if (next === 'completed') answerBatch(api, batch, answer);
}

/** Writes the output file (answers) and the error file (requests that failed), as OpenAI does. */
function answerBatch(api: FakeBatchApi, batch: FakeBatch, answer: AnswerRequest): void {
	const input = api.files.get(batch.input_file_id)!;
	const output: string[] = [];
	const errors: string[] = [];
	for (const [index, line] of input.content.split('\n').filter(Boolean).entries()) {
		const item = JSON.parse(line) as { custom_id: string; url: string; body: RecordedRequest['body'] };
		const messages = item.body.messages ?? item.body.input ?? [];
		const reply = answer({ path: item.url, headers: {}, body: item.body, text: messages.map((m) => m.content).join('\n\n') });
		const id = `batch_req_${index + 1}`;
		if (reply.type === 'text') {
			const usage = reply.usage ?? { input: 100, output: Math.ceil(reply.content.length / 4) };
			const model = item.body.model ?? 'fake-model';
			const body = item.url.endsWith('/responses') ? responsesBody(reply, model, usage) : chatBody(reply, model, usage);
			output.push(
				JSON.stringify({
					id,
					custom_id: item.custom_id,
					response: { status_code: 200, request_id: `req_${index + 1}`, body },
					error: null,
				}),
			);
			batch.request_counts.completed++;
		} else {
			const status = reply.type === 'error' ? reply.status : 500;
			const message = reply.type === 'error' ? (reply.message ?? `status ${status}`) : 'The server had an error.';
			const body = { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', param: null, code: null } };
			errors.push(
				JSON.stringify({
					id,
					custom_id: item.custom_id,
					response: { status_code: status, request_id: `req_${index + 1}`, body },
					error: null,
				}),
			);
			batch.request_counts.failed++;
		}
	}
	batch.output_file_id = output.length > 0 ? addFile(api, `${batch.id}_output.jsonl`, output) : null;
	batch.error_file_id = errors.length > 0 ? addFile(api, `${batch.id}_error.jsonl`, errors) : null;
}

function addFile(api: FakeBatchApi, filename: string, lines: string[]): string {
	const file: FakeFile = { id: `file-${api.files.size + 1}`, filename, purpose: 'batch_output', content: `${lines.join('\n')}\n` };
	api.files.set(file.id, file);
	return file.id;
}

type TextReply = Extract<Reply, { type: 'text' }>;

function chatBody(reply: TextReply, model: string, usage: { input: number; output: number }) {
	return {
		id: 'chatcmpl-fake',
		object: 'chat.completion',
		created: 1_700_000_000,
		model,
		choices: [
			{
				index: 0,
				message: { role: 'assistant', content: reply.content, refusal: null },
				finish_reason: reply.finish ?? 'stop',
				logprobs: null,
			},
		],
		usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
	};
}

function responsesBody(reply: TextReply, model: string, usage: { input: number; output: number }) {
	const incomplete = reply.finish === 'length' || reply.finish === 'content_filter';
	return {
		id: 'resp_fake',
		object: 'response',
		created_at: 1_700_000_000,
		model,
		status: incomplete ? 'incomplete' : 'completed',
		incomplete_details: incomplete ? { reason: reply.finish === 'length' ? 'max_output_tokens' : 'content_filter' } : null,
		error: null,
		output: [
			{
				type: 'message',
				id: 'msg_fake',
				role: 'assistant',
				status: 'completed',
				content: [{ type: 'output_text', text: reply.content, annotations: [] }],
			},
		],
		usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output },
	};
}
