import type { FakeGitHub } from "./fake-github.js";
import type { MergeMethod } from "./merge-pull.js";
import type { FakeRepo, FakeUser } from "./world.js";

export interface OpenedPullRequest {
  number: number;
  headSha: string;
}

/**
 * The human (or other bot) side of a test: pushes commits straight into the bare repository and acts
 * on pull requests through the same REST API folioctl uses, so those requests are checked too.
 */
export class FakeGitHubUser {
  constructor(
    private readonly github: FakeGitHub,
    private readonly user: FakeUser,
  ) {}

  get login(): string {
    return this.user.login;
  }

  /** The token to hand to a client acting as this user (for folioctl: GITHUB_TOKEN). */
  get token(): string {
    if (this.user.token === undefined) throw new Error(`fake GitHub: ${this.user.login} has no token`);
    return this.user.token;
  }

  /** Commits files onto a branch (created from `from`, default the default branch) as this user. */
  async push(
    repo: FakeRepo,
    options: { branch: string; files: Record<string, string | null>; message?: string; from?: string },
  ): Promise<string> {
    // GitHub sees every push as it lands: what others pushed before is theirs, this one is ours.
    await this.github.observePushes(repo);
    const sha = await repo.git.commitFiles({
      branch: options.branch,
      files: options.files,
      message: options.message ?? `Update ${Object.keys(options.files).join(", ")}`,
      author: { name: this.user.login, email: `${this.user.id}+${this.user.login}@users.noreply.github.com` },
      from: options.from ?? repo.defaultBranch,
    });
    await this.github.observePushes(repo, this.user.login);
    return sha;
  }

  /** `git push --force` of an existing commit to a branch as this user: no new commit, only the ref moves. */
  async forcePush(repo: FakeRepo, options: { branch: string; sha: string }): Promise<void> {
    await this.github.observePushes(repo);
    const current = await repo.git.branchSha(options.branch);
    await repo.git.updateRef(`refs/heads/${options.branch}`, options.sha, current);
    await this.github.observePushes(repo, this.user.login);
  }

  async openPullRequest(
    repo: FakeRepo,
    options: { head: string; base?: string; title: string; body?: string },
  ): Promise<OpenedPullRequest> {
    const json = (await this.call("POST", `${repoPath(repo)}/pulls`, {
      head: options.head,
      base: options.base ?? repo.defaultBranch,
      title: options.title,
      ...(options.body === undefined ? {} : { body: options.body }),
    })) as { number: number; head: { sha: string } };
    return { number: json.number, headSha: json.head.sha };
  }

  /** Approves at the pull request's current head, or at `commitId` (an older head, say). */
  async approve(
    repo: FakeRepo,
    number: number,
    options: { commitId?: string; body?: string } = {},
  ): Promise<void> {
    await this.review(repo, number, "APPROVE", options.body ?? "", options.commitId);
  }

  async requestChanges(repo: FakeRepo, number: number, body = "Please change this."): Promise<void> {
    await this.review(repo, number, "REQUEST_CHANGES", body);
  }

  async commentReview(repo: FakeRepo, number: number, body = "A remark."): Promise<void> {
    await this.review(repo, number, "COMMENT", body);
  }

  /** Dismisses a review through the API, as a maintainer pressing "Dismiss review" would. */
  async dismissReview(repo: FakeRepo, number: number, reviewId: number, message: string): Promise<void> {
    await this.call("PUT", `${repoPath(repo)}/pulls/${number}/reviews/${reviewId}/dismissals`, {
      message,
      event: "DISMISS",
    });
  }

  async comment(repo: FakeRepo, number: number, body: string): Promise<number> {
    const json = (await this.call("POST", `${repoPath(repo)}/issues/${number}/comments`, { body })) as {
      id: number;
    };
    return json.id;
  }

  /**
   * Merges through the API: a real merge commit, a squash commit, or the pull request's commits rebased
   * onto the base branch. Returns the merge_commit_sha GitHub answers (for a rebase, the last rebased commit).
   */
  async merge(
    repo: FakeRepo,
    number: number,
    options: { method?: MergeMethod; sha?: string } = {},
  ): Promise<string> {
    const json = (await this.call("PUT", `${repoPath(repo)}/pulls/${number}/merge`, {
      merge_method: options.method ?? "merge",
      ...(options.sha === undefined ? {} : { sha: options.sha }),
    })) as { sha: string };
    return json.sha;
  }

  async closeWithoutMerge(repo: FakeRepo, number: number): Promise<void> {
    await this.call("PATCH", `${repoPath(repo)}/pulls/${number}`, { state: "closed" });
  }

  private async review(
    repo: FakeRepo,
    number: number,
    event: string,
    body: string,
    commitId?: string,
  ): Promise<void> {
    await this.call("POST", `${repoPath(repo)}/pulls/${number}/reviews`, {
      event,
      ...(body === "" ? {} : { body }),
      ...(commitId === undefined ? {} : { commit_id: commitId }),
    });
  }

  /** One REST call as this user; a non-2xx answer throws with GitHub's message. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.github.url}${path}`, {
      method,
      headers: {
        authorization: `token ${this.token}`,
        accept: "application/vnd.github+json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text === "" ? undefined : JSON.parse(text);
    if (!response.ok) {
      const message =
        (json as { message?: string; errors?: unknown } | undefined)?.message ?? response.statusText;
      const errors = (json as { errors?: unknown } | undefined)?.errors;
      throw new Error(
        `${method} ${path} as ${this.user.login}: ${response.status} ${message}${errors ? ` ${JSON.stringify(errors)}` : ""}`,
      );
    }
    return json;
  }
}

function repoPath(repo: FakeRepo): string {
  return `/repos/${repo.owner}/${repo.name}`;
}
