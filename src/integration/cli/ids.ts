import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { isPrdId } from '../prds/ids.ts';
import { FUNCTIONAL_HEADINGS, NON_FUNCTIONAL_HEADINGS, proposeRequirementIds, type ProposedId } from '../prds/proposed-ids.ts';
import { findRequirements } from '../prds/requirements.ts';
import { scanPrds, type Prd } from '../prds/scan.ts';
import type { CommandContext } from './commands.ts';
import { CliError } from './errors.ts';
import { idHint, whyNotAnId } from './id-argument.ts';
import { logText } from './output.ts';

/** The headings `ids` looks under, for messages. */
const HEADINGS = [...FUNCTIONAL_HEADINGS, ...NON_FUNCTIONAL_HEADINGS].map((heading) => `"${heading}"`).join(', ');

/**
 * `ids <id> [--write]`: proposes requirement ids for a PRD written without them (an authoring
 * aid; see `proposeRequirementIds`), printing each line it would change; `--write` writes them,
 * atomically. Refuses a PRD that has ids already: numbering them is the author's call then.
 */
export async function runIds(context: CommandContext, id: string, write: boolean): Promise<number> {
	const { root, config, io } = context;
	const prefixes = config.requirements.prefixes;
	const missing = ['FR', 'NFR'].filter((prefix) => !prefixes.includes(prefix));
	if (missing.length > 0) {
		throw new CliError(
			`\`ids\` proposes FR-n and NFR-n ids, but the requirements.prefixes option does not list ${missing.join(' or ')}.`,
			'Add them to `requirements.prefixes` in the prdSpecs() options, or number the requirements by hand.',
			1,
		);
	}
	// The id names a file: anything but an id is refused before it reaches a path.
	const scan = isPrdId(id) ? await scanPrds(root, config.prdsDir, prefixes) : undefined;
	if (!scan?.fileIds.has(id)) throw new CliError(`Unknown PRD id "${logText(id, 100)}".${whyNotAnId(id)}`, idHint(config.prdsDir));
	const prd = scan.prds.find((candidate) => candidate.id === id);
	if (!prd) {
		throw new CliError(
			`${logText(config.prdsDir)}/${id} is not a valid PRD, so no ids are proposed for it.`,
			'Run `prd-specs status` to see its problems, fix them, then run `ids` again.',
			1,
		);
	}
	if (prd.requirements.length > 0) {
		const ids = [...new Set(prd.requirements.map((requirement) => requirement.id))];
		throw new CliError(
			`${logText(prd.file)} has requirement ids already (${logText(ids.join(', '), 300)}): \`ids\` only proposes them for a PRD that has none.`,
			'Add ids to new requirements by hand, continuing the numbering.',
			1,
		);
	}
	const proposed = proposeRequirementIds(prd.body);
	if (proposed.length === 0) {
		throw new CliError(
			`${logText(prd.file)} has no list items under a requirement-like heading, so there is nothing to number.`,
			`\`ids\` numbers the top-level list items under the headings ${HEADINGS} (FR-n; NFR-n under the non-functional ones). Write the requirements as a list under one of them, or add ids by hand (see "Writing a PRD").`,
			1,
		);
	}
	const bodyLine = prd.bodyLine ?? 1;
	const lines = [
		`${logText(prd.file)}: ${proposed.length} requirement id${proposed.length > 1 ? 's' : ''} ${write ? 'written' : 'proposed'}:`,
	];
	let heading: string | undefined;
	for (const item of proposed) {
		if (item.heading !== heading) lines.push(`  under "${logText(item.heading, 200)}":`);
		heading = item.heading;
		const fileLine = item.line + bodyLine - 1;
		lines.push(`    line ${fileLine}: - ${logText(item.before, 300)}`, `    line ${fileLine}: + ${logText(item.after, 300)}`);
	}
	if (write) await writeIds(root, prd, proposed);
	else lines.push('', `Run \`prd-specs ids ${id} --write\` to write them.`);
	io.stdout.write(`${lines.join('\n')}\n`);
	return 0;
}

/**
 * Writes the ids into the PRD file, changing only the proposed lines (line endings and a
 * byte-order mark kept): a temporary file in the same folder, flushed, then renamed over the PRD,
 * like the spec cache (`writeSpecFile`). Checks first that the file still reads as scanned, and
 * that the result has exactly the proposed ids.
 */
async function writeIds(root: string, prd: Prd, proposed: readonly ProposedId[]): Promise<void> {
	const path = join(root, prd.file);
	const text = await readFile(path, 'utf8');
	const lines = text.split('\n');
	const bodyLine = prd.bodyLine ?? 1;
	const changed = (): CliError =>
		new CliError(
			`${logText(prd.file)} changed while its ids were proposed, or has line endings \`ids\` cannot keep; nothing was written.`,
			'Run the command again.',
			1,
		);
	for (const item of proposed) {
		const index = item.line + bodyLine - 2;
		const line = lines[index];
		const carriage = line?.endsWith('\r') ? '\r' : '';
		const content = (carriage ? line!.slice(0, -1) : line)?.replace(/^\uFEFF/, '');
		if (content !== item.before) throw changed();
		lines[index] = `${line!.slice(0, line!.length - carriage.length - item.before.length)}${item.after}${carriage}`;
	}
	const updated = lines.join('\n');
	if (readBack(updated, bodyLine).join() !== proposed.map((item) => item.id).join()) throw changed();
	const temporary = join(dirname(path), `.${prd.id}.ids.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
	try {
		const handle = await open(temporary, 'wx');
		try {
			await handle.writeFile(updated, 'utf8');
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(temporary, path);
	} catch (error) {
		await rm(temporary, { force: true });
		throw error;
	}
}

/** The ids the scan will find in the updated file's body lines. */
function readBack(updated: string, bodyLine: number): string[] {
	const body = updated
		.split('\n')
		.slice(bodyLine - 1)
		.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
		.join('\n');
	return findRequirements(body, ['FR', 'NFR']).map((requirement) => requirement.id);
}
