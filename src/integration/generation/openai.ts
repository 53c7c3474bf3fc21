import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from 'openai';

import { redactSecrets } from '../secrets.ts';
import { GenerationError, type ChatMessage, type GenerationResult, type SpecGenerator, type TokenUsage } from './generator.ts';

export interface OpenAIGeneratorOptions {
	apiKey: string;
	/** OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server, LM Studio...); the SDK default otherwise. */
	baseURL?: string | undefined;
	model: string;
	api: 'chat' | 'responses';
	/** Deadline for one `generate()` call, retries included. */
	timeoutMs: number;
	/** SDK retries of failed requests, and our retries of streams that break midway. */
	retries: number;
	/** Pause before retrying a broken stream, doubled each time. */
	streamRetryDelayMs?: number;
}

interface StreamOutcome extends GenerationResult {
	/** False when the stream ended without the model saying it had finished. */
	finished: boolean;
}

/** A `SpecGenerator` that streams from the OpenAI API (or a compatible server) through the official SDK. */
export function createOpenAIGenerator(options: OpenAIGeneratorOptions): SpecGenerator {
	const client = new OpenAI({
		apiKey: options.apiKey,
		baseURL: options.baseURL,
		// Our own deadline bounds the whole answer; the SDK's covers the wait for response headers.
		timeout: options.timeoutMs,
		maxRetries: options.retries,
	});
	const streamOnce = options.api === 'responses' ? streamResponses : streamChat;
	const retryDelay = options.streamRetryDelayMs ?? 1000;

	return {
		model: options.model,
		async generate(messages, signal) {
			const deadline = AbortSignal.timeout(options.timeoutMs);
			const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
			let lastError: unknown;
			// The SDK retries failed requests itself, but not a stream that breaks after the 200.
			for (let attempt = 0; attempt <= options.retries; attempt++) {
				const progress: StreamProgress = { chars: 0 };
				try {
					if (attempt > 0) await sleep(retryDelay * 2 ** (attempt - 1), combined);
					const { finished, ...result } = await streamOnce(client, options.model, messages, combined, progress);
					if (finished) return result;
					// The SDK ends a stream quietly when its request is aborted: our deadline or a cancel, not the server.
					combined.throwIfAborted();
					lastError = new GenerationError('the stream ended before the model finished its answer');
				} catch (error) {
					if (deadline.aborted) throw new GenerationError(describeDeadline(options.timeoutMs, progress));
					if (signal?.aborted) throw new GenerationError('generation was cancelled');
					const retryable = error instanceof StreamFailure ? error.retryable : isBrokenStream(error);
					if (!retryable) throw new GenerationError(describeApiError(error, options.apiKey));
					lastError = error;
				}
			}
			throw new GenerationError(
				`${describeApiError(lastError, options.apiKey)} (after ${options.retries + 1} attempt${options.retries === 0 ? '' : 's'})`,
			);
		},
	};
}

/** What one attempt has received so far, to tell a stalled answer from a slow one. */
interface StreamProgress {
	/** When the response headers arrived (`performance.now()`). */
	headersAt?: number;
	/** When the last event of the body arrived. */
	lastEventAt?: number;
	/** Characters of answer received. */
	chars: number;
}

/** Silence at the deadline that makes an answer "stalled" rather than still arriving. */
const STALL_MS = 10_000;

function describeDeadline(timeoutMs: number, progress: StreamProgress): string {
	const base = `no complete answer within ${formatMilliseconds(timeoutMs)} (the \`generation.timeoutSeconds\` deadline)`;
	if (progress.headersAt === undefined) return base;
	const silentMs = performance.now() - (progress.lastEventAt ?? progress.headersAt);
	const received = `${progress.chars.toLocaleString('en-US')} characters`;
	if (silentMs < Math.min(STALL_MS, timeoutMs / 2)) return `${base}: the answer was still arriving (${received} so far)`;
	return `${base}: the answer stalled for ${formatMilliseconds(silentMs)} after ${progress.chars > 0 ? received : 'the response headers'}`;
}

