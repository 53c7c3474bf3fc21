import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { startDiagramChecks, type VerdictStore } from '../../src/integration/diagram-checks.ts';
import { startMermaidChecker, type MermaidChecker } from '../../src/integration/diagrams/mermaid-check.ts';
import { findErrorLine, summarizeMermaidError } from '../../src/integration/diagrams/mermaid-message.ts';
import { findBrokenDiagrams, type ParseDiagram } from '../../src/integration/rendering/diagram-check.ts';
import { INVALID_DIAGRAM, VALID_DIAGRAM } from '../helpers/spec-text.ts';

const fence = (source: string, lang = 'mermaid') => `\`\`\`${lang}\n${source}\n\`\`\``;

describe('mermaid messages', () => {
	const message =
		"Parse error on line 3:\n...eb app\" --> API[API gateway\n-----------------------^\nExpecting 'SQE', 'PE', got 'NODE_STRING'";

	test('summarized on one line, without the caret line that only lines up in a monospaced block', () => {
		expect(summarizeMermaidError(message)).toBe(
			`Parse error on line 3: ...eb app" --> API[API gateway Expecting 'SQE', 'PE', got 'NODE_STRING'`,
		);
		expect(summarizeMermaidError('x\n'.repeat(10) + 'y'.repeat(2000))).toBe('x x x x');
		expect(summarizeMermaidError('a'.repeat(5000))).toHaveLength(600);
	});

	test('the line of the diagram mermaid names, when it names one', () => {
		expect(findErrorLine(message)).toBe(3);
		expect(findErrorLine('Parse error on line 12: x')).toBe(12);
		expect(findErrorLine('No diagram type detected matching given configuration for text: x')).toBeUndefined();
		expect(findErrorLine('Parse error on line :')).toBeUndefined();
		expect(findErrorLine('Parse error on line 0:')).toBeUndefined();
		expect(findErrorLine(`Parse error on line ${'9'.repeat(100_000)}:`)).toBeUndefined();
	});
});

