import { defineCollection } from 'astro:content';
import { docsSchema } from '@astrojs/starlight/schema';
import { prdSpecsLoader } from 'astro-prd-specs/loader';

export const collections = {
	docs: defineCollection({ loader: prdSpecsLoader(), schema: docsSchema() }),
};
