import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake server does with one request. */
export type Reply =
	| {
			type: 'text';
			content: string;
			/** `length` marks the answer as truncated (chat `finish_reason`, responses `incomplete`). */
			finish?: 'stop' | 'length';
			usage?: { input: number; output: number };
			/** Characters per streamed chunk. */
			chunkSize?: number;
			/** Pause before each chunk. */
			chunkDelayMs?: number;
			/** Pause before the response headers. */
			delayMs?: number;
			/** Destroy the connection after this many characters of content. */
			cutAfter?: number;
			/** End the stream cleanly but without saying the answer is finished. */
			omitFinish?: boolean;
	  }
	| { type: 'error'; status: number; message?: string; headers?: Record<string, string> }
	| { type: 'hang' }
	| { type: 'garbage' };

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
	close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that speaks the OpenAI wire format for chat completions and
 * responses, JSON or SSE, so that the real SDK can be tested against it.
 */
export async function startFakeOpenAI(handler: FakeOpenAIServer['handler'] = () => ({ type: 'text', content: 'Hello' })): Promise<FakeOpenAIServer> {
	let inFlight = 0;
	const sockets = new Set<import('node:net').Socket>();
	const server = createServer(async (req, res) => {
		inFlight++;
		state.maxInFlight = Math.max(state.maxInFlight, inFlight);
		res.on('close', () => inFlight--);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		let body: RecordedRequest['body'] = {};
		try {
			body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
		} catch {
			/* recorded as empty */
		}
		const messages = body.messages ?? body.input ?? [];
		const request: RecordedRequest = { path: req.url ?? '', headers: req.headers, body, text: messages.map((m) => m.content).join('\n\n') };
		state.requests.push(request);
		const reply = state.queue.shift() ?? state.handler(request);
		await respond(res, request, reply);
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
		res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
		res.end(JSON.stringify({ error: { message: reply.message ?? `status ${reply.status}`, type: 'server_error', param: null, code: null } }));
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
	const events = isResponses ? responsesEvents(reply, model, usage) : chatEvents(reply, model, usage);
	if (!request.body.stream) {
		res.writeHead(400, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: { message: 'this fake server only streams', type: 'invalid_request_error' } }));
		return;
	}
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	let sent = 0;
	for (const event of events) {
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

interface SseEvent {
	data: string;
	contentLength: number;
	final?: boolean;
}

function pieces(reply: Extract<Reply, { type: 'text' }>): string[] {
	const size = reply.chunkSize ?? 400;
	const result: string[] = [];
	for (let i = 0; i < reply.content.length; i += size) result.push(reply.content.slice(i, i + size));
	return result;
}

function chatEvents(reply: Extract<Reply, { type: 'text' }>, model: string, usage: { input: number; output: number }): SseEvent[] {
	const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1_700_000_000, model };
	const line = (payload: object) => `data: ${JSON.stringify({ ...base, ...payload })}\n\n`;
	return [
		{ data: line({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }), contentLength: 0 },
		...pieces(reply).map((piece) => ({
			data: line({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] }),
			contentLength: piece.length,
		})),
		{ data: line({ choices: [{ index: 0, delta: {}, finish_reason: reply.finish ?? 'stop' }] }), contentLength: 0, final: true },
		{
			data: line({ choices: [], usage: { prompt_tokens: usage.input, completion_tokens: usage.output, total_tokens: usage.input + usage.output } }),
			contentLength: 0,
		},
		{ data: 'data: [DONE]\n\n', contentLength: 0 },
	];
}

function responsesEvents(reply: Extract<Reply, { type: 'text' }>, model: string, usage: { input: number; output: number }): SseEvent[] {
	let sequence = 0;
	const event = (type: string, payload: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...payload })}\n\n`;
	const incomplete = reply.finish === 'length';
	const response = (status: string) => ({
		id: 'resp_fake',
		object: 'response',
		created_at: 1_700_000_000,
		model,
		status,
		output: [],
		incomplete_details: incomplete ? { reason: 'max_output_tokens' } : null,
		error: null,
		usage: { input_tokens: usage.input, output_tokens: usage.output, total_tokens: usage.input + usage.output },
	});
	return [
		{ data: event('response.created', { response: response('in_progress') }), contentLength: 0 },
		...pieces(reply).map((piece) => ({
			data: event('response.output_text.delta', { item_id: 'msg_fake', output_index: 0, content_index: 0, delta: piece, logprobs: [] }),
			contentLength: piece.length,
		})),
		{
			data: event(incomplete ? 'response.incomplete' : 'response.completed', { response: response(incomplete ? 'incomplete' : 'completed') }),
			contentLength: 0,
			final: true,
		},
	];
}
