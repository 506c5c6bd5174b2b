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
  // One join at the end: the text comes out in one piece, not as a chain that writing it would copy again.
  const out: string[] = [];
  write(sorted, "", "", !integerKeys, out);
  out.push("\n");
  return out.join("");
}

/**
 * Appends the value's text to `out`. `native`: JSON.stringify writes the value's keys in canonical order
 * (no integer-like keys, which objects always list first), so it may write whole subtrees; otherwise
 * every object is written here.
 */
function write(value: unknown, indent: string, path: string, native: boolean, out: string[]): void {
  if (value === null || typeof value !== "object") {
    out.push(JSON.stringify(value));
    return;
  }
  const inner = `${indent}  `;
  // Lists are written item by item even where JSON.stringify could write them whole: a 10,000-order list
  // in one call makes a 4 MB text out of many parts that joining would copy once more.
  if (Array.isArray(value)) {
    if (value.length === 0) {
      out.push("[]");
      return;
    }
    const oneLine = ONE_LINE_ITEMS.has(path);
    value.forEach((item: unknown, i) => {
      out.push(i === 0 ? `[\n${inner}` : `,\n${inner}`);
      if (oneLine) out.push(native ? JSON.stringify(item) : canonicalJson(item));
      else if (native) out.push(indented(item, inner));
      else write(item, inner, `${path}[]`, native, out);
    });
    out.push(`\n${indent}]`);
    return;
  }
  if (native && !LAID_OUT_BY_HAND.has(path)) {
    out.push(indented(value, indent));
    return;
  }
  const record = value as Record<string, unknown>;
  // Sorted already unless integer-like keys came first; values are read as own properties, so a
  // "__proto__" key stays data.
  const keys = Object.keys(record).sort();
  if (keys.length === 0) {
    out.push("{}");
    return;
  }
  keys.forEach((key, i) => {
    out.push(`${i === 0 ? "{" : ","}\n${inner}${JSON.stringify(key)}: `);
    write(record[key], inner, path === "" ? key : `${path}.${key}`, native, out);
  });
  out.push(`\n${indent}}`);
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
