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
import { readPlainYaml } from "./plain-yaml.js";
import { validatePortfolioSchema } from "./portfolio-schema.js";
import type { Problem } from "./problem.js";
import { readFileBounded } from "./read-file-bounded.js";
import { checkPortfolioSemantics } from "./semantic-checks.js";
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
  const read = readYamlBytes(bytes, file);
  if (!read.ok) return { ok: false, file, errors: read.errors };
  const { source, data } = read;
  const checked = checkPortfolioData({
    data,
    file,
    early: yamlNodeProblems(read, file),
    place: (path) => ({ file, source, path, rank: 0 }),
  });
  return checked.ok ? { ok: true, file, portfolio: checked.portfolio, sha256 } : { ...checked, file };
}

/** One YAML document read: its data, where its fields are, and what the full reader found in its tree. */
export interface ReadYaml {
  ok: true;
  data: unknown;
  source: SourceLocator;
  /** Foreign tags, duplicate keys, odd keys: only the full reader finds them (the plain one leaves them to it). */
  nodeProblems: LocatedProblem[];
}

/** Bytes -> text -> one YAML document, under the loader's limits (see decode-yaml-text.ts). */
export function readYamlBytes(
  bytes: Uint8Array,
  file: string,
): ReadYaml | { ok: false; errors: Diagnostic[] } {
  const decoded = decodeYamlText(bytes, file);
  if (!decoded.ok) return { ok: false, errors: decoded.errors };
  // Plain YAML (nearly every file) is read fast; the full reader explains everything else.
  const plain = readPlainYaml(decoded.text);
  if (plain !== undefined) return { ok: true, data: plain.data, source: plain.locator, nodeProblems: [] };
  const parsed = parseYamlDocument(decoded.text, file);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    data: parsed.data,
    source: documentLocator(parsed.source),
    nodeProblems: checkYamlNodes(parsed.source),
  };
}

/**
 * Where a problem about a field of the document being checked is reported: the file and YAML source
 * that wrote it and the field's path there. A portfolio resolved from a model and an account file is
 * one document to check, written by two files; `rank` orders the files' problems.
 */
export interface Placement {
  file: string;
  source: SourceLocator;
  path: PathSegment[];
  rank: number;
}

export interface PortfolioCheck {
  /** The parsed document; the schema fills its defaults in. */
  data: unknown;
  /** For the line saying how many problems are not shown. */
  file: string;
  /** Problems found before the schema (in the YAML tree itself), already placed. */
  early: Found[];
  place: (path: PathSegment[]) => Placement;
}

/** The YAML-tree problems of one file (foreign tags, duplicate keys...), placed in it. */
export function yamlNodeProblems(read: ReadYaml, file: string): Found[] {
  const { source } = read;
  return read.nodeProblems.map((problem) => ({
    offset: problem.offset,
    describe: () => toDiagnostic(problem, source, file, problem.offset),
    ...(problem.at === "value" ? { taggedPath: formatFieldPath(problem.path) } : {}),
  }));
}

/** Schema, then semantic rules; every problem placed where `place` says the field was written. */
export function checkPortfolioData(
  input: PortfolioCheck,
): { ok: true; portfolio: Portfolio } | { ok: false; errors: Diagnostic[] } {
  const { data, place } = input;
  const written = structuredClone(data);
  // A hostile file can hold 100,000 problems: each one gets a place in the text, cheaply, for ordering;
  // only the first MAX_DIAGNOSTICS get a message, a line and a column.
  const found: Found[] = [...input.early];
  const offsetAt = (path: PathSegment[], at: "key" | "value"): number => {
    const where = place(path);
    return where.rank * RANK_STRIDE + where.source.offsetOf(where.path, at);
  };
  const describeAt = (problem: Problem): Diagnostic => {
    const where = place(problem.path);
    // The field is named as the file at fault writes it (an account file's `targets.VTI`).
    return toDiagnostic(
      { ...problem, path: where.path },
      where.source,
      where.file,
      where.source.offsetOf(where.path, problem.at),
    );
  };
  // A value with a foreign tag (`!!binary`) is reported once, for the tag, not again for its type.
  const taggedPaths = new Set(input.early.flatMap((p) => (p.taggedPath === undefined ? [] : [p.taggedPath])));
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
      offset: offsetAt(item.place.path, item.place.at),
      describe: () => {
        const where = place(item.path);
        return describeAt(
          describeAjvError(item.error, {
            path: item.path,
            sourceText: where.source.scalarSourceAt(where.path),
          }),
        );
      },
    });
  }
  // A field that already failed the schema gets no second message from the semantic rules.
  const semanticProblems = checkPortfolioSemantics({ data, written });
  if (semanticProblems.length > 0) {
    const failed = new Set(schemaErrors.map((item) => formatFieldPath(item.place.path)));
    for (const problem of semanticProblems) {
      if (failed.has(formatFieldPath(problem.path))) continue;
      found.push({ offset: offsetAt(problem.path, problem.at), describe: () => describeAt(problem) });
    }
  }
  if (found.length > 0) return { ok: false, errors: describeFirst(found, input.file) };

  const portfolio = data as Portfolio;
  for (const target of portfolio.targets) target.currency ??= portfolio.baseCurrency;
  return { ok: true, portfolio };
}

/** Problems of a later file sort after every problem of an earlier one (files are under 1 MiB). */
const RANK_STRIDE = 2 ** 32;

/** A problem found, placed in the text but not yet described. */
export interface Found {
  offset: number;
  describe: () => Diagnostic;
  /** Set for a value with a foreign tag: its field path, which gets no second message for its type. */
  taggedPath?: string;
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

export function toDiagnostic(
  problem: Problem,
  source: SourceLocator,
  file: string,
  offset: number,
): Diagnostic {
  const diagnostic: Diagnostic = {
    file,
    ...source.positionOfOffset(offset),
    path: formatFieldPath(problem.path),
    message: problem.message,
  };
  if (problem.hint !== undefined) diagnostic.hint = problem.hint;
  return diagnostic;
}

/** The first MAX_DIAGNOSTICS problems by place in the file, described, and a count of the others. */
export function describeFirst(found: Found[], file: string): Diagnostic[] {
  // Stable: problems at one place keep the order in which they were found.
  const ordered = [...found].sort((a, b) => a.offset - b.offset);
  const shown = ordered.slice(0, MAX_DIAGNOSTICS).map((item) => item.describe());
  if (ordered.length > MAX_DIAGNOSTICS) shown.push(problemsNotShown(file, ordered.length - MAX_DIAGNOSTICS));
  return shown;
}
