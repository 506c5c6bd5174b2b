// Extracts the part of GitHub's REST OpenAPI description that folioctl uses into
// test/support/fake-github/openapi-subset.json, the contract the fake GitHub validates every request
// and response against. The full description is ~13 MB (the package ~400 MB unpacked), too large to be a
// dependency, so fetch it only to run this script:
//
//   tmp=$(mktemp -d) && (cd "$tmp" && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz)
//   node --import ./scripts/register-ts.mjs scripts/extract-github-openapi.ts \
//     "$tmp/package/generated/api.github.com.json"
//   rm -rf "$tmp"
//
// The subset keeps only the operations listed below and the component schemas they reach, drops
// descriptions and examples, and turns OpenAPI 3.0 `nullable` into JSON Schema type unions so that ajv
// (JSON Schema 2020-12) reads it as GitHub means it.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format } from "prettier";

/** Every GitHub REST operation folioctl's Forge or the fake's human-side helpers call. */
export const OPERATION_IDS = [
  "users/get-authenticated",
  "pulls/list",
  "pulls/create",
  "pulls/get",
  "pulls/update",
  "pulls/merge",
  "pulls/list-reviews",
  "pulls/create-review",
  "pulls/list-commits",
  "pulls/dismiss-review",
  "issues/list-comments",
  "issues/create-comment",
  "issues/update-comment",
  "issues/get-label",
  "issues/create-label",
  "issues/add-labels",
  "issues/remove-label",
  "issues/list-events",
  "repos/list-pull-requests-associated-with-commit",
  "repos/create-commit-status",
  "repos/list-commit-statuses-for-ref",
  "repos/get-collaborator-permission-level",
  "repos/get-content",
] as const;

const OUTPUT = fileURLToPath(new URL("../test/support/fake-github/openapi-subset.json", import.meta.url));

