import { getTableScript } from './rendering/table-script.ts';

// The table script as a file of the site (see `getTableScriptHead`), injected by the plugin at
// `/_prd-specs/prd-table.js`: written into `dist/` by a build, served by `astro dev`.

export const prerender = true;

export function GET(): Response {
	return new Response(getTableScript(), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
}
