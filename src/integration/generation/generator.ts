/** One message of the conversation sent to the model. */
export interface ChatMessage {
	role: 'user' | 'assistant';
	content: string;
}

export interface TokenUsage {
	inputTokens: number;
	outputTokens: number;
}

export interface GenerationResult {
	/** Everything the model wrote. */
	text: string;
	/** The model stopped because it ran out of output tokens (`finish_reason: length` / `incomplete`). */
	truncated: boolean;
	usage: TokenUsage;
	/** Model that answered, as the server reports it. */
	model: string;
}

/**
 * Writes text from a conversation. The build and the CLI depend on this interface only, so
 * tests of the pipeline can use a fake, and the OpenAI implementation is tested on its own
 * against an OpenAI-compatible server on 127.0.0.1.
 */
export interface SpecGenerator {
	/** Model name requested, for logs and cache metadata. */
	readonly model: string;
	generate(messages: ChatMessage[], signal?: AbortSignal): Promise<GenerationResult>;
}

/** A generation that failed for a reason worth telling the user in one sentence. */
export class GenerationError extends Error {
	override name = 'GenerationError';
}
