import { appendFile } from "node:fs/promises";
import { renderApplyText } from "../apply/render-apply-report.js";
import { parseDuration } from "../core/parse-duration.js";
import { RefusalError, UsageError } from "../errors.js";
import { runApplyOnMerge, type ApplyOnMergeResult, type ApplyOnMergeRun } from "../gitops/apply-push.js";
import {
  createForge,
  gatewaySnapshot,
  gatewaySnapshots,
  openOpsRepo,
  requireGateway,
} from "../gitops/gitops-context.js";
import { runIdentityFromEnv } from "../gitops/run-identity.js";
import { TOOL_VERSION } from "../version.js";
import { printLocked, type ApplyFlags } from "./apply.js";
import { applyBrokerFactory } from "./apply-broker-factory.js";
import { progressPrinter } from "./apply-progress.js";
import type { CliContext } from "./context.js";
import { describeProposal } from "./propose.js";
import { systemClock } from "./system-clock.js";

/** `folioctl apply --on-merge`: the apply workflow's step. Exit codes as plain apply: 0, 3, 4, 1. */
export async function applyOnMergeCommand(flags: ApplyFlags, ctx: CliContext): Promise<number> {
  const sha = (flags.sha ?? ctx.env["GITHUB_SHA"] ?? "").trim();
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw new UsageError(
      sha === ""
        ? "apply --on-merge needs the commit pushed to main"
        : `--sha "${sha}" is not a full commit sha`,
      { hint: 'Pass --sha with the 40-character sha (in the workflow: --sha "$GITHUB_SHA").' },
    );
  }
  if (!/^\d{1,3}$/.test(flags.requireApprovals)) {
    throw new UsageError(`--require-approvals "${flags.requireApprovals}" is not a whole number`, {
      hint: "Pass how many approvals a plan needs, for example --require-approvals 1 (0 leaves it to the branch ruleset).",
    });
  }
  const before = flags.before?.trim();
  if (before !== undefined && before !== "" && !/^[0-9a-f]{40}$/i.test(before)) {
    throw new UsageError(`--before "${before}" is not a full commit sha`, {
      hint: 'Pass the 40-character sha main pointed to before the push (in the workflow: --before "$PUSH_BEFORE" with PUSH_BEFORE set to ${{ github.event.before }}).',
    });
  }
  const waveTimeoutMs = parseDuration(flags.waveTimeout);
  if (waveTimeoutMs === undefined) {
    throw new UsageError(`--wave-timeout "${flags.waveTimeout}" is not a duration`, {
      hint: "Write it like 90s, 10m or 1h.",
    });
  }
  const heartbeatMs = parseDuration(ctx.env["FOLIOCTL_LOCK_HEARTBEAT"]?.trim() || "30s");
  if (heartbeatMs === undefined || heartbeatMs < 1000) {
    throw new UsageError(
      `FOLIOCTL_LOCK_HEARTBEAT "${ctx.env["FOLIOCTL_LOCK_HEARTBEAT"]}" is not a duration of 1s or more`,
      {
        hint: "Leave it unset (30s), or write it like 15s or 1m.",
      },
    );
  }
  // The read-only snapshot (for a fresh proposal) keeps FOLIOCTL_CLIENT_ID; trading uses the account's id.
  const address = requireGateway(flags, ctx.env, "apply");
  const forge = createForge(ctx.env);
  const repo = await openOpsRepo(flags, ctx.env, ctx.cwd, systemClock);
  const log = (line: string): void => void ctx.stderr.write(`${line}\n`);
  const result = await runApplyOnMerge(
    {
      forge,
      repo,
      snapshot: gatewaySnapshot(address, systemClock),
      snapshotAccounts: gatewaySnapshots(address, systemClock),
      broker: applyBrokerFactory(address, flags, ctx),
      now: systemClock.now,
      toolVersion: TOOL_VERSION,
      log,
      sleep: ctx.sleep,
      ...stepSummaryFromEnv(ctx.env),
    },
    {
      sha: sha.toLowerCase(),
      ...(before === undefined || before === "" ? {} : { before: before.toLowerCase() }),
      requireApprovals: Number(flags.requireApprovals),
      waveTimeoutMs,
      identity: runIdentityFromEnv(ctx.env, "folioctl apply --on-merge"),
      onProgress: progressPrinter(ctx.stderr),
      heartbeat: { intervalMs: heartbeatMs },
      ...(flags.group === undefined ? {} : { groups: flags.group }),
    },
  ).catch((error: unknown) => {
    if (error instanceof RefusalError && error.reason === "locked") return error;
    throw error;
  });
  if (result instanceof RefusalError) return printLocked(result, flags, ctx);
  printResult(result, flags, ctx);
  return result.exitCode;
}

function printResult(run: ApplyOnMergeRun, flags: ApplyFlags, ctx: CliContext): void {
  if (run.applies.length === 0 && run.superseded.length === 0) {
    if (flags.json) ctx.stdout.write(`${JSON.stringify({ outcome: "nothing-to-apply" })}\n`);
    return;
  }
  for (const plan of run.superseded) {
    ctx.stderr.write(
      `folioctl: ${plan.sha.slice(0, 12)} (${plan.account}) superseded by ${plan.by.slice(0, 12)} in the same push: nothing was sent\n`,
    );
  }
  for (const result of run.applies) printApply(result, flags, ctx);
  if (flags.json) {
    const json = run.applies.map(({ record, refusal }) => record ?? { outcome: "refused", refusal });
    // One plan commit, as always: its record. Several, or superseded ones: all of them, said as such.
    const single = run.applies.length === 1 && run.superseded.length === 0;
    const payload = single
      ? json[0]
      : {
          outcome: "several",
          applies: json,
          superseded: run.superseded.map(({ sha, account, by }) => ({ sha, account, by })),
        };
    ctx.stdout.write(`${JSON.stringify(payload, null, 2)}\n`);
  }
  const again = run.repropose;
  if (again && "results" in again) {
    for (const result of again.results) ctx.stderr.write(`propose: ${describeProposal(result)}`);
  }
}

function printApply(result: ApplyOnMergeResult, flags: ApplyFlags, ctx: CliContext): void {
  const { record, refusal } = result;
  if (record?.refusal)
    ctx.stderr.write(`folioctl: refused (${record.refusal.reason}): ${record.refusal.message}\n`);
  else if (refusal)
    ctx.stderr.write(`folioctl: refused (${refusal.reason}): ${refusal.message}\n  hint: ${refusal.hint}\n`);
  if (record?.error) ctx.stderr.write(`folioctl: error: ${record.error}\n`);
  if (!flags.json && record) ctx.stdout.write(renderApplyText(record));
  // Where the record went is logged once, as the report commits it ("apply: ledger ... on main at ...").
  for (const problem of result.report?.problems ?? []) ctx.stderr.write(`folioctl: error: ${problem}\n`);
}

/** GitHub Actions names a file per step whose Markdown shows on the run's summary page. */
function stepSummaryFromEnv(env: NodeJS.ProcessEnv): { stepSummary?: (markdown: string) => Promise<void> } {
  const file = env["GITHUB_STEP_SUMMARY"]?.trim();
  return file ? { stepSummary: (markdown) => appendFile(file, markdown, "utf8") } : {};
}
