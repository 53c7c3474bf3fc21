import { describeBadId } from '../prds/ids.ts';
import { CliError } from './errors.ts';
import { logText } from './output.ts';

/**
 * PRD ids given on the command line. An id names files (`<prdsDir>/<id>.md`, `<specsDir>/<id>.md`),
 * so text that is not an id (`/etc/x`, `../x`, `a//b`, `a\b`) is refused before it reaches a path,
 * with what is wrong with it.
 */

/** The hint of every message about an unknown or malformed id. */
export function idHint(prdsDir: string): string {
	return `An id is the name of a PRD file in ${logText(prdsDir)}/ without .md, with its folders (\`checkout\`, \`payments/checkout\`); \`prd-specs status\` lists them.`;
}

/** ` It is not an id: it starts with /...` for text that cannot be an id; '' for an id (known or not). */
export function whyNotAnId(id: string): string {
	const why = describeBadId(id);
	return why === undefined ? '' : ` It is not an id: ${why}.`;
}

/** Throws the `Unknown PRD id` error of `generate` and `approve` for the first of `ids` that cannot be an id. */
export function assertIdArguments(ids: readonly string[], prdsDir: string): void {
	const bad = ids.find((id) => describeBadId(id) !== undefined);
	if (bad === undefined) return;
	throw new CliError(`Unknown PRD id: ${logText(bad, 200)}.${whyNotAnId(bad)}`, idHint(prdsDir));
}
