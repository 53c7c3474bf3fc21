import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { prdSource, writeFreshSpec } from './files.ts';
import { specText } from './spec-text.ts';

const CORPUS = await readFile(new URL('../fixtures/untrusted/xss-corpus.md', import.meta.url), 'utf8');
const HOSTILE = await readFile(new URL('../fixtures/untrusted/hostile-content.md', import.meta.url), 'utf8');

/** `window` properties that content tries to define: not one may exist in a reader's browser. */
export const PWNED_GLOBALS = [
	'__xss',
	'__pwned_title',
	'__pwned_spec_title',
	'__pwned_placeholder',
	'__pwned_anchor',
	'__pwned_anchor_name',
	'__pwned_form',
	'__pwned_img',
	'__pwned_upper_script',
	'__pwned_label',
	'__pwned_label_name',
	'__pwned_gantt',
	'__pwned_heading_title',
	'__pwned_broken_diagram',
	'__pwned_nested_title',
	'__pwned_nested_spec_title',
	'__pwned_folder_title',
	'__pwned_folder_description',
	'__pwned_folder_body',
];

/** Pages that carry hostile content. */
export const HOSTILE_PAGES = [
	'/prds/hostile/',
	'/specs/hostile/',
	'/specs/placeholder/',
	'/prds/title-from-heading/',
	'/specs/title-from-heading/',
	'/prds/nested/hostile-child/',
	'/specs/nested/hostile-child/',
	'/prds/nested/',
	'/prds/',
	'/open-questions/',
];

/** Ends the hostile spec's clarification section inside a directive and a fence, after a definition of `[docs]`. */
const SECTION_TRAPS =
	'- Attacker question?\n\n[docs]: https://attacker.example/docs\n\n:::caution[Hijacked]\nEverything after this is mine.\n\n```\nunclosed fence';

/**
 * Adds hostile PRDs and specs to a site: `hostile` (a PRD and its spec made of the XSS corpus and
 * the hostile-content corpus, with titles that close `<title>`), `placeholder` (a hostile title
 * and no spec), `title-from-heading` (no frontmatter: a hostile title in its heading), `victim` (a spec whose open questions come after the hostile spec's on the
 * shared page), and `nested/hostile-child` (a PRD in a folder, with the corpus, a hostile
 * title and spec, related to `hostile`) in a folder `nested` whose `_index.md` has a hostile title,
 * description and body. Every URL that would load something points at `trap` (an origin such as
 * `http://127.0.0.1:1234`), which browser tests watch.
 */
export async function addHostileContent(dir: string, trap = 'http://127.0.0.1:9'): Promise<void> {
	const content = HOSTILE.replaceAll('{{TRAP}}', trap).replaceAll('{{TRAP_HOST}}', new URL(trap).host);
	const body = `${CORPUS}\n\n${content}`;
	await writeFile(
		join(dir, 'prds/hostile.md'),
		prdSource(
			'title: "x </title><script>window.__pwned_title=1</script>"\nowner: "<img src=x onerror=alert(1)>"\ntags: ["<svg onload=alert(1)>"]',
			body,
		),
	);
	const spec = specText('Hostile')
		.replace('# Technical Specification: Hostile', '# Technical Specification: x </title><script>window.__pwned_spec_title=1</script>')
		.replace('## Technology Stack', `${body.replace(/^## /gm, '### ')}\n\n## Technology Stack`)
		.replace(/- Which regions must Hostile serve\?\n$/, `${SECTION_TRAPS}\n`);
	await writeFreshSpec(dir, 'hostile', spec);
	await writeFile(join(dir, 'prds/placeholder.md'), prdSource('title: "p </title><script>window.__pwned_placeholder=1</script>"'));
	// A body whose opening heading made the title split take minutes (16 KB: over 5 minutes).
	await writeFile(join(dir, 'prds/slow-title.md'), prdSource('title: Slow title', `# a${' '.repeat(64_000)}x\n\n## Goal\n\nShip it.\n`));
	// No frontmatter: the title is taken from the heading, after its "PRD:" prefix.
	await writeFile(
		join(dir, 'prds/title-from-heading.md'),
		'# PRD: h </title><script>window.__pwned_heading_title=1</script>\n\n## Goal\n\nShip it.\n',
	);
	await mkdir(join(dir, 'prds/nested'));
	await writeFile(
		join(dir, 'prds/nested/hostile-child.md'),
		prdSource(
			'title: "n </title><script>window.__pwned_nested_title=1</script>"\nrelated: [hostile]',
			`See [the hostile PRD](prd:hostile).\n\n${body}`,
		),
	);
	await writeFreshSpec(
		dir,
		'nested/hostile-child',
		specText('Nested child').replace(
			'# Technical Specification: Nested child',
			'# Technical Specification: n </title><script>window.__pwned_nested_spec_title=1</script>',
		),
	);
	await writeFile(
		join(dir, 'prds/nested/_index.md'),
		prdSource(
			'title: "f </title><script>window.__pwned_folder_title=1</script>"\ndescription: "<img src=x onerror=window.__pwned_folder_description=1>"',
			`<script>window.__pwned_folder_body=1</script>\n\n${body}`,
		),
	);
	await writeFile(join(dir, 'prds/victim.md'), prdSource('title: Victim'));
	await writeFreshSpec(
		dir,
		'victim',
		specText('Victim').replace(
			'- Which regions must Victim serve?',
			'- Victim question: see [docs].\n\n[docs]: https://docs.example/victim',
		),
	);
}
