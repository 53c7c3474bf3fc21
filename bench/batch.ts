// The Batch API row of `npm run bench`: submitting and collecting the specs of N PRDs through the
// test server's Files and Batches endpoints, with the repository's sample specs as answers (real
// sizes, real diagrams, so collecting runs every check a real answer gets).
import { join } from 'node:path';

import { collectBatch, submitBatch } from '../src/integration/batch-run.ts';
import { validateConfig } from '../src/integration/config.ts';
import { estimateCost } from '../src/integration/generation/pricing.ts';
import { parseFrontmatter } from '../src/integration/prds/frontmatter.ts';
import { startFakeOpenAI } from '../test/helpers/openai-server.ts';
import { appNameOf } from '../test/helpers/spec-text.ts';
import { writeProject, type Sample } from './fixtures.ts';

const silentLogger = { info() {}, warn() {}, error() {} };

export async function benchBatch(
	samples: Sample[],
	{ work, report }: { work: string; report: (name: string, figure: string, note?: string) => void },
): Promise<void> {
	const count = Number(process.env.BENCH_BATCH_PRDS ?? 200);
	const root = join(work, 'batch');
	await writeProject(root, count, samples, false);
	// Each sample's spec answers the PRDs made from it (found by the app name in the prompt).
	const answers = new Map(
		samples.map((sample) => {
			const parsed = parseFrontmatter(sample.prd);
			const appName = parsed.ok && typeof parsed.data.appName === 'string' ? parsed.data.appName : '';
			return [appName, sample.spec];
		}),
	);
	const server = await startFakeOpenAI((request) => {
		const content = answers.get(appNameOf(request.text)) ?? '';
		return { type: 'text', content, usage: { input: Math.ceil(request.text.length / 4), output: Math.ceil(content.length / 4) } };
	});
	// The batch ends at the first look: the row measures our side, not the 24-hour window.
	server.batch.lifecycle = ['completed'];
	try {
		const config = validateConfig({});
		const env = { OPENAI_API_KEY: 'bench', OPENAI_BASE_URL: server.baseURL };
		const options = { root, config, env, logger: silentLogger };
		let started = performance.now();
		const submitted = await submitBatch(options);
		const submitSeconds = (performance.now() - started) / 1000;
		if (!('submitted' in submitted) || !submitted.submitted) throw new Error('the batch was not submitted in the benchmark');
		const inputBytes = [...server.batch.files.values()][0]!.content.length;
		const submitRequests = server.requests.length;
		report(
			`Batch submit, ${count} PRDs`,
			`${submitSeconds.toFixed(2)} s`,
			`${submitRequests} requests (upload, create); input file ${(inputBytes / 1024 / 1024).toFixed(1)} MB`,
		);

		server.requests.length = 0;
		started = performance.now();
		const collected = await collectBatch(options);
		const collectSeconds = (performance.now() - started) / 1000;
		if (!('collected' in collected)) throw new Error('the batch was not collected in the benchmark');
		const saved = collected.collected.filter((item) => item.outcome === 'saved').length;
		if (saved !== count) throw new Error(`${count - saved} specs of the batch were not saved in the benchmark`);
		report(
			`Batch collect, ${count} PRDs`,
			`${collectSeconds.toFixed(2)} s`,
			`${server.requests.length} requests (retrieve, download); ${saved} specs checked and saved, ${collected.collected.filter((item) => item.repaired).length} repaired`,
		);
		const normal = estimateCost('gpt-6.1-terra', collected.usage) ?? 0;
		report(
			`Batch cost, ${count} PRDs, gpt-6.1-terra`,
			`$${(collected.cost ?? 0).toFixed(2)}`,
			`${collected.usage.inputTokens.toLocaleString('en-US')} tokens in, ${collected.usage.outputTokens.toLocaleString('en-US')} out; $${normal.toFixed(2)} at normal prices`,
		);
	} finally {
		await server.close();
	}
}
