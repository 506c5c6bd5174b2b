import { canonicalJson, sortedForJson } from "./canonical-json.js";
import type { Plan } from "./plan.js";

/** The embedded snapshot's lists: one entry per line, so that a 10,000-holding plan stays short to read. */
const ONE_LINE_ITEMS = new Set([
  "snapshot.contracts",
  "snapshot.openOrders",
  "snapshot.positions",
  "snapshot.quotes",
]);

/** The objects whose layout differs from JSON.stringify's: the plan itself and its embedded snapshot. */
const LAID_OUT_BY_HAND = new Set(["", "snapshot"]);

/**
 * The plan file's text: the canonical JSON indented for review (keys sorted, two spaces, a final
 * newline), with each entry of the embedded snapshot's lists on one line. The hash is over the
 * canonical form, so layout never changes it.
 *
 * One walk sorts the keys (copying only objects that are not sorted already, as computePlan's are) and
 * refuses what canonical JSON refuses; below the plan and its snapshot, JSON.stringify then writes the
 * sorted values in the layout this function would write by hand, in a fraction of the time.
 */
export function formatPlanFile(plan: Plan): string {
  const { sorted, integerKeys } = sortedForJson(plan);
  return `${pretty(sorted, "", "", !integerKeys)}\n`;
}

/**
 * `native`: JSON.stringify writes the value's keys in canonical order (no integer-like keys, which
 * objects always list first), so it may write whole subtrees; otherwise every object is written here.
 */
function pretty(value: unknown, indent: string, path: string, native: boolean): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (native && !LAID_OUT_BY_HAND.has(path) && !ONE_LINE_ITEMS.has(path)) return indented(value, indent);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const oneLine = ONE_LINE_ITEMS.has(path);
    const items = value.map(
      (item: unknown) =>
        inner +
        (oneLine
          ? native
            ? JSON.stringify(item)
            : canonicalJson(item)
          : pretty(item, inner, `${path}[]`, native)),
    );
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  const record = value as Record<string, unknown>;
  // Sorted already unless integer-like keys came first; entries' values are read as own properties, so a
  // "__proto__" key stays data.
  const keys = Object.keys(record).sort();
  if (keys.length === 0) return "{}";
  const lines = keys.map(
    (key) =>
      `${inner}${JSON.stringify(key)}: ${pretty(record[key], inner, path === "" ? key : `${path}.${key}`, native)}`,
  );
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/**
 * JSON.stringify's two-space layout of `value`, starting at `indent`: written inside as many one-item
 * arrays as the indent is deep, then sliced out of them, so that JSON.stringify indents every line itself
 * (re-indenting 10 MB of text afterwards takes longer than writing it).
 */
function indented(value: unknown, indent: string): string {
  let wrapped: unknown = value;
  for (let depth = 0; depth < indent.length; depth += 2) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  let head = 0;
  let tail = 0;
  // Each wrapper adds "[\n" and its indent before the value, and "\n", its own indent and "]" after it.
  for (let depth = 0; depth < indent.length; depth += 2) {
    head += 2 + depth + 2;
    tail += 1 + depth + 1;
  }
  return text.slice(head, text.length - tail);
}
