import { Option, type Command } from "commander";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { PlanFlags } from "../plan.js";

// `folioctl plan`: exit 0 nothing to do, 2 orders planned, 1 error (Terraform's -detailed-exitcode).
export function registerPlanCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("plan")
    .description(
      "plan the whole-share orders that bring the account to portfolio.yaml (exit 0 none, 2 orders, 1 error)",
    )
    .option("--snapshot <file>", "plan offline from this account snapshot (schema/snapshot.schema.json)")
    .option(
      "--gateway <host:port>",
      "IB Gateway address (or FOLIOCTL_GATEWAY); without one, the built-in simulator",
    )
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .option("--sim-state <file>", "plan against the built-in simulator with this state file")
    .addOption(new Option("--portfolio <file>", "the desired state").default("portfolio.yaml"))
    .addOption(
      new Option("--account <id>", "one account of a repository of accounts/ and models/ (here)").conflicts(
        "portfolio",
      ),
    )
    .addOption(new Option("--json", "print the plan document (JSON)").conflicts("markdown"))
    .addOption(new Option("--markdown", "print the plan as its pull request shows it").conflicts("json"))
    .option("--out <file>", "write the plan document to this file")
    .option("--now <time>", "plan as of this ISO 8601 time instead of the clock, e.g. 2026-11-24T15:00:00Z")
    .action((flags: PlanFlags) => run(async () => (await import("../plan.js")).runPlanCommand(flags, ctx)));
}
