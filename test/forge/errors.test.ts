import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeError, TimeoutError } from "../../src/errors.js";
import { GitHubForge } from "../../src/forge/github-forge.js";
import { forgeAs, openBotPullRequest, startForgeWorld, stopForgeWorld } from "./forge-world.js";
import type { ForgeWorld } from "./forge-world.js";

let world: ForgeWorld;
let silentServer: Server | undefined;
const silentSockets = new Set<Socket>();

beforeEach(async () => {
  world = await startForgeWorld();
});

afterEach(async () => {
  if (silentServer) {
    const server = silentServer;
    silentServer = undefined;
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  await stopForgeWorld(world);
});

/** Whatever the CLI could print of an error: message, hint and stack. */
function printable(error: unknown): string {
  const value = error as { message?: string; hint?: string; stack?: string };
  return [value.message, value.hint, value.stack].join("\n");
}

async function failure(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { hint?: string };
  }
  throw new Error("expected a failure");
}

describe("GitHub's refusals become ForgeErrors that say what to fix", () => {
  it("401: a bad token, without printing it", async () => {
    const token = "ghp_this_is_not_a_valid_token_123456";
    const forge = new GitHubForge({
      token,
      owner: "acme",
      repo: "ops",
      apiUrl: world.github.url,
      paceWrites: false,
    });

    const error = await failure(forge.getPullRequest(1));

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toBe(
      "GitHub did not accept the token while reading pull request #1 on acme/ops (401: Bad credentials).",
    );
    expect(error.hint).toContain("GITHUB_TOKEN or FOLIOCTL_GITHUB_TOKEN");
    expect(printable(error)).not.toContain(token);
  });

  it("403: names the missing permission, as a token setting and as a workflow permission", async () => {
    const limited = world.github.addUser("limited-bot", {
      permissions: { pull_requests: "read", issues: "write", contents: "write", statuses: "write" },
    });
    const forge = forgeAs(world.github, limited);
    await world.bot.push(world.repo, {
      branch: "folioctl/rebalance/U1",
      files: { "plans/U1.plan.json": "{}" },
    });

    const error = await failure(
      forge.createPullRequest({
        head: "folioctl/rebalance/U1",
        base: "main",
        title: "t",
        body: "b",
        labels: ["folioctl"],
      }),
    );

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toContain("the token lacks the permission pull_requests=write");
    expect(error.hint).toBe(
      "Give the token Pull requests: Read and write on this repository (in a workflow: permissions: { pull-requests: write }).",
    );
    expect(printable(error)).not.toContain(limited.token);
  });

  it("403 on statuses names commit statuses", async () => {
    const limited = world.github.addUser("no-status-bot", {
      permissions: { pull_requests: "write", issues: "write" },
    });
    const main = (await world.repo.git.branchSha("main")) as string;

    const error = await failure(
      forgeAs(world.github, limited).setCommitStatus(main, {
        state: "success",
        context: "c",
        description: "d",
      }),
    );

    expect(error.hint).toContain("Commit statuses: Read and write");
    expect(error.hint).toContain("statuses: write");
  });

  it("404: a repository that is not there, or not visible to the token", async () => {
    const forge = forgeAs(world.github, world.bot, { repo: "missing" });

    const error = await failure(forge.findOpenRebalancePullRequest("U1"));

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toContain("on acme/missing (404: Not Found)");
    expect(error.hint).toContain("GITHUB_REPOSITORY");
  });

  it("404: a pull request that is not there", async () => {
    const error = await failure(world.forge.getPullRequest(99));

    expect(error.message).toBe(
      "GitHub found nothing while reading pull request #99 on acme/ops (404: Not Found).",
    );
  });

  it("422: GitHub's validation text", async () => {
    // The branch has no commits beyond main: GitHub refuses to open a pull request from it.
    const main = (await world.repo.git.branchSha("main")) as string;
    await world.repo.git.updateRef("refs/heads/empty", main, undefined);

    const error = await failure(
      world.forge.createPullRequest({ head: "empty", base: "main", title: "t", body: "b", labels: [] }),
    );

    expect(error.message).toBe(
      "GitHub rejected opening a pull request from empty on acme/ops as invalid (422: Validation Failed: No commits between main and empty).",
    );
  });

  it("keeps the token out even when GitHub's own message repeats it", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "pulls/get",
      status: 422,
      message: `token ${world.bot.token} is odd`,
    });

    const error = await failure(world.forge.getPullRequest(pull.number));

    expect(error.message).toContain("token [REDACTED] is odd");
    expect(printable(error)).not.toContain(world.bot.token);
  });
});

