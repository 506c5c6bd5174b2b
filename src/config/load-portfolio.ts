// Loads portfolio.yaml: untrusted bytes -> text -> one YAML document (plain-yaml.ts, or the full reader
// for anything but plain YAML) -> schema -> semantic rules ->
// a Portfolio with every default filled in. Bad input never throws; every problem comes back at once,
// each with file:line:col, the field path, what is wrong and how to fix it.
import { createHash } from "node:crypto";
import type { Portfolio } from "../core/portfolio.js";
import type { LocatedProblem } from "./check-yaml-nodes.js";
import { checkYamlNodes } from "./check-yaml-nodes.js";
import { decodeYamlText, MAX_PORTFOLIO_BYTES } from "./decode-yaml-text.js";
import type { ErrorObject } from "ajv";
import type { Diagnostic } from "./diagnostic.js";
import { problemsNotShown } from "./diagnostic.js";
import {
  ajvErrorPlace,
  describeAjvError,
  missingKeyOf,
  suggestedKey,
  unknownKeyOf,
} from "./ajv-error-messages.js";
import type { PathSegment } from "./field-path.js";
import { formatFieldPath, pointerToPath } from "./field-path.js";
import { parseYamlDocument } from "./parse-yaml-document.js";
import { validatePortfolioSchema } from "./portfolio-schema.js";
import type { Problem } from "./problem.js";
import { readFileBounded } from "./read-file-bounded.js";
import { checkPortfolioSemantics } from "./semantic-checks.js";
import { readPlainYaml } from "./plain-yaml.js";
import type { SourceLocator } from "./yaml-locations.js";
import { documentLocator } from "./yaml-locations.js";

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
  // Plain YAML (nearly every portfolio) is read fast; the full reader explains everything else.
  const plain = readPlainYaml(decoded.text);
  if (plain !== undefined) return checkPortfolioData(plain.data, plain.locator, [], file, sha256);
  const parsed = parseYamlDocument(decoded.text, file);
  if (!parsed.ok) return { ok: false, file, errors: parsed.errors };
  return checkPortfolioData(
    parsed.data,
    documentLocator(parsed.source),
    checkYamlNodes(parsed.source),
    file,
    sha256,
  );
}

/** Schema and semantic rules on a read document; `nodeProblems` are the full reader's own findings. */
function checkPortfolioData(
  data: unknown,
  locator: SourceLocator,
  nodeProblems: LocatedProblem[],
  file: string,
  sha256: string,
): LoadPortfolioResult {
  const written = structuredClone(data);
  // A hostile file can hold 100,000 problems: each one gets a place in the text, cheaply, for ordering;
  // only the first MAX_DIAGNOSTICS get a message, a line and a column.
  const found: Found[] = [];
  for (const problem of nodeProblems) {
    found.push({
      offset: problem.offset,
      describe: () => toDiagnostic(problem, locator, file, problem.offset),
    });
  }
  // A value with a foreign tag (`!!binary`) is reported once, for the tag, not again for its type.
  const taggedPaths = new Set(
    nodeProblems.filter((p) => p.at === "value").map((p) => formatFieldPath(p.path)),
  );
  // ajv fills in defaults as it validates; the semantic checks then see the values planning will use.
  const schemaErrors: SchemaError[] = [];
  if (!validatePortfolioSchema(data)) {
    for (const error of validatePortfolioSchema.errors ?? []) {
      const path = pointerToPath(error.instancePath, data);
      if (taggedPaths.size > 0 && taggedPaths.has(formatFieldPath(path))) continue;
      schemaErrors.push({ error, path, place: ajvErrorPlace(error, path) });
    }
  }
  const dropped = requiredWithTypo(schemaErrors);
  for (const item of schemaErrors) {
    if (dropped.has(item)) continue;
    found.push({
      offset: locator.offsetOf(item.place.path, item.place.at),
      describe: () => {
        const problem = describeAjvError(item.error, {
          path: item.path,
          sourceText: locator.scalarSourceAt(item.path),
        });
        return toDiagnostic(problem, locator, file, locator.offsetOf(problem.path, problem.at));
      },
    });
  }
  // A field that already failed the schema gets no second message from the semantic rules.
  const semanticProblems = checkPortfolioSemantics({ data, written });
  if (semanticProblems.length > 0) {
    const failed = new Set(schemaErrors.map((item) => formatFieldPath(item.place.path)));
    for (const problem of semanticProblems) {
      if (failed.has(formatFieldPath(problem.path))) continue;
      const offset = locator.offsetOf(problem.path, problem.at);
      found.push({ offset, describe: () => toDiagnostic(problem, locator, file, offset) });
    }
  }
  if (found.length > 0) return { ok: false, file, errors: describeFirst(found, file) };

  const portfolio = data as Portfolio;
  for (const target of portfolio.targets) target.currency ??= portfolio.baseCurrency;
  return { ok: true, file, portfolio, sha256 };
}

/** A problem found, placed in the text but not yet described. */
interface Found {
  offset: number;
  describe: () => Diagnostic;
}

interface SchemaError {
  error: ErrorObject;
  /** ajv's instancePath as a field path. */
  path: PathSegment[];
  /** The field the message is about (for an unknown key, the key itself) and which part of it. */
  place: { path: PathSegment[]; at: "key" | "value" };
}

/**
 * `weigth:` already says "did you mean `weight`?": a second "missing `weight`" adds nothing. Only the
 * unknown keys next to a missing one are looked up, so a file of 100,000 unknown keys costs no more.
 */
function requiredWithTypo(errors: SchemaError[]): Set<SchemaError> {
  const missing = new Map<string, SchemaError[]>();
  for (const item of errors) {
    if (item.error.keyword !== "required") continue;
    const parent = formatFieldPath(item.path);
    missing.set(parent, [...(missing.get(parent) ?? []), item]);
  }
  const dropped = new Set<SchemaError>();
  if (missing.size === 0) return dropped;
  for (const item of errors) {
    if (item.error.keyword !== "additionalProperties") continue;
    const required = missing.get(formatFieldPath(item.path));
    if (required === undefined) continue;
    const suggestion = suggestedKey(item.path, unknownKeyOf(item.error));
    for (const other of required) if (missingKeyOf(other.error) === suggestion) dropped.add(other);
  }
  return dropped;
}

function toDiagnostic(problem: Problem, locator: SourceLocator, file: string, offset: number): Diagnostic {
  const diagnostic: Diagnostic = {
    file,
    ...locator.positionOfOffset(offset),
    path: formatFieldPath(problem.path),
    message: problem.message,
  };
  if (problem.hint !== undefined) diagnostic.hint = problem.hint;
  return diagnostic;
}

/** The first MAX_DIAGNOSTICS problems by place in the file, described, and a count of the others. */
function describeFirst(found: Found[], file: string): Diagnostic[] {
  // Stable: problems at one place keep the order in which they were found.
  const ordered = [...found].sort((a, b) => a.offset - b.offset);
  const shown = ordered.slice(0, MAX_DIAGNOSTICS).map((item) => item.describe());
  if (ordered.length > MAX_DIAGNOSTICS) shown.push(problemsNotShown(file, ordered.length - MAX_DIAGNOSTICS));
  return shown;
}
