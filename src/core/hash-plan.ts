import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { Plan } from "./plan.js";

/** SHA-256 (hex) of the canonical JSON of a plan without its `hash` field. */
export function hashPlan(plan: Omit<Plan, "hash"> | Plan): string {
  return sha256(canonicalJson({ ...plan, hash: undefined }));
}

/**
 * hashPlan for a plan whose objects were all built with their keys in sorted order and no undefined
 * values (computePlan builds it so): JSON.stringify then already writes the canonical form, and a
 * 10,000-holding plan is hashed without walking it twice. Tests check that it equals hashPlan.
 *
 * The text goes to the hash field by field (the plan's, then its snapshot's), each list in one
 * JSON.stringify: JSON.stringify of the whole 10 MB plan is slower than of its lists one by one, and
 * hashing it would copy it again; item by item, the 50,000 small strings and their joins cost more than
 * the lists' few large ones (a third of the hashing time at 10,000 targets).
 */
export function hashSortedPlan(plan: Omit<Plan, "hash">): string {
  const hash = createHash("sha256");
  // Keys and brackets are a few characters each: gathered and hashed with the next large piece.
  let pending = "";
  const emit = (text: string): void => {
    if (text.length < CHUNK) {
      pending += text;
      if (pending.length < CHUNK) return;
    } else {
      if (pending !== "") hash.update(pending, "utf8");
      pending = text;
    }
    hash.update(pending, "utf8");
    pending = "";
  };
  writePieces(plan, 0, emit);
  hash.update(pending, "utf8");
  return hash.digest("hex");
}

const CHUNK = 64 * 1024;

/**
 * JSON.stringify(value), emitted in pieces: the plan's and its snapshot's fields one by one, each whole.
 */
function writePieces(value: unknown, depth: number, emit: (text: string) => void): void {
  if (depth > 1 || typeof value !== "object" || value === null || Array.isArray(value) || "toJSON" in value) {
    emit(JSON.stringify(value));
    return;
  }
  let separator = "{";
  for (const [key, child] of Object.entries(value)) {
    // Left out as JSON.stringify leaves them out.
    if (child === undefined || typeof child === "function" || typeof child === "symbol") continue;
    emit(`${separator}${JSON.stringify(key)}:`);
    separator = ",";
    writePieces(child, depth + 1, emit);
  }
  emit(separator === "{" ? "{}" : "}");
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type PlanHashCheck =
  | { ok: true; hash: string }
  | { ok: false; recorded: string | undefined; computed: string | undefined; message: string };

/** Whether a plan read from a file still has the hash it was written with (apply refuses it otherwise). */
export function verifyPlanHash(plan: unknown): PlanHashCheck {
  if (typeof plan !== "object" || plan === null || Array.isArray(plan)) {
    return { ok: false, recorded: undefined, computed: undefined, message: "the plan is not a JSON object" };
  }
  const recorded = (plan as { hash?: unknown }).hash;
  let computed: string;
  try {
    computed = hashPlan(plan as Plan);
  } catch (error) {
    const message = `the plan cannot be hashed: ${(error as Error).message}`;
    return {
      ok: false,
      recorded: typeof recorded === "string" ? recorded : undefined,
      computed: undefined,
      message,
    };
  }
  if (typeof recorded !== "string") {
    return { ok: false, recorded: undefined, computed, message: "the plan has no hash field" };
  }
  if (recorded !== computed) {
    return {
      ok: false,
      recorded,
      computed,
      message: `the plan's content hashes to ${computed.slice(0, 12)}, not to its recorded hash ${recorded.slice(0, 12)}: it was edited after it was made`,
    };
  }
  return { ok: true, hash: computed };
}
