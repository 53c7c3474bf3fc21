import { describe, expect, test } from 'vitest';

import { batchRequestId, batchRequestLine, parseBatchResults } from '../../src/integration/generation/batch-requests.ts';

const KEY = 'sk-results-SECRET-abcdef0123456789';

const chatLine = (customId: string, content: string | null, extra: Record<string, unknown> = {}) =>
	JSON.stringify({
		id: 'r',
		custom_id: customId,
		response: {
			status_code: 200,
			body: {
				model: 'gpt-6.1-terra-2026',
				choices: [{ message: { content }, finish_reason: 'stop', ...extra }],
				usage: { prompt_tokens: 7, completion_tokens: 9 },
			},
		},
		error: null,
	});

describe('batch request lines', () => {
	test('the custom id is short and safe whatever the PRD id; the body is what a normal run streams, without streaming', () => {
		expect(batchRequestId(0, `sha256:${'ab'.repeat(32)}`)).toBe('spec-1-abababababab');
		const line = JSON.parse(batchRequestLine('chat', 'm', 'spec-1-x', [{ role: 'user', content: 'Hi' }])) as Record<string, unknown>;
		expect(line).toEqual({
			custom_id: 'spec-1-x',
			method: 'POST',
			url: '/v1/chat/completions',
			body: { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
		});
		const responses = JSON.parse(batchRequestLine('responses', 'm', 'spec-1-x', [{ role: 'user', content: 'Hi' }])) as Record<
			string,
			unknown
		>;
		expect(responses).toMatchObject({ url: '/v1/responses', body: { model: 'm', input: [{ role: 'user', content: 'Hi' }] } });
	});
});

describe('the answers of a batch (untrusted lines from the server)', () => {
	test('answers, truncated answers, refusals and failures, by custom id', () => {
		const output = [
			chatLine('a', '# Spec A'),
			chatLine('b', '# Spec B', { finish_reason: 'length' }),
			chatLine('c', null, { finish_reason: 'content_filter' }),
		].join('\n');
		const errors = JSON.stringify({
			id: 'r',
			custom_id: 'd',
			response: { status_code: 429, body: { error: { message: 'Rate limit reached' } } },
			error: null,
		});
		const { results, unreadable } = parseBatchResults('chat', [output, errors], KEY);
		expect(unreadable).toBe(0);
		expect(results.get('a')).toEqual({
			ok: true,
			result: { text: '# Spec A', truncated: false, usage: { inputTokens: 7, outputTokens: 9 }, model: 'gpt-6.1-terra-2026' },
		});
		expect(results.get('b')).toMatchObject({ ok: true, result: { truncated: true } });
		expect(results.get('c')).toEqual({ ok: false, error: 'the model stopped: its output was blocked by the content filter' });
		expect(results.get('d')).toEqual({ ok: false, error: 'the API answered 429: Rate limit reached' });
	});

	test('lines that are not OpenAI’s are counted and skipped; messages are one printable line without the key', () => {
		const hostile = [
			'not json',
			'{"custom_id": 5}',
			JSON.stringify({ custom_id: 'x', response: { status_code: 200, body: { choices: [] } } }),
			JSON.stringify({
				custom_id: 'y',
				response: { status_code: 401, body: { error: { message: `Incorrect API key provided: ${KEY}\n::error::injected\u001b[31m` } } },
			}),
			JSON.stringify({
				custom_id: 'z',
				error: { code: 'batch_expired', message: 'This request could not be executed before the completion window expired.' },
			}),
			'',
		].join('\n');
		const { results, unreadable } = parseBatchResults('chat', [hostile], KEY);
		expect(unreadable).toBe(2);
		expect(results.get('x')).toEqual({ ok: false, error: 'the answer is not a chat completion' });
		const y = results.get('y');
		expect(y?.ok).toBe(false);
		const message = y && !y.ok ? y.error : '';
		expect(message).not.toContain(KEY);
		expect(message).not.toContain('\n');
		expect(message).not.toContain('\u001b');
		expect(results.get('z')).toEqual({
			ok: false,
			error:
				'the batch could not run the request (batch_expired): This request could not be executed before the completion window expired.',
		});
	});

	test('Responses API bodies: text of the message items, incomplete answers, failed responses', () => {
		const line = (customId: string, body: Record<string, unknown>) =>
			JSON.stringify({ custom_id: customId, response: { status_code: 200, body }, error: null });
		const text = [
			line('a', {
				model: 'm',
				status: 'completed',
				output: [
					{ type: 'reasoning', content: [] },
					{
						type: 'message',
						content: [
							{ type: 'output_text', text: '# Spec' },
							{ type: 'output_text', text: ' A' },
						],
					},
				],
				usage: { input_tokens: 3, output_tokens: 4 },
			}),
			line('b', { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] }),
			line('c', { status: 'failed', error: { code: 'server_error', message: 'boom' }, output: [] }),
		].join('\n');
		const { results } = parseBatchResults('responses', [text], KEY);
		expect(results.get('a')).toEqual({
			ok: true,
			result: { text: '# Spec A', truncated: false, usage: { inputTokens: 3, outputTokens: 4 }, model: 'm' },
		});
		expect(results.get('b')).toMatchObject({ ok: true, result: { truncated: true, text: '' } });
		expect(results.get('c')).toEqual({ ok: false, error: 'the response failed (server_error): boom' });
	});
});
