import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeError } from "../../src/errors.js";
import { PORTFOLIO, openBotPullRequest, startForgeWorld, stopForgeWorld } from "./forge-world.js";
import type { ForgeWorld } from "./forge-world.js";

let world: ForgeWorld;

beforeEach(async () => {
  world = await startForgeWorld();
});

afterEach(async () => {
  await stopForgeWorld(world);
});

describe("commit statuses", () => {
  it("sets a status on the merge commit", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const mergeSha = await world.bob.merge(world.repo, pull.number);

    await world.forge.setCommitStatus(mergeSha, {
      state: "success",
      context: "folioctl/apply (U1)",
      description: "3 orders filled",
      targetUrl: "https://example.test/runs/1",
    });

    expect(world.repo.statuses).toEqual([
      expect.objectContaining({
        sha: mergeSha,
        state: "success",
        context: "folioctl/apply (U1)",
        description: "3 orders filled",
        targetUrl: "https://example.test/runs/1",
        creator: "folioctl-bot",
      }),
    ]);
  });

  it("shortens a description to GitHub's 140 characters instead of failing", async () => {
    const main = (await world.repo.git.branchSha("main")) as string;

    await world.forge.setCommitStatus(main, {
      state: "failure",
      context: "folioctl/apply (U1)",
      description: "x".repeat(300),
    });

    const description = world.repo.statuses[0]?.description ?? "";
    expect(description).toHaveLength(140);
    expect(description.endsWith("…")).toBe(true);
  });

  it("reports GitHub's reason for a commit it does not have", async () => {
    const attempt = world.forge.setCommitStatus("0123456789abcdef0123456789abcdef01234567", {
      state: "pending",
      context: "folioctl/apply (U1)",
      description: "applying",
    });

    await expect(attempt).rejects.toBeInstanceOf(ForgeError);
    await expect(attempt).rejects.toThrow(
      /422: Validation Failed: No commit found for SHA: 0123456789abcdef/,
    );
  });
});

describe("reading a file at a ref as data", () => {
  it("reads portfolio.yaml on main and on a pull request's head", async () => {
    const edit = "account: U1\ntargets:\n  VTI: 70\n  BND: 30\n";
    const head = await world.alice.push(world.repo, { branch: "intent", files: { "portfolio.yaml": edit } });

    expect(await world.forge.readFile("portfolio.yaml", "main")).toBe(PORTFOLIO);
    expect(await world.forge.readFile("portfolio.yaml", head)).toBe(edit);
    expect(await world.forge.readFile("portfolio.yaml", "intent")).toBe(edit);
  });

  it("decodes content that spans several base64 lines, and non-ASCII text", async () => {
    const big = `# Portefeuille — €\n${"targets: {}\n".repeat(200)}`;
    await world.alice.push(world.repo, { branch: "main", files: { "dir/portfolio.yaml": big } });

    expect(await world.forge.readFile("dir/portfolio.yaml", "main")).toBe(big);
  });

  it("answers undefined for a file that is not there", async () => {
    expect(await world.forge.readFile("nope.yaml", "main")).toBeUndefined();
  });

  it("fails with a ForgeError for a ref that is not there", async () => {
    await expect(world.forge.readFile("portfolio.yaml", "no-such-branch")).rejects.toThrow(
      "there is no ref no-such-branch",
    );
  });

  it("fails with a ForgeError for a directory", async () => {
    await world.alice.push(world.repo, { branch: "main", files: { "plans/U1.plan.json": "{}" } });

    await expect(world.forge.readFile("plans", "main")).rejects.toThrow("it is a directory, not a file");
  });
});
