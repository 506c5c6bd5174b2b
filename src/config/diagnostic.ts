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

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.path === "" ? "" : `${d.path}: `;
  return `${where}: error: ${field}${d.message}`;
}
