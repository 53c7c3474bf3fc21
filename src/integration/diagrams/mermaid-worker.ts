// Parses mermaid diagrams in a worker thread. Mermaid expects a browser: its sanitiser
// (DOMPurify) has no `window` in Node and lacks the methods mermaid calls while parsing
// (mermaid issue 6531). Syntax checking needs no sanitising, so the worker gives DOMPurify
// pass-through methods; the stub lives and dies with this thread and never touches the build's
// own modules, and the browser renders diagrams with the real sanitiser.
import { parentPort } from 'node:worker_threads';

import DOMPurify from 'dompurify';

const purify = DOMPurify as unknown as Record<string, unknown>;
for (const method of ['addHook', 'removeHook', 'removeHooks', 'removeAllHooks', 'setConfig', 'clearConfig']) {
	if (typeof purify[method] !== 'function') purify[method] = () => undefined;
}
if (typeof purify.sanitize !== 'function') purify.sanitize = (value: unknown) => String(value);

const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

parentPort!.on('message', (message: { id: number; source: string }) => void check(message));

async function check({ id, source }: { id: number; source: string }): Promise<void> {
	try {
		await mermaid.parse(source);
		parentPort!.postMessage({ id, error: null });
	} catch (error) {
		parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
	}
}
parentPort!.postMessage({ ready: true });
