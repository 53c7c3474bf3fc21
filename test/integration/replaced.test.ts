import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { readSpecCache } from '../../src/integration/cache/read.ts';
import { describeReplacedSpec } from '../../src/integration/cache/replaced.ts';
import { serializeSpecFile } from '../../src/integration/cache/spec-file.ts';
import { validateConfig } from '../../src/integration/config.ts';
import { digestSections, recordSections } from '../../src/integration/markdown/section-digests.ts';
import { prepareSpecs } from '../../src/integration/pipeline.ts';
import { prdSource, writeFiles, writeFreshSpec } from '../helpers/files.ts';
import { recordingLogger } from '../helpers/logger.ts';
import { startFakeOpenAI, type FakeOpenAIServer } from '../helpers/openai-server.ts';
import { appNameOf, specText } from '../helpers/spec-text.ts';
import { useTempDir } from '../helpers/tmp.ts';

// A spec written over another records the sections of the version it replaced (`replaced`), read
// from the old file when the new one is saved.

const tempDir = useTempDir();
const SPECS = 'src/content/specs';

let server: FakeOpenAIServer;
let root: string;
let logs: string[];
const logger = recordingLogger(() => logs);

beforeEach(async () => {
	logs = [];
	root = await tempDir();
	server = await startFakeOpenAI((request) => ({ type: 'text', content: specText(appNameOf(request.text)) }));
	await writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay') });
});
afterEach(() => server.close());

function run(force = false) {
	return prepareSpecs({
		root,
		config: validateConfig({}),
		logger,
		env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL },
		mayGenerate: true,
		force,
	});
}

async function readAlpha() {
	return (await readSpecCache(root, SPECS)).specs.get('alpha')!;
}

/** Makes the PRD's spec stale: the same PRD with another goal. */
function editPrd() {
	return writeFiles(root, { 'prds/alpha.md': prdSource('title: Alpha\nappName: Alphapay', '## Goal\n\nShip it sooner.\n') });
}

describe('the replaced version', () => {
	test('a first generation records none', async () => {
		const { outcomes } = await run();
		expect(outcomes.map((o) => o.status)).toEqual(['generated']);
		expect((await readAlpha()).metadata.replaced).toBeUndefined();
		expect(await readFile(join(root, SPECS, 'alpha.md'), 'utf8')).not.toContain('replaced:');
	});

	test('a stale spec regenerated records the old date and sections', async () => {
		const old = `# Old spec\n\n## Overview\n\nThe old overview.\n\n## Data Model\n\nTables.\n\n## Gone Later\n\nBye.\n`;
		await writeFreshSpec(root, 'alpha', old, { generatedAt: '2026-10-02T08:00:00Z' });
		await editPrd();
		const { outcomes } = await run();
		expect(outcomes.map((o) => o.status)).toEqual(['generated']);
		const spec = await readAlpha();
		expect(spec.metadata.replaced).toEqual({ generatedAt: '2026-10-02T08:00:00Z', sections: recordSections(digestSections(old)) });
		expect(spec.metadata.replaced!.sections.map((line) => line.slice(17))).toEqual(['Overview', 'Data Model', 'Gone Later']);
		expect(spec.body).toContain('# Technical Specification: Alphapay');
	});

	test('a forced regeneration records the version it replaced, not the one before', async () => {
		await run();
		const first = await readAlpha();
		await run(true);
		const second = await readAlpha();
		expect(second.metadata.replaced).toEqual({
			generatedAt: first.metadata.generatedAt,
			sections: recordSections(digestSections(first.body)),
		});
		// The record of the first version's own predecessor (none) is not carried over.
		expect(second.metadata.replaced!.sections).toHaveLength(digestSections(first.body).length);
	});

	test('the version on disk when the spec is saved is the one recorded', async () => {
		const metadata = await writeFreshSpec(root, 'alpha', '# Old spec\n\n## Overview\n\nOld.\n');
		await editPrd();
		// Someone saves another version while the model is writing: that is the one replaced.
		const meanwhile = '# Newer spec\n\n## Overview\n\nNewer.\n\n## Added Meanwhile\n\nYes.\n';
		server.handler = (request) => {
			writeFileSync(join(root, SPECS, 'alpha.md'), serializeSpecFile({ ...metadata, generatedAt: '2026-11-20T10:00:00Z' }, meanwhile));
			return { type: 'text', content: specText(appNameOf(request.text)) };
		};
		await run();
		expect((await readAlpha()).metadata.replaced).toEqual({
			generatedAt: '2026-11-20T10:00:00Z',
			sections: recordSections(digestSections(meanwhile)),
		});
	});

	test('no old file, or one that is not a valid spec file, records nothing', async () => {
		expect(await describeReplacedSpec(root, SPECS, 'alpha')).toBeUndefined();
		await writeFiles(root, { [`${SPECS}/alpha.md`]: '---\nprd: alpha\nsource: someone\n---\n\n# Old\n\n## Overview\n\nText.\n' });
		expect(await describeReplacedSpec(root, SPECS, 'alpha')).toBeUndefined();
		await writeFiles(root, { [`${SPECS}/alpha.md`]: 'no frontmatter at all\n\n## Overview\n' });
		expect(await describeReplacedSpec(root, SPECS, 'alpha')).toBeUndefined();
		await writeFreshSpec(root, 'alpha', '# Old\n\n## Overview\n\nText.\n');
		expect(await describeReplacedSpec(root, SPECS, 'alpha')).toMatchObject({
			sections: [expect.stringMatching(/^[0-9a-f]{16} Overview$/)],
		});
	});

	test('a failed generation leaves the old file untouched', async () => {
		await writeFreshSpec(root, 'alpha', '# Old spec\n\n## Overview\n\nOld.\n');
		await editPrd();
		const before = await readFile(join(root, SPECS, 'alpha.md'), 'utf8');
		server.handler = () => ({ type: 'error', status: 500, message: 'down' });
		const { outcomes } = await prepareSpecs({
			root,
			config: validateConfig({ generation: { retries: 0 } }),
			logger,
			env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.baseURL },
			mayGenerate: true,
		});
		expect(outcomes.map((o) => o.status)).toEqual(['failed']);
		expect(await readFile(join(root, SPECS, 'alpha.md'), 'utf8')).toBe(before);
	});
});
