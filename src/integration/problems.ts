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

/** One line per problem: `prds/x.md › status: message. hint` */
export function formatProblem(problem: Problem): string {
	const where = problem.field ? `${problem.file} › ${problem.field}` : problem.file;
	return `${where}: ${problem.message} ${problem.hint}`;
}

/** A bulleted list of problems for an error message or a log. */
export function formatProblems(problems: readonly Problem[]): string {
	return problems.map((problem) => `- ${formatProblem(problem)}`).join('\n');
}
