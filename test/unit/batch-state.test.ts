import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, test } from 'vitest';

import { readBatchState, writeBatchState, type BatchState } from '../../src/integration/cache/batch-state.ts';
import { useTempDir } from '../helpers/tmp.ts';

// `<specsDir>/_batch.json` arrives by pull request like the specs: every way it can be wrong is
// named with the file and the field, and nothing in it is trusted.

const tempDir = useTempDir();
const HASH = `sha256:${'a'.repeat(64)}`;

const valid = (): BatchState => ({
	version: 1,
	batch: 'batch_abc123',
	inputFile: 'file-xyz',
	api: 'chat',
	model: 'gpt-6.1-terra',
	templateHash: HASH,
	submittedAt: '2026-11-29T06:00:00.000Z',
	requests: [{ id: 'spec-1-aaaaaaaaaaaa', prd: 'payments/checkout', inputHash: HASH }],
});

async function readWith(text: string) {
	const root = await tempDir();
	await mkdir(join(root, 'specs'), { recursive: true });
	await writeFile(join(root, 'specs/_batch.json'), text);
	return readBatchState(root, 'specs');
}

describe('the batch state file', () => {
	test('written and read back; absent: no batch', async () => {
		const root = await tempDir();
		expect(await readBatchState(root, 'specs')).toEqual({ state: undefined, file: 'specs/_batch.json' });
		await writeBatchState(root, 'specs', valid());
		expect(await readBatchState(root, 'specs')).toEqual({ state: valid(), file: 'specs/_batch.json' });
	});

	test.each([
		['not JSON', '{"version": 1,', undefined, 'is not valid JSON.'],
		['an array', '[]', undefined, 'Invalid input'],
		['a batch id with a line break', JSON.stringify({ ...valid(), batch: 'batch_1\n::error::x' }), 'batch', 'must be an id of the API'],
		[
			'a PRD id that climbs out',
			JSON.stringify({ ...valid(), requests: [{ ...valid().requests[0], prd: '../etc/passwd' }] }),
			'requests[0].prd',
			'must be the id of a PRD.',
		],
		[
			'a request id with a slash',
			JSON.stringify({ ...valid(), requests: [{ ...valid().requests[0], id: 'a/b' }] }),
			'requests[0].id',
			'must be the request id',
		],
		[
			'an unknown outcome',
			JSON.stringify({ ...valid(), requests: [{ ...valid().requests[0], outcome: 'maybe' }] }),
			'requests[0].outcome',
			'must be `saved`, `failed` or `dropped`.',
		],
		['a key of its own', JSON.stringify({ ...valid(), apiKey: 'sk-x' }), undefined, 'apiKey'],
		['a __proto__ key', `{"__proto__": {"polluted": true}, ${JSON.stringify(valid()).slice(1)}`, undefined, '__proto__'],
		['no request', JSON.stringify({ ...valid(), requests: [] }), 'requests', ''],
		['a model of 300 characters', JSON.stringify({ ...valid(), model: 'm'.repeat(300) }), 'model', ''],
	])('%s: a problem naming the file and the field', async (_, text, field, message) => {
		const read = await readWith(text);
		expect('problem' in read).toBe(true);
		if (!('problem' in read)) return;
		expect(read.problem.file).toBe('specs/_batch.json');
		expect(read.problem.field).toBe(field);
		expect(`${read.problem.field ?? ''} ${read.problem.message}`).toContain(message);
		expect(read.problem.hint).toContain('restore it from git, or delete it');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('a symbolic link, binary data and a file over 32 MB are refused without being parsed', async () => {
		const root = await tempDir();
		await mkdir(join(root, 'specs'), { recursive: true });
		await writeFile(join(root, 'elsewhere.json'), JSON.stringify(valid()));
		await symlink(join(root, 'elsewhere.json'), join(root, 'specs/_batch.json'));
		const linked = await readBatchState(root, 'specs');
		expect('problem' in linked && linked.problem.message).toContain('is a symbolic link');

		const binary = await readWith('{"version":1}\u0000');
		expect('problem' in binary && binary.problem.message).toBe('contains binary data (NUL bytes).');

		const big = await readWith(' '.repeat(32 * 1024 * 1024 + 1));
		expect('problem' in big && big.problem.message).toBe('is 33,554,433 bytes; a batch state file may be at most 32 MB.');
	});
});
