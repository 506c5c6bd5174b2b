import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BareRepo } from "./bare-repo.js";
import type { GitIdentity } from "./bare-repo.js";
import type { HandlerResponse, RouteHandler } from "./handler.js";
import { HttpError, errorWithStatus, notFound } from "./handler.js";
import { FakeGitHubUser } from "./fake-github-user.js";
import { issuesRoutes } from "./issues-routes.js";
import { landCommits, markMerged } from "./merge-pull.js";
import type { MergeMethod } from "./merge-pull.js";
import { sharedContract } from "./compiled-contract.js";
import { observePushes, pullEventRoutes, setStaleReviewDismissal } from "./pull-events.js";
import { findPull, pullsRoutes } from "./pulls-routes.js";
import { privateUser } from "./render.js";
import { reposRoutes } from "./repos-routes.js";
import type { Access, FakeRepo, FakeUser, Permission, Role, World } from "./world.js";
import { findUser, requireUser } from "./world.js";

const ROUTES: Record<string, RouteHandler> = {
  ...pullsRoutes,
  ...issuesRoutes,
  ...reposRoutes,
  ...pullEventRoutes,
};
const LEVEL: Record<Access, number> = { none: 0, read: 1, write: 2 };

export interface RecordedRequest {
  method: string;
  /** The path without the query, e.g. /repos/acme/ops/pulls/1. */
  path: string;
  query: Record<string, string>;
  operationId: string | undefined;
  /** Who the token belongs to; undefined when it matched nobody. */
  login: string | undefined;
  body: unknown;
  status: number;
  response: unknown;
}

export interface FakeGitHubOptions {
  /** The clock timestamps come from (default: the real one). */
  now?: () => Date;
  /**
   * Whose pushes arrive over the git remote, which has no authentication (default: the repository's
   * owner). A FakeGitHubUser's push and forcePush say who they are themselves.
   */
  gitPusher?: string;
}

export interface Fault {
  operationId: string;
  status: number;
  message: string;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
  /**
   * The request is carried out, and only then answered with the error: a write that landed behind a
   * gateway that timed out. A client that retries it blindly writes twice (octokit's retry plugin "decides
   * whether to retry purely by HTTP status code — it does not distinguish GET from POST/PATCH/PUT/DELETE
   * ... in the rare case the original request actually succeeded server-side but the response was lost,
   * [it could] produce a duplicate side effect (e.g. a duplicate PR comment)":
   * https://github.com/costajohnt/oss-autopilot/pull/1553).
   */
  afterWrite?: boolean;
}

/**
 * A GitHub REST server on loopback that octokit reaches through `baseUrl`. Pull requests, comments,
 * labels, reviews and statuses live in memory over a real bare git repository per repo; every request
 * and response is checked against GitHub's OpenAPI description, and anything off it is a violation that
 * `assertNoViolations()` turns into a test failure.
 */
