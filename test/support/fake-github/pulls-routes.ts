import type { HandlerRequest, RouteHandler } from "./handler.js";
import { HttpError, errorWithStatus, int, notFound, paginate, str, validationFailed } from "./handler.js";
import { isMergeMethod, landCommits, markMerged } from "./merge-pull.js";
import { commit, pullRequest, pullShas, review } from "./render.js";
import type { FakePull, FakeRepo, ReviewState } from "./world.js";
import { requireUser } from "./world.js";

const REVIEW_STATES: Record<string, ReviewState> = {
  APPROVE: "APPROVED",
  REQUEST_CHANGES: "CHANGES_REQUESTED",
  COMMENT: "COMMENTED",
};

export function findPull(repo: FakeRepo, number: number): FakePull {
  const pull = repo.pulls.find((candidate) => candidate.number === number);
  if (!pull) throw notFound();
  return pull;
}

/** `owner:branch` or `branch`; only branches of the repository itself (the fake has no forks). */
function headBranch(repo: FakeRepo, head: string): string | undefined {
  const colon = head.indexOf(":");
  if (colon < 0) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

function openDuplicate(repo: FakeRepo, head: string, base: string, except?: number): FakePull | undefined {
  return repo.pulls.find(
    (p) => p.state === "open" && p.head === head && p.base === base && p.number !== except,
  );
}

async function freeze(repo: FakeRepo, pull: FakePull): Promise<void> {
  const shas = await pullShas(repo, pull);
  pull.frozenHeadSha = shas.head;
  pull.frozenBaseSha = shas.base;
}

const list: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const state = str(params["state"] ?? "open");
    const head = params["head"] === undefined ? undefined : headBranch(repo, str(params["head"]));
    const sort = str(params["sort"] ?? "created");
    const direction = str(params["direction"] ?? (sort === "created" ? "desc" : "asc"));
    if (params["head"] !== undefined && head === undefined) return { status: 200, body: [] };
    const key = (pull: FakePull): string => (sort === "updated" ? pull.updatedAt : pull.createdAt);
    const pulls = repo.pulls
      .filter((pull) => state === "all" || pull.state === state)
      .filter((pull) => head === undefined || pull.head === head)
      .filter((pull) => params["base"] === undefined || pull.base === str(params["base"]))
      .sort((a, b) => key(a).localeCompare(key(b)) || a.number - b.number);
    if (direction === "desc") pulls.reverse();
    const { page, headers } = paginate(request, `/repos/${repo.owner}/${repo.name}/pulls`, pulls);
    return {
      status: 200,
      body: await Promise.all(page.map((pull) => pullRequest(world, repo, pull, false))),
      headers,
    };
  },
};

const create: RouteHandler = {
  needs: ["pull_requests", "write"],
  async handle({ repo, body, user, world }) {
    const head = headBranch(repo, str(body["head"] as string));
    const base = str(body["base"] as string);
    const title = body["title"];
    if (typeof title !== "string" || title.trim() === "")
      throw validationFailed("PullRequest", "title is missing", "title");
    const headSha = head === undefined ? undefined : await repo.git.branchSha(head);
    if (head === undefined || headSha === undefined) {
      throw new HttpError(422, {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", field: "head", code: "invalid" }],
        documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        status: "422",
      });
    }
    const baseSha = await repo.git.branchSha(base);
    if (baseSha === undefined) throw validationFailed("PullRequest", `base ${base} does not exist`, "base");
    if (openDuplicate(repo, head, base)) {
      throw validationFailed("PullRequest", `A pull request already exists for ${repo.owner}:${head}.`);
    }
    if ((await repo.git.commitsBetween(baseSha, headSha)).length === 0) {
      throw validationFailed("PullRequest", `No commits between ${base} and ${head}`);
    }
    const now = world.now();
    const pull: FakePull = {
      number: repo.nextNumber++,
      id: world.nextId(),
      title,
      body: typeof body["body"] === "string" ? body["body"] : null,
      state: "open",
      author: user.login,
      head,
      base,
      frozenHeadSha: undefined,
      frozenBaseSha: undefined,
      labels: [],
      draft: body["draft"] === true,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
    };
    repo.pulls.push(pull);
    const json = await pullRequest(world, repo, pull, true);
    return { status: 201, body: json, headers: { location: String(json["url"]) } };
  },
};

const get: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle({ repo, params, world }) {
    return {
      status: 200,
      body: await pullRequest(world, repo, findPull(repo, int(params["pull_number"])), true),
    };
  },
};

