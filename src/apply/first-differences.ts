export interface FieldDifference {
  /** Where, as in `orders[0].quantity`. */
  path: string;
  /** Each side's value as JSON (shortened), or `nothing` where the field is missing. */
  left: string;
  right: string;
}

const SHOWN_CHARACTERS = 80;

/**
 * The first `limit` leaves (in document order, object keys sorted) where two JSON values differ. Arrays
 * are compared index by index: a removed item shows as the items after it moving up.
 */
export function firstDifferences(left: unknown, right: unknown, limit: number): FieldDifference[] {
  const found: FieldDifference[] = [];
  walk(left, right, "", found, limit);
  return found;
}

function walk(left: unknown, right: unknown, path: string, found: FieldDifference[], limit: number): void {
  if (found.length >= limit) return;
  if (isContainer(left) && isContainer(right) && Array.isArray(left) === Array.isArray(right)) {
    if (Array.isArray(left) && Array.isArray(right)) {
      for (let i = 0; i < Math.max(left.length, right.length); i++) {
        walk(left[i], right[i], `${path}[${i}]`, found, limit);
      }
      return;
    }
    const l = left as Record<string, unknown>;
    const r = right as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(l), ...Object.keys(r)])].sort();
    for (const key of keys) {
      const lv = Object.hasOwn(l, key) ? l[key] : undefined;
      const rv = Object.hasOwn(r, key) ? r[key] : undefined;
      walk(lv, rv, path === "" ? key : `${path}.${key}`, found, limit);
    }
    return;
  }
  if (JSON.stringify(left) === JSON.stringify(right)) return;
  found.push({ path: path === "" ? "(the whole document)" : path, left: shown(left), right: shown(right) });
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

function shown(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS - 1)}…` : text;
}
