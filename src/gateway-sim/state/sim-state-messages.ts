// ajv's wording for a state file ("must be number", "must be >= 0") turned into the portfolio's kind of
// message: what the field needs, what was written, and a hint line that says how to fix it.
import type { ErrorObject } from "ajv";
import { describeValue } from "../../config/describe-value.js";

export interface SimStateMessage {
  message: string;
  hint?: string;
}

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  integer: "a whole number",
  string: "text",
  boolean: "true or false",
  object: "a mapping of keys to values",
  array: "a list",
};

const COMPARISON_WORDS: Record<string, string> = {
  ">=": "at least",
  "<=": "at most",
  ">": "greater than",
  "<": "less than",
};

const SCHEMA = "schema/sim-state.schema.json";

/** `data` is the value at the error's instance path (the validator is compiled without `verbose`). */
export function simStateMessage(error: ErrorObject, data: unknown): SimStateMessage {
  const params = error.params as Record<string, unknown>;
  const got = describeValue(data);
  switch (error.keyword) {
    case "additionalProperties":
      return {
        message: `unknown key \`${String(params["additionalProperty"])}\``,
        hint: `remove it, or check its spelling against ${SCHEMA}`,
      };
    case "required":
      return {
        message: `missing required key \`${String(params["missingProperty"])}\``,
        hint: `add \`${String(params["missingProperty"])}:\` (${SCHEMA} describes it)`,
      };
    case "type": {
      const word = TYPE_WORDS[String(params["type"])] ?? String(params["type"]);
      return {
        message: `must be ${word} (got ${got})`,
        hint:
          typeof data === "string" && (params["type"] === "number" || params["type"] === "integer")
            ? "write a plain number without quotes, units or separators"
            : `write ${word}`,
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const comparison = String(params["comparison"]);
      const bound = `${COMPARISON_WORDS[comparison] ?? comparison} ${String(params["limit"])}`;
      return { message: `must be ${bound} (got ${got})`, hint: `write a number ${bound}` };
    }
    case "enum": {
      const allowed = (params["allowedValues"] as unknown[]).map(String);
      return {
        message: `must be one of ${allowed.map((v) => `\`${v}\``).join(", ")} (got ${got})`,
        hint: `write one of: ${allowed.join(", ")}`,
      };
    }
    case "const":
      return {
        message: `must be ${JSON.stringify(params["allowedValue"])} (got ${got})`,
        hint: `write ${JSON.stringify(params["allowedValue"])}`,
      };
    default:
      return { message: `${error.message ?? "is invalid"} (got ${got})`, hint: `see ${SCHEMA}` };
  }
}
