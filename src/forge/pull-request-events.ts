// Who moved a pull request's branch, as GitHub records it. A commit's author and committer are whatever
// the pusher typed, so they cannot tell who pushed; GitHub's issue events can, for the pushes that matter
// most: `head_ref_force_pushed` (the branch was moved to a commit that does not contain the old head,
// such as an older plan commit of the bot's), `head_ref_deleted` and `head_ref_restored`, each with the
// `actor` who did it. See https://docs.github.com/rest/using-the-rest-api/issue-event-types (these three
// are "available in the REST API for issue events" for pull requests) and
// https://docs.github.com/rest/issues/events#list-issue-events.
import type { PullRequestEvent } from "./forge.js";
import type { GitHubClient } from "./github-client.js";

const BRANCH_MOVES = new Set(["head_ref_force_pushed", "head_ref_deleted", "head_ref_restored"]);

export async function listPullRequestEvents(
  client: GitHubClient,
  number: number,
): Promise<PullRequestEvent[]> {
  const { owner, repo } = client;
  const events = await client.call(`reading the events of #${number}`, "pull_requests=read", (octokit) =>
    octokit.paginate(octokit.rest.issues.listEvents, { owner, repo, issue_number: number, per_page: 100 }),
  );
  return events.map((event) => ({
    event: event.event,
    actor: event.actor?.login,
    createdAt: event.created_at,
  }));
}

/**
 * The accounts that force-pushed, deleted or restored the pull request's branch before it was merged
 * (all of them, for a pull request not merged). A branch deleted in the second of the merge is GitHub's
 * or a person's tidying after it ("Automatically delete head branches"), not a push before it; a
 * force-push in that second counts, since the merge may have taken the head it left.
 */
export function branchPushers(events: readonly PullRequestEvent[], mergedAt: string | null): string[] {
  const pushers = new Set<string>();
  for (const { event, actor, createdAt } of events) {
    if (actor === undefined || !BRANCH_MOVES.has(event)) continue;
    if (
      mergedAt !== null &&
      (createdAt > mergedAt || (createdAt === mergedAt && event === "head_ref_deleted"))
    )
      continue;
    pushers.add(actor);
  }
  return [...pushers];
}
