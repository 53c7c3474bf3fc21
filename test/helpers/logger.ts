/** A logger for `prepareSpecs` and `generateSpecs` that appends `info …`, `warn …`, `error …` lines to the array `lines()` returns. */
export function recordingLogger(lines: () => string[]) {
	return {
		info: (message: string) => lines().push(`info ${message}`),
		warn: (message: string) => lines().push(`warn ${message}`),
		error: (message: string) => lines().push(`error ${message}`),
	};
}
