// One problem found in an input file: where it is, what is wrong, and how to fix it.
export interface Diagnostic {
  file: string;
  /** 1-based; 0 when the problem is not tied to a place in the file (unreadable, too large). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** Field path in the document, for example `targets[2].weight`; "" for the whole document. */
  path: string;
  message: string;
  hint?: string;
}

/** `portfolio.yaml:12:7: error: targets[2].weight: must be at most 100 (got 140)` */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.path === "" ? "" : `${d.path}: `;
  return `${where}: error: ${field}${d.message}`;
}

/** The error line followed by its `  hint: ...` line, each ending in a newline. */
export function formatDiagnosticWithHint(d: Diagnostic): string {
  return `${formatDiagnostic(d)}\n${d.hint === undefined ? "" : `  hint: ${d.hint}\n`}`;
}

/**
 * A GitHub Actions workflow command that shows the problem on the pull request's diff:
 * `::error file=portfolio.yaml,line=12,col=7::targets[2].weight: must be at most 100 (got 140)`.
 */
export function formatGithubAnnotation(d: Diagnostic): string {
  const properties = [`file=${escapeProperty(d.file)}`];
  if (d.line > 0) properties.push(`line=${d.line}`);
  if (d.line > 0 && d.column > 0) properties.push(`col=${d.column}`);
  const field = d.path === "" ? "" : `${d.path}: `;
  const text = `${field}${d.message}${d.hint === undefined ? "" : `\nhint: ${d.hint}`}`;
  return `::error ${properties.join(",")}::${escapeData(text)}`;
}

// The runner's own escaping rules for workflow commands (actions/toolkit, command.ts).
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * The last line of a capped list of problems: the ones past the cap are counted, not described (a
 * hostile file can have 100,000 of them, and describing each one costs time nobody reads).
 */
export function problemsNotShown(file: string, count: number): Diagnostic {
  return {
    file,
    line: 0,
    column: 0,
    path: "",
    message: `${count} more problem${count === 1 ? "" : "s"} not shown`,
    hint: "fix the problems above and run again",
  };
}
