import { ForgeError } from "../errors.js";
import { upsertComment } from "./comments.js";
import { createOctokit } from "./create-octokit.js";
import { decideApproval } from "./decide-approval.js";
import type {
  Approval,
  ApprovalOptions,
  CommentOutcome,
  CommitStatus,
  CommitStatusRecord,
  Forge,
  NewPullRequest,
  PullRequest,
  PullRequestCommit,
  PullRequestEvent,
  RepositoryPermission,
  Review,
  ReviewState,
  StateLabel,
} from "./forge.js";
import { GitHubClient, httpStatus } from "./github-client.js";
import { Labels } from "./labels.js";
import {
  findMergedPullRequestForCommit,
  getPullRequest,
  listAllOpenRebalancePullRequests,
  listRebalancePullRequests,
  openPullRequest,
  setPullRequestState,
  updatePullRequest,
} from "./pull-requests.js";
import { branchPushers, listPullRequestEvents } from "./pull-request-events.js";
import { blobIdAt, listFolder, readFile } from "./read-file.js";
import { getPermission, listCommitStatuses, listPullRequestCommits } from "./repository-facts.js";

// GitHub's legacy permission names: maintain reads as write, triage as read.
const WRITE_PERMISSIONS = new Set(["admin", "write"]);

export interface GitHubForgeOptions {
  token: string;
  owner: string;
  repo: string;
  /** REST API root: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server. */
  apiUrl?: string;
  /** The bot's login when the token cannot say (GitHub Actions' GITHUB_TOKEN is `github-actions[bot]`). */
  botLogin?: string;
  /** Per HTTP attempt, default 30 s. */
  timeoutMs?: number;
  /** Space writes a second apart, as GitHub asks (default true). */
  paceWrites?: boolean;
  /** Milliseconds per second of GitHub's retry-after, default 1000; tests use 1 so retries do not wait. */
  retryDelayScale?: number;
}

export const DEFAULT_API_URL = "https://api.github.com";
// GitHub cuts a commit status description at 140 characters and refuses longer ones.
const STATUS_DESCRIPTION_LIMIT = 140;

/** The Forge on GitHub's REST API through octokit. */
export class GitHubForge implements Forge {
  private readonly client: GitHubClient;
  private readonly labels: Labels;
  private login: Promise<string> | undefined;

  constructor(private readonly options: GitHubForgeOptions) {
    const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    const octokit = createOctokit({
      token: options.token,
      apiUrl,
      timeoutMs: options.timeoutMs ?? 30_000,
      paceWrites: options.paceWrites ?? true,
      retryDelayScale: options.retryDelayScale ?? 1000,
      maxRateLimitWaitSeconds: 120,
    });
    this.client = new GitHubClient(octokit, options.owner, options.repo, apiUrl, [options.token]);
    this.labels = new Labels(this.client);
    if (options.botLogin !== undefined) this.login = Promise.resolve(options.botLogin);
  }

  get repository(): string {
    return this.client.repository;
  }

  currentLogin(): Promise<string> {
    this.login ??= this.fetchLogin();
    // A failed lookup is not cached: the next call asks again.
    this.login.catch(() => (this.login = undefined));
    return this.login;
  }

  async findOpenRebalancePullRequest(account: string): Promise<PullRequest | undefined> {
    return (await listRebalancePullRequests(this.client, await this.currentLogin(), account, "open"))[0];
  }

  async listOpenRebalancePullRequests(): Promise<PullRequest[]> {
    return listAllOpenRebalancePullRequests(this.client, await this.currentLogin());
  }

  async findClosedRebalancePullRequest(account: string): Promise<PullRequest | undefined> {
    const closed = await listRebalancePullRequests(this.client, await this.currentLogin(), account, "closed");
    const unmerged = closed.filter((pull) => !pull.merged);
    unmerged.sort((a, b) => (b.closedAt ?? "").localeCompare(a.closedAt ?? "") || b.number - a.number);
    return unmerged[0];
  }

  async createPullRequest(input: NewPullRequest): Promise<PullRequest> {
    const { pull, adopted } = await openPullRequest(this.client, await this.currentLogin(), input);
    if (adopted) await updatePullRequest(this.client, pull.number, { title: input.title, body: input.body });
    const missing = input.labels.filter(
      (name) => !pull.labels.some((label) => label.toLowerCase() === name.toLowerCase()),
    );
    const labels = missing.length > 0 ? await this.labels.add(pull.number, missing) : pull.labels;
    return { ...pull, title: input.title, body: input.body, labels };
  }

  updatePullRequest(number: number, change: { title: string; body: string }): Promise<boolean> {
    return updatePullRequest(this.client, number, change);
  }

  async closePullRequest(number: number, comment: string): Promise<void> {
    // One closing comment per head: a retried close never says it twice, and a pull request reopened
    // with a new plan and closed again gets a comment of its own.
    const pull = await getPullRequest(this.client, number);
    await this.upsertComment(number, `closing-${pull.headSha.slice(0, 12)}`, comment);
    await setPullRequestState(this.client, number, "closed");
  }

  reopenPullRequest(number: number): Promise<PullRequest> {
    return setPullRequestState(this.client, number, "open");
  }

  getPullRequest(number: number): Promise<PullRequest> {
    return getPullRequest(this.client, number);
  }

  findMergedPullRequestForCommit(sha: string): Promise<PullRequest | undefined> {
    return findMergedPullRequestForCommit(this.client, sha);
  }

