// The portfolio schema's validator and a small reader over it: which keys are allowed where and what each
// means, so that messages about unknown or missing keys can name the right ones.
import schema from "../../schema/portfolio.schema.json" with { type: "json" };
import { validatePortfolio } from "../generated/portfolio-validator.js";
import type { PathSegment } from "./field-path.js";
import type { SchemaValidator } from "./schema-validator.js";
import { isRecord } from "./field-path.js";

export interface SchemaNode {
  type?: string;
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  enum?: unknown[];
  default?: unknown;
  $ref?: string;
  [keyword: string]: unknown;
}

export const portfolioSchema = schema as unknown as SchemaNode;

/** Checks a parsed portfolio against the schema; compiled at build time (scripts/compile-schemas.ts). */
export const validatePortfolioSchema: SchemaValidator = validatePortfolio;

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  if (node?.$ref === undefined) return node;
  const name = node.$ref.replace(/^#\/\$defs\//, "");
  const defs = portfolioSchema["$defs"];
  return isRecord(defs) ? resolve(defs[name] as SchemaNode | undefined) : undefined;
}

/** The schema of the field at `path`, following `items` and `$ref`; undefined outside the schema. */
export function schemaAt(path: readonly PathSegment[]): SchemaNode | undefined {
  let node = resolve(portfolioSchema);
  for (const segment of path) {
    if (node === undefined) return undefined;
    node = typeof segment === "number" ? resolve(node.items) : resolve(node.properties?.[segment]);
  }
  return node;
}

let objects: readonly { path: PathSegment[]; node: SchemaNode }[] | undefined;

/**
 * Every object in the schema with the path that reaches it (`[]`, `["cash"]`, `["targets", 0]`...).
 * Computed once: a file with thousands of unknown keys asks for each of them.
 */
export function schemaObjects(): readonly { path: PathSegment[]; node: SchemaNode }[] {
  objects ??= collectSchemaObjects();
  return objects;
}

function collectSchemaObjects(): { path: PathSegment[]; node: SchemaNode }[] {
  const found: { path: PathSegment[]; node: SchemaNode }[] = [];
  const visit = (path: PathSegment[], node: SchemaNode | undefined): void => {
    if (node === undefined) return;
    if (node.properties !== undefined) {
      found.push({ path, node });
      for (const [key, child] of Object.entries(node.properties)) visit([...path, key], resolve(child));
    }
    if (node.items !== undefined) visit([...path, 0], resolve(node.items));
  };
  visit([], resolve(portfolioSchema));
  return found;
}
