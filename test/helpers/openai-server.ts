import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { createBatchApi, handleBatchApi, type FakeBatchApi } from './openai-batch.ts';

/** What the fake server does with one request. */
export type Reply =
	| {
			type: 'text';
			content: string;
			/**
			 * How the model stops: `length` marks the answer as truncated, `content_filter` as blocked
			 * (chat `finish_reason`; responses `incomplete` with that reason).
			 */
			finish?: 'stop' | 'length' | 'content_filter';
			usage?: { input: number; output: number };
			/** Characters per streamed chunk. */
			chunkSize?: number;
			/** Pause before each chunk. */
			chunkDelayMs?: number;
			/** Pause before the response headers. */
			delayMs?: number;
			/**
			 * Hold the answer until this many requests wait for theirs at once (a barrier), then answer
			 * them together: proves that the client runs that many in parallel, with no timing.
			 */
			waitForInFlight?: number;
			/** Destroy the connection after this many characters of content. */
			cutAfter?: number;
			/** End the stream cleanly but without saying the answer is finished. */
			omitFinish?: boolean;
			/** Send an error inside the stream (after the 200) and end it, as OpenAI does. */
			streamError?: StreamErrorSpec;
			/** Send nothing for a while once the headers (and `afterChars` characters) are out. */
			stall?: StallSpec;
	  }
	| {
			type: 'error';
			status: number;
			message?: string;
			headers?: Record<string, string>;
			/** Sent as the standard `Retry-After` header (seconds, or an HTTP date as text). */
			retryAfter?: number | string;
			/** Sent as OpenAI's own `retry-after-ms` header. */
			retryAfterMs?: number;
	  }
	| { type: 'hang' }
	| { type: 'garbage' };

/** An error sent inside a stream whose headers said 200. */
export interface StreamErrorSpec {
	/** Characters of content sent before the error (0: right after the headers). */
	afterChars?: number;
	message: string;
	/** The error's `type` (chat), e.g. `server_error`, `invalid_request_error`. */
	errorType?: string;
	/** The error's `code`, e.g. `server_error`, `rate_limit_exceeded`, `invalid_prompt`. */
	code?: string | number | null;
	/**
	 * Responses API only: an `error` event (default) or a `response.failed` event. Chat
	 * Completions always gets a `data:` chunk carrying `{"error": {...}}`.
	 */
	event?: 'error' | 'response.failed';
}

/** A body that stops arriving: headers sent, then nothing. */
export interface StallSpec {
	/** Characters of content sent before the stall (0: right after the headers). */
	afterChars?: number;
	/** How long to send nothing before going on; without it, until the client disconnects. */
	ms?: number;
}

export interface RecordedRequest {
	path: string;
	headers: IncomingHttpHeaders;
	body: {
		model?: string;
		stream?: boolean;
		messages?: { role: string; content: string }[];
		input?: { role: string; content: string }[];
		[key: string]: unknown;
	};
	/** The text of the conversation's messages, joined, for routing and assertions. */
	text: string;
}

