import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startMermaidChecker, type MermaidChecker } from '../../src/integration/diagrams/mermaid-check.ts';
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

	test('checks run one at a time, and each one’s timeout counts from its own start, not from when it was asked', async () => {
		// About 80 ms to parse; ten of them take longer together than the timeout of each.
		const diagram = `graph TB\n${Array.from({ length: 100 }, (_, i) => `  N${i}[Node ${i}] --> N${i + 1}`).join('\n')}`;
		const results = await Promise.all(Array.from({ length: 10 }, () => checker.check(diagram, { timeoutMs: 600 })));
		expect(results).toEqual(Array.from({ length: 10 }, () => null));
	});

	test('a diagram over its timeout is reported and the next one gets a fresh worker', async () => {
		const diagram = `graph TB\n${Array.from({ length: 400 }, (_, i) => `  N${i}[Node ${i}] --> N${i + 1}`).join('\n')}`;
		expect(await checker.check(diagram, { timeoutMs: 1 })).toBe('mermaid took longer than 1 ms to parse it; simplify the diagram');
		expect(await checker.check(INVALID_DIAGRAM)).toMatch(/^Parse error on line \d+:/);
		expect(await checker.check(VALID_DIAGRAM)).toBeNull();
	});
});
