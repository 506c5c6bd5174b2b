// What happens to an open pull request's branch when someone pushes to it, as GitHub records it: the
// fake notices a head branch that moved (through its git remote or a FakeGitHubUser), knows who moved it,
// records a `head_ref_force_pushed` event when the move was not a fast-forward, and, when the repository
// asks for it, dismisses the approvals the push made stale. GET /issues/{n}/events lists those events.
//
// GitHub's references:
// - Issue event types (https://docs.github.com/rest/using-the-rest-api/issue-event-types): the
//   `head_ref_force_pushed`, `head_ref_deleted` and `head_ref_restored` events are "available in the REST
//   API for issue events" for pull requests, each with the common properties, `actor` among them ("the
//   person who generated the event"). `review_dismissed` carries `dismissed_review`.
// - List issue events (https://docs.github.com/rest/issues/events#list-issue-events).
// - Branch rulesets' pull request rule, `dismiss_stale_reviews_on_push`: "New, reviewable commits pushed
//   will dismiss previous pull request review approvals" (the same setting in branch protection is
//   "Dismiss stale pull request approvals when new commits are pushed"). GitHub does not dismiss when a
//   push leaves the diff as it was (a merge of the base branch, discussed in
//   https://github.com/orgs/community/discussions/37266); the fake dismisses on every push that moves
//   the head, the stricter reading.
// - Dismiss a review (https://docs.github.com/rest/pulls/reviews#dismiss-a-review-for-a-pull-request):
//   the review's state becomes DISMISSED and it no longer counts.
import type { HandlerRequest, RouteHandler } from "./handler.js";
import { HttpError, int, notFound, paginate, str } from "./handler.js";
import { findPull } from "./pulls-routes.js";
import { review, simpleUser } from "./render.js";
import type { FakePull, FakeRepo, FakeReview, World } from "./world.js";
import { findUser, requireUser } from "./world.js";

export type FakeEventName = "head_ref_force_pushed" | "review_dismissed";

export interface FakeIssueEvent {
  id: number;
  issueNumber: number;
  event: FakeEventName;
  /** Login of whoever caused it. */
  actor: string;
  createdAt: string;
  dismissedReview?: { state: string; reviewId: number; message: string | null; commitId: string | null };
}

interface PushTracking {
  events: FakeIssueEvent[];
  /** The head each open pull request had when the fake last looked. */
  heads: Map<number, string>;
  dismissStaleReviewsOnPush: boolean;
}

const tracking = new WeakMap<FakeRepo, PushTracking>();

function stateOf(repo: FakeRepo): PushTracking {
  let state = tracking.get(repo);
  if (!state) {
    state = { events: [], heads: new Map(), dismissStaleReviewsOnPush: false };
    tracking.set(repo, state);
  }
  return state;
}

/** The repository's "dismiss stale pull request approvals when new commits are pushed" setting. */
export function setStaleReviewDismissal(repo: FakeRepo, on: boolean): void {
  stateOf(repo).dismissStaleReviewsOnPush = on;
}

export function issueEvents(repo: FakeRepo, issueNumber: number): FakeIssueEvent[] {
  return stateOf(repo).events.filter((event) => event.issueNumber === issueNumber);
}

/**
 * Looks at every open pull request's head branch and records what moved since the last look as
 * `pusher`'s doing. The fake looks before every request (pushes over its git remote carry no account:
 * they are the configured git pusher's) and around each FakeGitHubUser push (that user's).
 */
export async function observePushes(world: World, repo: FakeRepo, pusher: string): Promise<void> {
  const state = stateOf(repo);
  const open = new Set<number>();
  for (const pull of repo.pulls) {
    if (pull.state !== "open") continue;
    open.add(pull.number);
    const head = await repo.git.branchSha(pull.head);
    if (head === undefined) continue;
    const before = state.heads.get(pull.number);
    state.heads.set(pull.number, head);
    if (before === undefined || before === head) continue;
    if (!(await repo.git.isAncestor(before, head))) {
      record(world, state, pull, "head_ref_force_pushed", pusher);
    }
    if (state.dismissStaleReviewsOnPush) dismissStale(world, repo, state, pull, head, pusher);
  }
  // A closed pull request stops following its branch; reopened, it starts again from where it is.
  for (const number of [...state.heads.keys()]) if (!open.has(number)) state.heads.delete(number);
}

