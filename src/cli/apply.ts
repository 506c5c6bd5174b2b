import { resolve } from "node:path";
import type { LedgerRecord } from "../apply/ledger.js";
import { LedgerWriteError } from "../apply/ledger-write-error.js";
import { localContext } from "../apply/refusal-hints.js";
import { runApply } from "../apply/run-apply.js";
import { renderApplyText } from "../apply/render-apply-report.js";
import { loadPlanFile } from "../config/load-plan.js";
import { parseDuration } from "../core/parse-duration.js";
import { RefusalError, UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import { applyBrokerFactory, applyGatewayAddress } from "./apply-broker-factory.js";
import { progressPrinter } from "./apply-progress.js";
import type { CliContext } from "./context.js";
import { localAccountIntent } from "./local-intent.js";
import { systemClock } from "./system-clock.js";

export interface ApplyFlags {
  plan?: string;
  portfolio: string;
  account?: string;
  gateway?: string;
  clientId?: string;
  ledgerDir: string;
  json?: boolean;
  waveTimeout: string;
  onMerge?: boolean;
  /** With --on-merge: --group, repeatable. */
  group?: string[];
  sha?: string;
  before?: string;
  requireApprovals: string;
  repo?: string;
  remote: string;
  mainBranch: string;
}

export async function applyCommand(flags: ApplyFlags, ctx: CliContext): Promise<number> {
  if (flags.plan === undefined) {
    throw new UsageError("apply needs the plan to execute", {
      hint: "Pass --plan plans/<account>.plan.json, or --on-merge in the apply workflow.",
    });
  }
  const address = applyGatewayAddress(flags, ctx.env);
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
  const planFile = resolve(ctx.cwd, flags.plan);
  // Read once: the lock and the client id are the account of the very bytes whose hash is verified and
  // whose orders are sent. An unreadable plan is refused (by runApply, which says why) before either.
  const plan = await loadPlanFile(planFile);
  const account = plan.ok ? plan.plan.account : undefined;
  // --account: the account's portfolio resolved from its account file and model here.
  const intent = flags.account === undefined ? undefined : await localAccountIntent(flags.account, ctx);
  const portfolioName = intent === undefined ? flags.portfolio : intent.files.join(" with ");
  const result = await runApply({
    planFile,
    plan,
    portfolioFile: intent === undefined ? resolve(ctx.cwd, flags.portfolio) : portfolioName,
    ...(intent === undefined ? {} : { intent: { portfolio: intent.portfolio, hash: intent.hash } }),
    broker: applyBrokerFactory(address, flags, ctx)(account ?? ""),
    now: systemClock.now,
    toolVersion: TOOL_VERSION,
    waveTimeoutMs,
    ledgerDir: resolve(ctx.cwd, flags.ledgerDir),
    onProgress: progressPrinter(ctx.stderr),
    // Hints name the files as they were typed, not their absolute paths.
    context: localContext(portfolioName, flags.plan, intent?.account),
  }).catch((error: unknown) => {
    if (error instanceof RefusalError && error.reason === "locked") return error;
    // Its orders may have gone out: the record is shown before the error says it could not be kept.
    if (error instanceof LedgerWriteError) printRecord(error.record, flags, ctx);
    throw error;
  });
  if (result instanceof RefusalError) return printLocked(result, flags, ctx);
  printRecord(result.record, flags, ctx);
  if (result.ledgerFile) ctx.stderr.write(`ledger: ${result.ledgerFile}\n`);
  return result.exitCode;
}

function printRecord(record: LedgerRecord, flags: { json?: boolean }, ctx: CliContext): void {
  if (record.refusal)
    ctx.stderr.write(`folioctl: refused (${record.refusal.reason}): ${record.refusal.message}\n`);
  if (record.error) ctx.stderr.write(`folioctl: error: ${record.error}\n`);
  ctx.stdout.write(flags.json ? `${JSON.stringify(record, null, 2)}\n` : renderApplyText(record));
}

/** Another apply holds the account: nothing was sent and no record is written, the holder writes one. */
export function printLocked(error: RefusalError, flags: { json?: boolean }, ctx: CliContext): number {
  ctx.stderr.write(`folioctl: refused (locked): ${error.message}\n`);
  if (error.hint) ctx.stderr.write(`  hint: ${error.hint}\n`);
  if (flags.json) {
    const refusal = { reason: error.reason, message: error.message, hint: error.hint ?? "" };
    ctx.stdout.write(`${JSON.stringify({ outcome: "refused", refusal }, null, 2)}\n`);
  }
  return error.exitCode;
}
