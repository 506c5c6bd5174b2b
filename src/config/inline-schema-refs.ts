import { isRecord } from "./field-path.js";

/**
 * The schema with every `#/$defs/...` reference replaced by its definition (keywords next to a `$ref`
 * win over the definition's). ajv compiles a `$ref` to a separate function and appends that function's
 * errors with `concat`, once per failing list entry: 30,000 targets with one mistake each made
 * validation quadratic (about a minute). Inlined, every error is pushed once.
 */
export function inlineSchemaRefs(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = isRecord(schema["$defs"]) ? schema["$defs"] : {};
  const definition = (ref: string): unknown => {
    const target = defs[ref.replace(/^#\/\$defs\//, "")];
    return isRecord(target) && typeof target["$ref"] === "string" ? definition(target["$ref"]) : target;
  };
  const inline = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(inline);
    if (!isRecord(node)) return node;
    const { $ref: ref, ...rest } = node;
    const copy = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, inline(value)]));
    if (typeof ref !== "string") return copy;
    return { ...(inline(definition(ref)) as Record<string, unknown>), ...copy };
  };
  return inline(schema) as Record<string, unknown>;
}
