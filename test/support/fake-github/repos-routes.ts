import type { RouteHandler } from "./handler.js";
import { HttpError, errorWithStatus, notFound, paginate, str, validationFailed } from "./handler.js";
import { collaboratorPermission, pullRequest, pullShas, status } from "./render.js";
import type { TreeEntry } from "./bare-repo.js";
import type { FakePull, FakeRepo, World } from "./world.js";
import { findUser } from "./world.js";

// GitHub's contents API returns file content inline only up to 1 MB; larger files come back empty.
const INLINE_CONTENT_LIMIT = 1024 * 1024;

/** Pull requests a commit belongs to: GitHub's rule, merged ones if it is on the default branch, else open ones. */
async function pullsForCommit(world: World, repo: FakeRepo, sha: string): Promise<FakePull[]> {
  const main = await repo.git.branchSha(repo.defaultBranch);
  const onDefault = main !== undefined && (await repo.git.isAncestor(sha, main));
  const found: FakePull[] = [];
  for (const pull of repo.pulls) {
    if (onDefault ? pull.mergedAt === null : pull.state !== "open") continue;
    if (onDefault && isStillIndexing(world, pull)) continue;
    if (pull.mergeCommitSha === sha) {
      found.push(pull);
      continue;
    }
    const shas = await pullShas(repo, pull);
    if ((await repo.git.commitsBetween(shas.base, shas.head)).includes(sha)) found.push(pull);
  }
  return found;
}

/**
 * GitHub fills the commit-to-pull-request index a little after a merge: for some seconds the merged pull
 * request is missing from `GET /commits/{sha}/pulls` ("This index update is asynchronous — when [a tool]
 * queries the API within seconds of a merge, the endpoint may return an empty list":
 * https://github.com/Songmu/tagpr/pull/333; also https://github.com/tektoncd/pipelines-as-code/pull/2382).
 * The fake leaves it out until `commitPullsLagMs` after its merge, by the fake's clock.
 */
function isStillIndexing(world: World, pull: FakePull): boolean {
  if (world.commitPullsLagMs <= 0 || pull.mergedAt === null) return false;
  return Date.parse(world.now()) < Date.parse(pull.mergedAt) + world.commitPullsLagMs;
}

const listPullsForCommit: RouteHandler = {
  needs: ["pull_requests", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const sha = await repo.git.resolveCommit(str(params["commit_sha"]));
    if (sha === undefined)
      throw validationFailed("Commit", `No commit found for SHA: ${str(params["commit_sha"])}`, "sha");
    const pulls = await pullsForCommit(world, repo, sha);
    const { page, headers } = paginate(
      request,
      `/repos/${repo.owner}/${repo.name}/commits/${sha}/pulls`,
      pulls,
    );
    return {
      status: 200,
      body: await Promise.all(page.map((pull) => pullRequest(world, repo, pull, false))),
      headers,
    };
  },
};

const createStatus: RouteHandler = {
  needs: ["statuses", "write"],
  async handle({ repo, params, body, user, world }) {
    const sha = str(params["sha"]);
    const resolved = await repo.git.resolveCommit(sha);
    if (resolved === undefined || !resolved.startsWith(sha.toLowerCase())) {
      throw validationFailed("Status", `No commit found for SHA: ${sha}`, "sha");
    }
    const description = typeof body["description"] === "string" ? body["description"] : null;
    if (description !== null && description.length > 140) {
      throw validationFailed("Status", "description is too long (maximum is 140 characters)", "description");
    }
    const value = {
      id: world.nextId(),
      sha: resolved,
      state: body["state"] as "error" | "failure" | "pending" | "success",
      context: typeof body["context"] === "string" ? body["context"] : "default",
      description,
      targetUrl: typeof body["target_url"] === "string" ? body["target_url"] : null,
      creator: user.login,
      createdAt: world.now(),
    };
    repo.statuses.push(value);
    return { status: 201, body: status(world, repo, value) };
  },
};

