import OpenAI, { toFile } from 'openai';
import { afterEach, expect, test } from 'vitest';

import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';

// The test server's Files and Batches endpoints, driven by the real SDK: what `generate --batch` will rely on.

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

function line(customId: string, content: string, url = '/v1/chat/completions'): string {
	const body = url.endsWith('/responses')
		? { model: 'm', input: [{ role: 'user', content }] }
		: { model: 'm', messages: [{ role: 'user', content }] };
	return JSON.stringify({ custom_id: customId, method: 'POST', url, body });
}

async function submit(client: OpenAI, lines: string[], endpoint: '/v1/chat/completions' | '/v1/responses' = '/v1/chat/completions') {
	const file = await client.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'requests.jsonl'), purpose: 'batch' });
	expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'requests.jsonl', status: 'processed' });
	return client.batches.create({ input_file_id: file.id, endpoint, completion_window: '24h', metadata: { tool: 'prd-specs' } });
}

test('a batch goes from validating to completed, one status per retrieve; answers and failures land in two files', async () => {
	server = await startFakeOpenAI((request) =>
		request.text.includes('fail')
			? { type: 'error', status: 500, message: 'overloaded' }
			: { type: 'text', content: `spec for ${request.text}`, usage: { input: 10, output: 20 } },
	);
	const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
	const batch = await submit(client, [line('prd-a', 'alpha'), line('prd-b', 'please fail'), line('prd-c', 'gamma')]);
	expect(batch).toMatchObject({ status: 'validating', request_counts: { total: 3 }, metadata: { tool: 'prd-specs' } });

	const statuses: string[] = [];
	let current = batch;
	while (current.status !== 'completed') {
		current = await client.batches.retrieve(batch.id);
		statuses.push(current.status);
	}
	expect(statuses).toEqual(['in_progress', 'finalizing', 'completed']);
	expect(current.request_counts).toEqual({ total: 3, completed: 2, failed: 1 });

	const output = (await (await client.files.content(current.output_file_id!)).text())
		.trim()
		.split('\n')
		.map(
			(l) =>
				JSON.parse(l) as {
					custom_id: string;
					response: { status_code: number; body: { choices: { message: { content: string } }[]; usage: { completion_tokens: number } } };
				},
		);
	expect(
		output.map((o) => [
			o.custom_id,
			o.response.status_code,
			o.response.body.choices[0]!.message.content,
			o.response.body.usage.completion_tokens,
		]),
	).toEqual([
		['prd-a', 200, 'spec for alpha', 20],
		['prd-c', 200, 'spec for gamma', 20],
	]);
	const errors = (await (await client.files.content(current.error_file_id!)).text())
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: { error: { message: string } } } });
	expect(errors.map((e) => [e.custom_id, e.response.status_code, e.response.body.error.message])).toEqual([['prd-b', 500, 'overloaded']]);
	// Every call is recorded: upload, create, three retrieves, two downloads.
	expect(server.requests.map((r) => r.path)).toEqual([
		'/v1/files',
		'/v1/batches',
		...statuses.map(() => `/v1/batches/${batch.id}`),
		`/v1/files/${current.output_file_id}/content`,
		`/v1/files/${current.error_file_id}/content`,
	]);
});

test('requests are answered when the batch completes, so an answer can change after it was submitted; Responses bodies too', async () => {
	server = await startFakeOpenAI(() => ({ type: 'text', content: 'first' }));
	const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
	const batch = await submit(client, [line('prd-a', 'alpha', '/v1/responses')], '/v1/responses');
	server.handler = () => ({ type: 'text', content: 'second' });
	let current = batch;
	while (current.status !== 'completed') current = await client.batches.retrieve(batch.id);
	const [answer] = (await (await client.files.content(current.output_file_id!)).text())
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as { response: { body: { object: string; output: { content: { text: string }[] }[] } } });
	expect(answer!.response.body.object).toBe('response');
	expect(answer!.response.body.output[0]!.content[0]!.text).toBe('second');
	expect(current.error_file_id).toBeNull();
});

test('a cancelled batch goes through cancelling to cancelled, with no output', async () => {
	server = await startFakeOpenAI();
	const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
	const batch = await submit(client, [line('prd-a', 'alpha')]);
	expect((await client.batches.cancel(batch.id)).status).toBe('cancelling');
	const cancelled = await client.batches.retrieve(batch.id);
	expect(cancelled).toMatchObject({ status: 'cancelled', output_file_id: null });
	await expect(client.batches.retrieve('batch_404')).rejects.toMatchObject({ status: 404 });
});

test('a server without the Batch API answers 404 on files and batches, and still answers chat requests', async () => {
	server = await startFakeOpenAI();
	server.batch.supported = false;
	const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseURL, maxRetries: 0 });
	await expect(client.files.create({ file: await toFile(Buffer.from('{}\n'), 'requests.jsonl'), purpose: 'batch' })).rejects.toMatchObject({
		status: 404,
	});
	await expect(client.batches.retrieve('batch_1')).rejects.toMatchObject({ status: 404 });
	const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
	let text = '';
	for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
	expect(text).toBe('Hello');
});
