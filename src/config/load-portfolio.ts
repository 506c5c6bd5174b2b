// Loads portfolio.yaml: untrusted bytes -> text -> one YAML document -> schema -> semantic rules ->
// a Portfolio with every default filled in. Bad input never throws; every problem comes back at once,
// each with file:line:col, the field path, what is wrong and how to fix it.
import { createHash } from "node:crypto";
import type { Portfolio } from "../core/portfolio.js";
import { checkYamlNodes } from "./check-yaml-nodes.js";
import { decodeYamlText, MAX_PORTFOLIO_BYTES } from "./decode-yaml-text.js";
import type { Diagnostic } from "./diagnostic.js";
import { describeAjvError } from "./ajv-error-messages.js";
import { formatFieldPath, pointerToPath } from "./field-path.js";
import { parseYamlDocument } from "./parse-yaml-document.js";
import { validatePortfolioSchema } from "./portfolio-schema.js";
import type { Problem } from "./problem.js";
import { readFileBounded } from "./read-file-bounded.js";
import { checkPortfolioSemantics } from "./semantic-checks.js";
import type { YamlSource } from "./yaml-locations.js";
import { positionOf, positionOfOffset, scalarSourceAt } from "./yaml-locations.js";

export type LoadPortfolioResult =
  | { ok: true; portfolio: Portfolio; file: string; /** SHA-256 hex of the file's bytes. */ sha256: string }
  | { ok: false; errors: Diagnostic[]; file: string };

/** A file with thousands of broken targets would print thousands of lines; the first ones are enough. */
export const MAX_DIAGNOSTICS = 100;

/** Reads and validates a portfolio.yaml. Never throws for bad input: problems come back as values. */
export async function loadPortfolioFile(file: string): Promise<LoadPortfolioResult> {
  const read = await readFileBounded(file, MAX_PORTFOLIO_BYTES);
  if (!read.ok) return { ok: false, file, errors: [{ file, line: 0, column: 0, path: "", ...read.problem }] };
  return parsePortfolio(read.bytes, file);
}

/** Validates portfolio.yaml bytes that came from somewhere other than a file (a git ref, the API). */
export function parsePortfolio(bytes: Uint8Array, file: string): LoadPortfolioResult {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const decoded = decodeYamlText(bytes, file);
  if (!decoded.ok) return { ok: false, file, errors: decoded.errors };
  const parsed = parseYamlDocument(decoded.text, file);
  if (!parsed.ok) return { ok: false, file, errors: parsed.errors };
  const { source, data } = parsed;

  const written = structuredClone(data);
  const nodeProblems = checkYamlNodes(source);
  const diagnostics: Diagnostic[] = nodeProblems.map((problem) => ({
    ...toDiagnostic(problem, source, file),
    ...positionOfOffset(source, problem.offset),
  }));
  // A value with a foreign tag (`!!binary`) is reported once, for the tag, not again for its type.
  const taggedPaths = new Set(
    nodeProblems.filter((p) => p.at === "value").map((p) => formatFieldPath(p.path)),
  );
  // ajv fills in defaults as it validates; the semantic checks then see the values planning will use.
  const schemaProblems: Problem[] = [];
  if (!validatePortfolioSchema(data)) {
    for (const error of validatePortfolioSchema.errors ?? []) {
      const path = pointerToPath(error.instancePath, data);
      if (taggedPaths.has(formatFieldPath(path))) continue;
      schemaProblems.push(describeAjvError(error, { path, sourceText: scalarSourceAt(source, path) }));
    }
  }
  // A field that already failed the schema gets no second message from the semantic rules.
  const failed = new Set(schemaProblems.map((problem) => formatFieldPath(problem.path)));
  const semanticProblems = checkPortfolioSemantics({ data, written }).filter(
    (problem) => !failed.has(formatFieldPath(problem.path)),
  );
  for (const problem of [...dropRequiredWhenTypo(schemaProblems), ...semanticProblems]) {
    diagnostics.push(toDiagnostic(problem, source, file));
  }
  if (diagnostics.length > 0) return { ok: false, file, errors: limit(sortByPosition(diagnostics), file) };

  const portfolio = data as Portfolio;
  for (const target of portfolio.targets) target.currency ??= portfolio.baseCurrency;
  return { ok: true, file, portfolio, sha256 };
}

/** `weigth:` already says "did you mean `weight`?": a second "missing `weight`" adds nothing. */
function dropRequiredWhenTypo(problems: Problem[]): Problem[] {
  const suggested = new Set(
    problems.flatMap((problem) => (problem.suggests === undefined ? [] : [problem.suggests])),
  );
  return problems.filter((problem) => problem.requires === undefined || !suggested.has(problem.requires));
}

function toDiagnostic(problem: Problem, source: YamlSource, file: string): Diagnostic {
  const diagnostic: Diagnostic = {
    file,
    ...positionOf(source, problem.path, problem.at),
    path: formatFieldPath(problem.path),
    message: problem.message,
  };
  if (problem.hint !== undefined) diagnostic.hint = problem.hint;
  return diagnostic;
}

function sortByPosition(diagnostics: Diagnostic[]): Diagnostic[] {
  // Stable: problems on one node keep the order in which they were found.
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
}

function limit(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS) return diagnostics;
  return [
    ...diagnostics.slice(0, MAX_DIAGNOSTICS),
    {
      file,
      line: 0,
      column: 0,
      path: "",
      message: `${diagnostics.length - MAX_DIAGNOSTICS} more problems not shown`,
      hint: "fix the problems above and run again",
    },
  ];
}