describe('findBrokenDiagrams: the diagrams of a page that mermaid cannot parse', () => {
	let checker: MermaidChecker;
	beforeAll(async () => {
		checker = await startMermaidChecker();
	});
	afterAll(() => checker.close());
	const parse: ParseDiagram = (source, timeoutMs) => checker.check(source, { timeoutMs });

	test('names the fence line, the line mermaid points at, and mermaid’s message', async () => {
		const text = ['# Title', '', fence(VALID_DIAGRAM), '', 'Text.', '', fence(INVALID_DIAGRAM), '', fence('notADiagram')].join('\n');
		const broken = await findBrokenDiagrams(text, parse, 10_000);
		expect(broken).toEqual([
			{ line: 11, errorLine: 13, message: expect.stringMatching(/^Parse error on line 2: .*Expecting .*got/), source: INVALID_DIAGRAM },
			{ line: 17, message: expect.stringMatching(/^No diagram type detected/), source: 'notADiagram' },
		]);
	});

	test('diagrams in lists and quotes count; other languages and `Mermaid` (not drawn) do not', async () => {
		const text = [
			'- item',
			'',
			`  ${fence(INVALID_DIAGRAM).replaceAll('\n', '\n  ')}`,
			'',
			`> ${fence('notADiagram').replaceAll('\n', '\n> ')}`,
			'',
			fence('notADiagram', 'Mermaid'),
			'',
			fence('notADiagram', 'text'),
		].join('\n');
		expect((await findBrokenDiagrams(text, parse, 10_000)).map((diagram) => diagram.line)).toEqual([3, 9]);
	});

	test('parses the diagram as it would be drawn: a removed directive moves the lines, so only the fence line is named', async () => {
		const source = `%%{init: {"theme": "dark"}}%%\n${INVALID_DIAGRAM}`;
		const [broken] = await findBrokenDiagrams(fence(source), parse, 10_000);
		expect(broken).toEqual({ line: 1, message: expect.stringMatching(/^Parse error on line 2:/), source: INVALID_DIAGRAM });
	});

	test('a diagram the site refuses anyway (it loads a URL) is not parsed', async () => {
		const asked: string[] = [];
		const spy: ParseDiagram = (source, timeoutMs) => (asked.push(source), parse(source, timeoutMs));
		const text = [fence('graph TB\n  A@{ img: "https://attacker.example/i.png" }'), fence('x'.repeat(60_000))].join('\n\n');
		expect(await findBrokenDiagrams(text, spy, 10_000)).toEqual([]);
		expect(asked).toEqual([]);
	});

	test('the diagrams of a page share one time budget: once spent, the rest are reported unparsed', async () => {
		const asked: number[] = [];
		const slow: ParseDiagram = async (_source, timeoutMs) => {
			asked.push(timeoutMs);
			await new Promise((resolve) => setTimeout(resolve, 60));
			return null;
		};
		const text = Array.from({ length: 5 }, (_, index) => fence(`graph TB\n  A${index} --> B`)).join('\n\n');
		const broken = await findBrokenDiagrams(text, slow, 100);
		expect(asked.length).toBeLessThan(5);
		expect(asked[0]).toBeLessThanOrEqual(100);
		expect(broken.length).toBe(5 - asked.length);
		expect(broken[0]!.message).toMatch(/^not checked: this page's diagrams took more than 0.1 s to parse together/);
	});
});

describe('startDiagramChecks: verdicts kept between builds', () => {
	/** A checker that counts what it parses, in front of the real one. */
	function countingChecker(real: Promise<MermaidChecker>, parsed: string[]): () => Promise<MermaidChecker> {
		return async () => {
			const checker = await real;
			return { check: (source, options) => (parsed.push(source), checker.check(source, options)), close: () => Promise.resolve() };
		};
	}
	const memoryStore = (): VerdictStore & { values: Map<string, string> } => {
		const values = new Map<string, string>();
		return { values, get: (key) => values.get(key), set: (key, value) => void values.set(key, value) };
	};
	const digest = (text: string) => `${text.length}:${text}`;
	let real: Promise<MermaidChecker>;
	beforeAll(() => {
		real = startMermaidChecker();
	});
	afterAll(async () => (await real).close());

	test('an unchanged page is not parsed again; a changed one is; pages that are gone are dropped', async () => {
		const store = memoryStore();
		const pages = { a: fence(INVALID_DIAGRAM), b: fence(VALID_DIAGRAM), c: fence('notADiagram') };
		const parsed: string[] = [];
		const first = startDiagramChecks(store, digest, { startChecker: countingChecker(real, parsed) });
		const results = await Promise.all(Object.entries(pages).map(([id, text]) => first.check(id, text)));
		await first.finish();
		expect(results.map((broken) => broken.length)).toEqual([1, 0, 1]);
		expect(parsed).toHaveLength(3);

		parsed.length = 0;
		let started = false;
		const second = startDiagramChecks(store, digest, { startChecker: () => ((started = true), countingChecker(real, parsed)()) });
		expect(await second.check('a', pages.a)).toEqual(results[0]);
		expect(await second.check('b', `${pages.b}\n\nMore text.`)).toEqual([]);
		await second.finish();
		expect(parsed).toEqual([VALID_DIAGRAM]);
		expect(started).toBe(true);
		expect(Object.keys((JSON.parse(store.values.get('prd-specs:diagram-checks')!) as { pages: object }).pages)).toEqual(['a', 'b']);

		// Nothing to parse: no worker is started at all.
		started = false;
		const third = startDiagramChecks(store, digest, { startChecker: () => ((started = true), countingChecker(real, parsed)()) });
		await third.check('a', pages.a);
		await third.finish();
		expect(started).toBe(false);
	});

	test('the same diagram on two pages is parsed once; a stored verdict of another mermaid version is not used', async () => {
		const store = memoryStore();
		store.set(
			'prd-specs:diagram-checks',
			JSON.stringify({ version: '1/0.0.1', pages: { a: { digest: digest(fence(VALID_DIAGRAM)), broken: [] } } }),
		);
		const parsed: string[] = [];
		const checks = startDiagramChecks(store, digest, { startChecker: countingChecker(real, parsed) });
		await Promise.all([checks.check('a', fence(VALID_DIAGRAM)), checks.check('open-questions', `## Q\n\n${fence(VALID_DIAGRAM)}`)]);
		await checks.finish();
		expect(parsed).toEqual([VALID_DIAGRAM]);
	});

	test('when mermaid cannot start, pages are published unchecked, the reason is kept, and the stored verdicts stay', async () => {
		const store = memoryStore();
		store.set('prd-specs:diagram-checks', 'not json');
		const checks = startDiagramChecks(store, digest, {
			startChecker: () => Promise.reject(new Error('the mermaid checker could not start: no mermaid')),
		});
		expect(await checks.check('a', fence(INVALID_DIAGRAM))).toEqual([]);
		expect(await checks.check('b', fence('notADiagram'))).toEqual([]);
		await checks.finish();
		expect(checks.failure()).toBe('the mermaid checker could not start: no mermaid');
		expect(store.values.get('prd-specs:diagram-checks')).toBe('not json');
	});
});
