import { readFileSync } from "node:fs";
import type { Ajv2020 } from "ajv/dist/2020.js";
import { createAjv } from "../../../src/config/ajv.js";
import type { CompiledValidators, ContractValidator } from "./compiled-contract.js";

// The committed subset of GitHub's REST description (scripts/extract-github-openapi.ts writes it).
const SUBSET_PATH = new URL("./openapi-subset.json", import.meta.url);
export const DEFS_ID = "https://fake-github.test/rest-schemas";

interface SubsetParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: Record<string, unknown>;
}

interface SubsetOperation {
  operationId: string;
  parameters: SubsetParameter[];
  requestBody?: { required: boolean; schema: unknown };
  responses: Record<string, { schema?: unknown }>;
}

export interface Subset {
  paths: Record<string, Record<string, SubsetOperation>>;
  components: { schemas: Record<string, unknown> };
}

export interface RouteMatch {
  operationId: string;
  template: string;
  /** Path parameters, decoded, and query parameters, coerced to the types the description gives. */
  params: Record<string, string | number | boolean>;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  literals: number;
  operation: SubsetOperation;
}

/**
 * GitHub's REST contract for the routes the fake serves: finds the operation a request is for and says
 * what in a request or a response does not match the description.
 */
export class OpenApiContract {
  private readonly routes: Route[];
  private ajv: Ajv2020 | undefined;
  private readonly validators: Map<string, ContractValidator>;

  /**
   * `compiled`: validators made ahead of time from this same subset (compiled-contract.ts), keyed as
   * `check` looks them up; a schema without one is compiled on first use.
   */
  constructor(
    private readonly subset: Subset = readSubset(),
    compiled: CompiledValidators = new Map(),
  ) {
    this.validators = new Map(compiled);
    this.routes = [];
    for (const [template, methods] of Object.entries(subset.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        this.routes.push(compileRoute(method.toUpperCase(), template, operation));
      }
    }
    // A literal segment beats a parameter (`issues/comments/{id}` before `issues/{number}/...`).
    this.routes.sort((a, b) => b.literals - a.literals);
  }

  operationIds(): string[] {
    return this.routes.map((route) => route.operation.operationId);
  }

  /** The operation for a request, with its parameters, plus every way the request breaks the contract. */
  matchRequest(
    method: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
  ): { match: RouteMatch | undefined; violations: string[] } {
    const route = this.routes.find(
      (candidate) => candidate.method === method && candidate.pattern.test(pathname),
    );
    if (!route)
      return { match: undefined, violations: [`${method} ${pathname}: no such route in the subset`] };
    const violations: string[] = [];
    const params: RouteMatch["params"] = {};
    const found = route.pattern.exec(pathname) ?? [];
    route.names.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1] ?? "");
    });
    const known = new Set<string>();
    for (const parameter of route.operation.parameters) {
      known.add(parameter.name);
      const raw = parameter.in === "path" ? params[parameter.name] : (query.get(parameter.name) ?? undefined);
      if (raw === undefined) {
        if (parameter.required) violations.push(`${parameter.in} parameter ${parameter.name} is required`);
        continue;
      }
      const value = coerce(String(raw), parameter.schema);
      const problems = this.check(parameter.schema, value);
      if (problems) violations.push(`${parameter.in} parameter ${parameter.name}: ${problems}`);
      params[parameter.name] = value as string | number | boolean;
    }
    for (const name of query.keys()) {
      if (!known.has(name)) violations.push(`query parameter ${name} is not in the description`);
    }
    const requestBody = route.operation.requestBody;
    if (requestBody) {
      if (body === undefined) {
        if (requestBody.required) violations.push("request body is required");
      } else {
        const problems = this.check(requestBody.schema, body);
        if (problems) violations.push(`request body: ${problems}`);
      }
    } else if (body !== undefined) {
      violations.push("request body sent to an operation that takes none");
    }
    const prefixed = violations.map(
      (violation) => `${method} ${pathname} (${route.operation.operationId}): ${violation}`,
    );
    return {
      match: { operationId: route.operation.operationId, template: route.template, params },
      violations: prefixed,
    };
  }

  /**
   * What is wrong with a response. An error status the description does not list (GitHub documents few
   * 401s and 404s) must still be GitHub's basic error shape.
   */
  checkResponse(operationId: string, status: number, body: unknown): string | undefined {
    const route = this.routes.find((candidate) => candidate.operation.operationId === operationId);
    if (!route) return `${operationId}: unknown operation`;
    const documented = route.operation.responses[String(status)];
    let schema: unknown;
    if (documented) schema = documented.schema;
    else if (status >= 400) schema = BASIC_ERROR;
    else return `${operationId}: status ${status} is not a documented response`;
    if (schema === undefined) {
      return body === undefined ? undefined : `${operationId} ${status}: the description has no body here`;
    }
    const problems = this.check(schema, body);
    return problems ? `${operationId} ${status} response: ${problems}` : undefined;
  }

  private check(schema: unknown, value: unknown): string | undefined {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.compiler().compile(rewriteRefs(schema) as object);
      this.validators.set(key, validate);
    }
    if (validate(value)) return undefined;
    return (validate.errors ?? [])
      .slice(0, 8)
      .map((error) => `${error.instancePath || "/"} ${error.message ?? "is invalid"}`)
      .join("; ");
  }

  /** The ajv instance holding the description's shared schemas, made when a schema is first compiled. */
  private compiler(): Ajv2020 {
    if (!this.ajv) {
      this.ajv = createAjv({ strict: false });
      this.ajv.addSchema({ $id: DEFS_ID, $defs: rewriteRefs(this.subset.components.schemas) });
    }
    return this.ajv;
  }
}

export function readSubset(): Subset {
  return JSON.parse(readFileSync(SUBSET_PATH, "utf8")) as Subset;
}

/** Every schema `check` can be asked about, once each, keyed as it looks them up. */
export function contractSchemas(subset: Subset): Map<string, unknown> {
  const schemas = new Map<string, unknown>();
  const add = (schema: unknown) => schemas.set(JSON.stringify(schema), schema);
  for (const methods of Object.values(subset.paths)) {
    for (const operation of Object.values(methods)) {
      for (const parameter of operation.parameters) add(parameter.schema);
      if (operation.requestBody) add(operation.requestBody.schema);
      for (const response of Object.values(operation.responses)) {
        if (response.schema !== undefined) add(response.schema);
      }
    }
  }
  add(BASIC_ERROR);
  return schemas;
}

function compileRoute(method: string, template: string, operation: SubsetOperation): Route {
  const names: string[] = [];
  let literals = 0;
  const segments = template.split("/").map((segment, index, all) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (!name) {
      literals += 1;
      return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
    }
    names.push(name);
    // The contents API's {path} is a file path: the last segment may span slashes.
    return name === "path" && index === all.length - 1 ? "(.+)" : "([^/]+)";
  });
  return { method, template, pattern: new RegExp(`^${segments.join("/")}$`), names, literals, operation };
}

function coerce(raw: string, schema: Record<string, unknown>): unknown {
  if (schema["type"] === "integer" || schema["type"] === "number") {
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  if (schema["type"] === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

/** The body of an error status the description does not list. */
const BASIC_ERROR = { $ref: `${DEFS_ID}#/$defs/basic-error` };

/** Points the description's `#/components/schemas/x` references at the shared definitions document. */
export function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string"
        ? value.replace("#/components/schemas/", `${DEFS_ID}#/$defs/`)
        : rewriteRefs(value),
    ]),
  );
}
