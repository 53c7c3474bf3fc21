/**
 * Results of pure functions of a markdown text, kept until `clearMarkdownMemo()`. A build reads
 * each spec several times: its requirement trace (in `astro:config:setup`), then its page, the
 * open-questions page and the changed-sections notice (in content sync), and parsing the spec is
 * most of what each of them costs. The plugin and the loader run in different module instances
 * (see `build-state.ts`), so the results live on `globalThis`.
 *
 * Results are shared: callers must not change them.
 */

const MEMO_KEY = Symbol.for('astro-prd-specs/markdown-memo');

type Memo = Map<string, Map<string, Map<string, unknown>>>;

/** A safety net for a process that never clears the memo: past this many texts a function's results are dropped. */
const MAX_TEXTS = 50_000;

function getMemo(): Memo {
	const holder = globalThis as typeof globalThis & { [MEMO_KEY]?: Memo };
	holder[MEMO_KEY] ??= new Map();
	return holder[MEMO_KEY];
}

/**
 * `compute(text)`, computed once for each `text` and `variant` (what else the result depends
 * on, such as the id prefixes looked for) until the memo is cleared. `name` names the function:
 * two functions must not share one.
 */
export function memoizeText<T>(name: string, text: string, variant: string, compute: () => T): T {
	const memo = getMemo();
	let byVariant = memo.get(name);
	if (!byVariant) memo.set(name, (byVariant = new Map<string, Map<string, unknown>>()));
	let byText = byVariant.get(variant);
	if (!byText) byVariant.set(variant, (byText = new Map<string, unknown>()));
	if (byText.has(text)) return byText.get(text) as T;
	if (byText.size >= MAX_TEXTS) byText.clear();
	const result = compute();
	byText.set(text, result);
	return result;
}

/** Forgets every result: the loader calls it once a sync has used them, so memory does not grow with edits in `astro dev`. */
export function clearMarkdownMemo(): void {
	getMemo().clear();
}
