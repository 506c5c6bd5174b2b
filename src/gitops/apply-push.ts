// `folioctl apply --on-merge`: for a push to main, apply every plan its merged rebalance pull requests
// brought. One push can land several merges (a merge queue's group, or a person's push of several
// commits) while GITHUB_SHA names only the last: the commits between the push's `before` and `sha` are
// walked along first parents, and each plan commit among them is applied in order, at most one per
// account (the newest; older ones are reported as superseded and send nothing).
import { groupOf, selectAccounts } from "../config/account-groups.js";
import { findPlanAccount } from "./find-plan-account.js";
import { readIntentsAt } from "./read-portfolio-at.js";
import type { ApplyOnMergeDeps, ApplyOnMergeOptions, ApplyOnMergeResult } from "./apply-on-merge.js";
import { applyMergedCommit } from "./apply-on-merge.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { runPropose, type ProposeResult } from "./propose.js";
import { reportSuperseded, type SupersededPlan } from "./report-superseded.js";

export type { ApplyOnMergeDeps, ApplyOnMergeOptions, ApplyOnMergeResult } from "./apply-on-merge.js";
export type { SupersededPlan } from "./report-superseded.js";

export interface ApplyOnMergeRun {
  /** The most serious of the applies': 1 error, then 4 partial, then 3 refused, else 0. */
  exitCode: number;
  /** The commits the push brought, oldest first (just `sha` without `before`). */
  commits: string[];
  /** Each applied (or refused) plan commit, in the order they reached main. */
  applies: ApplyOnMergeResult[];
  /** Plan commits followed in the same push by a newer plan for the same account: nothing was sent. */
  superseded: SupersededPlan[];
  /** After a refused or partial apply: the fresh proposal, or why it failed. */
  repropose?: { results: ProposeResult[] } | { error: string };
}

const SEVERITY = [1, 4, 3];

/** A push main never had before (a new branch) shows an all-zero `before`. */
export function pushBefore(before: string | undefined): string | undefined {
  return before === undefined || /^0+$/.test(before) ? undefined : before;
}

export async function runApplyOnMerge(
  deps: ApplyOnMergeDeps,
  options: ApplyOnMergeOptions,
): Promise<ApplyOnMergeRun> {
  const { repo, log } = deps;
  const mainSha = await repo.fetch();
  const groups = options.groups ?? [];
  // A group main does not have is a wrong matrix entry: said before any pull request is looked at.
  if (groups.length > 0) {
    const where = `on main (${mainSha.slice(0, 12)})`;
    selectAccounts(await readIntentsAt(repo, mainSha), { groups, accounts: [] }, where);
  }
  const before = pushBefore(options.before);
  const commits = before === undefined ? [options.sha] : await repo.firstParentRange(before, options.sha);
  const found: Array<{ sha: string; account: string }> = [];
  for (const sha of commits) {
    const account = await findPlanAccount(repo, sha);
    if (account !== undefined) found.push({ sha, account });
  }
  const span =
    commits.length === 1
      ? `commit ${options.sha.slice(0, 12)}`
      : `the push (${commits.length} commits up to ${options.sha.slice(0, 12)})`;
  const { planCommits, ungrouped } = await inGroups(deps, found, groups);
  if (planCommits.length === 0) {
    log(
      `apply: ${span} changes no plans/<account>.plan.json${groups.length > 0 ? ` of group ${groups.join(", ")}` : ""}; nothing to apply`,
    );
    return { exitCode: ungrouped ? 1 : 0, commits, applies: [], superseded: [] };
  }

  const newest = new Map(planCommits.map((commit) => [commit.account, commit.sha]));
  const superseded: SupersededPlan[] = [];
  for (const commit of planCommits) {
    const by = newest.get(commit.account);
    if (by === undefined || by === commit.sha) continue;
    log(
      `apply: ${commit.sha.slice(0, 12)} is superseded by ${by.slice(0, 12)} in the same push: not applied`,
    );
    superseded.push(await reportSuperseded(deps, { ...commit, by }, options.identity.url));
  }

  const applies: ApplyOnMergeResult[] = [];
  for (const commit of planCommits) {
    if (newest.get(commit.account) !== commit.sha) continue;
    applies.push(await applyMergedCommit(deps, options, commit.sha, commit.account));
  }
  const worst = SEVERITY.find((code) => applies.some((a) => a.exitCode === code)) ?? 0;
  // A plan no group's run can take is an error of the run, after the plans it could take are applied.
  const exitCode = ungrouped && worst === 0 ? 1 : worst;
  const run: ApplyOnMergeRun = { exitCode, commits, applies, superseded };
  // Only the accounts whose plan was refused or partly applied get a fresh one.
  const reproposing = applies.filter(
    (a) => a.record?.outcome === "refused" || a.record?.outcome === "partial" || isEarlyRefusal(a),
  );
  if (reproposing.length > 0)
    run.repropose = await repropose(
      deps,
      reproposing.map((a) => a.account),
    );
  return run;
}

/**
 * The plan commits of the selected groups, each account's group read at its plan commit (what was
 * merged). The other groups' plans are left to their own runs without a word to GitHub. A plan whose
 * account has no readable file there belongs to no group: it is named, and the run fails, so that a
 * person looks at it (`apply --on-merge` without --group refuses it and says why on its pull request).
 */
async function inGroups(
  deps: ApplyOnMergeDeps,
  found: Array<{ sha: string; account: string }>,
  groups: readonly string[],
): Promise<{ planCommits: Array<{ sha: string; account: string }>; ungrouped: boolean }> {
  if (groups.length === 0) return { planCommits: found, ungrouped: false };
  const planCommits: Array<{ sha: string; account: string }> = [];
  let ungrouped = false;
  for (const commit of found) {
    const intent = await readIntentsAt(deps.repo, commit.sha);
    const entry = intent.accounts.find((e) => e.account === commit.account || intent.layout === "portfolio");
    const group = entry === undefined ? undefined : groupOf(entry);
    const at = `${commit.sha.slice(0, 12)} (${commit.account})`;
    if (group === undefined) {
      ungrouped = true;
      deps.log(
        `apply: ${at}: the account's group cannot be read at that commit (no valid accounts/${commit.account}.yaml); ` +
          `nothing was sent. Run \`folioctl apply --on-merge --sha ${commit.sha}\` without --group on the account's runner to have it refused and reported`,
      );
    } else if (groups.includes(group)) planCommits.push(commit);
    else deps.log(`apply: ${at} is in group ${group}: left to that group's run`);
  }
  return { planCommits, ungrouped };
}

/** Refused before the plan could even be read: a fresh plan is proposed, except after `locked`. */
function isEarlyRefusal(result: ApplyOnMergeResult): boolean {
  return result.record === undefined && result.refusal !== undefined && result.refusal.reason !== "locked";
}

async function repropose(
  deps: GitOpsDeps,
  accounts: string[],
): Promise<{ results: ProposeResult[] } | { error: string }> {
  deps.log(`apply: proposing a fresh plan for review (${accounts.join(", ")})`);
  try {
    const run = await runPropose(deps, { accounts });
    const failed = run.results.flatMap((r) =>
      r.action === "failed" ? [`${r.account}: ${r.error.message}`] : [],
    );
    if (failed.length > 0) throw new Error(failed.join("; "));
    return { results: run.results.filter((r): r is ProposeResult => r.action !== "failed") };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.log(`apply: the fresh proposal failed: ${message}`);
    return { error: message };
  }
}
