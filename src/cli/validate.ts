import { resolve } from "node:path";
import type { Diagnostic } from "../config/diagnostic.js";
import { formatDiagnosticWithHint, formatGithubAnnotation } from "../config/diagnostic.js";
import type { LoadPortfolioResult } from "../config/load-portfolio.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { UsageError } from "../errors.js";
import type { CliContext } from "./context.js";
import { EXIT } from "./exit-codes.js";

export interface ValidateOptions {
  json?: boolean;
}

/** `folioctl validate [files...]`: the check that runs on every intent pull request. */
export async function validateFiles(
  files: string[],
  options: ValidateOptions,
  ctx: CliContext,
): Promise<number> {
  if (files.some((file) => file.trim() === "")) {
    throw new UsageError("an empty file name was given", { hint: "pass paths such as portfolio.yaml" });
  }
  const results: LoadPortfolioResult[] = [];
  for (const file of files) results.push(await loadAs(file, ctx));

  const annotate = ctx.env["GITHUB_ACTIONS"] === "true";
  // Annotations go where the runner reads workflow commands (stdout), unless stdout is the JSON.
  const annotations = options.json === true ? ctx.stderr : ctx.stdout;
  for (const result of results) {
    if (result.ok) {
      if (options.json !== true) {
        const count = result.portfolio.targets.length;
        ctx.stdout.write(
          `${result.file}: ok (account ${result.portfolio.account}, ${count} target${count === 1 ? "" : "s"})\n`,
        );
      }
      continue;
    }
    for (const diagnostic of result.errors) {
      if (options.json !== true) ctx.stderr.write(formatDiagnosticWithHint(diagnostic));
      if (annotate) annotations.write(`${formatGithubAnnotation(diagnostic)}\n`);
    }
  }
  if (options.json === true) ctx.stdout.write(`${JSON.stringify({ files: results.map(toJson) }, null, 2)}\n`);
  return results.every((result) => result.ok) ? EXIT.ok : EXIT.error;
}

/** Loads `file` relative to the working directory and reports it under the name the user typed. */
async function loadAs(file: string, ctx: CliContext): Promise<LoadPortfolioResult> {
  const result = await loadPortfolioFile(resolve(ctx.cwd, file));
  if (result.ok) return { ...result, file };
  return { ok: false, file, errors: result.errors.map((error) => ({ ...error, file })) };
}

function toJson(result: LoadPortfolioResult): {
  file: string;
  valid: boolean;
  errors: { line: number; column: number; path: string; message: string; hint: string | null }[];
} {
  const errors: Diagnostic[] = result.ok ? [] : result.errors;
  return {
    file: result.file,
    valid: result.ok,
    errors: errors.map((e) => ({
      line: e.line,
      column: e.column,
      path: e.path,
      message: e.message,
      hint: e.hint ?? null,
    })),
  };
}
