// PROVISIONAL: the minimal loader, so that other modules can depend on its signature. The full loader
// (line:column mapping, semantic checks, untrusted-input limits, key suggestions) replaces the body.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import schema from "../../schema/portfolio.schema.json" with { type: "json" };
import type { Portfolio } from "../core/portfolio.js";
import { createAjv } from "./ajv.js";
import type { Diagnostic } from "./diagnostic.js";

export type LoadPortfolioResult =
  | { ok: true; portfolio: Portfolio; file: string; /** SHA-256 hex of the file's bytes. */ sha256: string }
  | { ok: false; errors: Diagnostic[]; file: string };

const validate = createAjv({ useDefaults: true }).compile(schema);

/** Reads and validates a portfolio.yaml. Never throws for bad input: problems come back as values. */
export async function loadPortfolioFile(file: string): Promise<LoadPortfolioResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const message = `cannot read the file (${(error as NodeJS.ErrnoException).code ?? "error"})`;
    return { ok: false, file, errors: [{ file, line: 0, column: 0, path: "", message }] };
  }
  return parsePortfolio(bytes, file);
}

/** Validates portfolio.yaml bytes that came from somewhere other than a file (a git ref, the API). */
export function parsePortfolio(bytes: Uint8Array, file: string): LoadPortfolioResult {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const document: unknown = parse(Buffer.from(bytes).toString("utf8"));
  if (!validate(document)) {
    const errors = (validate.errors ?? []).map((e) => ({
      file,
      line: 0,
      column: 0,
      path: e.instancePath,
      message: e.message ?? "invalid",
    }));
    return { ok: false, file, errors };
  }
  const portfolio = document as unknown as Portfolio;
  for (const target of portfolio.targets) target.currency ??= portfolio.baseCurrency;
  return { ok: true, file, portfolio, sha256 };
}
