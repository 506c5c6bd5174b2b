/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does), no insignificant whitespace,
 * and numbers and strings written as JSON.stringify writes them. Two equal documents give the same bytes
 * whatever order their keys were built in, which is what a hash needs. Keys whose value is undefined are
 * left out, as JSON.stringify does, a value with a toJSON method (a Date) is written as what it returns
 * and a boxed primitive as its value; NaN, infinities and undefined array items are refused rather than
 * turned into null.
 */
export function canonicalJson(value: unknown): string {
  const { sorted, integerKeys } = sortedForJson(value);
  if (!integerKeys) return JSON.stringify(sorted);
  const out: string[] = [];
  write(sorted, out);
  return out.join("");
}

/**
 * The value with every object's keys in sorted order (objects already sorted are not copied) and no
 * undefined object values; NaN, infinities and undefined array items are refused as canonicalJson
 * refuses them. JSON.stringify of `sorted`, with or without indentation, writes the keys in canonical
 * order unless `integerKeys`: objects order integer-like keys ("10", "9") numerically whatever the
 * insertion order, so for those rare documents the text is written out by hand. Plans never have such keys.
 */
export function sortedForJson(value: unknown): { sorted: unknown; integerKeys: boolean } {
  const state: State = { integerKeys: false };
  try {
    return { sorted: sortKeys(value, state), integerKeys: state.integerKeys };
  } catch (error) {
    if (!(error instanceof Unwritable)) throw error;
    const path = error.trail.join("").replace(/^\./, "");
    throw new TypeError(`canonical JSON: ${path === "" ? "the value" : path} is ${error.what}`, {
      cause: error,
    });
  }
}

interface State {
  integerKeys: boolean;
}

/** Thrown up the walk, collecting where the value was, so that the happy path keeps no trail. */
class Unwritable extends Error {
  readonly trail: string[] = [];
  constructor(readonly what: string) {
    super(what);
  }
}

const INTEGER_KEY = /^(0|[1-9][0-9]*)$/;

function isIntegerKey(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && INTEGER_KEY.test(key);
}

function rethrow(error: unknown, segment: string): never {
  if (error instanceof Unwritable) error.trail.unshift(segment);
  throw error;
}

/**
 * The same value with every object's keys in sorted order; objects already sorted are not copied.
 * `key` is the name the value is written under ("" at the top, the index in a list), for toJSON; as
 * JSON.stringify does, what toJSON returns is written as it is (`own`), without calling its own toJSON.
 */
function sortKeys(value: unknown, state: State, key = "", own = false): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "number":
      if (Number.isFinite(value)) return value;
      throw new Unwritable(String(value));
    case "string":
    case "boolean":
      return value;
    case "object":
      break;
    default:
      throw new Unwritable(typeof value);
  }
  // JSON.stringify writes what toJSON returns (a Date's ISO text), and so must the hand-written writer
  // for documents with number-like keys, which would write a Date as {}: the walk writes it once for both.
  const toJSON = own ? undefined : (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return sortKeys(toJSON.call(value, key), state, key, true);
  // Likewise a boxed number, string or boolean (`new Number(1)`) is written as the value it holds.
  if (value instanceof Number || value instanceof String || value instanceof Boolean) {
    return sortKeys(value.valueOf(), state, key, true);
  }
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      let converted: unknown;
      try {
        if (item === undefined) throw new Unwritable("undefined");
        converted = sortKeys(item, state, String(i));
      } catch (error) {
        rethrow(error, `[${i}]`);
      }
      if (converted !== item) items ??= value.slice(0, i);
      if (items !== undefined) items.push(converted);
    }
    return items ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let changed = false;
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) changed = true;
  // Converted children are kept only once something differs: documents built sorted are not copied.
  let children: Map<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const name = keys[i] as string;
    if (!state.integerKeys && isIntegerKey(name)) state.integerKeys = true;
    const child = record[name];
    let converted: unknown;
    try {
      converted = child === undefined ? undefined : sortKeys(child, state, name);
    } catch (error) {
      rethrow(error, `.${name}`);
    }
    if (!changed && (child === undefined || converted !== child)) changed = true;
    if (changed && children === undefined) {
      children = new Map();
      for (let j = 0; j < i; j++) children.set(keys[j] as string, record[keys[j] as string]);
    }
    if (children !== undefined && converted !== undefined) children.set(name, converted);
  }
  if (children === undefined) return value;
  // Object.fromEntries defines properties: `out[key] = ...` would let a "__proto__" key set the
  // prototype instead, dropping it from the text, and two different documents would hash the same.
  return Object.fromEntries([...children.keys()].sort().map((key) => [key, children.get(key)]));
}

function write(value: unknown, out: string[]): void {
  if (value === null || typeof value !== "object") {
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      write(item, out);
    });
    out.push("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  out.push("{");
  keys.forEach((key, i) => {
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    write(record[key], out);
  });
  out.push("}");
}
