import { printable } from './text/plain-text.ts';

/** One thing wrong with a user's file, said so that they can fix it without reading code. */
export interface Problem {
	/** Path of the file, relative to the project root, with `/` separators. */
	file: string;
	/** Frontmatter field or other location inside the file, when there is one. */
	field?: string;
	/** What is wrong. */
	message: string;
	/** What to do about it. */
	hint: string;
}

/**
 * One line per problem: `prds/x.md › status: message. hint`. File names, field names and values
 * quoted in messages come from users' files: they are shown with control characters escaped, so a
 * problem is always exactly one line of the log (and cannot forge a CI workflow command).
 */
export function formatProblem(problem: Problem): string {
	const where = problem.field ? `${printable(problem.file, 300)} › ${printable(problem.field, 300)}` : printable(problem.file, 300);
	return `${where}: ${printable(problem.message, 2000)} ${printable(problem.hint, 2000)}`;
}

/** A bulleted list of problems for an error message or a log. */
export function formatProblems(problems: readonly Problem[]): string {
	return problems.map((problem) => `- ${formatProblem(problem)}`).join('\n');
}
