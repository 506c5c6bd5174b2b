import type { Approval, Review } from "./forge.js";

// Only these change a reviewer's verdict: on GitHub a later plain comment leaves an approval standing.
const VERDICTS = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

export interface ApprovalContext {
  /** The login folioctl acts as: its own approval is no review. */
  botLogin?: string;
  /** Accounts that authored or committed a commit of the pull request: they cannot review their own work. */
  contributors?: readonly string[];
  /**
   * Accounts that force-pushed, deleted or restored the pull request's branch (GitHub's events say who,
   * which a commit's author fields cannot): they chose what is at the head, so they cannot approve it.
   */
  pushers?: readonly string[];
  /**
   * Older heads whose content is the same as the head's, byte for byte, for what is being approved:
   * an approval given at one of them is as good as one given at the head.
   */
  sameContentAt?: ReadonlySet<string>;
}

/**
 * Decides which reviews count, as a reviewer of money-moving changes would: each person's latest
 * verdict counts (a dismissed review is a verdict that counts for nothing); an approval counts only if
 * it was given at the current head, or at an older head with the same content (any other push after it
 * needs a new one), before the merge, and not by the pull request's author, by the bot, by any bot
 * account, by someone who pushed a commit to it or by someone who force-pushed, deleted or restored its
 * branch. Logins compare case-insensitively, as GitHub's do. Whether the reviewer may write to the
 * repository needs the API: GitHubForge.getApproval checks that too.
 */
export function decideApproval(
  reviews: readonly Review[],
  pull: { author: string; headSha: string; mergedAt?: string | null },
  context: ApprovalContext = {},
): Approval {
  const mergedAt = pull.mergedAt ?? null;
  const ordered = [...reviews].sort(
    (a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? "") || a.id - b.id,
  );
  // GitHub's times have whole seconds: a review in the second of the merge was given before it.
  const afterMerge = (review: Review): boolean =>
    mergedAt !== null && (review.submittedAt === null || review.submittedAt > mergedAt);
  const latest = new Map<string, Review>();
  const lateApprovers = new Map<string, string>();
  for (const review of ordered) {
    if (review.reviewer === undefined || !VERDICTS.has(review.state)) continue;
    if (afterMerge(review)) {
      if (review.state === "APPROVED") lateApprovers.set(review.reviewer.toLowerCase(), review.reviewer);
      continue;
    }
    latest.set(review.reviewer.toLowerCase(), review);
  }
  const approval: Approval = { headSha: pull.headSha, approvedBy: [], changesRequestedBy: [], ignored: [] };
  const author = pull.author.toLowerCase();
  const bot = context.botLogin?.toLowerCase();
  const contributors = new Set((context.contributors ?? []).map((login) => login.toLowerCase()));
  const pushers = new Set((context.pushers ?? []).map((login) => login.toLowerCase()));
  const sameContent = (sha: string | null): boolean =>
    sha === pull.headSha || (sha !== null && (context.sameContentAt?.has(sha) ?? false));
  for (const [login, review] of latest) {
    const reviewer = review.reviewer ?? login;
    if (review.state === "CHANGES_REQUESTED" && login !== author) approval.changesRequestedBy.push(reviewer);
    if (review.state !== "APPROVED") continue;
    if (login === author) approval.ignored.push({ reviewer, reason: "author" });
    else if (login === bot || review.reviewerType === "Bot")
      approval.ignored.push({ reviewer, reason: "bot" });
    else if (contributors.has(login)) approval.ignored.push({ reviewer, reason: "committer" });
    else if (pushers.has(login)) approval.ignored.push({ reviewer, reason: "pusher" });
    else if (!sameContent(review.commitSha)) approval.ignored.push({ reviewer, reason: "stale" });
    else approval.approvedBy.push(reviewer);
  }
  for (const [login, reviewer] of lateApprovers) {
    if (!latest.has(login) || latest.get(login)?.state !== "APPROVED") {
      approval.ignored.push({ reviewer, reason: "after-merge" });
    }
  }
  return approval;
}
