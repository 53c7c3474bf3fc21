/**
 * Polls `check` until it holds, for things that happen asynchronously (a dev server picking up
 * an edit, a request reaching the fake server). The deadline is generous because a slow or
 * loaded machine only makes this wait longer, never fail; `what` names it when it times out.
 */
export async function waitFor(
	check: () => boolean | Promise<boolean>,
	what: string,
	{ timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, intervalMs));
	}
}
