// ajv's wording ("must NOT have additional properties", "must match pattern ...") turned into messages
// that say what the field needs, quote what was written, and how to fix it.
import type { ErrorObject } from "ajv";
import { describeValue } from "./describe-value.js";
import type { PathSegment } from "./field-path.js";
import { formatFieldPath } from "./field-path.js";
import { describeInvisible, withoutInvisible } from "./invisible-characters.js";
import type { SchemaNode } from "./portfolio-schema.js";
import { schemaAt, schemaObjects } from "./portfolio-schema.js";
import type { Problem } from "./problem.js";
import { suggestKey } from "./suggest-key.js";

/** What a pattern-checked field must look like, by field name (ajv would print the regular expression). */
const PATTERN_MESSAGES: Record<string, { expected: string; example: string }> = {
  account: { expected: "an IB account id", example: "DU1234567 or U1234567" },
  baseCurrency: { expected: "a three-letter ISO 4217 currency code", example: "USD" },
  currency: { expected: "a three-letter ISO 4217 currency code", example: "USD" },
  symbol: {
    expected: "a ticker as IB spells it (capitals, digits, `.`, `-`, single spaces)",
    example: "VTI or BRK B",
  },
  exchange: { expected: "an IB exchange code", example: "SMART" },
  primaryExchange: { expected: "an IB exchange code", example: "ARCA or NASDAQ" },
  planTtl: { expected: "a whole number and a unit (s, m, h or d)", example: "4h or 30m" },
};

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  integer: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "a mapping of keys to values",
  array: "a list",
};

export interface ErrorContext {
  /** The field path of the error (ajv's instancePath parsed). */
  path: PathSegment[];
  /** The scalar as written in the YAML, for quoting numbers exactly. */
  sourceText: string | undefined;
}

/**
 * The field a message about `error` is about, and which part of it, without describing it: the loader
 * orders every problem by place and describes only the ones it shows. `describeAjvError` returns the same.
 */
export function ajvErrorPlace(
  error: ErrorObject,
  path: PathSegment[],
): { path: PathSegment[]; at: "key" | "value" } {
  switch (error.keyword) {
    case "additionalProperties":
      return { path: [...path, unknownKeyOf(error)], at: "key" };
    case "required":
      return { path, at: "key" };
    default:
      return { path, at: "value" };
  }
}

/** The key an `additionalProperties` error is about. */
export function unknownKeyOf(error: ErrorObject): string {
  return String((error.params as { additionalProperty: string }).additionalProperty);
}

/** The key a `required` error says is missing. */
export function missingKeyOf(error: ErrorObject): string {
  return String((error.params as { missingProperty: string }).missingProperty);
}

/** The allowed key that an unknown `key` under `parent` is probably a typo of. */
export function suggestedKey(parent: PathSegment[], key: string): string | undefined {
  return suggestKey(key, Object.keys(schemaAt(parent)?.properties ?? {}));
}

