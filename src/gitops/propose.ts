// `folioctl propose`: keeps exactly one rebalance pull request per account in step with portfolio.yaml on
// main and the live account. Run twice on an unchanged world, the second run writes nothing.
import { computePlan } from "../core/compute-plan.js";
import { formatPlanFile } from "../core/format-plan-file.js";
import type { Plan } from "../core/plan.js";
import { planSummary } from "../core/plan-summary.js";
import { ForgeError } from "../errors.js";
import type { PullRequest } from "../forge/forge.js";
import { REBALANCE_LABEL, STATE_LABELS } from "../forge/forge.js";
import { accountOfPlanBranch, planPath } from "../git/ops-repo-layout.js";
import { planProblemsError } from "./describe-plan-problems.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { keepExistingPlan } from "./keep-existing-plan.js";
import { describeNeverApplied, findNeverApplied, type NeverApplied } from "./never-applied.js";
import { gitBlobId, planAttestation } from "./plan-attestation.js";
import { planPullRequestBody, planPullRequestTitle } from "./plan-pull-request.js";
import { readBranchPlan } from "./read-branch-plan.js";
import type { AccountSelection } from "../config/account-groups.js";
import { EVERY_ACCOUNT, groupOf, selectAccounts } from "../config/account-groups.js";
import type { AccountIntentResult } from "../config/ops-intent.js";
import type { Snapshot } from "../core/snapshot.js";
import type { AccountIntent } from "./read-portfolio-at.js";
import { intentFiles, intentOrThrow, readIntentsAt } from "./read-portfolio-at.js";

/**
 * What propose did: `opened`, `reopened` or `updated` a pull request with a new plan; `kept` the plan
 * under review; `closed` the pull request because nothing is out of band (or trading is suspended);
 * `nothing-to-do` and `suspended` when there was no pull request to touch.
 */
export type ProposeAction =
  "opened" | "reopened" | "updated" | "kept" | "closed" | "nothing-to-do" | "suspended";

export interface ProposeResult {
  action: ProposeAction;
  account: string;
  /** The main commit the plan was made from. */
  mainSha: string;
  pull?: PullRequest;
  /** The plan the pull request now carries (the kept one, or the new one), or the empty plan. */
  plan?: Plan;
  /** Why the plan under review was replaced, or why the pull request was closed. */
  reason?: string;
  /** True when the run changed nothing on GitHub or in git. */
  unchanged: boolean;
  /** Merged rebalance pull requests of the account whose plan no apply ever ran for. */
  neverApplied?: NeverApplied[];
}

/** An account propose could not plan: the others still proceed, and the run fails at the end. */
export interface ProposeFailure {
  action: "failed";
  account: string;
  mainSha: string;
  error: Error;
}

export interface ProposeRun {
  mainSha: string;
  /** One per account of the ops repository (or per account asked for), in account order. */
  results: Array<ProposeResult | ProposeFailure>;
}

export interface ProposeOptions {
  /** Only these accounts (apply's fresh proposal after a refusal); default every account. */
  accounts?: string[];
  /**
   * `--group` and `--account`: the accounts this run covers (one login's, on its runner). The others'
   * pull requests are left alone; a group or an account main does not have stops the run first.
   */
  selection?: AccountSelection;
}

/**
 * Plans every account of the ops repository on main and keeps each one's pull request. One account's
 * failure (its files invalid, its snapshot refused) is reported and the others proceed; a repository of
 * one account (portfolio.yaml) fails as a whole, as it always did.
 */
export async function runPropose(deps: GitOpsDeps, options: ProposeOptions = {}): Promise<ProposeRun> {
  const mainSha = await deps.repo.fetch();
  const intents = await readIntentsAt(deps.repo, mainSha);
  const selection = options.selection ?? EVERY_ACCOUNT;
  const selected = selectAccounts(intents, selection, `on main (${mainSha.slice(0, 12)})`);
  const wanted = options.accounts;
  const entries = selected.filter(
    (entry) => wanted === undefined || wanted.includes(entry.account) || intents.layout === "portfolio",
  );
  const results: ProposeRun["results"] = [];
  const snapshots = await readTogether(deps, entries);
  for (const entry of entries) {
    try {
      results.push(
        await proposeAccount(deps, intentOrThrow(entry, mainSha), mainSha, snapshots.get(entry.account)),
      );
    } catch (error) {
      if (intents.layout === "portfolio" || !(error instanceof Error)) throw error;
      deps.log(`propose ${entry.account}: failed: ${error.message.split("\n")[0] ?? ""}`);
      results.push({ action: "failed", account: entry.account, mainSha, error });
    }
  }
  // An account whose files left main gets no plan: its open pull request would only be refused.
  if (wanted === undefined && selection.accounts.length === 0) {
    const onMain = new Set(intents.accounts.map((entry) => entry.account));
    for (const pull of await deps.forge.listOpenRebalancePullRequests()) {
      const account = accountOfPlanBranch(pull.headRef);
      if (account === undefined || onMain.has(account)) continue;
      if (!(await orphanInSelection(deps, pull, account, selection))) continue;
      results.push(await closeOrphan(deps, pull, account, mainSha));
    }
  }
  return { mainSha, results };
}

