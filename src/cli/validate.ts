import { basename, dirname, relative, resolve, sep } from "node:path";
import type { Diagnostic } from "../config/diagnostic.js";
import { formatDiagnostic, formatDiagnosticWithHint, formatGithubAnnotation } from "../config/diagnostic.js";
import { directoryTree } from "../config/directory-tree.js";
import { workflowGroupProblems } from "../config/workflow-groups.js";
import { modelPath, PORTFOLIO_PATH, readOpsIntent } from "../config/ops-intent.js";
import { DEFAULT_GROUP } from "../config/account-files.js";
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
  if (files.length === 0) return validateRepository(options, ctx);
  if (files.some((file) => file.trim() === "")) {
    throw new UsageError("an empty file name was given", { hint: "pass paths such as portfolio.yaml" });
  }
  const repositories = new Map<string, Promise<FileResult[]>>();
  const checked: FileResult[] = [];
  for (const file of files) {
    const inLayout = await fromRepository(file, ctx, repositories);
    checked.push(inLayout ?? asPortfolio(await loadAs(file, ctx)));
  }
  return report(checked, options, ctx);
}

function asPortfolio(result: LoadPortfolioResult): FileResult {
  if (!result.ok) return { file: result.file, errors: result.errors };
  const count = result.portfolio.targets.length;
  return {
    file: result.file,
    errors: [],
    ok: `account ${result.portfolio.account}, ${count} target${count === 1 ? "" : "s"}`,
  };
}

/**
 * An account or model file (`accounts/<ID>.yaml`, `models/<name>.yaml`) means nothing alone: it is
 * checked with the repository it belongs to (the folder above `accounts/` or `models/`), as `validate`
 * without files does, and reported under the name typed. Undefined for any other file, or one the
 * repository does not hold.
 */
async function fromRepository(
  file: string,
  ctx: CliContext,
  repositories: Map<string, Promise<FileResult[]>>,
): Promise<FileResult | undefined> {
  const absolute = resolve(ctx.cwd, file);
  const folder = basename(dirname(absolute));
  if ((folder !== "accounts" && folder !== "models") || !absolute.endsWith(".yaml")) return undefined;
  const root = dirname(dirname(absolute));
  let results = repositories.get(root);
  if (results === undefined) {
    results = repositoryResults(root);
    repositories.set(root, results);
  }
  const inRepository = relative(root, absolute).split(sep).join("/");
  const found = (await results).find((result) => result.file === inRepository);
  if (found === undefined) return undefined;
  const named = (name: string): string => (name === inRepository ? file : name);
  return {
    ...found,
    file,
    errors: found.errors.map((error) => ({ ...error, file: named(error.file) })),
  };
}

/** What one file came to: the words after `ok` when it is valid, else its problems. */
interface FileResult {
  file: string;
  errors: Diagnostic[];
  ok?: string;
}

/**
 * With no files named: the ops repository in the working directory, whichever layout it uses. For the
 * many-account layout every model and every account file is checked, and each account's resolved
 * portfolio too (a problem it has is reported in the file that wrote the field at fault).
 */
async function validateRepository(options: ValidateOptions, ctx: CliContext): Promise<number> {
  return report(await repositoryResults(ctx.cwd), options, ctx);
}

/** Every file of the ops repository at `root`, checked: see validateRepository. */
async function repositoryResults(root: string): Promise<FileResult[]> {
  const tree = directoryTree(root);
  const intent = await readOpsIntent(tree);
  const results: FileResult[] = [];
  const seen = new Set<string>();
  // A model's problem is that of every account it drives: it is printed once, under the model.
  const add = (file: string, errors: Diagnostic[], ok?: string): void => {
    const fresh = errors.filter((d) => !seen.has(formatDiagnostic(d)));
    for (const d of fresh) seen.add(formatDiagnostic(d));
    const existing = results.find((r) => r.file === file);
    if (existing) existing.errors.push(...fresh);
    else results.push({ file, errors: fresh, ...(ok === undefined ? {} : { ok }) });
  };
  for (const problem of [...intent.problems, ...intent.strayFiles]) add(problem.file, [problem]);
  for (const [name, model] of intent.models) {
    const drives = model.accounts.length === 0 ? "drives no account" : `drives ${model.accounts.join(", ")}`;
    add(model.file, model.errors, `model ${name}, ${drives}`);
  }
  for (const result of intent.accounts) {
    if (result.ok) {
      const { portfolio, model, group } = result.intent;
      const count = portfolio.targets.length;
      // A repository of one login has no groups to speak of: only a named group is shown.
      const grouped = group === DEFAULT_GROUP ? "" : `, group ${group}`;
      const words = `account ${result.account}${model === undefined ? "" : `, model ${model}`}${grouped}, ${count} target${count === 1 ? "" : "s"}`;
      add(result.intent.files[0] ?? PORTFOLIO_PATH, [], words);
      continue;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of result.errors) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
    for (const [file, errors] of byFile) add(file, errors);
    // An account whose model is invalid has no problem of its own, but is not ok either.
    const own = result.files[0];
    if (own !== undefined && result.model !== undefined && !byFile.has(own)) {
      const model = modelPath(result.model);
      const message = `its model ${model} is not valid, so this account cannot be planned`;
      add(own, [{ file: own, line: 0, column: 0, path: "model", message, hint: `fix ${model}` }]);
    }
  }
  const groupProblems = await workflowGroupProblems(tree, intent);
  for (const file of new Set(groupProblems.map((d) => d.file))) {
    add(
      file,
      groupProblems.filter((d) => d.file === file),
    );
  }
  for (const result of results) if (result.errors.length > 0) delete result.ok;
  return results;
}

function report(results: FileResult[], options: ValidateOptions, ctx: CliContext): number {
  const annotate = ctx.env["GITHUB_ACTIONS"] === "true";
  // Annotations go where the runner reads workflow commands (stdout), unless stdout is the JSON.
  const annotations = options.json === true ? ctx.stderr : ctx.stdout;
  for (const result of results) {
    if (result.ok !== undefined) {
      if (options.json !== true) ctx.stdout.write(`${result.file}: ok (${result.ok})\n`);
      continue;
    }
    for (const diagnostic of result.errors) {
      if (options.json !== true) ctx.stderr.write(formatDiagnosticWithHint(diagnostic));
      if (annotate) annotations.write(`${formatGithubAnnotation(diagnostic)}\n`);
    }
  }
  if (options.json === true) ctx.stdout.write(`${JSON.stringify({ files: results.map(toJson) }, null, 2)}\n`);
  return results.every((result) => result.ok !== undefined) ? EXIT.ok : EXIT.error;
}

/** Loads `file` relative to the working directory and reports it under the name the user typed. */
async function loadAs(file: string, ctx: CliContext): Promise<LoadPortfolioResult> {
  const result = await loadPortfolioFile(resolve(ctx.cwd, file));
  if (result.ok) return { ...result, file };
  return { ok: false, file, errors: result.errors.map((error) => ({ ...error, file })) };
}

function toJson(result: FileResult): {
  file: string;
  valid: boolean;
  errors: { line: number; column: number; path: string; message: string; hint: string | null }[];
} {
  const { errors } = result;
  return {
    file: result.file,
    valid: result.ok !== undefined,
    errors: errors.map((e) => ({
      line: e.line,
      column: e.column,
      path: e.path,
      message: e.message,
      hint: e.hint ?? null,
    })),
  };
}