export class FakeGitHub {
  private readonly contract = sharedContract();
  private readonly log: RecordedRequest[] = [];
  private readonly faults: Array<Fault & { remaining: number }> = [];
  private readonly violationList: string[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private ids = 1000;

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly world: World,
    private readonly gitPusher: string | undefined,
  ) {}

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    const dir = await mkdtemp(join(tmpdir(), "fake-github-"));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const clock = options.now ?? (() => new Date());
    const world: World = {
      baseUrl: `http://127.0.0.1:${port}`,
      users: [],
      repos: [],
      // GitHub's timestamps have whole seconds.
      now: () =>
        clock()
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
      nextId: () => 0,
      commitPullsLagMs: 0,
    };
    const fake = new FakeGitHub(server, dir, world, options.gitPusher);
    world.nextId = () => ++fake.ids;
    server.on("request", (request, response) => void fake.serve(request, response));
    return fake;
  }

  /** The API root to give octokit as `baseUrl`. */
  get url(): string {
    return this.world.baseUrl;
  }

  /** A person or a bot with a token. `permissions` makes it a fine-grained token limited to those. */
  addUser(
    login: string,
    options: { type?: FakeUser["type"]; permissions?: FakeUser["permissions"] } = {},
  ): FakeGitHubUser {
    if (findUser(this.world, login)) throw new Error(`fake GitHub: user ${login} exists`);
    const user: FakeUser = {
      id: this.world.nextId(),
      login,
      type: options.type ?? "User",
      token: `ghp_${randomBytes(18).toString("hex")}`,
      permissions: options.permissions,
      createdAt: this.world.now(),
    };
    this.world.users.push(user);
    return new FakeGitHubUser(this, user);
  }

  user(login: string): FakeGitHubUser {
    return new FakeGitHubUser(this, requireUser(this.world, login));
  }

  /** A repository over a new bare git repo, with an initial commit of `files` on the default branch. */
  async createRepo(
    owner: string,
    name: string,
    options: { defaultBranch?: string; files?: Record<string, string>; author?: GitIdentity } = {},
  ): Promise<FakeRepo> {
    if (!findUser(this.world, owner)) {
      this.world.users.push({
        id: this.world.nextId(),
        login: owner,
        type: "Organization",
        token: undefined,
        permissions: undefined,
        createdAt: this.world.now(),
      });
    }
    const defaultBranch = options.defaultBranch ?? "main";
    const git = await BareRepo.withInitialCommit(join(this.dir, `${owner}+${name}.git`), {
      defaultBranch,
      files: options.files ?? { "README.md": `# ${name}\n` },
      message: "Initial commit",
      author: options.author ?? { name: owner, email: `${owner}@users.noreply.github.com` },
    });
    const repo: FakeRepo = {
      id: this.world.nextId(),
      owner,
      name,
      defaultBranch,
      git,
      createdAt: this.world.now(),
      nextNumber: 1,
      pulls: [],
      comments: [],
      labels: [],
      reviews: [],
      statuses: [],
      collaborators: new Map(),
    };
    this.world.repos.push(repo);
    return repo;
  }

  /** Gives a user a role on a repository (collaborator permission), as an admin would in the settings. */
  grant(repo: FakeRepo, login: string, role: Role): void {
    repo.collaborators.set(requireUser(this.world, login).login.toLowerCase(), role);
  }

  /**
   * Turns on the branch rule "dismiss stale pull request approvals when new commits are pushed": a
   * push that moves an open pull request's head dismisses the approvals given at another commit.
   */
  dismissStaleReviewsOnPush(repo: FakeRepo, on = true): void {
    setStaleReviewDismissal(repo, on);
  }

  /**
   * Records what moved on open pull requests' branches since the fake last looked, as `pusher`'s doing
   * (default: the git pusher). FakeGitHubUser calls it around its pushes; requests do it themselves.
   */
  async observePushes(repo: FakeRepo, pusher?: string): Promise<void> {
    const next = this.queue.then(() =>
      observePushes(this.world, repo, pusher ?? this.gitPusher ?? repo.owner),
    );
    this.queue = next.catch(() => undefined);
    await next;
  }

  repo(owner: string, name: string): FakeRepo {
    const found = this.findRepo(owner, name);
    if (!found) throw new Error(`fake GitHub: no repository ${owner}/${name}`);
    return found;
  }

  /** Makes the next matching request(s) fail as GitHub would (rate limits, outages, odd refusals). */
  failNext(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  /**
   * Makes `GET /commits/{sha}/pulls` leave a merged pull request out for `ms` after its merge, by the
   * fake's clock, as GitHub's commit index does right after a merge (see repos-routes.ts).
   */
  lagCommitPulls(ms: number): void {
    this.world.commitPullsLagMs = ms;
  }

  /**
   * A merge queue's group landing: each pull request is merged in turn on top of the one before it, with
   * its own merge commit, and the base branch then moves once, from `before` to `after`. The push event
   * GitHub sends for it names only `after` (GITHUB_SHA) and `before`. A queue builds groups of between 1
   * and 100 pull requests ("Merge limits: Select the minimum and maximum number of pull requests to merge
   * into the base branch at the same time (between 1 and 100)": docs.github.com, Managing a merge queue,
   * https://github.com/github/docs/commit/0afd9ab6f0d65334e58433d37a63d511394c433c).
   */
  async mergeQueueGroup(
    repo: FakeRepo,
    numbers: number[],
    options: { by: string; method?: MergeMethod },
  ): Promise<{ before: string; after: string; merged: Array<{ number: number; sha: string }> }> {
    const pulls = numbers.map((number) => findPull(repo, number));
    const branch = pulls[0]?.base ?? repo.defaultBranch;
    if (pulls.some((pull) => pull.base !== branch || pull.state !== "open")) {
      throw new Error("fake GitHub: a merge group holds open pull requests for one base branch");
    }
    const before = await repo.git.branchSha(branch);
    if (before === undefined) throw new Error(`fake GitHub: no branch ${branch}`);
    const merger = requireUser(this.world, options.by);
    let tip = before;
    const landings = [];
    for (const pull of pulls) {
      const landed = await landCommits(repo, pull, { method: options.method ?? "merge", merger, onto: tip });
      if (landed === undefined) throw new Error(`fake GitHub: #${pull.number} does not merge in the group`);
      landings.push({ pull, landed });
      tip = landed.tip;
    }
    await repo.git.updateRef(`refs/heads/${branch}`, tip, before);
    for (const { pull, landed } of landings) markMerged(this.world, pull, landed, merger.login);
    return {
      before,
      after: tip,
      merged: landings.map(({ pull, landed }) => ({ number: pull.number, sha: landed.mergeCommitSha })),
    };
  }

  /** Every request received so far, oldest first, optionally filtered. */
  requests(filter: { method?: string; operationId?: string; login?: string } = {}): RecordedRequest[] {
    return this.log.filter(
      (entry) =>
        (filter.method === undefined || entry.method === filter.method) &&
        (filter.operationId === undefined || entry.operationId === filter.operationId) &&
        (filter.login === undefined || entry.login === filter.login),
    );
  }

  get violations(): readonly string[] {
    return this.violationList;
  }

  /** Returns the violations so far and forgets them (for tests that provoke one on purpose). */
  takeViolations(): string[] {
    return this.violationList.splice(0);
  }

  /**
   * Throws if any request or response left GitHub's contract, or hit a route the fake does not know; or if
   * a fault set with failNext was not used up, since a test whose fault never fired did not test what it
   * says (and the fault would fail a later test's request instead).
   */
  assertNoViolations(): void {
    const unused = this.faults.map(
      (fault) => `a failNext fault for ${fault.operationId} was left unused ${fault.remaining} time(s)`,
    );
    const problems = [...this.violationList, ...unused];
    if (problems.length === 0) return;
    const list = problems.map((problem) => `  - ${problem}`).join("\n");
    throw new Error(`fake GitHub saw ${problems.length} contract violation(s):\n${list}`);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.dir, { recursive: true, force: true });
  }

  private findRepo(owner: string, name: string): FakeRepo | undefined {
    return this.world.repos.find(
      (repo) =>
        repo.owner.toLowerCase() === owner.toLowerCase() && repo.name.toLowerCase() === name.toLowerCase(),
    );
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    // One request at a time: handlers read and write git refs across awaits.
    const next = this.queue.then(() => this.answer(request, Buffer.concat(chunks).toString("utf8")));
    this.queue = next.catch(() => undefined);
    let answer: HandlerResponse;
    try {
      answer = await next;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.violationList.push(`${request.method} ${request.url}: the fake itself failed: ${message}`);
      answer = { status: 500, body: { message: `fake GitHub failed: ${message}` } };
    }
    const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      "content-type": "application/json; charset=utf-8",
      "x-github-api-version-selected": "2022-11-28",
      "x-github-request-id": randomBytes(8).toString("hex"),
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      ...answer.headers,
    });
    response.end(text);
  }

  private async answer(request: IncomingMessage, rawBody: string): Promise<HandlerResponse> {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", this.world.baseUrl);
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    const user =
      token === undefined ? undefined : this.world.users.find((candidate) => candidate.token === token);
    let body: unknown;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      operationId: undefined,
      login: user?.login,
      body: undefined,
      status: 0,
      response: undefined,
    };
    this.log.push(record);
    const finish = (answer: HandlerResponse): HandlerResponse => {
      record.status = answer.status;
      record.response = answer.body;
      if (record.operationId !== undefined) {
        const problem = this.contract.checkResponse(record.operationId, answer.status, answer.body);
        if (problem) this.violationList.push(problem);
      }
      return answer;
    };
    try {
      body = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      this.violationList.push(`${method} ${url.pathname}: request body is not JSON`);
      return finish({ status: 400, body: { message: "Problems parsing JSON" } });
    }
    record.body = body;
    const { match, violations } = this.contract.matchRequest(method, url.pathname, url.searchParams, body);
    this.violationList.push(...violations);
    if (!match) return finish({ status: 404, body: notFound().body });
    record.operationId = match.operationId;
    try {
      return finish(await this.dispatch(match.operationId, match.params, body, user));
    } catch (error) {
      if (error instanceof HttpError)
        return finish({ status: error.status, body: error.body, headers: error.headers });
      throw error;
    }
  }

  private async dispatch(
    operationId: string,
    params: Record<string, string | number | boolean>,
    body: unknown,
    user: FakeUser | undefined,
  ): Promise<HandlerResponse> {
    if (!user) {
      throw new HttpError(401, {
        message: "Bad credentials",
        documentation_url: "https://docs.github.com/rest",
        status: "401",
      });
    }
    const faultIndex = this.faults.findIndex((fault) => fault.operationId === operationId);
    const fault = this.faults[faultIndex];
    if (fault) {
      if (--fault.remaining <= 0) this.faults.splice(faultIndex, 1);
      if (fault.afterWrite) await this.handle(operationId, params, body, user);
      throw new HttpError(
        fault.status,
        {
          message: fault.message,
          documentation_url: "https://docs.github.com/rest",
          status: String(fault.status),
        },
        fault.headers,
      );
    }
    return this.handle(operationId, params, body, user);
  }

  private async handle(
    operationId: string,
    params: Record<string, string | number | boolean>,
    body: unknown,
    user: FakeUser,
  ): Promise<HandlerResponse> {
    if (operationId === "users/get-authenticated") {
      // An installation token (GitHub Actions' GITHUB_TOKEN) has no user to show.
      if (user.type === "Bot") throw errorWithStatus(403, "Resource not accessible by integration");
      return { status: 200, body: privateUser(this.world, user) };
    }
    const handler = ROUTES[operationId];
    if (!handler) throw new Error(`no handler for ${operationId}`);
    const repo = this.findRepo(String(params["owner"]), String(params["repo"]));
    if (!repo) throw notFound();
    if (handler.needs) checkPermission(user, handler.needs[0], handler.needs[1]);
    const objectBody =
      body !== null && typeof body === "object" && !Array.isArray(body)
        ? (body as Record<string, unknown>)
        : {};
    // Pushes reach the fake through git, not the API: it notices them when it is next asked, and
    // starts following a pull request the moment it is opened (or reopened).
    const pusher = this.gitPusher ?? repo.owner;
    await observePushes(this.world, repo, pusher);
    const answer = await handler.handle({ world: this.world, user, repo, params, body: objectBody });
    if (operationId === "pulls/create" || operationId === "pulls/update") {
      await observePushes(this.world, repo, pusher);
    }
    return answer;
  }
}

function checkPermission(user: FakeUser, permission: Permission, access: Exclude<Access, "none">): void {
  if (!user.permissions) return;
  const granted = user.permissions[permission] ?? "none";
  if (LEVEL[granted] >= LEVEL[access]) return;
  throw new HttpError(
    403,
    {
      message: "Resource not accessible by personal access token",
      documentation_url: "https://docs.github.com/rest",
      status: "403",
    },
    { "x-accepted-github-permissions": `${permission}=${access}` },
  );
}
