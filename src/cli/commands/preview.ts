import type { Command } from "commander";
import type { CliContext } from "../context.js";
import type { RunAction } from "../main.js";
import type { PreviewFlags } from "../preview.js";

// `folioctl preview --pr N`: exit 0 commented (trades, nothing to do, suspended), 1 the pull request's
// portfolio.yaml is invalid or cannot be planned (after commenting why), or an error.
export function registerPreviewCommand(program: Command, ctx: CliContext, run: RunAction): void {
  program
    .command("preview")
    .description(
      "comment on an intent pull request with the trades its portfolio.yaml would cause (exit 0 commented, 1 invalid or error)",
    )
    .requiredOption("--pr <number>", "the pull request that changes portfolio.yaml")
    .option("--main-branch <name>", "the branch whose limits and tolerances apply", "main")
    .option(
      "--group <name>",
      "only the accounts of this group (`group:` in accounts/<ID>.yaml), in a comment of the group's own: one login's, on its runner",
    )
    .option("--gateway <host:port>", "IB Gateway address (or FOLIOCTL_GATEWAY); read-only is enough")
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .action((flags: PreviewFlags) => run(async () => (await import("../preview.js")).preview(flags, ctx)));
}
