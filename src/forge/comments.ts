import { hasCommentMarker, markedCommentBody } from "./comment-marker.js";
import type { CommentOutcome } from "./forge.js";
import type { GitHubClient } from "./github-client.js";
import { sameLogin } from "./to-pull-request.js";

/** Posts a new comment on an issue or pull request. */
export async function addComment(client: GitHubClient, number: number, body: string): Promise<void> {
  const { owner, repo } = client;
  await client.call(`commenting on #${number}`, "issues=write", (octokit) =>
    octokit.rest.issues.createComment({ owner, repo, issue_number: number, body }),
  );
}

/**
 * Keeps one comment by `login` per purpose on a pull request: finds it by its marker, edits it only when
 * the text differs, creates it only when there is none. Only the bot's own comments are candidates, so
 * a person quoting the marker cannot capture it.
 */
export async function upsertComment(
  client: GitHubClient,
  login: string,
  number: number,
  purpose: string,
  body: string,
): Promise<CommentOutcome> {
  const { owner, repo } = client;
  const full = markedCommentBody(purpose, body);
  const comments = await client.call(`reading the comments of #${number}`, "issues=read", (octokit) =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
  );
  const existing = comments.find(
    (comment) =>
      comment.user !== null &&
      sameLogin(comment.user.login, login) &&
      hasCommentMarker(comment.body ?? "", purpose),
  );
  if (!existing) {
    await addComment(client, number, full);
    return "created";
  }
  if (existing.body === full) return "unchanged";
  await client.call(`editing the ${purpose} comment on #${number}`, "issues=write", (octokit) =>
    octokit.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: full }),
  );
  return "updated";
}
