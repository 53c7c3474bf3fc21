import { describe, expect, test } from 'vitest';

import { digestSpecBody, getReviewState } from '../../src/integration/cache/review.ts';
import { parseSpecFile, serializeSpecFile, type SpecMetadata } from '../../src/integration/cache/spec-file.ts';
import { compareSections, digestSections, readRecordedSection, recordSections } from '../../src/integration/markdown/section-digests.ts';

const SPEC =
	'# Technical Specification: X\n\n## 1. Overview\n\nText.\n\n## Data Model\n\n```ts\n## not a section\n```\n\n## Risks & Mitigation\n\n- one\n- two\n';

describe('section digests', () => {
	test('each ## section with its heading, the id the page gives it, a digest and its line count', () => {
		const sections = digestSections(SPEC);
		expect(sections.map(({ heading, slug, lines }) => ({ heading, slug, lines }))).toEqual([
			{ heading: '1. Overview', slug: '1-overview', lines: 1 },
			{ heading: 'Data Model', slug: 'data-model', lines: 3 },
			{ heading: 'Risks & Mitigation', slug: 'risks--mitigation', lines: 2 },
		]);
		expect(sections[0]!.digest).toMatch(/^[0-9a-f]{16}$/);
		// The digest is of the section's text: the same text under another title line gives the same one.
		expect(digestSections(SPEC.replace('# Technical Specification: X', '# Technical Specification: Y'))).toEqual(sections);
	});

	test('compared by heading as models vary it: renumbering is no change; text, additions and removals are', () => {
		const before = recordSections(digestSections(SPEC)).map((line) => readRecordedSection(line)!);
		const after = digestSections(
			SPEC.replace('## 1. Overview', '## Overview')
				.replace('- two', '- two\n- three')
				.replace('## Data Model', '## API\n\nNew.\n\n## Data model'),
		);
		const changes = compareSections(before, after);
		expect(changes.added.map((section) => section.heading)).toEqual(['API']);
		expect(changes.changed.map((section) => section.heading)).toEqual(['Risks & Mitigation']);
		expect(changes.removed).toEqual([]);
		expect(compareSections(before, digestSections('# T\n\n## Overview\n\nText.\n')).removed).toEqual(['Data Model', 'Risks & Mitigation']);
	});

	test('a heading that occurs twice is matched in order', () => {
		const two = '## Notes\n\na\n\n## Notes\n\nb\n';
		const before = recordSections(digestSections(two)).map((line) => readRecordedSection(line)!);
		expect(compareSections(before, digestSections(two.replace('b', 'c'))).changed.map((section) => section.text)).toEqual(['c']);
	});

	test('recorded lines are read back, and anything else is refused', () => {
		expect(readRecordedSection('0123456789abcdef Data Model')).toEqual({ digest: '0123456789abcdef', heading: 'Data Model' });
		for (const line of ['0123456789abcdef', '0123456789abcdef ', '0123456789ABCDEF Data', 'xyz Data', '0123456789abcde Data'])
			expect(readRecordedSection(line), line).toBeUndefined();
	});
});

describe('review state and the spec file', () => {
	const metadata: SpecMetadata = {
		prd: 'x',
		inputHash: `sha256:${'a'.repeat(64)}`,
		templateHash: `sha256:${'b'.repeat(64)}`,
		source: 'model',
		model: 'gpt-test',
		generatedAt: '2026-11-28T10:00:00Z',
	};

	test('approved, then unreviewed again when the body changes, with who approved it', () => {
		const body = SPEC.trim();
		const review = { by: 'Ada Lovelace', at: '2026-11-28T12:00:00Z', digest: digestSpecBody(body) };
		const parsed = parseSpecFile(serializeSpecFile({ ...metadata, review }, body), 'specs/x.md', 'x');
		if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
		expect(getReviewState(parsed.spec)).toEqual({ reviewed: true, by: 'Ada Lovelace', at: '2026-11-28T12:00:00Z' });
		expect(getReviewState({ ...parsed.spec, body: `${body}\n\nMore.` })).toEqual({
			reviewed: false,
			reason: 'changed',
			by: 'Ada Lovelace',
			at: '2026-11-28T12:00:00Z',
		});
		expect(getReviewState({ metadata, body })).toEqual({ reviewed: false, reason: 'never' });
	});

	test('the replaced version and the review round-trip through the file; bad values name the field', () => {
		const replaced = { generatedAt: '2026-11-01T09:00:00Z', sections: recordSections(digestSections(SPEC)) };
		const parsed = parseSpecFile(serializeSpecFile({ ...metadata, replaced }, SPEC), 'specs/x.md', 'x');
		expect(parsed.ok && parsed.spec.metadata.replaced).toEqual(replaced);

		const bad = (extra: string) =>
			parseSpecFile(
				`---\nprd: x\ninputHash: ${metadata.inputHash}\ntemplateHash: ${metadata.templateHash}\nsource: model\ngeneratedAt: 2026-11-28T10:00:00Z\n${extra}\n---\n\n# T\n`,
				'specs/x.md',
				'x',
			);
		const fields = (extra: string) => {
			const result = bad(extra);
			return result.ok ? [] : result.problems.map((problem) => `${problem.field}: ${problem.message}`);
		};
		expect(fields('replaced:\n  sections: ["not a digest"]')).toEqual([
			'replaced.sections[0]: each of `replaced.sections` must be 16 hex digits, a space and the heading, on one line.',
		]);
		expect(fields('review:\n  by: ""\n  at: 2026-11-28T12:00:00Z\n  digest: sha256:00')).toEqual([
			'review.by: `review.by` must not be empty.',
			'review.digest: `review.digest` must be `sha256:` followed by 64 hex digits.',
		]);
	});
});

describe('recorded sections', () => {
	test('every line recorded is one the metadata accepts: headings on one line, unrecordable ones left out', () => {
		const body = `# T\n\n## ${'x'.repeat(201)}\n\nlong\n\nSetext\nheading\n---\n\ntwo lines\n\n## A \u0001 B\n\ncontrol\n\n## Kept\n\nyes\n`;
		const lines = recordSections(digestSections(body));
		expect(lines.map((line) => line.slice(17))).toEqual(['Setext heading', 'Kept']);
		const many = Array.from({ length: 250 }, (_, index) => `## S${index}\n\nt`).join('\n\n');
		expect(recordSections(digestSections(many))).toHaveLength(200);
	});
});
