import type { CachedSpec } from '../../src/integration/cache/spec-file.ts';
import type { PrdWithSpec, ProjectReport } from '../../src/integration/project.ts';
import type { PrdFolder } from '../../src/integration/prds/folders.ts';
import { PrdFrontmatterSchema } from '../../src/integration/prds/schema.ts';

/** What a test's PRD has: its title and frontmatter fields, its spec's state and, if it has one, the spec's body. */
export interface StatusOptions {
	title?: string;
	state?: PrdWithSpec['state'];
	/** The PRD's `status` field. */
	status?: string;
	owner?: string;
	/** The spec's markdown; without it the PRD has no spec. */
	specBody?: string;
}

/** A PRD of the project (id with folders: `payments/checkout`) as `loadProject` reports it, without reading files. */
export function prdStatus(id: string, options: StatusOptions = {}): PrdWithSpec {
	const { title = id, state = 'fresh', status = 'draft', owner, specBody } = options;
	const slash = id.lastIndexOf('/');
	const spec =
		specBody === undefined
			? undefined
			: ({
					id,
					file: `src/content/specs/${id}.md`,
					body: specBody,
					metadata: { source: 'model', model: 'm', generatedAt: '2026-11-20T10:00:00Z', inputHash: 'sha256:abc', templateHash: 'sha256:t' },
				} as unknown as CachedSpec);
	return {
		prd: {
			id,
			folder: slash === -1 ? '' : id.slice(0, slash),
			file: `prds/${id}.md`,
			frontmatter: PrdFrontmatterSchema.parse({ title, status, ...(owner !== undefined && { owner }) }),
			body: 'Body',
			requirements: [],
		},
		inputHash: 'sha256:x',
		state,
		...(spec && { spec }),
	};
}

export function projectReport(prds: PrdWithSpec[], folders: PrdFolder[] = []): ProjectReport {
	return { prds, folders, problems: [], warnings: [] };
}
