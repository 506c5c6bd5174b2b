import { canonicalJson } from "./canonical-json.js";
import type { Plan } from "./plan.js";

/** The embedded snapshot's lists: one entry per line, so that a 10,000-holding plan stays short to read. */
const ONE_LINE_ITEMS = new Set([
  "snapshot.contracts",
  "snapshot.openOrders",
  "snapshot.positions",
  "snapshot.quotes",
]);

/**
 * The plan file's text: the canonical JSON indented for review (keys sorted, two spaces, a final
 * newline), with each entry of the embedded snapshot's lists on one line. The hash is over the
 * canonical form, so layout never changes it.
 */
export function formatPlanFile(plan: Plan): string {
  return `${pretty(JSON.parse(canonicalJson(plan)), "", "")}\n`;
}

function pretty(value: unknown, indent: string, path: string): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const oneLine = ONE_LINE_ITEMS.has(path);
    const items = value.map((item) => inner + (oneLine ? JSON.stringify(item) : pretty(item, inner, "")));
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return "{}";
  const lines = entries.map(
    ([key, item]) =>
      `${inner}${JSON.stringify(key)}: ${pretty(item, inner, path === "" ? key : `${path}.${key}`)}`,
  );
  return `{\n${lines.join(",\n")}\n${indent}}`;
}
