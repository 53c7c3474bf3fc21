import { z } from 'zod';

import { redactSecrets } from '../secrets.ts';
import { printable } from '../text/plain-text.ts';
import type { ChatMessage, GenerationResult } from './generator.ts';
import { chatRequestBody, responsesRequestBody } from './openai.ts';

/**
 * The lines of a Batch API input file, and the lines of its output and error files. Pure: the
 * client that uploads and downloads them is `openai-batch.ts`.
 */

export type BatchApi = 'chat' | 'responses';

/** The endpoint every request of a batch goes to. */
export const BATCH_ENDPOINTS = { chat: '/v1/chat/completions', responses: '/v1/responses' } as const satisfies Record<BatchApi, string>;

/**
 * A request's `custom_id`: its place in the batch and the start of the PRD's cache key, short and
 * made of safe characters whatever the PRD id (which the state file maps it to).
 */
export function batchRequestId(index: number, inputHash: string): string {
	return `spec-${index + 1}-${inputHash.replace(/^sha256:/, '').slice(0, 12)}`;
}

/** One line of the input file: the request a normal run would stream, without streaming. */
export function batchRequestLine(api: BatchApi, model: string, customId: string, messages: ChatMessage[]): string {
	const body = api === 'responses' ? responsesRequestBody(model, messages) : chatRequestBody(model, messages);
	return JSON.stringify({ custom_id: customId, method: 'POST', url: BATCH_ENDPOINTS[api], body });
}

/** The answer to one request of a batch: what the model wrote, or why there is nothing. */
export type BatchResult = { ok: true; result: GenerationResult } | { ok: false; error: string };

const usageOf = (input: number | undefined, output: number | undefined) => ({ inputTokens: input ?? 0, outputTokens: output ?? 0 });

const ChatBody = z.object({
	model: z.string().optional(),
	choices: z
		.array(z.object({ message: z.object({ content: z.string().nullish() }).optional(), finish_reason: z.string().nullish() }))
		.min(1),
	usage: z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() }).nullish(),
});

const ResponsesBody = z.object({
	model: z.string().optional(),
	status: z.string().optional(),
	incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
	error: z.object({ message: z.string().optional(), code: z.string().nullish() }).nullish(),
	output: z.array(
		z.object({
			type: z.string(),
			content: z.array(z.object({ type: z.string(), text: z.string().optional() })).optional(),
		}),
	),
	usage: z.object({ input_tokens: z.number().optional(), output_tokens: z.number().optional() }).nullish(),
});

const OutputLine = z.object({
	custom_id: z.string(),
	response: z.object({ status_code: z.number(), body: z.unknown() }).nullish(),
	error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const ErrorBody = z.object({ error: z.object({ message: z.string().nullish(), code: z.string().nullish() }).nullish() });

/**
 * The answers of a batch's output and error files (JSONL), by `custom_id`. A line that is not one
 * of OpenAI's is skipped (and counted), so one bad line costs one spec, not the batch. Messages
 * quote the server: one printable line each, the key taken out.
 */
export function parseBatchResults(
	api: BatchApi,
	files: readonly string[],
	apiKey: string,
): { results: Map<string, BatchResult>; unreadable: number } {
	const results = new Map<string, BatchResult>();
	let unreadable = 0;
	for (const text of files) {
		for (const raw of text.split('\n')) {
			if (raw.trim() === '') continue;
			let parsed;
			try {
				parsed = OutputLine.safeParse(JSON.parse(raw));
			} catch {
				parsed = undefined;
			}
			if (!parsed?.success) {
				unreadable++;
				continue;
			}
			const line = parsed.data;
			const result = readLine(api, line);
			results.set(line.custom_id, result.ok ? result : { ok: false, error: printable(redactSecrets(result.error, [apiKey]), 1000) });
		}
	}
	return { results, unreadable };
}

function readLine(api: BatchApi, line: z.infer<typeof OutputLine>): BatchResult {
	const { response, error } = line;
	if (error)
		return { ok: false, error: `the batch could not run the request (${error.code ?? 'error'}): ${error.message ?? 'no reason given'}` };
	if (!response) return { ok: false, error: 'the batch returned no response for the request' };
	if (response.status_code !== 200) {
		const body = ErrorBody.safeParse(response.body);
		const reason = body.success ? body.data.error?.message : undefined;
		return { ok: false, error: `the API answered ${response.status_code}${reason ? `: ${reason}` : ''}` };
	}
	return api === 'responses' ? readResponses(response.body) : readChat(response.body);
}

function readChat(body: unknown): BatchResult {
	const parsed = ChatBody.safeParse(body);
	if (!parsed.success) return { ok: false, error: 'the answer is not a chat completion' };
	const { choices, usage, model } = parsed.data;
	const choice = choices[0]!;
	if (choice.finish_reason === 'content_filter')
		return { ok: false, error: 'the model stopped: its output was blocked by the content filter' };
	return {
		ok: true,
		result: {
			text: choice.message?.content ?? '',
			truncated: choice.finish_reason === 'length',
			usage: usageOf(usage?.prompt_tokens, usage?.completion_tokens),
			model: model ?? '',
		},
	};
}

function readResponses(body: unknown): BatchResult {
	const parsed = ResponsesBody.safeParse(body);
	if (!parsed.success) return { ok: false, error: 'the answer is not a response of the Responses API' };
	const { status, incomplete_details, error, output, usage, model } = parsed.data;
	if (status === 'failed')
		return { ok: false, error: `the response failed (${error?.code ?? 'error'}): ${error?.message ?? 'no reason given'}` };
	if (status === 'incomplete' && incomplete_details?.reason === 'content_filter')
		return { ok: false, error: 'the model stopped: its output was blocked by the content filter' };
	const text = output
		.filter((item) => item.type === 'message')
		.flatMap((item) => item.content ?? [])
		.filter((part) => part.type === 'output_text')
		.map((part) => part.text ?? '')
		.join('');
	return {
		ok: true,
		result: { text, truncated: status === 'incomplete', usage: usageOf(usage?.input_tokens, usage?.output_tokens), model: model ?? '' },
	};
}
