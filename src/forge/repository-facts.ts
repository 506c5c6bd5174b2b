// Facts GitHub vouches for and a person with write access cannot fake: who set a commit status (the
// token's account), which accounts a pull request's commits map to, and what role a user has.
import type { CommitStatusRecord, PullRequestCommit, RepositoryPermission } from "./forge.js";
import type { GitHubClient } from "./github-client.js";
import { httpStatus } from "./github-client.js";

export async function listPullRequestCommits(
  client: GitHubClient,
  number: number,
): Promise<PullRequestCommit[]> {
  const { owner, repo } = client;
  const commits = await client.call(`listing the commits of #${number}`, "pull_requests=read", (octokit) =>
    octokit.paginate(octokit.rest.pulls.listCommits, { owner, repo, pull_number: number, per_page: 100 }),
  );
  return commits.map((commit) => ({
    sha: commit.sha,
    author: loginOf(commit.author),
    committer: loginOf(commit.committer),
  }));
}

export async function listCommitStatuses(client: GitHubClient, sha: string): Promise<CommitStatusRecord[]> {
  const { owner, repo } = client;
  const statuses = await client.call(`reading the statuses of commit ${sha}`, "statuses=read", (octokit) =>
    octokit.paginate(octokit.rest.repos.listCommitStatusesForRef, { owner, repo, ref: sha, per_page: 100 }),
  );
  return statuses.map((status) => ({
    state: status.state as CommitStatusRecord["state"],
    context: status.context,
    description: status.description ?? "",
    creator: status.creator?.login,
    createdAt: status.created_at,
  }));
}

export async function getPermission(client: GitHubClient, login: string): Promise<RepositoryPermission> {
  const { owner, repo } = client;
  return client.call(
    `reading ${login}'s permission on ${client.repository}`,
    "metadata=read",
    async (octokit) => {
      try {
        const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
          owner,
          repo,
          username: login,
        });
        return { permission: data.permission, role: data.role_name };
      } catch (error) {
        // A deleted account, or one GitHub will not show: it has no access that could count.
        if (httpStatus(error) === 404) return { permission: "none", role: "none" };
        throw error;
      }
    },
  );
}

/** The commit list's author/committer is a user, an empty object or null when the email maps to no one. */
function loginOf(user: unknown): string | undefined {
  const login = (user as { login?: unknown } | null)?.login;
  return typeof login === "string" ? login : undefined;
}
