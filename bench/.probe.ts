import { loadProject } from '../src/integration/project.ts';
import { readSamples, writeProject } from './fixtures.ts';
const samples = await readSamples();
for (const n of [1000, 10000]) {
  const root = new URL(`./.work/scale-${n}`, import.meta.url).pathname;
  await writeProject(root, n, samples);
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = await loadProject(root, { prdsDir: 'prds', specsDir: 'src/content/specs', template: undefined });
    console.log(n, (performance.now() - t).toFixed(0), 'ms', r.prds.filter(p => p.state === 'fresh').length, r.problems.length, Math.round(process.memoryUsage().rss / 1e6), 'MB');
  }
}
