import type { Refusal } from "../apply/refusal.js";
import type { Approval, IgnoredApprovalReason, PullRequest } from "../forge/forge.js";

const WHY_IGNORED: Record<IgnoredApprovalReason, string> = {
  author: "the author",
  bot: "a bot",
  committer: "they pushed a commit to the pull request",
  pusher: "they force-pushed, deleted or restored its branch",
  stale: "given before the last push",
  "after-merge": "given after the merge",
  "no-write-access": "they cannot write to the repository",
};

/**
 * Enough approvals of the plan that was merged (given at the merged head, or at an older head with the
 * same plan file byte for byte), given before the merge by people with write access who are neither the
 * author, a bot, nor anyone who pushed to the pull request (a commit, or a force-push, deletion or
 * restore of its branch), and no one's latest verdict asking for changes; a dismissed approval counts for
 * nothing. `required` 0 switches the check off (the branch ruleset then decides alone).
 */
export function checkApproval(pull: PullRequest, approval: Approval, required: number): Refusal | undefined {
  if (required <= 0) return undefined;
  const problems: string[] = [];
  if (approval.approvedBy.length < required) {
    const who = approval.approvedBy.length > 0 ? ` (${approval.approvedBy.join(", ")})` : "";
    problems.push(
      `#${pull.number} was merged with ${approval.approvedBy.length} approval${approval.approvedBy.length === 1 ? "" : "s"}${who} ` +
        `at its head ${approval.headSha.slice(0, 12)}; ${required} ${required === 1 ? "is" : "are"} required`,
    );
  }
  if (approval.changesRequestedBy.length > 0) {
    problems.push(`${approval.changesRequestedBy.join(", ")} requested changes`);
  }
  if (problems.length === 0) return undefined;
  const ignored = approval.ignored.map(
    (entry) => `${entry.reviewer}'s approval does not count (${WHY_IGNORED[entry.reason]})`,
  );
  return {
    reason: "unapproved",
    message: [...problems, ...ignored].join("; "),
    hint:
      "Nothing was sent. A plan needs an approval at its latest commit before it is merged; a fresh plan is " +
      "proposed for review (require approvals in the branch ruleset so that such a merge is impossible).",
  };
}