/**
 * Whether a run of some groups closes an account's orphaned pull request: the account's group is read
 * where its file still is, at the pull request's head. When it cannot be, the pull request is left for
 * a run of every group (`propose` without --group).
 */
async function orphanInSelection(
  deps: GitOpsDeps,
  pull: PullRequest,
  account: string,
  selection: AccountSelection,
): Promise<boolean> {
  if (selection.groups.length === 0) return true;
  const group = await readIntentsAt(deps.repo, pull.headSha).then(
    (intent) => {
      const entry = intent.accounts.find((e) => e.account === account);
      return entry === undefined ? undefined : groupOf(entry);
    },
    () => undefined,
  );
  if (group === undefined) {
    deps.log(
      `propose ${account}: no longer on main, and its group cannot be read at #${pull.number}'s head; ` +
        "left open for `folioctl propose` without --group",
    );
    return false;
  }
  return selection.groups.includes(group);
}

/** Closes the pull request of an account that main no longer holds, saying why. */
async function closeOrphan(
  deps: GitOpsDeps,
  pull: PullRequest,
  account: string,
  mainSha: string,
): Promise<ProposeResult> {
  const reason = `${account} is no longer an account on main (${mainSha.slice(0, 12)}): its files were removed or renamed`;
  deps.log(`propose ${account}: ${reason}; closing #${pull.number}`);
  await deps.forge.closePullRequest(
    pull.number,
    `Closing: ${reason}. folioctl proposes no plan for it, and a plan merged from here would be refused ` +
      "(`intent-changed`). Add the account's file back in a reviewed pull request to trade it again.",
  );
  return { action: "closed", account, mainSha, pull, reason, unchanged: false };
}

/**
 * The snapshots of every account to plan, read in one gateway session, so that the cost of N accounts
 * grows with their contracts, not N times. When that session fails (one account's contract is
 * ambiguous, the login does not manage one of them), each account is read alone, as with one account,
 * so that one account's problem is reported as its own and the others are still proposed.
 */
async function readTogether(
  deps: GitOpsDeps,
  entries: readonly AccountIntentResult[],
): Promise<Map<string, Snapshot>> {
  const portfolios = entries.flatMap((entry) =>
    entry.ok && !entry.intent.portfolio.suspend ? [entry.intent.portfolio] : [],
  );
  const together = new Map<string, Snapshot>();
  if (deps.snapshotAccounts === undefined || portfolios.length < 2) return together;
  try {
    const snapshots = await deps.snapshotAccounts(portfolios);
    portfolios.forEach((portfolio, index) => {
      const snapshot = snapshots[index];
      if (snapshot !== undefined) together.set(portfolio.account, snapshot);
    });
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    deps.log(
      `propose: reading ${portfolios.length} accounts in one session failed (${reason}); reading each alone`,
    );
  }
  return together;
}

async function proposeAccount(
  deps: GitOpsDeps,
  intent: AccountIntent,
  mainSha: string,
  snapshot: Snapshot | undefined,
): Promise<ProposeResult> {
  const result = await proposeRebalance(deps, intent, mainSha, snapshot);
  // Only reads: a failure here is reported and does not undo what propose did.
  const neverApplied = await findNeverApplied(deps, result.account, result.mainSha).catch(
    (error: unknown) => {
      deps.log(`propose ${result.account}: could not look for merged plans never applied: ${String(error)}`);
      return [];
    },
  );
  for (const pull of neverApplied) deps.log(`propose ${result.account}: ${describeNeverApplied(pull)}`);
  return neverApplied.length === 0 ? result : { ...result, neverApplied };
}

