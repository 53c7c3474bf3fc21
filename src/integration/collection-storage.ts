import type { AstroIntegration } from 'astro';

/**
 * Astro writes its content store (every page's rendered HTML) as one string, and V8 caps a
 * string at about 512 MB: measured, 1,000 PRDs make a store of 130 MB, and near 4,000 PRDs the
 * build fails in `serializeDataStore` with "Invalid string length", with or without this
 * integration. Astro 7.1's `experimental.collectionStorage: 'chunked'` writes the store in files
 * of 20 MB instead. Above this many PRDs it is turned on, unless the site already chose chunks.
 */
export const CHUNKED_STORE_ABOVE = 500;

/** Switches a large site's content store to chunks (see `CHUNKED_STORE_ABOVE`); logs why once. */
export function chunkedCollectionStorage(prdCount: number): AstroIntegration {
	return {
		name: 'astro-prd-specs/collection-storage',
		hooks: {
			'astro:config:setup': ({ config, updateConfig, logger }) => {
				if (prdCount <= CHUNKED_STORE_ABOVE) return;
				// `'single-file'` is Astro's default, which a site cannot be told apart from choosing.
				if (config.experimental.collectionStorage !== 'single-file') return;
				updateConfig({ experimental: { collectionStorage: 'chunked' } });
				logger.info(
					`${prdCount} PRDs: Astro's content store is written in chunks (\`experimental.collectionStorage: 'chunked'\`); one file would outgrow what Node can write near 4,000 PRDs.`,
				);
			},
		},
	};
}