function dismissStale(
  world: World,
  repo: FakeRepo,
  state: PushTracking,
  pull: FakePull,
  head: string,
  actor: string,
): void {
  for (const value of repo.reviews) {
    if (value.pullNumber !== pull.number || value.state !== "APPROVED" || value.commitId === head) continue;
    dismiss(world, state, pull, value, actor, null);
  }
}

function dismiss(
  world: World,
  state: PushTracking,
  pull: FakePull,
  value: FakeReview,
  actor: string,
  message: string | null,
): void {
  const before = value.state;
  value.state = "DISMISSED";
  record(world, state, pull, "review_dismissed", actor, {
    state: before.toLowerCase(),
    reviewId: value.id,
    message,
    commitId: value.commitId,
  });
}

function record(
  world: World,
  state: PushTracking,
  pull: FakePull,
  event: FakeEventName,
  actor: string,
  dismissedReview?: FakeIssueEvent["dismissedReview"],
): void {
  state.events.push({
    id: world.nextId(),
    issueNumber: pull.number,
    event,
    actor,
    createdAt: world.now(),
    ...(dismissedReview === undefined ? {} : { dismissedReview }),
  });
}

function eventJson(world: World, repo: FakeRepo, value: FakeIssueEvent): Record<string, unknown> {
  const actor = findUser(world, value.actor);
  return {
    id: value.id,
    node_id: Buffer.from(`IssueEvent:${value.id}`).toString("base64url"),
    url: `${world.baseUrl}/repos/${repo.owner}/${repo.name}/issues/events/${value.id}`,
    actor: actor ? simpleUser(world, actor) : null,
    event: value.event,
    commit_id: null,
    commit_url: null,
    created_at: value.createdAt,
    performed_via_github_app: null,
    ...(value.dismissedReview === undefined
      ? {}
      : {
          dismissed_review: {
            state: value.dismissedReview.state,
            review_id: value.dismissedReview.reviewId,
            dismissal_message: value.dismissedReview.message,
            ...(value.dismissedReview.commitId === null
              ? {}
              : { dismissal_commit_id: value.dismissedReview.commitId }),
          },
        }),
  };
}

const listEvents: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const pull = findPull(repo, int(params["issue_number"]));
    const path = `/repos/${repo.owner}/${repo.name}/issues/${pull.number}/events`;
    const { page, headers } = paginate(request, path, issueEvents(repo, pull.number));
    return { status: 200, body: page.map((value) => eventJson(world, repo, value)), headers };
  },
};

const dismissReview: RouteHandler = {
  needs: ["pull_requests", "write"],
  async handle({ repo, params, body, user, world }: HandlerRequest) {
    const pull = findPull(repo, int(params["pull_number"]));
    const value = repo.reviews.find((r) => r.pullNumber === pull.number && r.id === int(params["review_id"]));
    if (!value) throw notFound();
    // Only an approval or a request for changes can be dismissed; GitHub refuses the rest with 422.
    if (value.state !== "APPROVED" && value.state !== "CHANGES_REQUESTED") {
      throw new HttpError(422, {
        message: "Unprocessable Entity",
        errors: [`Can not dismiss a ${value.state.toLowerCase()} pull request review`],
        documentation_url: "https://docs.github.com/rest/pulls/reviews#dismiss-a-review-for-a-pull-request",
        status: "422",
      });
    }
    dismiss(
      world,
      stateOf(repo),
      pull,
      value,
      requireUser(world, user.login).login,
      str(body["message"] as string),
    );
    return { status: 200, body: review(world, repo, value) };
  },
};

export const pullEventRoutes: Record<string, RouteHandler> = {
  "issues/list-events": listEvents,
  "pulls/dismiss-review": dismissReview,
};
