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
		server.queue.push({ type: 'error', status: 429, message: 'Rate limit reached', headers: { 'retry-after-ms': '50' } }, { type: 'text', content: 'done' });
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
		server.handler = () => ({ type: 'error', status: 401, message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.example/keys.` });
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
