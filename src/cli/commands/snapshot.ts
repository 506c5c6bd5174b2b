import type { Command } from "commander";
import { accountArgument } from "../account-argument.js";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { SnapshotFlags } from "../snapshot.js";

// `folioctl snapshot`: the account as the gateway reports it, as a snapshot document (schema/snapshot.schema.json).
export function registerSnapshotCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("snapshot")
    .description(
      "write the account's actual state (cash, positions, contracts, quotes) as a snapshot document",
    )
    .option("--portfolio <file>", "the portfolio whose account and targets to read", "portfolio.yaml")
    .option(
      "--gateway <host:port>",
      "IB Gateway address (or FOLIOCTL_GATEWAY); without one, the built-in simulator",
    )
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .option("--sim-state <file>", "use the built-in simulator with this state file")
    .option("--out <file>", "write the snapshot here instead of stdout")
    .option(
      "--account <id>",
      "read this account of the gateway's login with the portfolio's targets (repeatable: all in one session)",
      (value: string, previous: string[] = []) => [...previous, accountArgument(value)],
    )
    .option("--out-dir <dir>", "with --account: write DIR/snapshot-<ACCOUNT>.json for each account")
    .action((flags: SnapshotFlags) =>
      run(async () => (await import("../snapshot.js")).runSnapshot(flags, ctx)),
    );
}
