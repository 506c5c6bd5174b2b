import { UsageError } from "../errors.js";
import { createForge, gatewaySnapshot, requireGateway } from "../gitops/gitops-context.js";
import type { GatewayFlags } from "../gitops/gitops-context.js";
import { runPreview } from "../gitops/preview.js";
import { TOOL_VERSION } from "../version.js";
import type { CliContext } from "./context.js";
import { systemClock } from "./system-clock.js";

export interface PreviewFlags extends GatewayFlags {
  pr: string;
  mainBranch: string;
  group?: string;
}

export async function preview(flags: PreviewFlags, ctx: CliContext): Promise<number> {
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
    {
      pr: Number(flags.pr),
      mainBranch: flags.mainBranch,
      ...(flags.group === undefined ? {} : { group: flags.group }),
    },
  );
  if (result.comment !== undefined)
    ctx.stdout.write(result.comment.endsWith("\n") ? result.comment : `${result.comment}\n`);
  return result.exitCode;
}
