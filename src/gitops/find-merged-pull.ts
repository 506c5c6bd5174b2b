// Which merged pull request brought a commit to main. GitHub's commit-to-pull-request index is filled a
// little after the merge, so `GET /commits/{sha}/pulls` can answer [] for a few seconds right when the
// apply workflow asks; taking that for "no pull request" would refuse a reviewed plan as `tampered`.
import type { PullRequest } from "../forge/forge.js";
import { planBranch } from "../git/ops-repo-layout.js";
import type { GitOpsDeps } from "./gitops-deps.js";

/** The waits between lookups: a minute in all, longer than GitHub's index has been seen to lag. */
export const PULL_LOOKUP_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000, 30_000];

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks the commit index with backoff for about a minute; then looks among the bot's merged pull requests
 * from the account's branch for the one whose merge commit `sha` is (the pull request list does not
 * lag). Undefined when neither knows one: then no rebalance pull request brought the commit.
 */
export async function findMergedPull(
  deps: Pick<GitOpsDeps, "forge" | "log" | "sleep">,
  sha: string,
  account: string,
): Promise<PullRequest | undefined> {
  const sleep = deps.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    const pull = await deps.forge.findMergedPullRequestForCommit(sha);
    if (pull) return pull;
    const delay = PULL_LOOKUP_DELAYS_MS[attempt];
    if (delay === undefined) break;
    deps.log(
      `apply: GitHub lists no merged pull request for ${sha.slice(0, 12)} yet; asking again in ${delay / 1000} s`,
    );
    await sleep(delay);
  }
  const [pull] = await deps.forge.listMergedRebalancePullRequests(account, sha);
  if (pull) {
    deps.log(
      `apply: found #${pull.number} by its merge commit among the merged pull requests from ${planBranch(account)}`,
    );
  }
  return pull;
}
