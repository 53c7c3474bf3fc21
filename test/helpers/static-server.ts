import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.mjs': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.xml': 'application/xml',
	'.txt': 'text/plain; charset=utf-8',
	// As Netlify, Cloudflare Pages and GitHub Pages serve it.
	'.md': 'text/markdown; charset=utf-8',
	'.wasm': 'application/wasm',
	'.pf_meta': 'application/octet-stream',
};

/** Serves a built site (`dist/`) on 127.0.0.1 the way a static host does. */
export async function serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }> {
	const server = createServer((req, res) => {
		void (async () => {
			const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
			for (const candidate of [path, join(path, 'index.html')]) {
				const file = join(root, candidate);
				try {
					if ((await stat(file)).isFile()) {
						res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
						createReadStream(file).pipe(res);
						return;
					}
				} catch {
					/* try the next candidate */
				}
			}
			res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
			createReadStream(join(root, '404.html'))
				.on('error', () => res.end('Not found'))
				.pipe(res);
		})();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}
