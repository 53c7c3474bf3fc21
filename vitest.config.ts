import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.ts'],
		globalSetup: ['test/global-setup.ts'],
		// Build tests run `astro build` in child processes; they are slow but not timed.
		testTimeout: 120_000,
		hookTimeout: 120_000,
	},
});
