import type { AstroIntegration } from 'astro';
import { describe, expect, test, vi } from 'vitest';

import { CHUNKED_STORE_ABOVE, chunkedCollectionStorage } from '../../src/integration/collection-storage.ts';

type Setup = NonNullable<AstroIntegration['hooks']['astro:config:setup']>;

/** Runs the integration's set-up hook with a site whose store is `storage`; returns what it updated and logged. */
function setUp(prdCount: number, storage: unknown) {
	const updateConfig = vi.fn();
	const info = vi.fn();
	const hook = chunkedCollectionStorage(prdCount).hooks['astro:config:setup'] as Setup;
	void hook({
		config: { experimental: { collectionStorage: storage } },
		updateConfig,
		logger: { info },
	} as unknown as Parameters<Setup>[0]);
	return { updates: updateConfig.mock.calls.map(([update]) => update as unknown), logs: info.mock.calls.map(([line]) => line as string) };
}

describe('chunked content store for large sites', () => {
	test('up to the threshold, the site keeps its single-file store', () => {
		expect(setUp(CHUNKED_STORE_ABOVE, 'single-file')).toEqual({ updates: [], logs: [] });
	});

	test('above it, the store is written in chunks and the log says why', () => {
		const { updates, logs } = setUp(CHUNKED_STORE_ABOVE + 1, 'single-file');
		expect(updates).toEqual([{ experimental: { collectionStorage: 'chunked' } }]);
		expect(logs).toHaveLength(1);
		expect(logs[0]).toContain(`${CHUNKED_STORE_ABOVE + 1} PRDs`);
	});

	test('a site that chose chunks itself (with its own chunk size) keeps them', () => {
		expect(setUp(5000, { type: 'chunked', chunkSize: 1024 })).toEqual({ updates: [], logs: [] });
		expect(setUp(5000, 'chunked')).toEqual({ updates: [], logs: [] });
	});
});
