// A problem Docker would refuse a build for, with its line; kept apart from the parser so
// that reporting one does not load it.
export interface DockerfileProblem {
  /** 1-based line */
  line: number;
  message: string;
}

/** Formats problems as `file:line: message` lines. */
export function formatProblems(file: string, problems: DockerfileProblem[]): string {
  return problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n');
}
