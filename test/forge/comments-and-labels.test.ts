import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeError } from "../../src/errors.js";
import { commentMarker } from "../../src/forge/comment-marker.js";
import { openBotPullRequest, startForgeWorld, stopForgeWorld } from "./forge-world.js";
import type { ForgeWorld } from "./forge-world.js";

let world: ForgeWorld;

beforeEach(async () => {
  world = await startForgeWorld();
});

afterEach(async () => {
  await stopForgeWorld(world);
});

function botWrites(): string[] {
  return world.github
    .requests({ login: "folioctl-bot" })
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.operationId}`);
}

describe("one bot comment per purpose", () => {
  it("creates the comment once, leaves it alone when unchanged, edits it when the text changes", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const before = botWrites().length;

    expect(await world.forge.upsertComment(pull.number, "preview", "Trades: buy 3 VTI")).toBe("created");
    expect(await world.forge.upsertComment(pull.number, "preview", "Trades: buy 3 VTI")).toBe("unchanged");
    expect(botWrites().slice(before)).toEqual(["POST issues/create-comment"]);

    expect(await world.forge.upsertComment(pull.number, "preview", "Trades: buy 4 VTI")).toBe("updated");

    expect(botWrites().slice(before)).toEqual(["POST issues/create-comment", "PATCH issues/update-comment"]);
    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      "<!-- folioctl:comment preview -->\nTrades: buy 4 VTI",
    ]);
  });

  it("keeps one comment for each purpose", async () => {
    const pull = await openBotPullRequest(world, "U1");

    await world.forge.upsertComment(pull.number, "preview", "a");
    await world.forge.upsertComment(pull.number, "apply-report", "b");
    await world.forge.upsertComment(pull.number, "preview", "c");

    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      `${commentMarker("preview")}\nc`,
      `${commentMarker("apply-report")}\nb`,
    ]);
  });

  it("does not take over a person's comment that quotes the marker", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.comment(world.repo, pull.number, `${commentMarker("preview")}\nI copied this`);

    expect(await world.forge.upsertComment(pull.number, "preview", "Trades")).toBe("created");

    expect(world.repo.comments.map((comment) => [comment.author, comment.body])).toEqual([
      ["alice", `${commentMarker("preview")}\nI copied this`],
      ["folioctl-bot", `${commentMarker("preview")}\nTrades`],
    ]);
  });

  it("finds its comment among more than a page of others", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.forge.upsertComment(pull.number, "preview", "first");
    for (let i = 0; i < 105; i += 1) await world.alice.comment(world.repo, pull.number, `chatter ${i}`);

    expect(await world.forge.upsertComment(pull.number, "preview", "first")).toBe("unchanged");
    expect(world.github.requests({ operationId: "issues/list-comments" }).at(-1)?.query).toMatchObject({
      page: "2",
    });
  });

  it("posts once when GitHub wrote the comment but answered 502, and edits it to the latest text", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "issues/create-comment",
      status: 502,
      message: "Server Error",
      afterWrite: true,
    });

    expect(await world.forge.upsertComment(pull.number, "apply-report", "Applied in full")).toBe("created");

    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      `${commentMarker("apply-report")}\nApplied in full`,
    ]);
    // One POST: the comment it wrote is found by its marker instead of being posted again.
    expect(botWrites().filter((write) => write === "POST issues/create-comment")).toHaveLength(1);
  });

  it("posts again when a 502 came before GitHub wrote anything", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({ operationId: "issues/create-comment", status: 502, message: "Server Error" });

    expect(await world.forge.upsertComment(pull.number, "preview", "Trades")).toBe("created");

    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      `${commentMarker("preview")}\nTrades`,
    ]);
  });

  it("refuses a purpose that would break the marker", async () => {
    const pull = await openBotPullRequest(world, "U1");

    await expect(world.forge.upsertComment(pull.number, "pre view -->", "x")).rejects.toBeInstanceOf(
      ForgeError,
    );
  });
});

describe("state labels", () => {
  it("puts exactly one state label on, creating the labels it needs once", async () => {
    const pull = await openBotPullRequest(world, "U1");

    await world.forge.setStateLabel(pull.number, "pending");
    expect((await world.forge.getPullRequest(pull.number)).labels).toEqual(["folioctl", "folioctl: pending"]);

    await world.forge.setStateLabel(pull.number, "applied");
    expect((await world.forge.getPullRequest(pull.number)).labels).toEqual(["folioctl", "folioctl: applied"]);

    await world.forge.setStateLabel(pull.number, "refused");
    expect((await world.forge.getPullRequest(pull.number)).labels).toEqual(["folioctl", "folioctl: refused"]);
    expect(world.repo.labels.map((label) => label.name)).toEqual([
      "folioctl",
      "folioctl: pending",
      "folioctl: applied",
      "folioctl: refused",
    ]);
    expect(world.github.requests({ operationId: "issues/create-label" })).toHaveLength(4);
  });

  it("sends no write when the state label is already right", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.forge.setStateLabel(pull.number, "pending");
    const before = botWrites().length;

    await world.forge.setStateLabel(pull.number, "pending");

    expect(botWrites().slice(before)).toEqual([]);
  });

  it("uses a label someone already created instead of creating it again", async () => {
    await world.alice.call("POST", "/repos/acme/ops/labels", { name: "folioctl: applied", color: "000000" });
    const pull = await openBotPullRequest(world, "U1");

    await world.forge.setStateLabel(pull.number, "applied");

    expect(world.repo.labels.filter((label) => label.name === "folioctl: applied")).toEqual([
      expect.objectContaining({ color: "000000" }),
    ]);
  });

  it("leaves labels people put on the pull request", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.call("POST", `/repos/acme/ops/issues/${pull.number}/labels`, { labels: ["urgent"] });

    await world.forge.setStateLabel(pull.number, "applied");

    expect((await world.forge.getPullRequest(pull.number)).labels).toEqual([
      "folioctl",
      "urgent",
      "folioctl: applied",
    ]);
  });
});