const update: RouteHandler = {
  needs: ["pull_requests", "write"],
  async handle({ repo, params, body, world }) {
    const pull = findPull(repo, int(params["pull_number"]));
    if (typeof body["title"] === "string") pull.title = body["title"];
    if (typeof body["body"] === "string") pull.body = body["body"];
    if (body["state"] === "closed" && pull.state === "open") {
      await freeze(repo, pull);
      pull.state = "closed";
      pull.closedAt = world.now();
    } else if (body["state"] === "open" && pull.state === "closed") {
      if (pull.mergedAt !== null)
        throw validationFailed(
          "PullRequest",
          "state cannot be changed. The pull request has been merged.",
          "state",
        );
      if ((await repo.git.branchSha(pull.head)) === undefined) {
        throw validationFailed(
          "PullRequest",
          "state cannot be changed. The head branch has been deleted.",
          "state",
        );
      }
      if (openDuplicate(repo, pull.head, pull.base, pull.number)) {
        throw validationFailed(
          "PullRequest",
          `state cannot be changed. A pull request already exists for ${repo.owner}:${pull.head}.`,
          "state",
        );
      }
      pull.state = "open";
      pull.closedAt = null;
      pull.frozenHeadSha = undefined;
      pull.frozenBaseSha = undefined;
    }
    pull.updatedAt = world.now();
    return { status: 200, body: await pullRequest(world, repo, pull, true) };
  },
};

const merge: RouteHandler = {
  needs: ["contents", "write"],
  async handle({ repo, params, body, user, world }) {
    const pull = findPull(repo, int(params["pull_number"]));
    if (pull.state !== "open") throw errorWithStatus(405, "Pull Request is not mergeable");
    const { head, base } = await pullShas(repo, pull);
    if (typeof body["sha"] === "string" && body["sha"] !== head) {
      throw errorWithStatus(409, "Head branch was modified. Review and try the merge again.");
    }
    const method = str((body["merge_method"] as string | undefined) ?? "merge");
    if (!isMergeMethod(method))
      throw validationFailed("PullRequest", `${method} is not a merge method`, "merge_method");
    const landed = await landCommits(repo, pull, {
      method,
      onto: base,
      merger: requireUser(world, user.login),
      ...(typeof body["commit_title"] === "string" ? { title: body["commit_title"] } : {}),
      ...(typeof body["commit_message"] === "string" ? { message: body["commit_message"] } : {}),
    });
    if (landed === undefined) throw errorWithStatus(405, "Pull Request is not mergeable");
    // Compare-and-swap: a push to the base branch since we read it fails the merge, as on GitHub.
    await repo.git.updateRef(`refs/heads/${pull.base}`, landed.tip, base);
    markMerged(world, pull, landed, user.login);
    const sha = landed.mergeCommitSha;
    return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
  },
};

const listReviews: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const pull = findPull(repo, int(params["pull_number"]));
    const reviews = repo.reviews.filter((candidate) => candidate.pullNumber === pull.number);
    const { page, headers } = paginate(
      request,
      `/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/reviews`,
      reviews,
    );
    return { status: 200, body: page.map((value) => review(world, repo, value)), headers };
  },
};

const createReview: RouteHandler = {
  needs: ["pull_requests", "write"],
  async handle({ repo, params, body, user, world }: HandlerRequest) {
    const pull = findPull(repo, int(params["pull_number"]));
    const event = typeof body["event"] === "string" ? body["event"] : undefined;
    const simple = (message: string): HttpError =>
      new HttpError(422, {
        message: "Unprocessable Entity",
        errors: [message],
        documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
        status: "422",
      });
    // A review without an event is a PENDING draft on GitHub; nothing here needs drafts.
    const state = event === undefined ? undefined : REVIEW_STATES[event];
    if (state === undefined)
      throw simple("fake GitHub: pending (draft) reviews are not modelled; send an event");
    const text = typeof body["body"] === "string" ? body["body"] : "";
    if (state !== "APPROVED" && text === "") throw simple(`Body is required when using ${event} events`);
    if (user.login.toLowerCase() === pull.author.toLowerCase() && state !== "COMMENTED") {
      throw simple(
        state === "APPROVED"
          ? "Can not approve your own pull request"
          : "Can not request changes on your own pull request",
      );
    }
    const commitId =
      typeof body["commit_id"] === "string" ? body["commit_id"] : (await pullShas(repo, pull)).head;
    if ((await repo.git.resolveCommit(commitId)) === undefined)
      throw simple(`No commit found for SHA: ${commitId}`);
    const value = {
      id: world.nextId(),
      pullNumber: pull.number,
      author: user.login,
      state,
      body: text,
      commitId,
      submittedAt: world.now(),
    };
    repo.reviews.push(value);
    return { status: 200, body: review(world, repo, value) };
  },
};

const listCommits: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const pull = findPull(repo, int(params["pull_number"]));
    const shas = await pullShas(repo, pull);
    // GitHub lists a pull request's commits oldest first.
    const between = (await repo.git.commitsBetween(shas.base, shas.head)).reverse();
    const { page, headers } = paginate(
      request,
      `/repos/${repo.owner}/${repo.name}/pulls/${pull.number}/commits`,
      between,
    );
    const infos = await Promise.all(page.map((sha) => repo.git.commitInfo(sha)));
    return { status: 200, body: infos.map((info) => commit(world, repo, info)), headers };
  },
};

export const pullsRoutes: Record<string, RouteHandler> = {
  "pulls/list": list,
  "pulls/create": create,
  "pulls/get": get,
  "pulls/update": update,
  "pulls/merge": merge,
  "pulls/list-reviews": listReviews,
  "pulls/create-review": createReview,
  "pulls/list-commits": listCommits,
};
