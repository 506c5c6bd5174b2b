import type { Command } from "commander";
import { accountArgument } from "../account-argument.js";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { UnlockOptions } from "../unlock.js";

// `folioctl unlock <account>`: removes a stale apply lock. It never prompts: without --yes it only says who
// holds the lock, so the same command line behaves the same in a terminal and in CI. With --yes it
// watches the lock's heartbeat for three of the holder's intervals on this machine's clock (never
// comparing the holder's clock with ours): a heartbeat that moved means the holder is running and its
// lock stays unless --force says to remove it anyway, without watching.
export function registerUnlockCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("unlock")
    .description("remove an account's stale apply lock from the ops repository and say who held it")
    .argument("<account>", "IB account id, for example DU1234567 (any case)", accountArgument)
    .option("--repo <dir>", "clone of the ops repository (default: the current directory)")
    .option("--remote <name>", "remote that holds the lock", "origin")
    .option(
      "--yes",
      "remove the lock if its heartbeat stands still for three of its intervals; without it, folioctl only shows who holds it",
    )
    .option(
      "--force",
      "with --yes: remove the lock at once, without watching its heartbeat (orders may be sent twice)",
    )
    .action((account: string, options: UnlockOptions) =>
      run(async () => (await import("../unlock.js")).unlock(account, options, ctx)),
    );
}
