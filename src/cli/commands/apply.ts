import { Option, type Command } from "commander";
import type { ApplyFlags } from "../apply.js";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";

// `folioctl apply`: exit 0 applied (or already), 3 refused, 4 partial, 1 error.
export function registerApplyCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("apply")
    .description(
      "execute exactly the reviewed plan, or refuse (exit 0 applied, 3 refused, 4 partial, 1 error)",
    )
    .addOption(
      new Option("--plan <file>", "the reviewed plan: plans/<account>.plan.json").conflicts("onMerge"),
    )
    .addOption(
      new Option("--portfolio <file>", "portfolio.yaml the plan must have been made from").default(
        "portfolio.yaml",
      ),
    )
    .addOption(
      new Option("--account <id>", "with --plan: the account of a repository of accounts/ and models/ (here)")
        .conflicts("portfolio")
        .conflicts("onMerge"),
    )
    .option("--on-merge", "apply the plan the merged rebalance pull request brought to main (CI)")
    .addOption(
      new Option(
        "--group <name>",
        "with --on-merge: only plans of accounts in this group (`group:` in accounts/<ID>.yaml; repeatable): one login's, on its runner",
      )
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
        .conflicts("plan"),
    )
    .option("--sha <sha>", "with --on-merge: the commit pushed to main (default GITHUB_SHA)")
    .option(
      "--before <sha>",
      "with --on-merge: the commit main pointed to before the push (github.event.before); every plan commit the push brought is applied",
    )
    .option(
      "--require-approvals <n>",
      "with --on-merge: approvals at the merged head, by others than the author",
      "1",
    )
    .option("--repo <dir>", "with --on-merge: clone of the ops repository (default: the current directory)")
    .option("--remote <name>", "with --on-merge: the remote that is the ops repository", "origin")
    .option("--main-branch <name>", "with --on-merge: the branch plans are merged to", "main")
    .option("--gateway <host:port>", "IB Gateway address (or FOLIOCTL_GATEWAY)")
    .option(
      "--client-id <n>",
      "API client id (default: the account's own, 7000-7999; another id weakens the one-apply-at-a-time lock)",
    )
    .option("--ledger-dir <dir>", "where the record of this run is written, under <account>/", "ledger")
    .option("--json", "print the ledger record (JSON) instead of the report")
    .option(
      "--wave-timeout <duration>",
      "how long the sells, then the buys, may take before the rest is cancelled",
      "10m",
    )
    .action((flags: ApplyFlags) =>
      run(async () =>
        flags.onMerge
          ? (await import("../apply-on-merge.js")).applyOnMergeCommand(flags, ctx)
          : (await import("../apply.js")).applyCommand(flags, ctx),
      ),
    );
}
