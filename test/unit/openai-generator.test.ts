import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { GenerationError } from '../../src/integration/generation/generator.ts';
import { createOpenAIGenerator, type OpenAIGeneratorOptions } from '../../src/integration/generation/openai.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';

const API_KEY = 'sk-test-DO-NOT-LEAK-0123456789abcdef';
const LONG_TEXT = `# Technical Specification: Pay\n\n${'Lorem ipsum dolor sit amet. '.repeat(200)}`;

let server: FakeOpenAIServer;
beforeEach(async () => {
	server = await startFakeOpenAI();
});
afterEach(() => server.close());

function generator(options: Partial<OpenAIGeneratorOptions> = {}) {
	return createOpenAIGenerator({
		apiKey: API_KEY,
		baseURL: server.baseURL,
		model: 'gpt-6.1-terra',
		api: 'chat',
		timeoutMs: 10_000,
		retries: 2,
		streamRetryDelayMs: 10,
		...options,
	});
}

async function failure(promise: Promise<unknown>): Promise<GenerationError> {
	const error = await promise.then(
		() => undefined,
		(caught: unknown) => caught,
	);
	expect(error).toBeInstanceOf(GenerationError);
	return error as GenerationError;
}

describe.each(['chat', 'responses'] as const)('OpenAI generator over the %s API', (api) => {
	const path = api === 'chat' ? '/v1/chat/completions' : '/v1/responses';

	test('streams the whole answer and reports usage and model', async () => {
		server.queue.push({ type: 'text', content: LONG_TEXT, chunkSize: 97, usage: { input: 6100, output: 5200 } });
		const result = await generator({ api }).generate([{ role: 'user', content: 'Write the spec' }]);
		expect(result).toEqual({ text: LONG_TEXT, truncated: false, usage: { inputTokens: 6100, outputTokens: 5200 }, model: 'gpt-6.1-terra' });
		expect(server.requests).toHaveLength(1);
		expect(server.requests[0]).toMatchObject({ path, body: { model: 'gpt-6.1-terra', stream: true } });
		expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${API_KEY}`);
		if (api === 'chat') expect(server.requests[0]!.body.stream_options).toEqual({ include_usage: true });
	});

	test('marks an answer cut by the token limit as truncated', async () => {
		server.queue.push({ type: 'text', content: 'partial', finish: 'length' });
		expect((await generator({ api }).generate([{ role: 'user', content: 'x' }])).truncated).toBe(true);
	});

	test('a 429 with Retry-After is retried by the SDK, then succeeds', async () => {
		server.queue.push(
			{ type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '50' } },
			{ type: 'text', content: 'done' },
		);
		const result = await generator({ api }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe('done');
		expect(server.requests).toHaveLength(2);
	});

	test('a stream cut midway is retried by us and the retry’s answer is used', async () => {
		server.queue.push({ type: 'text', content: LONG_TEXT, chunkSize: 100, cutAfter: 1000 }, { type: 'text', content: LONG_TEXT });
		const result = await generator({ api }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe(LONG_TEXT);
		expect(server.requests).toHaveLength(2);
	});
});

describe('OpenAI generator failures', () => {
	test('a persistent 500 fails after the SDK’s retries with the status', async () => {
		server.handler = () => ({ type: 'error', status: 500, message: 'The server had an error' });
		const error = await failure(generator({ retries: 2 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the API answered 500: The server had an error');
		expect(server.requests).toHaveLength(3);
	});

	test('a stream that always breaks fails after our retries', async () => {
		server.handler = () => ({ type: 'text', content: LONG_TEXT, cutAfter: 500 });
		const error = await failure(generator({ retries: 1 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the connection broke in the middle of the answer (after 2 attempts)');
		expect(server.requests).toHaveLength(2);
	});

	test('a stream that ends without a finish reason counts as broken', async () => {
		server.handler = () => ({ type: 'text', content: 'abc', omitFinish: true });
		const error = await failure(generator({ retries: 0 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the stream ended before the model finished its answer (after 1 attempt)');
	});

	test('a server that hangs past the deadline fails with the deadline named', async () => {
		server.handler = () => ({ type: 'hang' });
		const started = Date.now();
		const error = await failure(generator({ timeoutMs: 300, retries: 0 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('no complete answer within 0.3 s (the `generation.timeoutSeconds` deadline)');
		expect(Date.now() - started).toBeLessThan(5000);
	});

	test('a 401 that echoes the key is reported without the key', async () => {
		server.handler = () => ({
			type: 'error',
			status: 401,
			message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.example/keys.`,
		});
		const error = await failure(generator().generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toContain('the API answered 401 (check `OPENAI_API_KEY`)');
		expect(error.message).not.toContain(API_KEY);
		expect(error.message).not.toContain('DO-NOT-LEAK');
	});

	test('a garbage body fails with a clear error instead of hanging', async () => {
		server.handler = () => ({ type: 'garbage' });
		const error = await failure(generator({ retries: 0 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('Error reading response: malformed server-sent event JSON. (after 1 attempt)');
	});

	test('an unreachable server is a connection error naming OPENAI_BASE_URL', async () => {
		await server.close();
		const error = await failure(generator({ retries: 0 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toMatch(/OPENAI_BASE_URL/);
	});
});

/** A hanging test must fail, not wait for the suite's two minutes: our deadline is what ends these. */
const STALL_TEST_TIMEOUT = 15_000;
const SERVER_ERROR = 'The server had an error while processing your request. Sorry about that!';

describe.each(['chat', 'responses'] as const)('failures after the 200, over the %s API', (api) => {
	test('a content_filter stop fails at once, named, and is not retried', async () => {
		server.handler = () => ({ type: 'text', content: LONG_TEXT, chunkSize: 100, finish: 'content_filter' });
		const error = await failure(generator({ api, retries: 2 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the model stopped: its output was blocked by the content filter');
		expect(server.requests).toHaveLength(1);
	});

	test('a server error in the middle of the answer is retried, and the retry’s answer is used', async () => {
		server.queue.push({
			type: 'text',
			content: LONG_TEXT,
			chunkSize: 100,
			streamError: { afterChars: 500, message: SERVER_ERROR, code: 'server_error' },
		});
		server.queue.push({ type: 'text', content: LONG_TEXT });
		const result = await generator({ api }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe(LONG_TEXT);
		expect(server.requests).toHaveLength(2);
	});

	test('a server error in the middle of every answer fails after our retries, with the server’s message', async () => {
		server.handler = () => ({
			type: 'text',
			content: LONG_TEXT,
			chunkSize: 100,
			streamError: { afterChars: 500, message: SERVER_ERROR, code: 'server_error' },
		});
		const error = await failure(generator({ api, retries: 1 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe(`the server reported an error mid-answer (server_error): ${SERVER_ERROR} (after 2 attempts)`);
		expect(server.requests).toHaveLength(2);
	});

	test('an error about the request itself, sent in the stream, is not retried', async () => {
		server.handler = () => ({
			type: 'text',
			content: LONG_TEXT,
			streamError: { message: 'Invalid prompt: your prompt was flagged.', errorType: 'invalid_request_error', code: 'invalid_prompt' },
		});
		const error = await failure(generator({ api, retries: 2 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the server reported an error mid-answer (invalid_prompt): Invalid prompt: your prompt was flagged.');
		expect(server.requests).toHaveLength(1);
	});

	test('an error in the stream with no code or type is retried like a broken stream', async () => {
		server.handler = () => ({
			type: 'text',
			content: LONG_TEXT,
			chunkSize: 100,
			streamError: { afterChars: 100, message: 'Something went wrong.', errorType: '' },
		});
		const error = await failure(generator({ api, retries: 1 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the server reported an error mid-answer: Something went wrong. (after 2 attempts)');
		expect(server.requests).toHaveLength(2);
	});

	test('an error in the stream that echoes the key is reported without it', async () => {
		server.handler = () => ({
			type: 'text',
			content: 'x',
			streamError: { message: `bad key ${API_KEY}`, errorType: 'invalid_request_error' },
		});
		const error = await failure(generator({ api }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toMatch(/^the server reported an error mid-answer/);
		expect(error.message).not.toContain('DO-NOT-LEAK');
	});

	test.each([
		['right after the headers', 0, 'the response headers'],
		['in the middle of the answer', 500, '500 characters'],
	])(
		'a body that stalls %s forever is ended by our deadline, named as a stall',
		async (_, afterChars, where) => {
			server.handler = () => ({ type: 'text', content: LONG_TEXT, chunkSize: 100, stall: { afterChars } });
			// With retries left and without: the deadline ends the answer either way.
			for (const retries of [0, 2]) {
				server.requests.length = 0;
				const error = await failure(generator({ api, timeoutMs: 300, retries }).generate([{ role: 'user', content: 'x' }]));
				expect(error.message).toMatch(
					new RegExp(
						`^no complete answer within 0\\.3 s \\(the \`generation\\.timeoutSeconds\` deadline\\): the answer stalled for [\\d.]+ s after ${where}$`,
					),
				);
				expect(server.requests).toHaveLength(1);
			}
		},
		STALL_TEST_TIMEOUT,
	);

	test(
		'an answer still streaming at the deadline is not called a stall',
		async () => {
			server.handler = () => ({ type: 'text', content: LONG_TEXT, chunkSize: 10, chunkDelayMs: 10 });
			const error = await failure(generator({ api, timeoutMs: 600, retries: 0 }).generate([{ role: 'user', content: 'x' }]));
			expect(error.message).toMatch(
				/^no complete answer within 0\.6 s \(the `generation\.timeoutSeconds` deadline\): the answer was still arriving \([\d,]+ characters so far\)$/,
			);
			expect(server.requests).toHaveLength(1);
		},
		STALL_TEST_TIMEOUT,
	);

	test('a body that stalls briefly, within the deadline, still gives the whole answer', async () => {
		server.handler = () => ({ type: 'text', content: LONG_TEXT, chunkSize: 100, stall: { afterChars: 300, ms: 50 } });
		const result = await generator({ api, timeoutMs: 10_000 }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe(LONG_TEXT);
		expect(server.requests).toHaveLength(1);
	});

	test('a 429 with the standard Retry-After (seconds) is retried by the SDK, then succeeds', async () => {
		server.queue.push({ type: 'error', status: 429, message: 'Rate limit reached', retryAfter: 0 }, { type: 'text', content: 'done' });
		const result = await generator({ api }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe('done');
		expect(server.requests).toHaveLength(2);
	});

	test(
		'a Retry-After longer than the deadline is honoured: no early retry, the deadline ends the wait',
		async () => {
			// Without Retry-After the SDK would retry within 0.5 s and get the answer.
			server.queue.push({ type: 'error', status: 429, message: 'Rate limit reached', retryAfter: 30 }, { type: 'text', content: 'done' });
			const error = await failure(generator({ api, timeoutMs: 1500 }).generate([{ role: 'user', content: 'x' }]));
			expect(error.message).toMatch(/^no complete answer within 1\.5 s \(the `generation\.timeoutSeconds` deadline\)/);
			expect(server.requests).toHaveLength(1);
		},
		STALL_TEST_TIMEOUT,
	);
});

describe('Responses API failure events', () => {
	test('a response.failed event for a server error is retried, then fails with the server’s reason', async () => {
		server.handler = () => ({
			type: 'text',
			content: LONG_TEXT,
			chunkSize: 100,
			streamError: { afterChars: 300, event: 'response.failed', code: 'server_error', message: 'The model crashed.' },
		});
		const error = await failure(generator({ api: 'responses', retries: 2 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the response failed mid-answer (server_error): The model crashed. (after 3 attempts)');
		expect(server.requests).toHaveLength(3);
	});

	test('a response.failed event for a policy reason is not retried', async () => {
		server.handler = () => ({
			type: 'text',
			content: LONG_TEXT,
			streamError: { event: 'response.failed', code: 'bio_policy', message: 'Blocked by policy.' },
		});
		const error = await failure(generator({ api: 'responses', retries: 2 }).generate([{ role: 'user', content: 'x' }]));
		expect(error.message).toBe('the response failed mid-answer (bio_policy): Blocked by policy.');
		expect(server.requests).toHaveLength(1);
	});

	test('a response.failed event followed by a good answer uses the good answer', async () => {
		server.queue.push({
			type: 'text',
			content: LONG_TEXT,
			streamError: { afterChars: 200, event: 'response.failed', code: 'rate_limit_exceeded', message: 'Slow down.' },
		});
		server.queue.push({ type: 'text', content: LONG_TEXT });
		const result = await generator({ api: 'responses' }).generate([{ role: 'user', content: 'x' }]);
		expect(result.text).toBe(LONG_TEXT);
		expect(server.requests).toHaveLength(2);
	});
});

test('a 429 storm whose Retry-After is past what the SDK waits (60 s) fails naming the wait asked for', async () => {
	server.handler = () => ({ type: 'error', status: 429, message: 'You exceeded your current quota.', retryAfter: 3600 });
	const error = await failure(generator({ retries: 1 }).generate([{ role: 'user', content: 'x' }]));
	expect(error.message).toBe(
		'the API answered 429 (rate limited or out of quota, after retries; the server asks to wait 3600 s): You exceeded your current quota.',
	);
	expect(server.requests).toHaveLength(2);
});
