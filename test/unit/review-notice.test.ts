import { describe, expect, test } from 'vitest';

import { digestSpecBody } from '../../src/integration/cache/review.ts';
import type { CachedSpec, SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import type { PrdWithSpec } from '../../src/integration/project.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';
import { buildEntries, type EntryOptions } from '../../src/integration/rendering/entries.ts';
import { reviewLabel, reviewNotice } from '../../src/integration/rendering/review-notice.ts';

const BODY = '# Technical Specification: Checkout\n\n## System Architecture Overview\n\nThe spec.';
const APPROVED = { by: 'Ada Lovelace', at: '2026-11-26T10:00:00Z', digest: digestSpecBody(BODY) };

function spec(metadata: Partial<SpecMetadata> = {}, body = BODY): Pick<CachedSpec, 'metadata' | 'body'> {
	return {
		body,
		metadata: {
			prd: 'checkout',
			inputHash: `sha256:${'d'.repeat(64)}`,
			templateHash: `sha256:${'e'.repeat(64)}`,
			source: 'model',
			model: 'gpt-6.1-terra',
			generatedAt: '2026-11-20T08:00:00Z',
			...metadata,
		},
	};
}

describe('reviewNotice', () => {
	test('an approved spec says who approved it and when, in a tip', () => {
		expect(reviewNotice('checkout', spec({ review: APPROVED }))).toBe(
			':::tip[Reviewed]\nReviewed by Ada Lovelace on 26\u00a0Nov\u00a02026.\n:::',
		);
	});

	test('a spec nobody approved says who wrote it', () => {
		expect(reviewNotice('checkout', spec())).toBe(
			':::note[Not reviewed]\nWritten by model `gpt-6.1-terra`, and nobody has approved it yet. A reviewer approves it with `prd-specs approve checkout`.\n:::',
		);
		expect(reviewNotice('checkout', spec({ source: 'manual', model: undefined }))).toContain('[Not reviewed]\nWritten by hand, and nobody');
	});

	test('a spec whose body changed after its approval says who approved which version, and that the change is not approved', () => {
		const notice = reviewNotice('checkout', spec({ review: APPROVED }, `${BODY}\n\nAn edit.`));
		expect(notice).toBe(
			':::caution[Not reviewed]\nWritten by model `gpt-6.1-terra`, and changed after Ada Lovelace approved it on 26\u00a0Nov\u00a02026. The change has not been approved. A reviewer approves it with `prd-specs approve checkout`.\n:::',
		);
	});

	test("a reviewer's name is literal text: no link, HTML, emphasis or directive comes out of it", () => {
		const by = '<img src=x onerror=alert(1)> [x](javascript:alert(1)) **bold** :::danger';
		const reviewed = reviewNotice('checkout', spec({ review: { ...APPROVED, by } }));
		expect(reviewed).toContain(
			'Reviewed by \\<img src=x onerror=alert\\(1\\)\\> \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\*\\*bold\\*\\* \\:\\:\\:danger on',
		);
		const changed = reviewNotice('checkout', spec({ review: { ...APPROVED, by } }, 'Other text.'));
		const name = /changed after (.*) approved it on/.exec(changed)![1]!;
		expect(name).toMatch(/^\\<img src=x/);
		// Every `<`, `>`, `[`, `]`, `(`, `*` and `:` of the name is escaped.
		expect(name).not.toMatch(/(?<!\\)[<>[\]()*:]/);
	});
});

describe('reviewLabel', () => {
	test('names each review state for the overview, and a dash without a spec', () => {
		expect(reviewLabel(spec({ review: APPROVED }))).toBe('Reviewed');
		expect(reviewLabel(spec())).toBe('Not reviewed');
		expect(reviewLabel(spec({ review: APPROVED }, 'Edited.'))).toBe('Changed since review');
		expect(reviewLabel(undefined)).toBe('—');
	});
});

describe('spec pages and the overview', () => {
	function status(id: string, state: PrdWithSpec['state'], cached?: Pick<CachedSpec, 'metadata' | 'body'>): PrdWithSpec {
		return {
			prd: {
				id,
				folder: '',
				file: `prds/${id}.md`,
				frontmatter: PrdFrontmatterSchema.parse({ title: id }),
				body: `# ${id}\n\nText.`,
				requirements: [],
			},
			inputHash: `sha256:${'c'.repeat(64)}`,
			state,
			...(cached && { spec: { id, file: `src/content/specs/${id}.md`, ...cached, metadata: { ...cached.metadata, prd: id } } }),
		};
	}
	const options: EntryOptions = {
		base: '/',
		overview: { slug: 'prds', title: 'PRDs' },
		openQuestions: false,
		specsDir: 'src/content/specs',
	};
	const entries = buildEntries(
		{
			folders: [],
			problems: [],
			warnings: [],
			prds: [
				status('approved', 'fresh', spec({ review: APPROVED })),
				status('raw', 'fresh', spec()),
				status('edited', 'fresh', spec({ review: APPROVED }, 'Edited.')),
				status('none', 'missing'),
			],
		},
		options,
	);
	const byId = new Map(entries.map((entry) => [entry.id, entry]));

	test('the spec page has the notice right after its provenance line', () => {
		expect(byId.get('specs/approved')!.body.split('\n\n')[1]).toBe(reviewNotice('approved', spec({ review: APPROVED })));
		expect(byId.get('specs/raw')!.body.split('\n\n')[1]).toMatch(/^:::note\[Not reviewed\]/);
		expect(byId.get('specs/edited')!.body.split('\n\n')[1]).toMatch(/^:::caution\[Not reviewed\]/);
		expect(byId.get('specs/none')!.body).not.toContain('review');
	});

	test('the overview has a review column', () => {
		const overview = byId.get('prds')!.body;
		expect(overview).toContain(
			'| PRD | Status | Owner | Tags | Spec | Model | Generated | Review |\n| --- | --- | --- | --- | --- | --- | --- | --- |',
		);
		expect(overview).toMatch(/\| \[approved\]\(<\/prds\/approved\/>\) \|.* \| Reviewed \|$/m);
		expect(overview).toMatch(/\| \[raw\]\(<\/prds\/raw\/>\) \|.* \| Not reviewed \|$/m);
		expect(overview).toMatch(/\| \[edited\]\(<\/prds\/edited\/>\) \|.* \| Changed since review \|$/m);
		expect(overview).toMatch(/\| \[none\]\(<\/prds\/none\/>\) \|.* \| — \| — \| — \|$/m);
	});
});
