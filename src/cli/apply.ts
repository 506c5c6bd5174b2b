import { Option, type Command } from "commander";
import { resolve } from "node:path";
import { runApply } from "../apply/run-apply.js";
import { renderApplyText } from "../apply/render-apply-report.js";
import { IbBroker } from "../broker/ib/ib-broker.js";
import { resolveGatewayAddress } from "../broker/gateway-address.js";
import { parseDuration } from "../core/parse-duration.js";
import { UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import { applyOnMergeCommand } from "./apply-on-merge.js";
import { progressPrinter } from "./apply-progress.js";
import type { CliContext } from "./context.js";
import type { RunAction } from "./main.js";
import { systemClock } from "./system-clock.js";

export interface ApplyFlags {
  plan?: string;
  portfolio: string;
  gateway?: string;
  clientId?: string;
  ledgerDir: string;
  json?: boolean;
  waveTimeout: string;
  onMerge?: boolean;
  sha?: string;
  requireApprovals: string;
  repo?: string;
  remote: string;
  mainBranch: string;
}

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
    .option("--portfolio <file>", "portfolio.yaml the plan must have been made from", "portfolio.yaml")
    .option("--on-merge", "apply the plan the merged rebalance pull request brought to main (CI)")
    .option("--sha <sha>", "with --on-merge: the commit pushed to main (default GITHUB_SHA)")
    .option(
      "--require-approvals <n>",
      "with --on-merge: approvals at the merged head, by others than the author",
      "1",
    )
    .option("--repo <dir>", "with --on-merge: clone of the ops repository (default: the current directory)")
    .option("--remote <name>", "with --on-merge: the remote that is the ops repository", "origin")
    .option("--main-branch <name>", "with --on-merge: the branch plans are merged to", "main")
    .option("--gateway <host:port>", "IB Gateway address (or FOLIOCTL_GATEWAY)")
    .option("--client-id <n>", "API client id (or FOLIOCTL_CLIENT_ID; default 101)")
    .option("--ledger-dir <dir>", "where the record of this run is written, under <account>/", "ledger")
    .option("--json", "print the ledger record (JSON) instead of the report")
    .option(
      "--wave-timeout <duration>",
      "how long the sells, then the buys, may take before the rest is cancelled",
      "10m",
    )
    .action((flags: ApplyFlags) =>
      run(() => (flags.onMerge ? applyOnMergeCommand(flags, ctx) : applyCommand(flags, ctx))),
    );
}

async function applyCommand(flags: ApplyFlags, ctx: CliContext): Promise<number> {
  if (flags.plan === undefined) {
    throw new UsageError("apply needs the plan to execute", {
      hint: "Pass --plan plans/<account>.plan.json, or --on-merge in the apply workflow.",
    });
  }
  const address = resolveGatewayAddress(flags, ctx.env);
  if (!address) {
    throw new UsageError("apply needs an IB Gateway: none is configured", {
      hint: "Pass --gateway HOST:PORT or set FOLIOCTL_GATEWAY (apply never trades on the built-in simulator by itself).",
    });
  }
  const waveTimeoutMs = parseDuration(flags.waveTimeout);
  if (waveTimeoutMs === undefined) {
    throw new UsageError(`--wave-timeout "${flags.waveTimeout}" is not a duration`, {
      hint: "Write it like 90s, 10m or 1h.",
    });
  }
  const result = await runApply({
    planFile: resolve(ctx.cwd, flags.plan),
    portfolioFile: resolve(ctx.cwd, flags.portfolio),
    broker: new IbBroker({ ...address, now: systemClock.now }),
    now: systemClock.now,
    toolVersion: TOOL_VERSION,
    waveTimeoutMs,
    ledgerDir: resolve(ctx.cwd, flags.ledgerDir),
    onProgress: progressPrinter(ctx.stderr),
  });
  const { record } = result;
  if (record.refusal)
    ctx.stderr.write(`folioctl: refused (${record.refusal.reason}): ${record.refusal.message}\n`);
  if (record.error) ctx.stderr.write(`folioctl: error: ${record.error}\n`);
  ctx.stdout.write(flags.json ? `${JSON.stringify(record, null, 2)}\n` : renderApplyText(record));
  if (result.ledgerFile) ctx.stderr.write(`ledger: ${result.ledgerFile}\n`);
  return result.exitCode;
}