function contentUrls(world: World, repo: FakeRepo, entry: TreeEntry, ref: string) {
  const api = `${world.baseUrl}/repos/${repo.owner}/${repo.name}`;
  const kind = entry.type === "tree" ? "tree" : "blob";
  const self = `${api}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${kind === "tree" ? "trees" : "blobs"}/${entry.sha}`;
  const html = `${world.baseUrl}/${repo.owner}/${repo.name}/${kind}/${encodeURIComponent(ref)}/${entry.path}`;
  const download =
    kind === "blob"
      ? `${world.baseUrl}/raw/${repo.owner}/${repo.name}/${encodeURIComponent(ref)}/${entry.path}`
      : null;
  return { url: self, git_url: git, html_url: html, download_url: download, _links: { self, git, html } };
}

function entryJson(world: World, repo: FakeRepo, entry: TreeEntry, ref: string) {
  const type =
    entry.type === "tree"
      ? "dir"
      : entry.type === "commit"
        ? "submodule"
        : entry.mode === "120000"
          ? "symlink"
          : "file";
  return {
    type,
    size: entry.size ?? 0,
    name: entry.path.split("/").pop() ?? entry.path,
    path: entry.path,
    sha: entry.sha,
    ...contentUrls(world, repo, entry, ref),
  };
}

const getContent: RouteHandler = {
  needs: ["contents", "read"],
  async handle({ repo, params, world }) {
    const ref = params["ref"] === undefined ? repo.defaultBranch : str(params["ref"]);
    const commit = await repo.git.resolveCommit(ref);
    if (commit === undefined) {
      throw new HttpError(404, {
        message: `No commit found for the ref ${ref}`,
        documentation_url: "https://docs.github.com/rest/repos/contents",
        status: "404",
      });
    }
    const path = str(params["path"]).replace(/^\/+|\/+$/g, "");
    const entry = await repo.git.entryAt(commit, path);
    if (!entry) throw notFound();
    if (entry.type === "tree") {
      const entries = await repo.git.listDirectory(commit, path);
      return { status: 200, body: entries.map((child) => entryJson(world, repo, child, ref)) };
    }
    if (entry.type !== "blob" || entry.mode === "120000")
      throw errorWithStatus(501, "fake GitHub: only files and directories are modelled");
    const content = await repo.git.readBlob(entry.sha);
    const inline = content.length <= INLINE_CONTENT_LIMIT;
    // GitHub wraps the base64 at 60 characters, with a trailing newline.
    const lines = inline ? content.toString("base64").match(/.{1,60}/g) : null;
    const encoded = lines ? `${lines.join("\n")}\n` : "";
    return {
      status: 200,
      body: { ...entryJson(world, repo, entry, ref), content: encoded, encoding: inline ? "base64" : "none" },
    };
  },
};

/** Statuses of a commit, newest first, each with the account that created it. */
const listStatuses: RouteHandler = {
  needs: ["statuses", "read"],
  async handle(request) {
    const { repo, params, world } = request;
    const ref = str(params["ref"]);
    const sha = await repo.git.resolveCommit(ref);
    if (sha === undefined) throw validationFailed("Commit", `No commit found for SHA: ${ref}`, "ref");
    const statuses = repo.statuses.filter((value) => value.sha === sha).reverse();
    const { page, headers } = paginate(
      request,
      `/repos/${repo.owner}/${repo.name}/commits/${encodeURIComponent(ref)}/statuses`,
      statuses,
    );
    return { status: 200, body: page.map((value) => status(world, repo, value)), headers };
  },
};

// Any token that can see the repository may ask (fine-grained tokens: metadata read, always granted).
const getPermission: RouteHandler = {
  async handle({ repo, params, world }) {
    const user = findUser(world, str(params["username"]));
    if (!user || user.type === "Organization") throw notFound();
    const role =
      repo.owner.toLowerCase() === user.login.toLowerCase()
        ? "admin"
        : repo.collaborators.get(user.login.toLowerCase());
    return { status: 200, body: collaboratorPermission(world, user, role) };
  },
};

export const reposRoutes: Record<string, RouteHandler> = {
  "repos/list-pull-requests-associated-with-commit": listPullsForCommit,
  "repos/create-commit-status": createStatus,
  "repos/get-content": getContent,
  "repos/list-commit-statuses-for-ref": listStatuses,
  "repos/get-collaborator-permission-level": getPermission,
};
