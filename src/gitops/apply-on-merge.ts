// One plan commit of a push to main: apply the plan its merged rebalance pull request brought, or refuse.
// The checks that need no broker come first (provenance, approval, intent on main), then the lock, then the
// apply engine with the plan and portfolio.yaml exactly as they are at the commit.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLedgerRecord } from "../apply/build-ledger-record.js";
import type { ProgressEvent } from "../apply/execution-types.js";
import type { LedgerRecord } from "../apply/ledger.js";
import type { Refusal } from "../apply/refusal.js";
import { onMergeContext } from "../apply/refusal-hints.js";
import { runApply } from "../apply/run-apply.js";
import type { Broker } from "../broker/broker.js";
import type { Plan } from "../core/plan.js";
import { NotAFileError } from "../errors.js";
import { REBALANCE_LABEL, type PullRequest } from "../forge/forge.js";
import type { LockInfo } from "../git/git-repo.js";
import { LockHeldError } from "../git/lock-held-error.js";
import { startLockHeartbeat, type ScheduleBeat } from "../git/lock-heartbeat.js";
import { DEFAULT_LOCK_HEARTBEAT_MS } from "../git/lock-liveness.js";
import { ledgerFolder, planBranch, planPath } from "../git/ops-repo-layout.js";
import { checkApproval } from "./check-approval.js";
import { checkProvenance } from "./check-provenance.js";
import { copyEarlierLedgerRecords } from "./earlier-ledger-records.js";
import { findMergedPull } from "./find-merged-pull.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { findAccountIntentAt, intentFiles, readAccountIntentAt } from "./read-portfolio-at.js";
import { applyStatusContext, reportApply, type ApplyReport } from "./report-apply.js";
import type { RunIdentity } from "./run-identity.js";
import { requireAppIdentity } from "./require-app-identity.js";

export interface ApplyOnMergeDeps extends GitOpsDeps {
  /** A new connection to the trading gateway for the account; apply opens and closes it. */
  broker: (account: string) => Broker;
  /** Appends Markdown to the job's summary page (GITHUB_STEP_SUMMARY), when the run has one. */
  stepSummary?: (markdown: string) => Promise<void>;
}

