// How a value the user wrote is quoted back in messages: `(got 140)`, `(got "40")`, `(got a list)`.
import { escapeInvisible } from "./invisible-characters.js";

const MAX_SHOWN = 40;

/** `sourceText` is the scalar as written in the YAML file, when known (`1e400` rather than Infinity). */
export function describeValue(value: unknown, sourceText?: string): string {
  if (value === undefined) return "nothing";
  if (value === null) return sourceText === undefined || sourceText === "" ? "nothing" : truncate(sourceText);
  if (typeof value === "string") return truncate(escapeInvisible(JSON.stringify(value)));
  if (typeof value === "number")
    return sourceText !== undefined && sourceText !== "" ? truncate(sourceText) : String(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return truncate(String(value));
}

function truncate(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 1)}…`;
}
