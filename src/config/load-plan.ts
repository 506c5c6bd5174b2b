import { createHash } from "node:crypto";
import schema from "../../schema/plan.schema.json" with { type: "json" };
import snapshotSchema from "../../schema/snapshot.schema.json" with { type: "json" };
import type { Plan } from "../core/plan.js";
import { createAjv } from "./ajv.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseJsonText, readJsonFile, schemaDiagnostics, type JsonReadResult } from "./json-document.js";

export type LoadPlanResult =
  | { ok: true; plan: Plan; file: string; /** SHA-256 hex of the file's text. */ sha256: string }
  | { ok: false; errors: Diagnostic[]; file: string };

/** schema/plan.schema.json, with the snapshot schema its embedded snapshot refers to. */
export const validatePlanDocument = createAjv().addSchema(snapshotSchema).compile(schema);

/**
 * Reads a plan file and checks it against schema/plan.schema.json. It does not check the plan's hash:
 * callers that execute a plan call verifyPlanHash, so that a tampered plan is reported as such.
 */
export async function loadPlanFile(file: string): Promise<LoadPlanResult> {
  return check(await readJsonFile(file, "plan"), file);
}

export function parsePlan(text: string, file: string): LoadPlanResult {
  return check(parseJsonText(text, file), file);
}

function check(read: JsonReadResult, file: string): LoadPlanResult {
  if (!read.ok) return { ok: false, file, errors: read.errors };
  if (!validatePlanDocument(read.value))
    return { ok: false, file, errors: schemaDiagnostics(validatePlanDocument.errors ?? [], read.text, file) };
  const sha256 = createHash("sha256").update(read.text, "utf8").digest("hex");
  return { ok: true, file, plan: read.value as unknown as Plan, sha256 };
}
