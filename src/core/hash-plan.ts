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
 */
export function hashSortedPlan(plan: Omit<Plan, "hash">): string {
  return sha256(JSON.stringify(plan));
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
