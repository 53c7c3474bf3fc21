// @ts-check
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import prdSpecs from 'astro-prd-specs';

export default defineConfig({
	site: 'https://example.github.io',
	integrations: [
		starlight({
			title: 'PRD Specs',
			description: 'Product requirements and the technical specifications generated from them.',
			sidebar: [{ label: 'Guides', items: [{ autogenerate: { directory: 'guides' } }] }],
			plugins: [
				prdSpecs({
					overview: {
						slug: 'index',
						title: 'Product requirements',
						description: 'Every product requirements document in this repository, with the technical specification written from it.',
					},
				}),
			],
		}),
	],
});
