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
				try {
					if (attempt > 0) await sleep(retryDelay * 2 ** (attempt - 1), combined);
					const { finished, ...result } = await streamOnce(client, options.model, messages, combined);
					if (finished) return result;
					lastError = new GenerationError('the stream ended before the model finished its answer');
				} catch (error) {
					if (deadline.aborted) {
						throw new GenerationError(`no complete answer within ${formatSeconds(options.timeoutMs)} (the \`generation.timeoutSeconds\` deadline)`);
					}
					if (signal?.aborted) throw new GenerationError('generation was cancelled');
					if (!isBrokenStream(error)) throw new GenerationError(describeApiError(error, options.apiKey));
					lastError = error;
				}
			}
			const reason = lastError instanceof GenerationError ? lastError.message : describeApiError(lastError, options.apiKey);
			throw new GenerationError(`${reason} (after ${options.retries + 1} attempt${options.retries === 0 ? '' : 's'})`);
		},
	};
}

async function streamChat(client: OpenAI, model: string, messages: ChatMessage[], signal: AbortSignal): Promise<StreamOutcome> {
	const stream = await client.chat.completions.create(
		{ model, messages, stream: true, stream_options: { include_usage: true } },
		{ signal },
	);
	let text = '';
	let finishReason: string | null = null;
	let usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
	let answeredBy = model;
	for await (const chunk of stream) {
		answeredBy = chunk.model || answeredBy;
		const choice = chunk.choices[0];
		if (choice?.delta?.content) text += choice.delta.content;
		if (choice?.finish_reason) finishReason = choice.finish_reason;
		// With `include_usage`, the last chunk carries the usage and no choices.
		if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
	}
	if (finishReason === 'content_filter') throw new GenerationError('the model stopped: its output was blocked by the content filter');
	return { text, truncated: finishReason === 'length', usage, model: answeredBy, finished: finishReason !== null };
}

async function streamResponses(client: OpenAI, model: string, messages: ChatMessage[], signal: AbortSignal): Promise<StreamOutcome> {
	const stream = await client.responses.create({ model, input: messages, stream: true }, { signal });
	let text = '';
	for await (const event of stream) {
		switch (event.type) {
			case 'response.output_text.delta':
				text += event.delta;
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
				throw new GenerationError(`the model failed: ${event.response.error?.message ?? 'no reason given'}`);
			case 'error':
				throw new GenerationError(`the server reported an error: ${event.message}`);
			default:
				break;
		}
	}
	return { text, truncated: false, usage: { inputTokens: 0, outputTokens: 0 }, model, finished: false };
}

/** A connection that dropped during the stream: worth another request. */
function isBrokenStream(error: unknown): boolean {
	if (error instanceof GenerationError || error instanceof APIUserAbortError) return false;
	if (error instanceof APIConnectionError) return true;
	if (error instanceof APIError) return false;
	// Node's fetch reports a body cut midway as a TypeError ("terminated") or a socket error.
	return error instanceof Error;
}

function describeApiError(error: unknown, apiKey: string): string {
	let message: string;
	if (error instanceof APIError && error.status !== undefined) {
		const hint =
			error.status === 401
				? ' (check `OPENAI_API_KEY`)'
				: error.status === 404
					? ' (check the model name and `OPENAI_BASE_URL`)'
					: error.status === 429
						? ' (rate limited or out of quota, after retries)'
						: '';
		message = `the API answered ${error.status}${hint}: ${error.message.replace(/^\d{3}\s*/, '')}`;
	} else if (error instanceof APIConnectionError) {
		message = `cannot reach the API (${error.cause instanceof Error ? error.cause.message : error.message}); check \`OPENAI_BASE_URL\` and the network`;
	} else if (error instanceof Error && (error.message === 'terminated' || /ECONNRESET|UND_ERR_SOCKET|other side closed/.test(`${error.message} ${String((error.cause as Error | undefined)?.message)}`))) {
		message = 'the connection broke in the middle of the answer';
	} else {
		message = error instanceof Error ? error.message : String(error);
	}
	return redactSecrets(message, [apiKey]);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
	});
}

function formatSeconds(ms: number): string {
	const seconds = ms / 1000;
	return `${seconds < 10 ? Number(seconds.toFixed(1)) : Math.round(seconds)} s`;
}
