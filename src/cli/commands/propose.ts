import type { Command } from "commander";
import { accountArgument } from "../account-argument.js";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { ProposeFlags } from "../propose.js";

// `folioctl propose`: exit 0 whatever it did (opened, updated, kept, closed, nothing to do), 1 on error.
export function registerProposeCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("propose")
    .description(
      "plan against the live account and keep one rebalance pull request per account up to date (exit 0 done, 1 error)",
    )
    .option("--repo <dir>", "clone of the ops repository (default: the current directory)")
    .option("--remote <name>", "the remote that is the ops repository on GitHub", "origin")
    .option("--main-branch <name>", "the branch that holds the desired state", "main")
    .option("--gateway <host:port>", "IB Gateway address (or FOLIOCTL_GATEWAY); read-only is enough")
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .option(
      "--group <name>",
      "only the accounts of this group (`group:` in accounts/<ID>.yaml; repeatable): one login's, on its runner",
      collect,
      [] as string[],
    )
    .option(
      "--account <id>",
      "only this account (repeatable); other accounts' pull requests are left alone",
      (value: string, previous: string[]) => [...previous, accountArgument(value)],
      [] as string[],
    )
    .option("--json", "print what propose did as JSON")
    .action((flags: ProposeFlags) => run(async () => (await import("../propose.js")).propose(flags, ctx)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
