import { hasCommentMarker, markedCommentBody } from "./comment-marker.js";
import type { CommentOutcome } from "./forge.js";
import type { GitHubClient } from "./github-client.js";
import { httpStatus } from "./github-client.js";
import { sameLogin } from "./to-pull-request.js";

// A POST whose answer was lost is looked for this many times before folioctl gives up.
const CREATE_ATTEMPTS = 3;

interface BotComment {
  id: number;
  body: string;
}

/**
 * Keeps one comment by `login` per purpose on a pull request: finds it by its marker, edits it only when
 * the text differs, creates it only when there is none. Only the bot's own comments are candidates, so
 * a person quoting the marker cannot capture it. Every comment folioctl writes goes through here.
 */
export async function upsertComment(
  client: GitHubClient,
  login: string,
  number: number,
  purpose: string,
  body: string,
): Promise<CommentOutcome> {
  const full = markedCommentBody(purpose, body);
  const existing = await findComment(client, login, number, purpose);
  if (!existing) {
    const landed = await createOnce(client, login, number, purpose, full);
    if (landed === undefined) return "created";
    // An earlier POST of this run landed after all: it is the comment, brought up to this text.
    await editComment(client, number, purpose, landed, full);
    return "created";
  }
  return (await editComment(client, number, purpose, existing, full)) ? "updated" : "unchanged";
}

/**
 * Posts a comment, never twice. octokit retries a POST that failed with a 5xx, but GitHub may have
 * written the comment before its gateway gave up, so a blind retry posts a second copy. Here the POST is
 * sent without octokit's retry, and after a failure that may have written (a 5xx, a timeout, a dropped
 * connection) the comments are read again: the marker says whether it landed. Returns that comment when
 * it did, undefined when this POST created it.
 */
async function createOnce(
  client: GitHubClient,
  login: string,
  number: number,
  purpose: string,
  full: string,
): Promise<BotComment | undefined> {
  const { owner, repo } = client;
  for (let attempt = 1; ; attempt++) {
    const outcome = await client.call(`commenting on #${number}`, "issues=write", async (octokit) => {
      try {
        await octokit.rest.issues.createComment({
          owner,
          repo,
          issue_number: number,
          body: full,
          request: { retries: 0 },
        });
        return "created" as const;
      } catch (error) {
        if (attempt < CREATE_ATTEMPTS && mayHaveWritten(error)) return "unknown" as const;
        throw error;
      }
    });
    if (outcome === "created") return undefined;
    const landed = await findComment(client, login, number, purpose);
    if (landed) return landed;
  }
}

/** Edits the comment to `full` when it says something else; true when it did. */
async function editComment(
  client: GitHubClient,
  number: number,
  purpose: string,
  comment: BotComment,
  full: string,
): Promise<boolean> {
  if (comment.body === full) return false;
  const { owner, repo } = client;
  // PATCH sets the whole body: repeating it after a lost answer changes nothing, so octokit may retry it.
  await client.call(`editing the ${purpose} comment on #${number}`, "issues=write", (octokit) =>
    octokit.rest.issues.updateComment({ owner, repo, comment_id: comment.id, body: full }),
  );
  return true;
}

async function findComment(
  client: GitHubClient,
  login: string,
  number: number,
  purpose: string,
): Promise<BotComment | undefined> {
  const { owner, repo } = client;
  const comments = await client.call(`reading the comments of #${number}`, "issues=read", (octokit) =>
    octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: number, per_page: 100 }),
  );
  const found = comments.find(
    (comment) =>
      comment.user !== null &&
      sameLogin(comment.user.login, login) &&
      hasCommentMarker(comment.body ?? "", purpose),
  );
  return found === undefined ? undefined : { id: found.id, body: found.body ?? "" };
}

/** A failure after which GitHub may still have carried the request out: a server error or no answer. */
function mayHaveWritten(error: unknown): boolean {
  const status = httpStatus(error);
  return status === undefined || status >= 500;
}