describe("limits and outages", () => {
  it("waits out a primary rate limit and retries (the wait is scaled down in tests)", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "pulls/get",
      status: 403,
      message: "API rate limit exceeded for user ID 1.",
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1),
      },
    });

    expect((await world.forge.getPullRequest(pull.number)).number).toBe(pull.number);
    expect(world.github.requests({ operationId: "pulls/get" }).map((request) => request.status)).toEqual([
      403, 200,
    ]);
  });

  it("retries after a secondary rate limit", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "issues/create-comment",
      status: 403,
      message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
      headers: { "retry-after": "3" },
    });

    expect(await world.forge.upsertComment(pull.number, "preview", "x")).toBe("created");
    expect(world.repo.comments).toHaveLength(1);
  });

  it("gives up on a rate limit that does not lift, and says to wait", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "pulls/get",
      status: 403,
      message: "API rate limit exceeded for user ID 1.",
      headers: {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1),
      },
      // Every request the forge makes: it waits for the reset twice, then gives up.
      times: 3,
    });

    const error = await failure(world.forge.getPullRequest(pull.number));

    expect(error.message).toContain("GitHub's rate limit stopped reading pull request");
    expect(error.hint).toContain("Wait for the limit to reset");
    expect(world.github.requests({ operationId: "pulls/get" })).toHaveLength(3);
  });

  it("retries a passing server error", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({ operationId: "pulls/get", status: 502, message: "Server Error", times: 2 });

    expect((await world.forge.getPullRequest(pull.number)).number).toBe(pull.number);
    expect(world.github.requests({ operationId: "pulls/get" }).map((request) => request.status)).toEqual([
      502, 502, 200,
    ]);
  });

  it("fails with a ForgeError when the server keeps failing", async () => {
    const pull = await openBotPullRequest(world, "U1");
    // Every request the forge makes: the first and three retries.
    world.github.failNext({ operationId: "pulls/get", status: 500, message: "Server Error", times: 4 });

    const error = await failure(world.forge.getPullRequest(pull.number));

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toContain("(500: Server Error), also after retries");
    expect(world.github.requests({ operationId: "pulls/get" })).toHaveLength(4);
  });

  it("does not retry a refusal", async () => {
    await failure(world.forge.getPullRequest(42));

    expect(world.github.requests({ operationId: "pulls/get" })).toHaveLength(1);
  });

  it("says GitHub cannot be reached when nothing listens at the API URL", async () => {
    const port = await freePort();
    const forge = forgeAs(world.github, world.bot, { apiUrl: `http://127.0.0.1:${port}` });

    const error = await failure(forge.getPullRequest(1));

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.message).toMatch(
      new RegExp(`^Could not reach GitHub at http://127.0.0.1:${port} while reading pull request #1: `),
    );
    expect(error.hint).toContain("GITHUB_API_URL");
  });

  it("times out on a server that never answers", async () => {
    // Accepts connections and never answers.
    silentServer = createServer((socket) => silentSockets.add(socket));
    await new Promise<void>((resolve) => silentServer?.listen(0, "127.0.0.1", resolve));
    const port = (silentServer.address() as AddressInfo).port;
    const forge = forgeAs(world.github, world.bot, { apiUrl: `http://127.0.0.1:${port}`, timeoutMs: 50 });

    const error = await failure(forge.getPullRequest(1));

    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe(
      `GitHub at http://127.0.0.1:${port} did not answer in time while reading pull request #1.`,
    );
  });
});

describe("the bot's login", () => {
  it("comes from the token's account", async () => {
    expect(await world.forge.currentLogin()).toBe("folioctl-bot");
  });

  it("must be given for an app installation token, which cannot say who it is", async () => {
    const app = world.github.addUser("ops-app[bot]", { type: "Bot" });

    const error = await failure(forgeAs(world.github, app).findOpenRebalancePullRequest("U1"));

    expect(error).toBeInstanceOf(ForgeError);
    expect(error.hint).toContain("FOLIOCTL_BOT_LOGIN");
  });

  it("finds the app's pull requests when the login is given", async () => {
    const app = world.github.addUser("ops-app[bot]", { type: "Bot" });
    const forge = forgeAs(world.github, app, { botLogin: "ops-app[bot]" });
    await world.bot.push(world.repo, {
      branch: "folioctl/rebalance/U1",
      files: { "plans/U1.plan.json": "{}" },
    });
    const pull = await forge.createPullRequest({
      head: "folioctl/rebalance/U1",
      base: "main",
      title: "t",
      body: "b",
      labels: ["folioctl"],
    });

    expect((await forge.findOpenRebalancePullRequest("U1"))?.number).toBe(pull.number);
    // The same pull request is not the other bot's.
    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
