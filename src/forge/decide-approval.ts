import type { Approval, Review } from "./forge.js";

// Only these change a reviewer's verdict: on GitHub a later plain comment leaves an approval standing.
const VERDICTS = new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);

/**
 * Decides which reviews count, as a reviewer of money-moving changes would: each person's latest
 * verdict counts; an approval counts only if it was given at the current head (a push after it needs a
 * new one) and not by the pull request's author. Logins compare case-insensitively, as GitHub's do.
 */
export function decideApproval(
  reviews: readonly Review[],
  pull: { author: string; headSha: string },
): Approval {
  const latest = new Map<string, Review>();
  const ordered = [...reviews].sort(
    (a, b) => (a.submittedAt ?? "").localeCompare(b.submittedAt ?? "") || a.id - b.id,
  );
  for (const review of ordered) {
    if (review.reviewer === undefined || !VERDICTS.has(review.state)) continue;
    latest.set(review.reviewer.toLowerCase(), review);
  }
  const approval: Approval = { headSha: pull.headSha, approvedBy: [], changesRequestedBy: [], ignored: [] };
  const author = pull.author.toLowerCase();
  for (const [login, review] of latest) {
    const reviewer = review.reviewer ?? login;
    if (login === author) {
      if (review.state === "APPROVED") approval.ignored.push({ reviewer, reason: "author" });
      continue;
    }
    if (review.state === "CHANGES_REQUESTED") approval.changesRequestedBy.push(reviewer);
    if (review.state !== "APPROVED") continue;
    if (review.commitSha === pull.headSha) approval.approvedBy.push(reviewer);
    else approval.ignored.push({ reviewer, reason: "stale" });
  }
  return approval;
}