export function describeAjvError(error: ErrorObject, context: ErrorContext): Problem {
  const { path } = context;
  const got = describeValue(error.data, context.sourceText);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const name = lastKey(path);
  switch (error.keyword) {
    case "additionalProperties":
      return unknownKey(path, unknownKeyOf(error));
    case "required": {
      const missing = missingKeyOf(error);
      const description = schemaAt([...path, missing])?.description;
      return {
        path,
        at: "key",
        message: `missing required key \`${missing}\``,
        requires: formatFieldPath([...path, missing]),
        hint: `add \`${missing}:\`${description === undefined ? "" : ` (${lowerFirst(firstSentence(description))})`}`,
      };
    }
    case "type":
      return typeProblem(path, String((error.params as { type: string }).type), error.data, got);
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const { comparison, limit } = error.params as { comparison: string; limit: number };
      const words: Record<string, string> = {
        ">=": "at least",
        "<=": "at most",
        ">": "greater than",
        "<": "less than",
      };
      return {
        path,
        at: "value",
        message: `must be ${words[comparison] ?? comparison} ${limit} (got ${got})`,
        hint: rangeHint(schema),
      };
    }
    case "const": {
      const allowed = (error.params as { allowedValue: unknown }).allowedValue;
      return {
        path,
        at: "value",
        message: `must be ${JSON.stringify(allowed)} (got ${got})`,
        hint:
          name === "version"
            ? `this folioctl reads portfolio.yaml version ${JSON.stringify(allowed)}; write \`version: ${JSON.stringify(allowed)}\``
            : `write ${JSON.stringify(allowed)}`,
      };
    }
    case "enum": {
      const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
      const suggestion = typeof error.data === "string" ? suggestEnumValue(error.data, allowed) : undefined;
      return {
        path,
        at: "value",
        message: `must be one of ${allowed.map((v) => `\`${v}\``).join(", ")} (got ${got})`,
        hint:
          suggestion === undefined
            ? `write one of: ${allowed.join(", ")}`
            : `did you mean \`${suggestion}\`?`,
      };
    }
    case "pattern":
      return patternProblem(path, name, error.data, got);
    case "minItems":
      return {
        path,
        at: "value",
        message: `must list at least ${String((error.params as { limit: number }).limit)} entry (got an empty list)`,
        hint: name === "targets" ? "add a target such as `- { symbol: VTI, weight: 95 }`" : "add an entry",
      };
    case "maxItems": {
      const limit = (error.params as { limit: number }).limit;
      const count = Array.isArray(error.data) ? error.data.length : 0;
      return {
        path,
        at: "value",
        message: `must list at most ${limit} entries (got ${count})`,
        hint: "remove entries",
      };
    }
    default:
      return { path, at: "value", message: `${error.message ?? "is not valid"} (got ${got})` };
  }
}

/** Words people write for IB's codes; the typo search alone would not find LMT from LIMIT. */
const ENUM_SYNONYMS: Record<string, string> = { LIMIT: "LMT", MARKET: "MKT", ETF: "STK", STOCK: "STK" };

function suggestEnumValue(value: string, allowed: string[]): string | undefined {
  const synonym = ENUM_SYNONYMS[value.trim().toUpperCase()];
  return synonym !== undefined && allowed.includes(synonym) ? synonym : suggestKey(value, allowed);
}

function unknownKey(parent: PathSegment[], key: string): Problem {
  const allowed = Object.keys(schemaAt(parent)?.properties ?? {});
  const suggestion = suggestedKey(parent, key);
  const path = [...parent, key];
  if (suggestion !== undefined) {
    return {
      path,
      at: "key",
      message: `unknown key; did you mean \`${suggestion}\`?`,
      hint: `rename \`${key}\` to \`${suggestion}\``,
      suggests: formatFieldPath([...parent, suggestion]),
    };
  }
  // A known key in the wrong place (`mode:` at the top instead of under `trading:`).
  const homes = schemaObjects()
    .filter((object) => object.path.length > 0 && Object.keys(object.node.properties ?? {}).includes(key))
    .map((object) => homeName(object.path));
  if (homes.length > 0) {
    const where = homes.map((home) => `\`${home}\``).join(" or ");
    return {
      path,
      at: "key",
      message: `unknown key here; \`${key}\` belongs under ${where}`,
      hint: `move \`${key}\` under ${where}, indented`,
    };
  }
  return {
    path,
    at: "key",
    message: "unknown key",
    hint: allowed.length > 0 ? `keys allowed here: ${allowed.join(", ")}` : "remove it",
  };
}

/** `["targets", 0]` -> `targets[]` (any entry), `["trading", "commission"]` -> `trading.commission`. */
function homeName(path: PathSegment[]): string {
  return formatFieldPath(path).replace(/\[0\]/g, "[]");
}