export interface FakeOpenAIServer {
	/** Base URL to give the SDK (`http://127.0.0.1:<port>/v1`). */
	baseURL: string;
	requests: RecordedRequest[];
	/** Most requests in flight at once. */
	maxInFlight: number;
	/** Replies used in order; when empty, `handler` decides. */
	queue: Reply[];
	handler: (request: RecordedRequest) => Reply;
	/** The Files and Batches endpoints (see `openai-batch.ts`); a batch's requests are answered by `queue`, then `handler`. */
	batch: FakeBatchApi;
	close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that speaks the OpenAI wire format for chat completions and
 * responses, JSON or SSE, and the Files and Batches endpoints, so that the real SDK can be tested
 * against it.
 */
export async function startFakeOpenAI(
	handler: FakeOpenAIServer['handler'] = () => ({ type: 'text', content: 'Hello' }),
): Promise<FakeOpenAIServer> {
	let inFlight = 0;
	// Requests held until enough of them wait together (see `waitForInFlight`).
	let waiting: (() => void)[] = [];
	const sockets = new Set<Socket>();
	const server = createServer((req, res) => {
		void (async () => {
			inFlight++;
			state.maxInFlight = Math.max(state.maxInFlight, inFlight);
			res.on('close', () => inFlight--);
			const chunks: Buffer[] = [];
			for await (const chunk of req) chunks.push(chunk as Buffer);
			const raw = { method: req.method ?? 'GET', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
			if (await handleBatchApi(state.batch, raw, res, (request) => state.queue.shift() ?? state.handler(request))) {
				// Recorded without a body: uploads are multipart, and what a batch asks is in its input file.
				state.requests.push({ path: raw.path, headers: raw.headers, body: {}, text: '' });
				return;
			}
			let body: RecordedRequest['body'] = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as RecordedRequest['body'];
			} catch {
				/* recorded as empty */
			}
			const messages = body.messages ?? body.input ?? [];
			const request: RecordedRequest = {
				path: req.url ?? '',
				headers: req.headers,
				body,
				text: messages.map((m) => m.content).join('\n\n'),
			};
			state.requests.push(request);
			const reply = state.queue.shift() ?? state.handler(request);
			if (reply.type === 'text' && reply.waitForInFlight !== undefined) {
				const count = reply.waitForInFlight;
				await new Promise<void>((release) => {
					waiting.push(release);
					if (waiting.length < count) return;
					for (const held of waiting) held();
					waiting = [];
				});
			}
			await respond(res, request, reply);
		})();
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const state: FakeOpenAIServer = {
		baseURL: `http://127.0.0.1:${port}/v1`,
		requests: [],
		maxInFlight: 0,
		queue: [],
		handler,
		batch: createBatchApi(),
		close: () =>
			new Promise((resolve) => {
				for (const socket of sockets) socket.destroy();
				server.close(() => resolve());
			}),
	};
	return state;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function respond(res: ServerResponse, request: RecordedRequest, reply: Reply): Promise<void> {
	if (reply.type === 'hang') return;
	if (reply.type === 'error') {
		res.writeHead(reply.status, {
			'content-type': 'application/json',
			...(reply.retryAfter !== undefined && { 'retry-after': String(reply.retryAfter) }),
			...(reply.retryAfterMs !== undefined && { 'retry-after-ms': String(reply.retryAfterMs) }),
			...reply.headers,
		});
		res.end(
			JSON.stringify({ error: { message: reply.message ?? `status ${reply.status}`, type: 'server_error', param: null, code: null } }),
		);
		return;
	}
	if (reply.type === 'garbage') {
		res.writeHead(200, { 'content-type': 'text/event-stream' });
		res.end('data: {this is not json\n\n');
		return;
	}
	if (reply.delayMs) await sleep(reply.delayMs);
	const model = request.body.model ?? 'fake-model';
	const usage = reply.usage ?? { input: Math.ceil(request.text.length / 4), output: Math.ceil(reply.content.length / 4) };
	const isResponses = request.path.endsWith('/responses');
	const { events, streamError } = isResponses ? responsesEvents(reply, model, usage) : chatEvents(reply, model, usage);
	if (!request.body.stream) {
		res.writeHead(400, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: { message: 'this fake server only streams', type: 'invalid_request_error' } }));
		return;
	}
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	// The headers leave now, even if no byte of the body follows (a stall).
	res.flushHeaders();
	let sent = 0;
	let stalled = false;
	for (const event of events) {
		if (reply.stall && !stalled && sent >= (reply.stall.afterChars ?? 0)) {
			stalled = true;
			if (!(await stall(res, reply.stall.ms))) return;
		}
		if (reply.streamError && sent >= (reply.streamError.afterChars ?? 0)) {
			res.end(streamError(reply.streamError));
			return;
		}
		if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
		if (reply.omitFinish && event.final) {
			res.end();
			return;
		}
		if (reply.cutAfter !== undefined && sent >= reply.cutAfter && event.final) {
			res.socket?.destroy();
			return;
		}
		res.write(event.data);
		sent += event.contentLength;
		if (reply.cutAfter !== undefined && sent >= reply.cutAfter) {
			// Let the bytes leave, then break the connection mid-answer.
			await sleep(5);
			res.socket?.destroy();
			return;
		}
	}
	res.end();
}

/** Sends nothing for `ms`, or until the client goes away; false when it went away. */
function stall(res: ServerResponse, ms: number | undefined): Promise<boolean> {
	if (res.destroyed) return Promise.resolve(false);
	return new Promise((resolve) => {
		const onClose = () => (clearTimeout(timer), resolve(false));
		const timer = ms === undefined ? undefined : setTimeout(() => (res.off('close', onClose), resolve(true)), ms);
		res.once('close', onClose);
	});
}

interface SseEvent {
	data: string;
	contentLength: number;
	final?: boolean;
}

/** The events of a whole answer, and how this API puts an error in the middle of one. */
interface SseAnswer {
	events: SseEvent[];
	streamError: (spec: StreamErrorSpec) => string;
}

function pieces(reply: Extract<Reply, { type: 'text' }>): string[] {
	const size = reply.chunkSize ?? 400;
	const result: string[] = [];
	for (let i = 0; i < reply.content.length; i += size) result.push(reply.content.slice(i, i + size));
	return result;
}

function chatEvents(reply: Extract<Reply, { type: 'text' }>, model: string, usage: { input: number; output: number }): SseAnswer {
	const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model };
	const line = (payload: object) => `data: ${JSON.stringify({ ...base, ...payload })}\n\n`;
	// OpenAI ends a chat stream that fails midway with a chunk that is only an error.
	const streamError = (spec: StreamErrorSpec) =>
		`data: ${JSON.stringify({ error: { message: spec.message, type: spec.errorType ?? 'server_error', param: null, code: spec.code ?? null } })}\n\n`;
	const events = [
		{ data: line({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }), contentLength: 0 },
		...pieces(reply).map((piece) => ({
			data: line({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }),
			contentLength: piece.length,
		})),
		{ data: line({ choices: [{ index: 0, delta: {}, finish_reason: reply.finish ?? 'stop' }] }), contentLength: 0, final: true },
		{
			data: line({
				choices: [],
				usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output },
			}),
			contentLength: 0,
		},
		{ data: 'data: [DONE]\n\n', contentLength: 0 },
	];
	return { events, streamError };
}

