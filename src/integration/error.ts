import { AstroError } from 'astro/errors';

/**
 * Throws an AstroError in the plugin's name: `message` says what is wrong and where, `hint`
 * what to do. These errors describe the user's files or options, not a bug, so the stack
 * trace (which Astro prints when there is one) is dropped.
 */
export function throwPluginError(message: string, hint?: string): never {
	const error = new AstroError(message, hint ?? 'See the prd-specs README for the options and file formats.');
	error.stack = '';
	throw error;
}