function typeProblem(path: PathSegment[], expected: string, data: unknown, got: string): Problem {
  const word = TYPE_WORDS[expected] ?? expected;
  const name = lastKey(path) ?? "";
  const problem: Problem = { path, at: "value", message: `must be ${word} (got ${got})` };
  if (path.length === 0) {
    problem.message = `the file must be a mapping of keys to values, such as \`version: 1\` (got ${got})`;
    problem.hint = "start from the example portfolio.yaml in the folioctl README";
  } else if (
    (expected === "number" || expected === "integer") &&
    typeof data === "number" &&
    !Number.isFinite(data)
  ) {
    problem.message = `must be a finite number (got ${got})`;
    problem.hint = "write an ordinary number";
  } else if (expected === "integer" && typeof data === "number") {
    problem.hint = `write a whole number such as ${Math.trunc(data)}`;
  } else if ((expected === "number" || expected === "integer") && typeof data === "string") {
    const trimmed = data.trim();
    problem.hint =
      trimmed !== "" && Number.isFinite(Number(trimmed))
        ? `remove the quotes: \`${name}: ${trimmed}\``
        : `write a plain number without units, \`%\` or separators, such as \`${name}: 40\``;
  } else if (expected === "string" && (typeof data === "number" || typeof data === "boolean")) {
    problem.hint = `put it in quotes: \`${name}: "${String(data)}"\``;
  } else if (expected === "boolean" && typeof data === "string") {
    problem.hint = "write true or false (YAML 1.2 reads yes/no/on/off as text)";
  } else if (expected === "object" && (data === null || data === undefined)) {
    problem.hint = `indent its keys under \`${name}:\`, or remove the line to use the defaults`;
  } else if (expected === "object") {
    problem.hint = `write \`${name}:\` followed by indented \`key: value\` lines`;
  } else if (expected === "array") {
    problem.hint = "list each entry on its own line starting with `- `";
  } else if (data === null || data === undefined) {
    problem.hint = `write a value after \`${name}:\``;
  }
  return problem;
}

function patternProblem(path: PathSegment[], name: string | undefined, data: unknown, got: string): Problem {
  const known = name === undefined ? undefined : PATTERN_MESSAGES[name];
  const schema = schemaAt(path);
  const pattern = typeof schema?.["pattern"] === "string" ? new RegExp(schema["pattern"], "u") : undefined;
  const invisible = typeof data === "string" ? describeInvisible(data) : undefined;
  const visible = typeof data === "string" ? withoutInvisible(data) : undefined;
  const upper = visible?.toUpperCase();
  const fixed = upper !== undefined && pattern?.test(upper) === true ? upper : undefined;
  const expected =
    known === undefined
      ? `must match ${String(schema?.["pattern"])} (got ${got})`
      : `must be ${known.expected}, such as ${known.example} (got ${got})`;
  let hint: string;
  if (invisible !== undefined && fixed !== undefined) {
    hint = `write \`${name ?? "value"}: ${fixed}\`${fixed === visible ? "" : ", in capitals,"} instead`;
  } else if (invisible !== undefined) {
    hint = "retype the value without it";
  } else if (fixed !== undefined) {
    hint = `write it in capitals: \`${fixed}\``;
  } else {
    hint =
      known === undefined
        ? "see the portfolio.yaml reference in the README"
        : `for example \`${name}: ${known.example.split(" ")[0] ?? ""}\``;
  }
  return {
    path,
    at: "value",
    // Named, because quoting the value back would show nothing wrong.
    message: invisible === undefined ? expected : `${expected}: ${invisible}`,
    hint,
  };
}

function rangeHint(schema: SchemaNode): string {
  const parts: string[] = [];
  if (typeof schema["exclusiveMinimum"] === "number")
    parts.push(`greater than ${schema["exclusiveMinimum"]}`);
  if (typeof schema["minimum"] === "number") parts.push(`at least ${schema["minimum"]}`);
  if (typeof schema["maximum"] === "number") parts.push(`at most ${schema["maximum"]}`);
  if (typeof schema["exclusiveMaximum"] === "number") parts.push(`less than ${schema["exclusiveMaximum"]}`);
  const range = `allowed: ${parts.join(" and ")}`;
  return typeof schema.description === "string" ? `${lowerFirst(schema.description)}; ${range}` : range;
}

function lastKey(path: PathSegment[]): string | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === "string") return segment;
  }
  return undefined;
}

/** "Percent of net liquidation value." -> "percent of net liquidation value"; acronyms (IB, ISO) stay. */
function lowerFirst(text: string): string {
  const lowered = /^[A-Z][A-Z]/.test(text) ? text : text.charAt(0).toLowerCase() + text.slice(1);
  return stripPeriod(lowered);
}

function firstSentence(text: string): string {
  return text.split(/\.\s/)[0] ?? text;
}

function stripPeriod(text: string): string {
  return text.replace(/\.$/, "");
}
