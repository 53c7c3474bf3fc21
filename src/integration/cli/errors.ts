/** A problem with how the CLI was called or with the site: printed without a stack trace. */
export class CliError extends Error {
	override name = 'CliError';
	readonly hint: string | undefined;
	/** 2 for usage errors (bad arguments, unknown ids, no key); 1 for everything else. */
	readonly exitCode: number;

	constructor(message: string, hint?: string, exitCode = 2) {
		super(message);
		this.hint = hint;
		this.exitCode = exitCode;
	}
}
