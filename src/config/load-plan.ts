import { createHash } from "node:crypto";
import type { Plan } from "../core/plan.js";
import { validatePlanAllErrors } from "../generated/plan-validator-all-errors.js";
import { validatePlanFirstError } from "../generated/plan-validator-first-error.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseJsonText, readJsonFile, schemaDiagnostics, type JsonReadResult } from "./json-document.js";
import { MAX_DIAGNOSTICS } from "./load-portfolio.js";

export type LoadPlanResult =
  | { ok: true; plan: Plan; file: string; /** SHA-256 hex of the file's text. */ sha256: string }
  | {
      ok: false;
      errors: Diagnostic[];
      file: string;
      /** The parsed JSON when the file was JSON but not a valid plan: callers may say why (format, edits). */
      document?: unknown;
    };

/**
 * A plan for 10,000 targets, with its orders, weights and the snapshot it embeds, is about 10 MB of
 * JSON; 32 MiB leaves three times that and refuses anything far beyond before it is parsed.
 */
export const MAX_PLAN_BYTES = 32 * 1024 * 1024;
/**
 * No list in a plan (orders, weights, warnings, the snapshot's positions and quotes) comes near this for
 * 10,000 targets; a longer one is refused without validating its items, so that validation stays bounded.
 */
export const MAX_PLAN_LIST_ITEMS = 50_000;
// Finding a problem's line parses the text again; past this size the field path alone says where.
const LOCATE_UP_TO = 64 * 1024;
// How many items of each list are checked for all their problems (see check).
const ALL_ERRORS_ITEMS = 100;

// A valid plan passes the first validator, which stops at the first problem; only an invalid one is
// checked again for all of its problems, to report them.
// Both know the snapshot schema that the plan's embedded snapshot refers to; both are compiled at build
// time (scripts/compile-schemas.ts).
const validateFast = validatePlanFirstError;
const validateAll = validatePlanAllErrors;

/** schema/plan.schema.json, with the snapshot schema its embedded snapshot refers to. */
export const validatePlanDocument = validateFast;

/**
 * Reads a plan file and checks it against schema/plan.schema.json. It does not check the plan's hash:
 * callers that execute a plan call verifyPlanHash, so that a tampered plan is reported as such.
 */
export async function loadPlanFile(file: string): Promise<LoadPlanResult> {
  return check(await readJsonFile(file, "plan", MAX_PLAN_BYTES), file);
}

export function parsePlan(text: string, file: string): LoadPlanResult {
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > MAX_PLAN_BYTES) {
    return {
      ok: false,
      file,
      errors: [whole(file, `is ${bytes} bytes, more than a plan can be (${MAX_PLAN_BYTES})`)],
    };
  }
  return check(parseJsonText(text, file), file);
}

function check(read: JsonReadResult, file: string): LoadPlanResult {
  if (!read.ok) return { ok: false, file, errors: read.errors };
  const tooLong = longestList(read.value);
  if (tooLong && tooLong.length > MAX_PLAN_LIST_ITEMS) {
    const where = tooLong.path === "" ? "the document" : tooLong.path;
    return {
      ok: false,
      file,
      document: read.value,
      errors: [
        whole(
          file,
          `${where} has ${tooLong.length} items, more than a plan can have (${MAX_PLAN_LIST_ITEMS})`,
        ),
      ],
    };
  }
  if (!validateFast(read.value)) {
    // ajv's all-errors mode takes time quadratic in the number of failing items (4,000 bad orders: 20 s),
    // so it sees only the first items of each list; when their problems lie further on, the first
    // problem the fast validator met is reported alone.
    const first = validateFast.errors ?? [];
    const all = validateAll(firstItems(read.value, ALL_ERRORS_ITEMS)) ? [] : (validateAll.errors ?? []);
    const errors = schemaDiagnostics(all.length > 0 ? all : first, read.text, file, {
      max: MAX_DIAGNOSTICS,
      locateUpTo: LOCATE_UP_TO,
    });
    return { ok: false, file, errors, document: read.value };
  }
  const sha256 = createHash("sha256").update(read.text, "utf8").digest("hex");
  return { ok: true, file, plan: read.value as unknown as Plan, sha256 };
}

function whole(file: string, message: string): Diagnostic {
  return {
    file,
    line: 0,
    column: 0,
    path: "",
    message,
    hint: "plans are written by `folioctl plan` or `folioctl propose`, never by hand",
  };
}

/** A copy of a parsed JSON value with every array cut to its first `count` items. */
function firstItems(value: unknown, count: number): unknown {
  if (Array.isArray(value)) return value.slice(0, count).map((item) => firstItems(item, count));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, firstItems(item, count)]));
}

/** The longest array anywhere in a parsed JSON value, and where it is (`orders`, `snapshot.positions`). */
function longestList(value: unknown): { path: string; length: number } | undefined {
  let best: { path: string; length: number } | undefined;
  const stack: Array<{ node: unknown; path: string }> = [{ node: value, path: "" }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: string };
    if (Array.isArray(node)) {
      if (!best || node.length > best.length) best = { path, length: node.length };
      // Items of an overlong list are not looked into: the list alone refuses the plan.
      if (node.length > MAX_PLAN_LIST_ITEMS) continue;
      node.forEach((item, index) => stack.push({ node: item, path: `${path}[${index}]` }));
    } else if (node !== null && typeof node === "object") {
      for (const [key, item] of Object.entries(node)) {
        stack.push({ node: item, path: path === "" ? key : `${path}.${key}` });
      }
    }
  }
  return best;
}
