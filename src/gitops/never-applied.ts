// A merged rebalance pull request whose plan was never applied. GitHub keeps one running and one pending
// run per concurrency group and cancels the pending one when a newer run queues ("there can be at most
// one running and one pending job in a concurrency group at any time ... Any existing pending job or
// workflow in the same concurrency group, if it exists, will be canceled": docs.github.com, Control the
// concurrency of workflows and jobs), so the apply run of a merge can vanish without a comment or a
// status. The `queue: max` setting that would keep them all is not accepted by actionlint yet. Nothing in folioctl's safety depends on that queue (the
// account's lock serialises applies), but a plan that silently never ran must not go unnoticed: propose,
// which runs every weekday, reports each such pull request with the command that applies it.
import { isRecordOfPlan } from "../apply/read-earlier-runs.js";
import { STATE_LABELS } from "../forge/forge.js";
import { ledgerFolder } from "../git/ops-repo-layout.js";
import type { GitOpsDeps } from "./gitops-deps.js";
import { readPlanHeader } from "./plan-pull-request.js";

export interface NeverApplied {
  number: number;
  url: string;
  mergedAt: string;
  mergeCommitSha: string;
  /** The plan the pull request showed, when its header can be read. */
  planHash?: string;
}

/**
 * The bot's merged pull requests for the account still labelled `folioctl: pending` with no ledger
 * record of their plan on main: no apply ever reported on them (apply labels and records even a refusal).
 */
export async function findNeverApplied(
  deps: Pick<GitOpsDeps, "forge" | "repo">,
  account: string,
  mainSha: string,
): Promise<NeverApplied[]> {
  const merged = await deps.forge.listMergedRebalancePullRequests(account);
  const pending = merged.filter((pull) =>
    pull.labels.some((label) => label.toLowerCase() === STATE_LABELS.pending),
  );
  if (pending.length === 0) return [];
  const records = await deps.repo.listFiles(mainSha, ledgerFolder(account));
  const found: NeverApplied[] = [];
  for (const pull of pending) {
    const hash = readPlanHeader(pull.body)?.hash;
    if (hash !== undefined && records.some((name) => isRecordOfPlan(name, hash))) continue;
    if (pull.mergedAt === null || pull.mergeCommitSha === null) continue;
    found.push({
      number: pull.number,
      url: pull.url,
      mergedAt: pull.mergedAt,
      mergeCommitSha: pull.mergeCommitSha,
      ...(hash === undefined ? {} : { planHash: hash }),
    });
  }
  return found;
}

/** One paragraph: what happened and the command that applies it. */
export function describeNeverApplied(pull: NeverApplied): string {
  const sha = pull.mergeCommitSha;
  const plan = pull.planHash === undefined ? "its plan" : `plan ${pull.planHash.slice(0, 12)}`;
  return (
    `#${pull.number} was merged at ${pull.mergedAt} (merge commit ${sha.slice(0, 12)}), never applied: ` +
    `no ledger record of ${plan} is on main and it is still labelled \`${STATE_LABELS.pending}\` (its apply ` +
    "run was cancelled or never started). Unless an apply run for it is waiting for approval or running, " +
    "re-run the apply run of the push that brought it, which applies it or says why not: " +
    `gh run rerun $(gh run list --workflow apply.yml --commit ${sha} --json databaseId --jq '.[0].databaseId')`
  );
}
