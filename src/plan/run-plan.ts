// The planning pipeline every entry point shares: load portfolio.yaml, get a snapshot (from a file
// today, from the gateway later), compute the plan, print it and write it. Commands only parse arguments.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, basename, join } from "node:path";
import type { OutputStream } from "../cli/context.js";
import { EXIT } from "../cli/exit-codes.js";
import { formatDiagnostic, type Diagnostic } from "../config/diagnostic.js";
import { loadPortfolioFile } from "../config/load-portfolio.js";
import { computePlan } from "../core/compute-plan.js";
import { formatPlanFile } from "../core/format-plan-file.js";
import type { Plan, PlanProblem } from "../core/plan.js";
import { renderMarkdown } from "../core/render-markdown.js";
import { renderText } from "../core/render-text.js";
import { InputError } from "../errors.js";
import type { Portfolio } from "../core/portfolio.js";
import type { Snapshot } from "../core/snapshot.js";

export type SnapshotResult = { ok: true; snapshot: Snapshot } | { ok: false; errors: Diagnostic[] };

/** Where the actual state comes from: a snapshot file, or (later) the IB Gateway. */
export interface SnapshotSource {
  /** Names the source in messages: a file path, or host:port of a gateway. */
  describe: string;
  read: () => Promise<SnapshotResult>;
}

export type PlanFormat = "text" | "json" | "markdown";

export interface RunPlanOptions {
  /** The portfolio file to read, or, with `intent`, the name messages give the account's files. */
  portfolioFile: string;
  /** One account of a many-account repository, already resolved (`--account`): portfolioFile is not read. */
  intent?: { portfolio: Portfolio; hash: string };
  snapshot: SnapshotSource;
  /** ISO 8601: the plan's createdAt. */
  now: string;
  toolVersion: string;
  sourceCommit?: string;
  format: PlanFormat;
  /** Write the plan document here as well. */
  outFile?: string;
  color: boolean;
  stdout: OutputStream;
  stderr: OutputStream;
}

export interface RunPlanResult {
  /** 0 nothing to do, 2 orders planned, 1 error. */
  exitCode: number;
  plan?: Plan;
}

export async function runPlan(options: RunPlanOptions): Promise<RunPlanResult> {
  const { stderr } = options;
  const loaded =
    options.intent === undefined
      ? await loadPortfolioFile(options.portfolioFile)
      : { ok: true as const, portfolio: options.intent.portfolio, sha256: options.intent.hash };
  if (!loaded.ok) return { exitCode: reportDiagnostics(stderr, loaded.errors) };
  const read = await options.snapshot.read();
  if (!read.ok) return { exitCode: reportDiagnostics(stderr, read.errors) };

  const result = computePlan(loaded.portfolio, read.snapshot, {
    now: options.now,
    toolVersion: options.toolVersion,
    portfolioHash: loaded.sha256,
    portfolioName: options.portfolioFile,
    ...(options.sourceCommit === undefined ? {} : { sourceCommit: options.sourceCommit }),
  });
  if (!result.ok) {
    for (const problem of result.errors) {
      stderr.write(
        `folioctl: error: ${describeProblem(problem, options.portfolioFile, options.snapshot.describe)}\n`,
      );
      if (problem.hint) stderr.write(`  hint: ${problem.hint}\n`);
    }
    return { exitCode: EXIT.error };
  }
  const { plan } = result;
  // Formatted once even when it is both written and printed: at 10,000 holdings it is 10 MB of text.
  let formatted: string | undefined;
  const planText = (): string => (formatted ??= formatPlanFile(plan));
  if (options.outFile !== undefined) {
    await writeAtomically(options.outFile, planText());
    // On stderr, so that `--json` or `--markdown` output on stdout stays clean for a pipe.
    const orders = plan.orders.length === 1 ? "1 order" : `${plan.orders.length} orders`;
    stderr.write(`folioctl: wrote the plan for ${plan.account} (${orders}) to ${options.outFile}\n`);
  }
  const cashMinimum = loaded.portfolio.cash.minimum;
  if (options.format === "json") options.stdout.write(planText());
  else if (options.format === "markdown") {
    const file = options.outFile === undefined ? {} : { planFile: options.outFile };
    options.stdout.write(renderMarkdown(plan, { ...file, cashMinimum }));
  } else options.stdout.write(renderText(plan, { color: options.color, cashMinimum }));
  return { exitCode: plan.orders.length > 0 ? EXIT.changes : EXIT.ok, plan };
}

function reportDiagnostics(stderr: OutputStream, errors: Diagnostic[]): number {
  for (const diagnostic of errors) {
    stderr.write(`${formatDiagnostic(diagnostic)}\n`);
    if (diagnostic.hint) stderr.write(`  hint: ${diagnostic.hint}\n`);
  }
  return EXIT.error;
}

function describeProblem(problem: PlanProblem, portfolioFile: string, snapshot: string): string {
  if (problem.field === undefined || problem.document === undefined) return problem.message;
  const file = problem.document === "portfolio" ? portfolioFile : snapshot;
  return `${file}: ${problem.field}: ${problem.message}`;
}

/** A reader never sees half a plan: write next to the target, then rename over it. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    // `--out plans/X.plan.json` in a fresh repository: make the folder, as apply does for its ledger.
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text, "utf8");
    await rename(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new InputError(`cannot write the plan to ${file} (${code})`, {
      hint: "check that the directory is writable and that no file stands where a folder of the path should be",
      cause: error,
    });
  }
}