  async listMergedRebalancePullRequests(account: string, mergeCommitSha?: string): Promise<PullRequest[]> {
    const closed = await listRebalancePullRequests(this.client, await this.currentLogin(), account, "closed");
    return closed
      .filter(
        (pull) => pull.merged && (mergeCommitSha === undefined || pull.mergeCommitSha === mergeCommitSha),
      )
      .sort((a, b) => (b.mergedAt ?? "").localeCompare(a.mergedAt ?? "") || b.number - a.number);
  }

  async setStateLabel(number: number, state: StateLabel): Promise<void> {
    const pull = await getPullRequest(this.client, number);
    await this.labels.setState(number, pull.labels, state);
  }

  async upsertComment(number: number, purpose: string, body: string): Promise<CommentOutcome> {
    return upsertComment(this.client, await this.currentLogin(), number, purpose, body);
  }

  async listReviews(number: number): Promise<Review[]> {
    const { owner, repo } = this.client;
    const reviews = await this.client.call(
      `reading the reviews of #${number}`,
      "pull_requests=read",
      (octokit) =>
        octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: number, per_page: 100 }),
    );
    return reviews.map((review) => ({
      id: review.id,
      reviewer: review.user?.login,
      reviewerType: review.user?.type,
      state: review.state as ReviewState,
      commitSha: review.commit_id,
      submittedAt: review.submitted_at ?? null,
    }));
  }

  async getApproval(number: number, options: ApprovalOptions = {}): Promise<Approval> {
    const pull = await this.getPullRequest(number);
    const contributors = (await this.listPullRequestCommits(number)).flatMap((commit) =>
      [commit.author, commit.committer].filter((login): login is string => login !== undefined),
    );
    const reviews = await this.listReviews(number);
    const decided = decideApproval(reviews, pull, {
      botLogin: await this.currentLogin(),
      contributors,
      pushers: branchPushers(await this.listPullRequestEvents(number), pull.mergedAt),
      sameContentAt: await this.sameContentAt(options.contentPath, pull.headSha, reviews),
    });
    // A person who can only read the repository (or no longer has access) cannot approve a trade.
    const approvedBy: string[] = [];
    const ignored = [...decided.ignored];
    for (const reviewer of decided.approvedBy) {
      const { permission } = await this.getPermission(reviewer);
      if (WRITE_PERMISSIONS.has(permission)) approvedBy.push(reviewer);
      else ignored.push({ reviewer, reason: "no-write-access" });
    }
    return { ...decided, approvedBy, ignored };
  }

  listPullRequestEvents(number: number): Promise<PullRequestEvent[]> {
    return listPullRequestEvents(this.client, number);
  }

  /** The older heads approvals were given at where `path` has exactly the bytes it has at the head. */
  private async sameContentAt(
    path: string | undefined,
    headSha: string,
    reviews: readonly Review[],
  ): Promise<Set<string>> {
    const same = new Set<string>();
    if (path === undefined) return same;
    const older = new Set(
      reviews.flatMap((review) =>
        review.state === "APPROVED" && review.commitSha !== null && review.commitSha !== headSha
          ? [review.commitSha]
          : [],
      ),
    );
    if (older.size === 0) return same;
    const atHead = await blobIdAt(this.client, path, headSha);
    if (atHead === undefined) return same;
    for (const sha of older) if ((await blobIdAt(this.client, path, sha)) === atHead) same.add(sha);
    return same;
  }

  listPullRequestCommits(number: number): Promise<PullRequestCommit[]> {
    return listPullRequestCommits(this.client, number);
  }

  listCommitStatuses(sha: string): Promise<CommitStatusRecord[]> {
    return listCommitStatuses(this.client, sha);
  }

  getPermission(login: string): Promise<RepositoryPermission> {
    return getPermission(this.client, login);
  }

  async setCommitStatus(sha: string, status: CommitStatus): Promise<void> {
    const { owner, repo } = this.client;
    const description =
      status.description.length > STATUS_DESCRIPTION_LIMIT
        ? `${status.description.slice(0, STATUS_DESCRIPTION_LIMIT - 1)}…`
        : status.description;
    await this.client.call(`setting the ${status.context} status on ${sha}`, "statuses=write", (octokit) =>
      octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha,
        state: status.state,
        context: status.context,
        description,
        ...(status.targetUrl === undefined ? {} : { target_url: status.targetUrl }),
      }),
    );
  }

  listFiles(folder: string, ref: string): Promise<string[]> {
    return listFolder(this.client, folder, ref);
  }

  readFile(path: string, ref: string): Promise<string | undefined> {
    return readFile(this.client, path, ref);
  }

  private async fetchLogin(): Promise<string> {
    return this.client.call("finding which account the token belongs to", "none", async (octokit) => {
      try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
      } catch (error) {
        if (httpStatus(error) !== 403) throw error;
        // App installation tokens have no user to show; the bot's login must be given.
        throw new ForgeError(
          `The token for ${this.options.owner}/${this.options.repo} cannot tell which account it is (403).`,
          {
            hint:
              "Set FOLIOCTL_BOT_LOGIN to the login the token acts as: the folioctl App's `<app-slug>[bot]` for " +
              "propose and apply, github-actions[bot] for preview with a workflow's GITHUB_TOKEN.",
          },
        );
      }
    });
  }
}
