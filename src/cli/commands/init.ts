import { Option, type Command } from "commander";
import { DEFAULT_ACCOUNT } from "../../init/ops-repo-defaults.js";
import { accountArgument } from "../account-argument.js";
import type { CliContext } from "../context.js";
import type { InitOptions } from "../init.js";
import type { RunAction } from "../main.js";

// `folioctl init [DIR]`: scaffolds an ops repository (portfolio.yaml, workflows, CODEOWNERS).
export function registerInitCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("init")
    .description("scaffold an ops repository: portfolio.yaml, the GitHub Actions workflows and CODEOWNERS")
    .argument("[dir]", "directory to write into (created if missing)", ".")
    .option(
      "--account <id>",
      "IB account id for portfolio.yaml and the workflows (any case)",
      accountArgument,
      DEFAULT_ACCOUNT,
    )
    .option(
      "--owner <handle>",
      "code owner who must review every change (@user, @org/team or e-mail; repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      "--from <source>",
      "where the ops repository installs folioctl from: npm (this version, the default), the https URL " +
        "or path of a release tarball, or a git URL (git+https://...#vX.Y.Z)",
      "npm",
    )
    .addOption(
      new Option(
        "--accounts <ids>",
        "several accounts (comma-separated, repeatable): models/core.yaml and accounts/<ID>.yaml instead of portfolio.yaml, and workflows with one job per account group",
      )
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
        .conflicts(["account", "restore"]),
    )
    .addOption(
      new Option(
        "--group <name=ids>",
        "an account group, one IB login with its own runner and gateway: NAME=ID,ID (repeatable); accounts in no group are in `default`",
      )
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
        .conflicts(["account", "restore"]),
    )
    .option(
      "--force",
      "overwrite files that differ from what init writes (never a model or account file)",
      false,
    )
    .option(
      "--restore",
      "write the generated files that are missing (workflows, CODEOWNERS, package.json...) for the account in " +
        "portfolio.yaml, never touching portfolio.yaml; with --force, also replace those that differ",
    )
    .action((dir: string, options: Omit<InitOptions, "accountGiven">, command: Command) => {
      const accountGiven = command.getOptionValueSource("account") === "cli";
      return run(async () => (await import("../init.js")).runInit(dir, { ...options, accountGiven }, ctx));
    });
}
