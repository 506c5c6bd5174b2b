import type { Command } from "commander";
import { UsageError } from "../errors.js";
import { createForge, gatewaySnapshot, requireGateway } from "../gitops/gitops-context.js";
import type { GatewayFlags } from "../gitops/gitops-context.js";
import { runPreview } from "../gitops/preview.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import type { RunAction } from "./main.js";
import { systemClock } from "./system-clock.js";

interface PreviewFlags extends GatewayFlags {
  pr: string;
  mainBranch: string;
}

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
    .option("--gateway <host:port>", "IB Gateway address (or FOLIOCTL_GATEWAY); read-only is enough")
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .action((flags: PreviewFlags) => run(() => preview(flags, ctx)));
}

async function preview(flags: PreviewFlags, ctx: CliContext): Promise<number> {
  if (!/^[1-9]\d{0,9}$/.test(flags.pr)) {
    throw new UsageError(`--pr "${flags.pr}" is not a pull request number`, {
      hint: 'Pass the number alone, for example --pr 12 (in a workflow: --pr "$PR_NUMBER").',
    });
  }
  const address = requireGateway(flags, ctx.env, "preview");
  const result = await runPreview(
    {
      forge: createForge(ctx.env),
      snapshot: gatewaySnapshot(address, systemClock),
      now: systemClock.now,
      toolVersion: TOOL_VERSION,
      log: (line) => ctx.stderr.write(`${line}\n`),
    },
    { pr: Number(flags.pr), mainBranch: flags.mainBranch },
  );
  if (result.comment !== undefined)
    ctx.stdout.write(result.comment.endsWith("\n") ? result.comment : `${result.comment}\n`);
  return result.exitCode;
}