export interface ApplyOnMergeOptions {
  /** The commit main points to after the push (GITHUB_SHA). */
  sha: string;
  /**
   * The commit main pointed to before the push (github.event.before): every plan commit between the two
   * is applied, not only `sha` (a merge queue lands several merges in one push). Absent: `sha` alone.
   */
  before?: string;
  /** Approvals at the merged head, by others than the author; 0 leaves it to the branch ruleset. */
  requireApprovals: number;
  waveTimeoutMs: number;
  identity: RunIdentity;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * `--group`: only plans of accounts in these groups (one login's, on its runner) are applied; the
   * others' merges are left to their own group's run, unread and unreported. Absent or empty: all.
   */
  groups?: readonly string[];
  /** How often the lock's heartbeat is rewritten while the apply runs (default 30 s), and by what. */
  heartbeat?: { intervalMs?: number; schedule?: ScheduleBeat };
}

/** What became of one plan commit. */
export interface ApplyOnMergeResult {
  /** 0 applied (or already), 3 refused, 4 partial, 1 error. */
  exitCode: number;
  /** The plan commit on main. */
  sha: string;
  account: string;
  pull?: PullRequest;
  record?: LedgerRecord;
  /** Set when the apply was refused before a record could be made (the plan is unreadable, or locked). */
  refusal?: Refusal;
  report?: ApplyReport;
}

const EXIT_BY_OUTCOME: Record<LedgerRecord["outcome"], number> = {
  applied: 0,
  "already-applied": 0,
  refused: 3,
  partial: 4,
  error: 1,
};

export async function applyMergedCommit(
  deps: ApplyOnMergeDeps,
  options: ApplyOnMergeOptions,
  sha: string,
  account: string,
): Promise<ApplyOnMergeResult> {
  const { forge, repo, log } = deps;
  const startedAt = deps.now();
  const mainSha = await repo.fetch();
  const path = planPath(account);
  // The commit added or changed the path, yet it may hold no file: a submodule (gitlink) has no bytes,
  // whether or not its commit is in this repository.
  const planBytes = await repo.readFile(sha, path).catch((error: unknown) => {
    if (error instanceof NotAFileError) return null;
    throw error;
  });
  const pull = await findMergedPull(deps, sha, account);
  const botLogin = await forge.currentLogin();
  requireAppIdentity(botLogin, "apply --on-merge");
  log(`apply: ${path} at ${sha.slice(0, 12)}${pull ? `, merged in #${pull.number}` : ""}`);

  // Only folioctl's own pull request gets a state label; a person's gets the report comment alone.
  const labelPull = pull !== undefined && isBotPull(pull, account, botLogin);
  const refuseEarly = (refusal: Refusal, plan: Plan | undefined) =>
    finishRefused(deps, { account, sha, pull, labelPull, refusal, plan, startedAt, options });
  if (planBytes === null) return refuseEarly(notAFile(path, sha), undefined);
  // Who wrote the plan is decided from GitHub and git before the file is parsed.
  const provenance = await checkProvenance(forge, { account, sha, pull, botLogin, planBytes });
  if (!provenance.ok) return refuseEarly(provenance.refusal, provenance.plan);
  const { plan, pull: merged } = provenance;

  // An approval at an older head counts when the plan file there is the same bytes as the merged one.
  const approved = await forge.getApproval(merged.number, { contentPath: path });
  const approval = checkApproval(merged, approved, options.requireApprovals);
  if (approval) return refuseEarly(approval, plan);

  // The intent may have moved on after the merge (apply can wait hours for its environment's approval).
  // The kill switch is named as such, not as the change of portfolio.yaml that switched it on.
  const onMain = await findAccountIntentAt(repo, mainSha, account);
  if (onMain === undefined) {
    return refuseEarly(
      {
        reason: "intent-changed",
        message: `accounts/${account}.yaml is no longer on main (at ${mainSha.slice(0, 12)}): nothing is to be traded for ${account}`,
        hint: "Nothing was sent. Restore the account file in a reviewed pull request if the account is still to be managed.",
      },
      plan,
    );
  }
  const files = intentFiles(onMain);
  if (onMain.portfolio.suspend) {
    return refuseEarly(
      {
        reason: "suspended",
        message: `trading is suspended: ${files} on main (at ${mainSha.slice(0, 12)}) has \`suspend: true\``,
        hint: `Nothing was sent. Set \`suspend: false\` in ${files} on main when trading may resume.`,
      },
      plan,
    );
  }
  if (onMain.hash !== plan.portfolioHash) {
    return refuseEarly(
      {
        reason: "intent-changed",
        message:
          `${files} on main (at ${mainSha.slice(0, 12)}) is not the one the plan was made from ` +
          `(plan made from ${plan.portfolioHash.slice(0, 12)}, main has ${onMain.hash.slice(0, 12)})`,
        hint: `Nothing was sent. A fresh plan for the new ${files} is proposed for review.`,
      },
      plan,
    );
  }

  let lock: LockInfo;
  const heartbeatIntervalMs = options.heartbeat?.intervalMs ?? DEFAULT_LOCK_HEARTBEAT_MS;
  try {
    lock = await repo.acquireLock({
      account,
      holder: options.identity.holder,
      runId: options.identity.runId,
      heartbeatIntervalMs,
    });
  } catch (error) {
    if (!(error instanceof LockHeldError)) throw error;
    // The holder reports on the pull request; this run only says why it stopped (the command prints
    // the refusal with its hint, once, like every other).
    const refusal: Refusal = { reason: "locked", message: error.message, hint: error.hint ?? "" };
    return { exitCode: 3, sha, account, pull: merged, refusal };
  }

  // `unlock` refuses to remove the lock of a holder whose heartbeat is recent.
  const heartbeat = startLockHeartbeat({
    repo,
    lock,
    intervalMs: heartbeatIntervalMs,
    ...(options.heartbeat?.schedule === undefined ? {} : { schedule: options.heartbeat.schedule }),
    log,
  });
  let result: ApplyOnMergeResult;
  // Set when orders went out but their record is not on main (to the path it belongs at): the lock
  // then stays, see below.
  let unrecorded: string | undefined;
  try {
    await forge
      .setCommitStatus(sha, {
        state: "pending",
        context: applyStatusContext(account),
        description: `applying plan ${plan.hash.slice(0, 12)}`,
        ...(options.identity.url === undefined ? {} : { targetUrl: options.identity.url }),
      })
      .catch((error: unknown) => log(`apply: could not set the pending status: ${String(error)}`));
    const record = await applyAtCommit(deps, options, account, sha, path, planBytes, plan.hash).catch(
      async (error: unknown) => {
        // Nothing reached the broker (the engine reports broker failures as a record): say so and stop.
        const message = error instanceof Error ? error.message : String(error);
        await forge
          .setCommitStatus(sha, {
            state: "error",
            context: applyStatusContext(account),
            description: `failed: ${message.split("\n")[0] ?? ""}`,
          })
          .catch(() => undefined);
        throw error;
      },
    );
    const report = await reportApply(deps, {
      account,
      sha,
      pull: merged,
      labelPull: true,
      record,
      ...(options.identity.url === undefined ? {} : { runUrl: options.identity.url }),
    });
    if (report.ledger === undefined && record.orders.some((o) => o.status !== "not-sent")) {
      unrecorded =
        report.unrecorded?.path ?? `${ledgerFolder(account)}/<time>-${plan.hash.slice(0, 12)}.json`;
    }
    const exitCode = EXIT_BY_OUTCOME[record.outcome];
    result = {
      exitCode: exitCode === 0 && report.problems.length > 0 ? 1 : exitCode,
      sha,
      account,
      pull: merged,
      record,
      report,
    };
  } finally {
    lock = await heartbeat.stop();
    if (unrecorded !== undefined) {
      // A later run finds what this one sent in the ledger on main once IB forgot the day; without the
      // record it would send those legs again. So the lock stays until a person puts the record on main.
      log(
        `apply: the ledger record is not on main, so the lock on ${account} stays: orders were sent, and ` +
          `without their record a later apply could send them again. Commit the record as ${unrecorded} ` +
          "on main (the job summary and the pull request's report hold it byte for byte, the log above " +
          `has it too), then run \`folioctl unlock ${account} --yes\``,
      );
    } else {
      const released = await repo.releaseLock(lock).catch((error: unknown) => {
        log(`apply: could not release ${lock.account}'s lock: ${String(error)}`);
        return "failed";
      });
      if (released === "held-by-other") log(`apply: the lock was taken over by someone else; left alone`);
    }
  }
  return result;
}

/** Runs the apply engine on the plan and portfolio.yaml exactly as the merge commit has them. */
async function applyAtCommit(
  deps: ApplyOnMergeDeps,
  options: ApplyOnMergeOptions,
  account: string,
  sha: string,
  path: string,
  planBytes: Uint8Array,
  planHash: string,
): Promise<LedgerRecord> {
  // The account's portfolio as the merge commit has it, read by the same function as on main.
  const intent = await readAccountIntentAt(deps.repo, sha, account);
  const dir = await mkdtemp(join(tmpdir(), "folioctl-apply-"));
  try {
    const planFile = join(dir, path.replace(/^plans\//, ""));
    await writeFile(planFile, planBytes);
    const earlierLedgerDir = await copyEarlierLedgerRecords(
      deps.repo,
      account,
      planHash,
      join(dir, "ledger"),
    );
    const result = await runApply({
      earlierLedgerDir,
      planFile,
      portfolioFile: intentFiles(intent),
      intent: { portfolio: intent.portfolio, hash: intent.hash },
      // The account's own client id: the gateway refuses a second apply connected with it.
      broker: deps.broker(account),
      now: deps.now,
      toolVersion: deps.toolVersion,
      waveTimeoutMs: options.waveTimeoutMs,
      // Hints name the files on main and the loop's commands, not the temporary copies read here.
      context: onMergeContext(path, intentFiles(intent)),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    });
    return result.record;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface EarlyRefusal {
  account: string;
  sha: string;
  pull: PullRequest | undefined;
  labelPull: boolean;
  refusal: Refusal;
  plan: Plan | undefined;
  startedAt: Date;
  options: ApplyOnMergeOptions;
}

/** A refusal before the lock: recorded (when the plan can be read), reported, and a fresh plan proposed. */
async function finishRefused(deps: ApplyOnMergeDeps, input: EarlyRefusal): Promise<ApplyOnMergeResult> {
  // The refusal is not logged here: the command prints every refusal of the run once, early or not.
  const { refusal, plan } = input;
  const record =
    plan === undefined
      ? undefined
      : buildLedgerRecord({
          plan,
          toolVersion: deps.toolVersion,
          startedAt: input.startedAt,
          finishedAt: deps.now(),
          refusal,
        });
  const report = await reportApply(deps, {
    account: input.account,
    sha: input.sha,
    labelPull: input.labelPull,
    ...(input.pull === undefined ? {} : { pull: input.pull }),
    ...(record === undefined ? { refusal } : { record }),
    ...(input.options.identity.url === undefined ? {} : { runUrl: input.options.identity.url }),
  });
  return {
    exitCode: 3,
    sha: input.sha,
    account: input.account,
    ...(input.pull === undefined ? {} : { pull: input.pull }),
    ...(record === undefined ? { refusal } : { record }),
    report,
  };
}

/** A plan path that holds no file: whatever put it there, it is not the plan folioctl committed. */
function notAFile(path: string, sha: string): Refusal {
  return {
    reason: "tampered",
    message: `${path} at ${sha.slice(0, 12)} is not a file: git holds no bytes for it (a submodule?)`,
    hint:
      "Nothing was sent. Plans reach main only as the file `folioctl propose` commits, by merging its pull " +
      "request; a fresh plan is proposed for review.",
  };
}

export function isBotPull(pull: PullRequest, account: string, botLogin: string): boolean {
  return (
    pull.author.toLowerCase() === botLogin.toLowerCase() &&
    pull.headRef === planBranch(account) &&
    pull.labels.some((label) => label.toLowerCase() === REBALANCE_LABEL)
  );
}
