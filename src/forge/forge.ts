// The Forge port: what folioctl needs from GitHub, in our own types. github-forge.ts implements it on
// octokit; commands depend on this interface only.

/** The label every bot pull request carries; with the branch and the author it identifies them. */
export const REBALANCE_LABEL = "folioctl";

/** Where a rebalance pull request stands; exactly one of these labels is on it at a time. */
export type StateLabel = "pending" | "applied" | "refused";
export const STATE_LABELS: Record<StateLabel, string> = {
  pending: "folioctl: pending",
  applied: "folioctl: applied",
  refused: "folioctl: refused",
};

export interface PullRequest {
  number: number;
  /** The page a person opens, for messages and reports. */
  url: string;
  state: "open" | "closed";
  merged: boolean;
  mergeCommitSha: string | null;
  headRef: string;
  headSha: string;
  baseRef: string;
  title: string;
  body: string;
  labels: string[];
  /** Login of whoever opened it. */
  author: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface NewPullRequest {
  head: string;
  base: string;
  title: string;
  body: string;
  labels: string[];
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface Review {
  id: number;
  /** Undefined when the reviewer's account was deleted. */
  reviewer: string | undefined;
  /** GitHub's account type: "User", or "Bot" for apps and GitHub Actions. */
  reviewerType: string | undefined;
  state: ReviewState;
  /** The head commit the review was given at. */
  commitSha: string | null;
  submittedAt: string | null;
}

/**
 * Why an approval does not count: given by the pull request's author or the bot, by a bot account, by
 * someone who pushed a commit to it, by someone who force-pushed, deleted or restored its branch, at
 * another commit than the one merged (whose content differs), after the merge, or by someone who cannot
 * write to the repository.
 */
export type IgnoredApprovalReason =
  "author" | "bot" | "committer" | "pusher" | "stale" | "after-merge" | "no-write-access";

/** Whose review counts for a pull request at its current head, and whose does not and why. */
export interface Approval {
  headSha: string;
  approvedBy: string[];
  changesRequestedBy: string[];
  ignored: Array<{ reviewer: string; reason: IgnoredApprovalReason }>;
}

/**
 * Something that happened to a pull request, as GitHub's issue events list it: `event` is GitHub's name
 * (`head_ref_force_pushed`, `review_dismissed`...), `actor` the account GitHub says did it.
 */
export interface PullRequestEvent {
  event: string;
  /** Undefined when the account was deleted. */
  actor: string | undefined;
  createdAt: string;
}

/** How getApproval judges an approval given at a commit other than the head. */
export interface ApprovalOptions {
  /**
   * The one file whose content the approval is about: an approval given at an older head counts when
   * this file is byte for byte the same there as at the head. Without it, only approvals at the head count.
   */
  contentPath?: string;
}

/** One commit of a pull request, with the accounts GitHub maps its author and committer emails to. */
export interface PullRequestCommit {
  sha: string;
  /** Undefined when the email maps to no account. */
  author: string | undefined;
  committer: string | undefined;
}

/** A status as GitHub reports it: `creator` is the account whose token set it, which no one can fake. */
export interface CommitStatusRecord {
  state: CommitStatus["state"];
  context: string;
  description: string;
  creator: string | undefined;
  createdAt: string;
}

/** GitHub's role name (admin, maintain, write, triage, read, or a custom role) and its legacy permission. */
export interface RepositoryPermission {
  /** admin, write, read or none: what the role amounts to (maintain reads as write). */
  permission: string;
  role: string;
}

export interface CommitStatus {
  state: "pending" | "success" | "failure" | "error";
  /** The check's name, e.g. `folioctl/apply (U1234567)`. */
  context: string;
  /** One line; GitHub keeps at most 140 characters. */
  description: string;
  targetUrl?: string;
}

export type CommentOutcome = "created" | "updated" | "unchanged";

export interface Forge {
  /** `owner/repo` this forge acts on, for messages. */
  readonly repository: string;
  /** The login the token acts as: the bot whose pull requests these are. */
  currentLogin(): Promise<string>;
  /** The bot's open rebalance pull request for an account (branch, label and author all match). */
  findOpenRebalancePullRequest(account: string): Promise<PullRequest | undefined>;
  /** Every open rebalance pull request of the bot, whatever its account (branch, label and author match). */
  listOpenRebalancePullRequests(): Promise<PullRequest[]>;
  /** The bot's most recently closed, unmerged rebalance pull request for an account. */
  findClosedRebalancePullRequest(account: string): Promise<PullRequest | undefined>;
  /** Opens a pull request and puts the labels on it (creating missing labels). */
  createPullRequest(input: NewPullRequest): Promise<PullRequest>;
  /** Sets title and body; sends nothing when both are already so. True when it changed them. */
  updatePullRequest(number: number, change: { title: string; body: string }): Promise<boolean>;
  /** Says why in a comment (one per head commit, found again by its marker), then closes. */
  closePullRequest(number: number, comment: string): Promise<void>;
  reopenPullRequest(number: number): Promise<PullRequest>;
  getPullRequest(number: number): Promise<PullRequest>;
  /** The merged pull request that brought a commit to the default branch, if any. */
  findMergedPullRequestForCommit(sha: string): Promise<PullRequest | undefined>;
  /**
   * The bot's merged rebalance pull requests for an account, newest first; with `mergeCommitSha`, only
   * the one whose merge commit that is. Read from the pull request list, not from the commit index that
   * findMergedPullRequestForCommit reads, which lags behind a merge.
   */
  listMergedRebalancePullRequests(account: string, mergeCommitSha?: string): Promise<PullRequest[]>;
  /** Puts one state label on the pull request and takes the other state labels off. */
  setStateLabel(number: number, state: StateLabel): Promise<void>;
  /** Keeps one bot comment per purpose, found by a hidden marker: created once, edited only when different. */
  upsertComment(number: number, purpose: string, body: string): Promise<CommentOutcome>;
  listReviews(number: number): Promise<Review[]>;
  /**
   * Reviews of the pull request decided at its current head (see decideApproval), counting only people
   * who can write to the repository, are not bots, and pushed nothing to it (no commit, no force-push,
   * no deleting or restoring its branch); for a merged pull request, only reviews submitted before the
   * merge.
   */
  getApproval(number: number, options?: ApprovalOptions): Promise<Approval>;
  /** What happened to the pull request (its issue events), oldest first. */
  listPullRequestEvents(number: number): Promise<PullRequestEvent[]>;
  /** The pull request's commits, oldest first. */
  listPullRequestCommits(number: number): Promise<PullRequestCommit[]>;
  /** Every status set on a commit, newest first. */
  listCommitStatuses(sha: string): Promise<CommitStatusRecord[]>;
  /** A user's permission on the repository; `none` when they are no collaborator. */
  getPermission(login: string): Promise<RepositoryPermission>;
  setCommitStatus(sha: string, status: CommitStatus): Promise<void>;
  /** A file's text at a ref (branch, tag or sha), read as data through the API; undefined if absent. */
  readFile(path: string, ref: string): Promise<string | undefined>;
  /** Names of the files directly in `folder` at a ref, read through the API; [] when it is not there. */
  listFiles(folder: string, ref: string): Promise<string[]>;
}