/** The server said, inside a stream that had started (after the 200), that the answer failed. */
class StreamFailure extends GenerationError {
	/** A failure the server puts on itself (or gives no reason for): worth another request. */
	readonly retryable: boolean;
	constructor(message: string, retryable: boolean) {
		super(message);
		this.retryable = retryable;
	}
}

/** Error codes and types that say the server failed, not the request: `server_error`, ... */
const TRANSIENT_CODES = new Set([
	'server_error',
	'rate_limit_exceeded',
	'vector_store_timeout',
	'timeout',
	'api_error',
	'overloaded_error',
]);

/**
 * A failure reported in the stream (chat's `{"error": {...}}` chunk, the Responses `error` event,
 * `response.failed`), named by its code (or type), retried when that says the server failed or
 * says nothing.
 */
function streamFailure(what: string, payload: unknown): StreamFailure {
	const { message, code, type } = (typeof payload === 'object' && payload !== null ? payload : {}) as {
		message?: unknown;
		code?: unknown;
		type?: unknown;
	};
	// A Responses `error` event's own `type` is `error`: it classifies nothing.
	const label = [code, type === 'error' ? undefined : type].find(
		(value): value is string | number => (typeof value === 'string' && value !== '') || typeof value === 'number',
	);
	const text = typeof message === 'string' && message !== '' ? message : 'no reason given';
	let retryable = true;
	if (label !== undefined && /^\d{3}$/.test(String(label))) {
		// Some servers (vLLM) put the HTTP status they would have answered in `code`.
		const status = Number(label);
		retryable = status >= 500 || status === 408 || status === 409 || status === 429;
	} else if (label !== undefined) {
		retryable = TRANSIENT_CODES.has(String(label));
	}
	return new StreamFailure(`${what}${label === undefined ? '' : ` (${String(label)})`}: ${text}`, retryable);
}

/** The SDK throws an `APIError` without a status for an error sent inside a stream. */
function isStreamErrorEvent(error: unknown): error is APIError {
	return (
		error instanceof APIError &&
		error.status === undefined &&
		!(error instanceof APIConnectionError) &&
		!(error instanceof APIUserAbortError)
	);
}

async function streamChat(
	client: OpenAI,
	model: string,
	messages: ChatMessage[],
	signal: AbortSignal,
	progress: StreamProgress,
): Promise<StreamOutcome> {
	const stream = await client.chat.completions.create(
		{ ...chatRequestBody(model, messages), stream: true, stream_options: { include_usage: true } },
		{ signal },
	);
	progress.headersAt = performance.now();
	let text = '';
	let finishReason: string | null = null;
	let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
	let answeredBy = model;
	try {
		for await (const chunk of stream) {
			progress.lastEventAt = performance.now();
			answeredBy = chunk.model || answeredBy;
			const choice = chunk.choices[0];
			if (choice?.delta?.content) text += choice.delta.content;
			progress.chars = text.length;
			if (choice?.finish_reason) finishReason = choice.finish_reason;
			// With `include_usage`, the last chunk carries the usage and no choices.
			if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
		}
	} catch (error) {
		// A chunk that is only `{"error": {...}}`: the server gave up midway.
		if (isStreamErrorEvent(error)) throw streamFailure('the server reported an error mid-answer', error.error);
		throw error;
	}
	if (finishReason === 'content_filter') throw new GenerationError('the model stopped: its output was blocked by the content filter');
	return { text, truncated: finishReason === 'length', usage, model: answeredBy, finished: finishReason !== null };
}

async function streamResponses(
	client: OpenAI,
	model: string,
	messages: ChatMessage[],
	signal: AbortSignal,
	progress: StreamProgress,
): Promise<StreamOutcome> {
	const stream = await client.responses.create({ ...responsesRequestBody(model, messages), stream: true }, { signal });
	progress.headersAt = performance.now();
	let text = '';
	try {
		for await (const event of stream) {
			progress.lastEventAt = performance.now();
			switch (event.type) {
				case 'response.output_text.delta':
					text += event.delta;
					progress.chars = text.length;
					break;
				case 'response.completed':
				case 'response.incomplete': {
					const { response } = event;
					const usage = { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 };
					const reason = response.incomplete_details?.reason;
					if (event.type === 'response.incomplete' && reason === 'content_filter') {
						throw new GenerationError('the model stopped: its output was blocked by the content filter');
					}
					return { text, truncated: event.type === 'response.incomplete', usage, model: response.model || model, finished: true };
				}
				case 'response.failed':
					throw streamFailure('the response failed mid-answer', event.response.error);
				// The SDK throws for an `event: error` itself; this is an error event sent without that line.
				case 'error':
					throw streamFailure('the server reported an error mid-answer', event);
				default:
					break;
			}
		}
	} catch (error) {
		if (isStreamErrorEvent(error)) throw streamFailure('the server reported an error mid-answer', error.error);
		throw error;
	}
	return { text, truncated: false, usage: { inputTokens: 0, outputTokens: 0 }, model, finished: false };
}

