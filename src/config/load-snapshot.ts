import type { Snapshot } from "../core/snapshot.js";
import { validateSnapshot } from "../generated/snapshot-validator.js";
import type { Diagnostic } from "./diagnostic.js";
import { parseJsonText, readJsonFile, schemaDiagnostics, type JsonReadResult } from "./json-document.js";

export type LoadSnapshotResult =
  { ok: true; snapshot: Snapshot; file: string } | { ok: false; errors: Diagnostic[]; file: string };

// Compiled at build time (scripts/compile-schemas.ts); it fills in the schema's defaults.
const validate = validateSnapshot;

/** Reads and validates a snapshot JSON file. Never throws for bad input: problems come back as values. */
export async function loadSnapshotFile(file: string): Promise<LoadSnapshotResult> {
  return check(await readJsonFile(file, "snapshot"), file);
}

/** Validates snapshot JSON text that came from somewhere other than a file. */
export function parseSnapshot(text: string, file: string): LoadSnapshotResult {
  return check(parseJsonText(text, file), file);
}

function check(read: JsonReadResult, file: string): LoadSnapshotResult {
  if (!read.ok) return { ok: false, file, errors: read.errors };
  if (!validate(read.value))
    return { ok: false, file, errors: schemaDiagnostics(validate.errors ?? [], read.text, file) };
  const snapshot = read.value as unknown as Snapshot;
  snapshot.openOrders ??= [];
  return { ok: true, file, snapshot };
}
