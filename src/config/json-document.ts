// Reading a JSON input file (a snapshot, a plan) into Diagnostic values: unreadable, too large, not JSON
// (with the line and column of the syntax error), or not what the schema says (with the field path and,
// where it can be found, the line and column of the field).
import { readFile, stat } from "node:fs/promises";
import type { ErrorObject } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { Diagnostic } from "./diagnostic.js";
import { problemsNotShown } from "./diagnostic.js";

/** Snapshots of 10,000 holdings are a few megabytes; anything past this is not one. */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export type JsonReadResult = { ok: true; value: unknown; text: string } | { ok: false; errors: Diagnostic[] };

export async function readJsonFile(
  file: string,
  what: string,
  maxBytes = MAX_JSON_BYTES,
): Promise<JsonReadResult> {
  const whole = (message: string, hint?: string): JsonReadResult => ({
    ok: false,
    errors: [{ file, line: 0, column: 0, path: "", message, hint }],
  });
  try {
    const info = await stat(file);
    if (!info.isFile()) return whole(`is not a file`, `give the path of a ${what} JSON file`);
    if (info.size > maxBytes) return whole(`is ${info.size} bytes, more than a ${what} can be (${maxBytes})`);
    return parseJsonText((await readFile(file)).toString("utf8"), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    return whole(`cannot read the ${what} file (${code})`, code === "ENOENT" ? "check the path" : undefined);
  }
}

export function parseJsonText(text: string, file: string): JsonReadResult {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) as unknown, text: body };
  } catch (error) {
    const offset = syntaxErrorOffset(body, (error as Error).message);
    const { line, column } = lineAndColumn(body, offset);
    const found = offset >= body.length ? "end of file" : JSON.stringify(body.charAt(offset));
    return {
      ok: false,
      errors: [{ file, line, column, path: "", message: `not valid JSON: unexpected ${found}` }],
    };
  }
}

/**
 * Where JSON.parse gave up. Newer engines say "at position N"; otherwise the shortest prefix that fails
 * for a reason other than ending early ends at the offending character.
 */
function syntaxErrorOffset(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position !== null) return Number(position[1]);
  const failsInside = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const text = (error as Error).message;
      const at = /position (\d+)/.exec(text);
      return !/end of JSON input/i.test(text) && (at === null || Number(at[1]) < length);
    }
  };
  let lo = 0;
  let hi = text.length;
  if (!failsInside(hi)) return text.length;
  while (lo + 1 < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (failsInside(mid)) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

export interface SchemaDiagnosticsLimits {
  /** Diagnostics past this many are counted, not described: one closing line says how many. */
  max?: number;
  /** Texts longer than this get no line and column: finding them parses the whole text again. */
  locateUpTo?: number;
}

/** ajv's errors as diagnostics: one per field and problem, with positions found in the text. */
export function schemaDiagnostics(
  errors: ErrorObject[],
  text: string,
  file: string,
  limits: SchemaDiagnosticsLimits = {},
): Diagnostic[] {
  const max = limits.max ?? Infinity;
  const locate =
    text.length <= (limits.locateUpTo ?? Infinity) ? locator(text) : () => ({ line: 0, column: 0 });
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  let unshown = 0;
  for (const error of errors) {
    if (error.keyword === "if" || error.keyword === "propertyNames") continue;
    const segments = pointerSegments(error.instancePath);
    if (error.propertyName !== undefined) segments.push(error.propertyName);
    let message = error.message ?? "is invalid";
    let hint: string | undefined;
    let at: "key" | "value" = "value";
    const params = error.params as Record<string, unknown>;
    if (error.keyword === "required") {
      segments.push(String(params["missingProperty"]));
      message = "is required";
      at = "key";
    } else if (error.keyword === "additionalProperties") {
      segments.push(String(params["additionalProperty"]));
      message = "is not a known field";
      hint = "remove it, or check its spelling";
      at = "key";
    } else if (error.keyword === "enum") {
      message = `must be one of: ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    } else if (error.keyword === "format" && params["format"] === "date-time") {
      message = "must be an ISO 8601 date and time with a zone, for example 2026-11-24T15:00:00Z";
    } else if (error.propertyName !== undefined) {
      message = `is not an allowed key here (${message})`;
      at = "key";
    } else if (error.keyword === "false schema") {
      message = "must not be present here";
    }
    const path = formatPath(segments);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (out.length >= max) {
      unshown += 1;
      continue;
    }
    const { line, column } = locate(segments, at);
    out.push({ file, line, column, path, message, ...(hint === undefined ? {} : { hint }) });
  }
  if (unshown > 0) out.push(problemsNotShown(file, unshown));
  return out;
}

function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

/** `positions[2].conId`, `exchangeRates.EUR`. */
export function formatPath(segments: (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

/**
 * Finds where a field is in the text. JSON is YAML, so the yaml parser gives every node its range; the
 * nearest existing ancestor answers for a missing field. Text yaml cannot parse gets no position.
 */
function locator(
  text: string,
): (segments: (string | number)[], at: "key" | "value") => { line: number; column: number } {
  let root: Node | null | undefined;
  const counter = new LineCounter();
  const none = { line: 0, column: 0 };
  return (segments, at) => {
    if (root === undefined) {
      try {
        const document = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
        root = document.errors.length > 0 ? null : (document.contents as Node | null);
      } catch {
        root = null;
      }
    }
    let node: Node | null | undefined = root;
    let range: [number, number, number] | undefined = node?.range ?? undefined;
    for (const segment of segments) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        const key = pair.key as Node;
        const value = pair.value as Node | null;
        range =
          (at === "key" && segment === segments[segments.length - 1] ? key.range : value?.range) ??
          key.range ??
          range;
        node = value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        range = item.range ?? range;
        node = item;
      } else break;
    }
    if (range === undefined || root === null) return none;
    const { line, col } = counter.linePos(range[0]);
    return { line, column: col };
  };
}
