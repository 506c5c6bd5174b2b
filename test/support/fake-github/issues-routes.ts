import type { RouteHandler } from "./handler.js";
import { HttpError, errorWithStatus, int, notFound, paginate, str, validationFailed } from "./handler.js";
import { findPull } from "./pulls-routes.js";
import { issueComment, label } from "./render.js";
import type { FakeLabel, FakeRepo, World } from "./world.js";

// The fake's issues are its pull requests: on GitHub every pull request is an issue with the same number.

function findLabel(repo: FakeRepo, name: string): FakeLabel | undefined {
  const wanted = name.toLowerCase();
  return repo.labels.find((candidate) => candidate.name.toLowerCase() === wanted);
}

function addLabel(
  world: World,
  repo: FakeRepo,
  name: string,
  color = "ededed",
  description: string | null = null,
): FakeLabel {
  const created = { id: world.nextId(), name, color, description };
  repo.labels.push(created);
  return created;
}

function issueLabels(world: World, repo: FakeRepo, names: string[]): unknown[] {
  return names.flatMap((name) => {
    const found = findLabel(repo, name);
    return found ? [label(world, repo, found)] : [];
  });
}

const listComments: RouteHandler = {
  needs: ["issues", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const pull = findPull(repo, int(params["issue_number"]));
    const comments = repo.comments.filter((comment) => comment.issueNumber === pull.number);
    const path = `/repos/${repo.owner}/${repo.name}/issues/${pull.number}/comments`;
    const { page, headers } = paginate(request, path, comments);
    return { status: 200, body: page.map((comment) => issueComment(world, repo, comment)), headers };
  },
};

const createComment: RouteHandler = {
  needs: ["issues", "write"],
  async handle({ repo, params, body, user, world }) {
    const pull = findPull(repo, int(params["issue_number"]));
    const text = str(body["body"] as string);
    if (text.trim() === "") throw validationFailed("IssueComment", "Body cannot be blank", "body");
    const now = world.now();
    const comment = {
      id: world.nextId(),
      issueNumber: pull.number,
      author: user.login,
      body: text,
      createdAt: now,
      updatedAt: now,
    };
    repo.comments.push(comment);
    const json = issueComment(world, repo, comment);
    return { status: 201, body: json, headers: { location: String(json["url"]) } };
  },
};

const updateComment: RouteHandler = {
  needs: ["issues", "write"],
  async handle({ repo, params, body, user, world }) {
    const comment = repo.comments.find((candidate) => candidate.id === int(params["comment_id"]));
    if (!comment) throw notFound();
    // Only the author edits here; GitHub also lets maintainers, which folioctl never relies on.
    if (comment.author.toLowerCase() !== user.login.toLowerCase())
      throw errorWithStatus(403, "Must have admin rights to Repository.");
    const text = str(body["body"] as string);
    if (text.trim() === "") throw validationFailed("IssueComment", "Body cannot be blank", "body");
    comment.body = text;
    comment.updatedAt = world.now();
    return { status: 200, body: issueComment(world, repo, comment) };
  },
};

const getLabel: RouteHandler = {
  needs: ["issues", "read"],
  async handle({ repo, params, world }) {
    const found = findLabel(repo, str(params["name"]));
    if (!found) throw notFound();
    return { status: 200, body: label(world, repo, found) };
  },
};

const createLabel: RouteHandler = {
  needs: ["issues", "write"],
  async handle({ repo, body, world }) {
    const name = str(body["name"] as string);
    if (findLabel(repo, name)) {
      throw new HttpError(422, {
        message: "Validation Failed",
        errors: [{ resource: "Label", code: "already_exists", field: "name" }],
        documentation_url: "https://docs.github.com/rest/issues/labels#create-a-label",
        status: "422",
      });
    }
    const color = typeof body["color"] === "string" ? body["color"] : "ededed";
    if (!/^[0-9a-fA-F]{6}$/.test(color))
      throw validationFailed("Label", `${color} is not a valid color`, "color");
    const description = typeof body["description"] === "string" ? body["description"] : null;
    const created = addLabel(world, repo, name, color.toLowerCase(), description);
    return { status: 201, body: label(world, repo, created) };
  },
};

const addLabels: RouteHandler = {
  needs: ["issues", "write"],
  async handle({ repo, params, body, world }) {
    const pull = findPull(repo, int(params["issue_number"]));
    const requested = (body["labels"] as Array<string | { name?: string }> | undefined) ?? [];
    for (const entry of requested) {
      const name = typeof entry === "string" ? entry : str(entry.name);
      // GitHub creates a label that does not exist yet when it is added to an issue.
      const existing = findLabel(repo, name) ?? addLabel(world, repo, name);
      if (!pull.labels.includes(existing.name)) pull.labels.push(existing.name);
    }
    pull.updatedAt = world.now();
    return { status: 200, body: issueLabels(world, repo, pull.labels) };
  },
};

const removeLabel: RouteHandler = {
  needs: ["issues", "write"],
  async handle({ repo, params, world }) {
    const pull = findPull(repo, int(params["issue_number"]));
    const wanted = str(params["name"]).toLowerCase();
    const index = pull.labels.findIndex((name) => name.toLowerCase() === wanted);
    if (index < 0)
      throw new HttpError(404, {
        message: "Label does not exist",
        documentation_url: "https://docs.github.com/rest",
        status: "404",
      });
    pull.labels.splice(index, 1);
    pull.updatedAt = world.now();
    return { status: 200, body: issueLabels(world, repo, pull.labels) };
  },
};

export const issuesRoutes: Record<string, RouteHandler> = {
  "issues/list-comments": listComments,
  "issues/create-comment": createComment,
  "issues/update-comment": updateComment,
  "issues/get-label": getLabel,
  "issues/create-label": createLabel,
  "issues/add-labels": addLabels,
  "issues/remove-label": removeLabel,
};