// Formats ajv-formats checks; any other format in GitHub's description is an annotation only.
const KNOWN_FORMATS = new Set([
  "date-time",
  "date",
  "time",
  "uri",
  "uri-template",
  "email",
  "uuid",
  "ipv4",
  "ipv6",
]);
// Keywords that are documentation, OpenAPI-only or vendor extensions: none of them constrains a value.
const DROPPED_KEYWORDS = new Set([
  "description",
  "example",
  "examples",
  "externalDocs",
  "xml",
  "discriminator",
  "title",
  "deprecated",
  "readOnly",
  "writeOnly",
]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** The parts of an OpenAPI 3.0 document the extraction reads. */
export interface Spec {
  openapi: string;
  info: { version: string };
  paths: Record<string, JsonObject>;
  components: Record<string, Record<string, JsonObject>>;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows a local `#/components/<kind>/<name>` reference. */
function resolve(spec: Spec, node: JsonObject): JsonObject {
  const ref = node["$ref"];
  if (typeof ref !== "string") return node;
  const [, , kind, name] = ref.split("/");
  const target = kind && name ? spec.components[kind]?.[name] : undefined;
  if (!target) throw new Error(`unresolved reference ${ref}`);
  return resolve(spec, target);
}

/**
 * Converts one OpenAPI 3.0 schema to JSON Schema 2020-12, collecting the component schemas it
 * references so they can be copied too.
 */
function convertSchema(node: Json, reached: Set<string>): Json {
  if (Array.isArray(node)) return node.map((item) => convertSchema(item, reached));
  if (!isObject(node)) return node;
  const ref = node["$ref"];
  if (typeof ref === "string") {
    const name = ref.replace("#/components/schemas/", "");
    if (name === ref) throw new Error(`schema reference outside components/schemas: ${ref}`);
    reached.add(name);
    // OpenAPI 3.0 ignores siblings of $ref; so do we.
    return { $ref: ref };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith("x-") || key === "nullable") continue;
    if (key === "format" && (typeof value !== "string" || !KNOWN_FORMATS.has(value))) continue;
    if (key === "properties" && isObject(value)) {
      // Property names are data, not keywords: convert each value, never filter the names.
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [name, convertSchema(sub, reached)]),
      );
    } else {
      out[key] = convertSchema(value, reached);
    }
  }
  if (node["nullable"] !== true) return out;
  const type = out["type"];
  if (typeof type === "string") {
    out["type"] = [type, "null"];
    if (Array.isArray(out["enum"]) && !out["enum"].includes(null)) out["enum"] = [...out["enum"], null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Json;
}

function convertOperation(
  spec: Spec,
  operation: JsonObject,
  shared: JsonObject[],
  reached: Set<string>,
): JsonObject {
  const parameters: Parameter[] = [];
  // Parameters declared on the path item apply to each of its operations.
  const declared = [...shared, ...((operation["parameters"] as JsonObject[] | undefined) ?? [])];
  for (const raw of declared) {
    const parameter = resolve(spec, raw);
    if (parameter["in"] === "header") continue;
    parameters.push({
      name: String(parameter["name"]),
      in: String(parameter["in"]),
      required: parameter["required"] === true,
      schema: convertSchema(parameter["schema"] ?? {}, reached),
    });
  }
  const out: JsonObject = {
    operationId: operation["operationId"] ?? null,
    summary: operation["summary"] ?? null,
    parameters: parameters as unknown as Json,
  };
  const body = operation["requestBody"];
  if (isObject(body)) {
    const resolved = resolve(spec, body);
    const content = resolved["content"];
    const json = isObject(content) ? content["application/json"] : undefined;
    if (!isObject(json)) throw new Error(`${String(operation["operationId"])}: request body is not JSON`);
    out["requestBody"] = {
      required: resolved["required"] === true,
      schema: convertSchema(json["schema"] ?? {}, reached),
    };
  }
  const responses: JsonObject = {};
  for (const [status, raw] of Object.entries((operation["responses"] as JsonObject | undefined) ?? {})) {
    if (!isObject(raw)) continue;
    const response = resolve(spec, raw);
    const content = response["content"];
    const json = isObject(content) ? content["application/json"] : undefined;
    responses[status] = isObject(json) ? { schema: convertSchema(json["schema"] ?? {}, reached) } : {};
  }
  out["responses"] = responses;
  return out;
}

export function extractSubset(spec: Spec, operationIds: readonly string[]): JsonObject {
  const reached = new Set<string>();
  const paths: Record<string, JsonObject> = {};
  const missing = new Set(operationIds);
  for (const [path, item] of Object.entries(spec.paths)) {
    const shared = Array.isArray(item["parameters"]) ? (item["parameters"] as JsonObject[]) : [];
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation)) continue;
      const id = operation["operationId"];
      if (typeof id !== "string" || !operationIds.includes(id)) continue;
      missing.delete(id);
      (paths[path] ??= {})[method] = convertOperation(spec, operation, shared, reached);
    }
  }
  if (missing.size > 0) throw new Error(`operations not in the description: ${[...missing].join(", ")}`);

  // Copy every schema reachable from the operations, following references transitively.
  const schemas: JsonObject = {};
  const pending = [...reached];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in schemas) continue;
    const source = spec.components["schemas"]?.[name];
    if (!source) throw new Error(`schema ${name} is referenced but not defined`);
    const found = new Set<string>();
    schemas[name] = convertSchema(source, found);
    for (const next of found) if (!(next in schemas)) pending.push(next);
  }
  const sortedSchemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return {
    "x-source": `@octokit/openapi generated/api.github.com.json, GitHub REST ${spec.info.version} (OpenAPI ${spec.openapi})`,
    "x-generated-by": "scripts/extract-github-openapi.ts",
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))) as Json,
    components: { schemas: sortedSchemas },
  };
}

async function main(argv: string[]): Promise<void> {
  const input = argv[0];
  if (!input) {
    process.stderr.write(
      "usage: extract-github-openapi.ts <path to @octokit/openapi generated/api.github.com.json>\n",
    );
    process.exitCode = 64;
    return;
  }
  const spec = JSON.parse(readFileSync(input, "utf8")) as Spec;
  const subset = extractSubset(spec, OPERATION_IDS);
  const text = await format(JSON.stringify(subset), { parser: "json", printWidth: 110 });
  writeFileSync(OUTPUT, text);
  const schemas = Object.keys((subset["components"] as { schemas: JsonObject }).schemas).length;
  process.stdout.write(`wrote ${OUTPUT}: ${OPERATION_IDS.length} operations, ${schemas} schemas\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main(process.argv.slice(2));
}
