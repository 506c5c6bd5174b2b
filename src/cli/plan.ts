import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { loadSnapshotFile } from "../config/load-snapshot.js";
import { parseIsoTime } from "../core/iso-time.js";
import { UsageError } from "../errors.js";
import { runPlan, type PlanFormat } from "../plan/run-plan.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext, OutputStream } from "./context.js";
import type { RunAction } from "./main.js";

interface PlanFlags {
  snapshot: string;
  portfolio: string;
  json?: boolean;
  markdown?: boolean;
  out?: string;
  now?: string;
}

// `folioctl plan`: exit 0 nothing to do, 2 orders planned, 1 error (Terraform's -detailed-exitcode).
export function registerPlanCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("plan")
    .description(
      "plan the whole-share orders that bring the account to portfolio.yaml (exit 0 none, 2 orders, 1 error)",
    )
    .requiredOption(
      "--snapshot <file>",
      "plan offline from this account snapshot (schema/snapshot.schema.json)",
    )
    .option("--portfolio <file>", "the desired state", "portfolio.yaml")
    .addOption(new Option("--json", "print the plan document (JSON)").conflicts("markdown"))
    .addOption(new Option("--markdown", "print the plan as its pull request shows it").conflicts("json"))
    .option("--out <file>", "write the plan document to this file")
    .option("--now <time>", "plan as of this ISO 8601 time instead of the clock, e.g. 2026-11-24T15:00:00Z")
    .action((flags: PlanFlags) =>
      run(async () => {
        const now = flags.now ?? new Date().toISOString();
        if (parseIsoTime(now) === undefined) {
          throw new UsageError(`--now "${now}" is not an ISO 8601 time`, {
            hint: "write it with a zone, for example 2026-11-24T15:00:00Z",
          });
        }
        const snapshotFile = resolve(ctx.cwd, flags.snapshot);
        const format: PlanFormat = flags.json ? "json" : flags.markdown ? "markdown" : "text";
        const result = await runPlan({
          portfolioFile: resolve(ctx.cwd, flags.portfolio),
          snapshot: { describe: snapshotFile, read: () => loadSnapshotFile(snapshotFile) },
          now,
          toolVersion: TOOL_VERSION,
          format,
          ...(flags.out === undefined ? {} : { outFile: resolve(ctx.cwd, flags.out) }),
          color: useColor(ctx.stdout, ctx.env),
          stdout: ctx.stdout,
          stderr: ctx.stderr,
        });
        return result.exitCode;
      }),
    );
}

/** Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org). */
function useColor(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env["NO_COLOR"] ?? "") === "";
}
