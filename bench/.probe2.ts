import { loadProject } from '../src/integration/project.ts';
const root = new URL(`./.work/scale-10000`, import.meta.url).pathname;
await loadProject(root, { prdsDir: 'prds', specsDir: 'src/content/specs', template: undefined });
const t = performance.now();
await loadProject(root, { prdsDir: 'prds', specsDir: 'src/content/specs', template: undefined });
console.log((performance.now() - t).toFixed(0));
