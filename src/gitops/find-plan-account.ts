import { InputError } from "../errors.js";
import type { GitRepo } from "../git/git-repo.js";
import { assertAccountId } from "../git/ops-repo-layout.js";

const PLAN_FILE = /^plans\/([^/]+)\.plan\.json$/;

/**
 * The account whose plan a commit on main brought in (added or changed `plans/<account>.plan.json`), or
 * undefined when it changed no plan. A rebalance pull request changes one plan file; a commit that
 * changes several did not come from one, and applying any of them would be a guess.
 */
export async function findPlanAccount(repo: GitRepo, sha: string): Promise<string | undefined> {
  const changes = await repo.changedFiles(sha);
  const accounts = changes
    .filter((change) => change.status === "added" || change.status === "modified")
    .flatMap((change) => {
      const match = PLAN_FILE.exec(change.path);
      return match?.[1] ? [match[1]] : [];
    });
  if (accounts.length > 1) {
    throw new InputError(
      `commit ${sha.slice(0, 12)} changes the plans of several accounts (${accounts.join(", ")}); nothing was applied`,
      {
        hint: "each rebalance pull request changes one plans/<account>.plan.json: revert this commit and merge the pull requests folioctl proposes",
      },
    );
  }
  return accounts[0] === undefined ? undefined : assertAccountId(accounts[0]);
}
