import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startMermaidChecker, type MermaidChecker } from '../../src/integration/generation/mermaid-check.ts';
import { INVALID_DIAGRAM, VALID_DIAGRAM } from '../helpers/spec-text.ts';

describe('mermaid checker (mermaid’s own parser in a worker thread)', () => {
	let checker: MermaidChecker;
	beforeAll(async () => {
		checker = await startMermaidChecker();
	});
	afterAll(() => checker.close());

	test.each([
		['flowchart', VALID_DIAGRAM],
		['sequence', 'sequenceDiagram\n  participant A as "App"\n  A->>B: request\n  B-->>A: response'],
		['ER', 'erDiagram\n  USER ||--o{ ORDER : places'],
		['state', 'stateDiagram-v2\n  [*] --> Draft\n  Draft --> Review'],
	])('accepts a valid %s diagram', async (_, source) => {
		expect(await checker.check(source)).toBeNull();
	});

	test('rejects a broken diagram with mermaid’s message', async () => {
		expect(await checker.check(INVALID_DIAGRAM)).toMatch(/^Parse error on line \d+:/);
		expect(await checker.check('notADiagram\n  x')).toMatch(/No diagram type detected/);
	});

	test('checks many diagrams on one worker', async () => {
		const results = await Promise.all(Array.from({ length: 20 }, (_, i) => checker.check(i % 2 ? VALID_DIAGRAM : INVALID_DIAGRAM)));
		expect(results.map((r) => r === null)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 1));
	});
});
