import { canonicalJson } from "./canonical-json.js";
import type { Plan } from "./plan.js";

/**
 * The plan file's text: the canonical JSON indented for review (keys sorted, two spaces, a final
 * newline). The hash is over the canonical form, so indentation never changes it.
 */
export function formatPlanFile(plan: Plan): string {
  return JSON.stringify(JSON.parse(canonicalJson(plan)), null, 2) + "\n";
}
