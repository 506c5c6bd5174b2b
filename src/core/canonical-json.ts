/**
 * JSON with object keys sorted (by UTF-16 code units, as RFC 8785 does), no insignificant whitespace,
 * and numbers and strings written as JSON.stringify writes them. Two equal documents give the same bytes
 * whatever order their keys were built in, which is what a hash needs. Keys whose value is undefined are
 * left out, as JSON.stringify does; NaN and infinities are refused rather than turned into null.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, "");
  return out.join("");
}

function write(value: unknown, out: string[], path: string): void {
  if (value === null) {
    out.push("null");
    return;
  }
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path || "value"} is ${value}`);
      out.push(JSON.stringify(value));
      return;
    case "string":
    case "boolean":
      out.push(JSON.stringify(value));
      return;
    case "object":
      break;
    default:
      throw new TypeError(`canonical JSON: ${path || "value"} is a ${typeof value}`);
  }
  if (Array.isArray(value)) {
    out.push("[");
    value.forEach((item, i) => {
      if (i > 0) out.push(",");
      write(item, out, `${path}[${i}]`);
    });
    out.push("]");
    return;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  out.push("{");
  keys.forEach((key, i) => {
    if (i > 0) out.push(",");
    out.push(JSON.stringify(key), ":");
    write(record[key], out, path === "" ? key : `${path}.${key}`);
  });
  out.push("}");
}