function responsesEvents(reply: Extract<Reply, { type: 'text' }>, model: string, usage: { input: number; output: number }): SseAnswer {
	let sequence = 0;
	const event = (type: string, payload: object) =>
		`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`;
	const incomplete = reply.finish === 'length' || reply.finish === 'content_filter';
	const response = (status: string, error: { code: string | number | null; message: string } | null = null) => ({
		id: 'resp_fake',
		object: 'response',
		created_at: 1_700_000_000,
		model,
		status,
		output: [],
		incomplete_details: incomplete ? { reason: reply.finish === 'length' ? 'max_output_tokens' : 'content_filter' } : null,
		error,
		usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output },
	});
	const streamError = (spec: StreamErrorSpec) =>
		spec.event === 'response.failed'
			? event('response.failed', { response: response('failed', { code: spec.code ?? 'server_error', message: spec.message }) })
			: event('error', { code: spec.code ?? null, message: spec.message, param: null });
	const events = [
		{ data: event('response.created', { response: response('in_progress') }), contentLength: 0 },
		...pieces(reply).map((piece) => ({
			data: event('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta: piece, logprobs: [] }),
			contentLength: piece.length,
		})),
		{
			data: event(incomplete ? 'response.incomplete' : 'response.completed', {
				response: response(incomplete ? 'incomplete' : 'completed'),
			}),
			contentLength: 0,
			final: true,
		},
	];
	return { events, streamError };
}
