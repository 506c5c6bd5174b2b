import { ForgeError } from "../errors.js";
import { accountOfPlanBranch, planBranch } from "../git/ops-repo-layout.js";
import { REBALANCE_LABEL } from "./forge.js";
import type { PullRequest } from "./forge.js";
import type { GitHubClient } from "./github-client.js";
import { httpMessage, httpStatus } from "./github-client.js";
import { sameLogin, toPullRequest } from "./to-pull-request.js";

/** The bot's pull requests for an account in one state: its branch, its label and its author all match. */
/** The bot's open rebalance pull requests of every account, in number order. */
export async function listAllOpenRebalancePullRequests(
  client: GitHubClient,
  login: string,
): Promise<PullRequest[]> {
  const { owner, repo } = client;
  const pulls = await client.call("listing open pull requests", "pull_requests=read", (octokit) =>
    octokit.paginate(octokit.rest.pulls.list, { owner, repo, state: "open", per_page: 100 }),
  );
  return pulls
    .map(toPullRequest)
    .filter(
      (pull) =>
        accountOfPlanBranch(pull.headRef) !== undefined &&
        sameLogin(pull.author, login) &&
        pull.labels.some((name) => name.toLowerCase() === REBALANCE_LABEL),
    )
    .sort((a, b) => a.number - b.number);
}

export async function listRebalancePullRequests(
  client: GitHubClient,
  login: string,
  account: string,
  state: "open" | "closed",
): Promise<PullRequest[]> {
  const { owner, repo } = client;
  const branch = planBranch(account);
  const pulls = await client.call(
    `listing ${state} pull requests from ${branch}`,
    "pull_requests=read",
    (octokit) =>
      octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        state,
        head: `${owner}:${branch}`,
        per_page: 100,
      }),
  );
  return pulls
    .map(toPullRequest)
    .filter(
      (pull) =>
        pull.headRef === branch &&
        sameLogin(pull.author, login) &&
        pull.labels.some((name) => name.toLowerCase() === REBALANCE_LABEL),
    )
    .sort((a, b) => a.number - b.number);
}

export async function getPullRequest(client: GitHubClient, number: number): Promise<PullRequest> {
  const { owner, repo } = client;
  const response = await client.call(`reading pull request #${number}`, "pull_requests=read", (octokit) =>
    octokit.rest.pulls.get({ owner, repo, pull_number: number }),
  );
  return toPullRequest(response.data);
}

/**
 * Opens a pull request. When GitHub says one is already open from that branch (a run that crashed
 * before labelling it), returns that one if the bot opened it, so a retry never duplicates it.
 */
export async function openPullRequest(
  client: GitHubClient,
  login: string,
  input: { head: string; base: string; title: string; body: string },
): Promise<{ pull: PullRequest; adopted: boolean }> {
  const { owner, repo } = client;
  const created = await client.call(
    `opening a pull request from ${input.head}`,
    "pull_requests=write",
    async (octokit) => {
      try {
        return toPullRequest((await octokit.rest.pulls.create({ owner, repo, ...input })).data);
      } catch (error) {
        if (httpStatus(error) === 422 && /already exists/i.test(httpMessage(error))) return undefined;
        throw error;
      }
    },
  );
  if (created) return { pull: created, adopted: false };
  const open = await client.call(
    `finding the open pull request from ${input.head}`,
    "pull_requests=read",
    (octokit) =>
      octokit.paginate(octokit.rest.pulls.list, {
        owner,
        repo,
        state: "open",
        head: `${owner}:${input.head}`,
        per_page: 100,
      }),
  );
  const existing = open.map(toPullRequest).find((pull) => pull.baseRef === input.base);
  if (!existing || !sameLogin(existing.author, login)) {
    const who = existing ? `${existing.author}'s pull request #${existing.number}` : "another pull request";
    throw new ForgeError(
      `Cannot open a pull request from ${input.head}: ${who} is already open from that branch.`,
      {
        hint: `Close ${existing ? `#${existing.number}` : "it"} (only folioctl should open pull requests from ${input.head}), then run again.`,
      },
    );
  }
  return { pull: existing, adopted: true };
}

/** Patches title and body only where they differ from what GitHub has. True when it sent a change. */
export async function updatePullRequest(
  client: GitHubClient,
  number: number,
  change: { title: string; body: string },
): Promise<boolean> {
  const current = await getPullRequest(client, number);
  const patch: { title?: string; body?: string } = {};
  if (current.title !== change.title) patch.title = change.title;
  if (current.body !== change.body) patch.body = change.body;
  if (Object.keys(patch).length === 0) return false;
  const { owner, repo } = client;
  await client.call(`updating pull request #${number}`, "pull_requests=write", (octokit) =>
    octokit.rest.pulls.update({ owner, repo, pull_number: number, ...patch }),
  );
  return true;
}

export async function setPullRequestState(
  client: GitHubClient,
  number: number,
  state: "open" | "closed",
): Promise<PullRequest> {
  const { owner, repo } = client;
  const verb = state === "open" ? "reopening" : "closing";
  const response = await client.call(`${verb} pull request #${number}`, "pull_requests=write", (octokit) =>
    octokit.rest.pulls.update({ owner, repo, pull_number: number, state }),
  );
  return toPullRequest(response.data);
}

/**
 * The merged pull request that brought `sha` to the default branch: the one whose merge commit it is,
 * else a merged one that contains it (a rebase or fast-forward merge).
 */
export async function findMergedPullRequestForCommit(
  client: GitHubClient,
  sha: string,
): Promise<PullRequest | undefined> {
  const { owner, repo } = client;
  const pulls = await client.call(
    `finding the pull request of commit ${sha}`,
    "pull_requests=read",
    (octokit) =>
      octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        owner,
        repo,
        commit_sha: sha,
        per_page: 100,
      }),
  );
  const merged = pulls.map(toPullRequest).filter((pull) => pull.merged);
  return merged.find((pull) => pull.mergeCommitSha === sha) ?? merged[0];
}