/**
 * What a request asks, whichever way it is sent: streamed by a normal run, or as a line of a batch
 * (which cannot stream). One place, so that both ask the model the same thing.
 */
export function chatRequestBody(model: string, messages: ChatMessage[]): { model: string; messages: ChatMessage[] } {
	return { model, messages };
}

/** The Responses API's request (see `chatRequestBody`). */
export function responsesRequestBody(model: string, messages: ChatMessage[]): { model: string; input: ChatMessage[] } {
	return { model, input: messages };
}

/** A connection that dropped during the stream: worth another request. */
function isBrokenStream(error: unknown): boolean {
	if (error instanceof GenerationError || error instanceof APIUserAbortError) return false;
	if (error instanceof APIConnectionError) return true;
	if (error instanceof APIError) return false;
	// Node's fetch reports a body cut midway as a TypeError ("terminated") or a socket error.
	return error instanceof Error;
}

export function describeApiError(error: unknown, apiKey: string): string {
	let message: string;
	if (error instanceof APIError && error.status !== undefined) {
		const notes = [
			error.status === 401 ? 'check `OPENAI_API_KEY`' : '',
			error.status === 404 ? 'check the model name and `OPENAI_BASE_URL`' : '',
			error.status === 429 ? 'rate limited or out of quota, after retries' : '',
			waitAsked(error),
		].filter(Boolean);
		const hint = notes.length > 0 ? ` (${notes.join('; ')})` : '';
		message = `the API answered ${error.status}${hint}: ${error.message.replace(/^\d{3}\s*/, '')}`;
	} else if (error instanceof APIConnectionError) {
		message = `cannot reach the API (${error.cause instanceof Error ? error.cause.message : error.message}); check \`OPENAI_BASE_URL\` and the network`;
	} else if (
		error instanceof Error &&
		(error.message === 'terminated' ||
			/ECONNRESET|UND_ERR_SOCKET|other side closed/.test(`${error.message} ${String((error.cause as Error | undefined)?.message)}`))
	) {
		message = 'the connection broke in the middle of the answer';
	} else {
		message = error instanceof Error ? error.message : String(error);
	}
	return redactSecrets(message, [apiKey]);
}

/**
 * The wait the server asked for in its last answer (`retry-after-ms`, `Retry-After` in seconds or
 * as a date), as `the server asks to wait N s`, or '' under a second. Worth telling: the SDK
 * waits as asked only up to 60 s, so a longer wait (an exhausted quota) used up the retries.
 */
function waitAsked(error: Pick<APIError, 'headers'>): string {
	const header = (name: string) => error.headers?.get(name) ?? null;
	const ms = header('retry-after-ms');
	const after = header('retry-after');
	let waitMs = ms !== null ? Number.parseFloat(ms) : Number.NaN;
	if (Number.isNaN(waitMs) && after !== null) {
		waitMs = /^\s*\d+(\.\d+)?\s*$/.test(after) ? Number.parseFloat(after) * 1000 : Date.parse(after) - Date.now();
	}
	return Number.isFinite(waitMs) && waitMs >= 1000 ? `the server asks to wait ${formatMilliseconds(waitMs)}` : '';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const aborted = () => reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
		if (signal.aborted) return aborted();
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => (clearTimeout(timer), aborted()), { once: true });
	});
}

function formatMilliseconds(ms: number): string {
	const seconds = ms / 1000;
	return `${seconds < 10 ? Number(seconds.toFixed(1)) : Math.round(seconds)} s`;
}
