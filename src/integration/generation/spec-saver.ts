import type { TokenUsage } from './generator.ts';

/** A spec that passed its checks, with what its file records about how it was made. */
export interface GeneratedSpec {
	/** Id of the PRD, which names the spec file. */
	prd: string;
	inputHash: string;
	templateHash: string;
	/** The model that wrote it, as the server named it. */
	model: string;
	/** ISO 8601. */
	generatedAt: string;
	/** Every token of the spec; `batch`: the part the batch `id` answered, at its prices. */
	usage: TokenUsage & { requests: number; batch?: TokenUsage & { id: string } };
	body: string;
}

/**
 * Where generation puts the specs it makes: handed in by the caller (the pipeline saves into the
 * spec cache), so that generation neither reads nor writes the cache itself.
 */
export interface SpecSaver {
	/** Clears what saves cut short by an earlier run left behind; called once, before any spec is generated. */
	cleanUp(): Promise<void>;
	/**
	 * Saves the spec atomically: a save that fails or is cut short leaves the spec there was.
	 * Returns the file written, as messages name it.
	 */
	save(spec: GeneratedSpec): Promise<string>;
}
