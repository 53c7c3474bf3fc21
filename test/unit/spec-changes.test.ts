import { describe, expect, test } from 'vitest';

import { digestSections, recordSections } from '../../src/integration/markdown/section-digests.ts';
import { splitLeadingH1 } from '../../src/integration/markdown/title.ts';
import {
	CHANGED_SECTION_MARK,
	describeSpecChanges,
	findSpecChanges,
	markChangedSections,
	NEW_SECTION_MARK,
} from '../../src/integration/rendering/spec-changes.ts';

const OLD =
	'# Spec\n\n## Overview\n\nSame.\n\n## Data Model\n\nOld tables.\n\n## Legacy <b>Import</b> [x](https://evil.example)\n\nGone.\n';
const NEW = '# Spec\n\n## Overview\n\nSame.\n\n## Data Model\nNew tables.\n\n## API & *Design*\n\nAdded.\n';
const replaced = { generatedAt: '2026-10-02T08:00:00Z', sections: recordSections(digestSections(OLD)) };

describe('what changed in the latest generation', () => {
	test('no replaced version, or no section changed: nothing', () => {
		expect(findSpecChanges({}, NEW)).toBeUndefined();
		expect(findSpecChanges({ replaced: { sections: recordSections(digestSections(NEW)) } }, NEW)).toBeUndefined();
	});

	test('the list links to each added and changed section and names the removed ones, escaped', () => {
		const changes = findSpecChanges({ replaced }, NEW)!;
		expect(describeSpecChanges(changes, '2\u00a0Oct\u00a02026')).toBe(
			[
				':::note[Changed in the latest generation]',
				'These sections differ from the version of 2\u00a0Oct\u00a02026:',
				'',
				// Headings as a reader sees them (markup gone), escaped: raw HTML and links in them stay text.
				'- [API &amp; Design](<#api--design>) (new)',
				'- [Data Model](<#data-model>)',
				'- Legacy \\<b\\>Import\\</b\\> x (removed)',
				':::',
			].join('\n'),
		);
	});

	test('a mark after the heading of each added or changed section, as a paragraph of its own; headings and ids unchanged', () => {
		const changes = findSpecChanges({ replaced }, NEW)!;
		const rest = splitLeadingH1(NEW).rest;
		const marked = markChangedSections(rest, changes);
		expect(marked).toBe(
			`## Overview\n\nSame.\n\n## Data Model\n\n${CHANGED_SECTION_MARK}\n\nNew tables.\n\n## API & *Design*\n\n${NEW_SECTION_MARK}\n\n\nAdded.\n`,
		);
		const slugs = (text: string) => digestSections(text).map(({ heading, slug }) => ({ heading, slug }));
		expect(slugs(marked)).toEqual(slugs(rest));
	});

	test('a setext heading is marked after its underline', () => {
		const body = 'Data Model\n----------\nNew tables.\n';
		const changes = findSpecChanges({ replaced }, body)!;
		expect(markChangedSections(body, changes)).toBe(`Data Model\n----------\n\n${CHANGED_SECTION_MARK}\n\nNew tables.\n`);
	});
});
