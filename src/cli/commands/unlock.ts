import type { Command } from "commander";
import { accountArgument } from "../account-argument.js";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { UnlockOptions } from "../unlock.js";

// `folioctl unlock <account>`: removes a stale apply lock. It never prompts: without --yes it only says who
// holds the lock, so the same command line behaves the same in a terminal and in CI. A holder whose
// heartbeat is recent is running: its lock stays unless --force says to remove it anyway.
export function registerUnlockCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("unlock")
    .description("remove an account's stale apply lock from the ops repository and say who held it")
    .argument("<account>", "IB account id, for example DU1234567 (any case)", accountArgument)
    .option("--repo <dir>", "clone of the ops repository (default: the current directory)")
    .option("--remote <name>", "remote that holds the lock", "origin")
    .option("--yes", "remove the lock if its holder is dead; without it, folioctl only shows who holds it")
    .option(
      "--force",
      "with --yes: remove the lock even though its holder is alive (orders may be sent twice)",
    )
    .action((account: string, options: UnlockOptions) =>
      run(async () => (await import("../unlock.js")).unlock(account, options, ctx)),
    );
}