async function proposeRebalance(
  deps: GitOpsDeps,
  intent: AccountIntent,
  mainSha: string,
  readBefore: Snapshot | undefined,
): Promise<ProposeResult> {
  const { forge, repo, log } = deps;
  const { portfolio, hash: sha256 } = intent;
  const account = portfolio.account;
  const open = await forge.findOpenRebalancePullRequest(account);

  if (portfolio.suspend) {
    const reason = `trading is suspended: ${intentFiles(intent)} on main (${mainSha.slice(0, 12)}) has \`suspend: true\``;
    log(`propose ${account}: ${reason}; proposing nothing`);
    if (!open) return { action: "suspended", account, mainSha, reason, unchanged: true };
    await forge.closePullRequest(
      open.number,
      `Closing: ${reason}. No plan is proposed while it is; set \`suspend: false\` in a reviewed pull ` +
        "request to trade again, and folioctl proposes a fresh plan.",
    );
    return { action: "closed", account, mainSha, pull: open, reason, unchanged: false };
  }

  const snapshot = readBefore ?? (await deps.snapshot(portfolio));
  const now = deps.now();
  const result = computePlan(portfolio, snapshot, {
    now: now.toISOString(),
    toolVersion: deps.toolVersion,
    portfolioHash: sha256,
    sourceCommit: mainSha,
  });
  if (!result.ok) throw planProblemsError(account, result.errors);
  const { plan } = result;

  if (plan.orders.length === 0) {
    const reason = planSummary(plan);
    log(`propose ${account}: ${reason}`);
    if (!open) return { action: "nothing-to-do", account, mainSha, plan, reason, unchanged: true };
    await forge.closePullRequest(
      open.number,
      `Closing: nothing to do for ${account} any more. ${reason}.\n\n` +
        "folioctl opens this pull request again when a holding drifts out of its band.",
    );
    return { action: "closed", account, mainSha, pull: open, plan, reason, unchanged: false };
  }

  let reason: string | undefined;
  if (open) {
    const existing = await readBranchPlan(deps, open.headSha, account);
    if (existing.ok) {
      const decision = keepExistingPlan({
        existing: existing.plan,
        fresh: plan,
        snapshot,
        portfolio,
        portfolioHash: sha256,
        intentFiles: intentFiles(intent),
        now,
      });
      if (decision.keep) return keep(deps, open, existing.plan, mainSha, portfolio.cash.minimum);
      reason = decision.reason;
    } else reason = existing.reason;
    log(`propose ${account}: replacing plan on #${open.number}: ${reason}`);
  }

  const commit = await repo.commitPlan({
    account,
    content: formatPlanFile(plan),
    message: `folioctl plan ${plan.hash.slice(0, 12)} for ${account}\n\n${planSummary(plan)}\n`,
  });
  let pull = open;
  let action: ProposeAction = "updated";
  if (!pull) {
    // A closed, unmerged bot pull request is brought back rather than a second one opened next to it.
    const closed = await forge.findClosedRebalancePullRequest(account);
    if (closed) {
      try {
        pull = await forge.reopenPullRequest(closed.number);
        action = "reopened";
      } catch (error) {
        if (!(error instanceof ForgeError)) throw error;
        log(`propose ${account}: cannot reopen #${closed.number} (${error.message}); opening a new one`);
      }
    }
  }
  await repo.pushPlan(commit);
  await attestPlanCommit(deps, plan, commit.sha);
  const title = planPullRequestTitle(plan);
  const body = planPullRequestBody(plan, portfolio.cash.minimum);
  if (pull) {
    await forge.updatePullRequest(pull.number, { title, body });
    await forge.setStateLabel(pull.number, "pending");
  } else {
    pull = await forge.createPullRequest({
      head: commit.branch,
      base: repo.mainBranch,
      title,
      body,
      labels: [REBALANCE_LABEL, STATE_LABELS.pending],
    });
    action = "opened";
  }
  log(
    `propose ${account}: ${action} #${pull.number} with plan ${plan.hash.slice(0, 12)} (${planPath(account)})`,
  );
  return {
    action,
    account,
    mainSha,
    pull,
    plan,
    unchanged: false,
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * Marks the pushed commit as folioctl's own with a status only the bot's token can create, naming the
 * plan and the exact bytes committed (read back from git, so that they are what GitHub holds).
 */
async function attestPlanCommit(deps: GitOpsDeps, plan: Plan, sha: string): Promise<void> {
  const bytes = await deps.repo.readFile(sha, planPath(plan.account));
  if (bytes === null) throw new Error(`internal: ${planPath(plan.account)} is missing from commit ${sha}`);
  await deps.forge.setCommitStatus(sha, planAttestation(plan.account, plan.hash, gitBlobId(bytes)));
}

/** The plan under review stays; only a hand-edited title, body or label is put back. */
async function keep(
  deps: GitOpsDeps,
  open: PullRequest,
  plan: Plan,
  mainSha: string,
  cashMinimum: number,
): Promise<ProposeResult> {
  const edited = await deps.forge.updatePullRequest(open.number, {
    title: planPullRequestTitle(plan),
    body: planPullRequestBody(plan, cashMinimum),
  });
  const labels = open.labels.map((label) => label.toLowerCase());
  const onlyPending =
    labels.includes(STATE_LABELS.pending) &&
    !labels.includes(STATE_LABELS.applied) &&
    !labels.includes(STATE_LABELS.refused);
  if (!onlyPending) await deps.forge.setStateLabel(open.number, "pending");
  deps.log(
    `propose ${plan.account}: #${open.number} keeps plan ${plan.hash.slice(0, 12)}: it is still good` +
      (edited ? " (title and body restored)" : ""),
  );
  return {
    action: "kept",
    account: plan.account,
    mainSha,
    pull: open,
    plan,
    unchanged: !edited && onlyPending,
  };
}
