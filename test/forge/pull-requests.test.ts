import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ForgeError } from "../../src/errors.js";
import { planBranch } from "../../src/git/ops-repo-layout.js";
import { forgeAs, openBotPullRequest, pushPlan, startForgeWorld, stopForgeWorld } from "./forge-world.js";
import type { ForgeWorld } from "./forge-world.js";

let world: ForgeWorld;

beforeEach(async () => {
  world = await startForgeWorld();
});

afterEach(async () => {
  await stopForgeWorld(world);
});

describe("finding and opening the bot's pull request", () => {
  it("opens a labelled pull request from the account's branch and finds it again", async () => {
    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();

    const created = await openBotPullRequest(world, "U1");

    expect(created).toMatchObject({
      state: "open",
      merged: false,
      headRef: "folioctl/rebalance/U1",
      baseRef: "main",
      author: "folioctl-bot",
      labels: ["folioctl"],
      title: "Rebalance U1",
    });
    const found = await world.forge.findOpenRebalancePullRequest("U1");
    expect(found?.number).toBe(created.number);
    expect(found?.headSha).toBe(await world.repo.git.branchSha(planBranch("U1")));
    // The label did not exist: the forge created it with folioctl's colour.
    expect(world.repo.labels.map((label) => [label.name, label.color])).toEqual([["folioctl", "5319e7"]]);
  });

  it("keeps accounts apart", async () => {
    const u1 = await openBotPullRequest(world, "U1");
    const u2 = await openBotPullRequest(world, "U2");

    expect((await world.forge.findOpenRebalancePullRequest("U1"))?.number).toBe(u1.number);
    expect((await world.forge.findOpenRebalancePullRequest("U2"))?.number).toBe(u2.number);
    expect(await world.forge.findOpenRebalancePullRequest("U3")).toBeUndefined();
  });

  it("adopts its own open pull request instead of opening a second one when asked to create again", async () => {
    const first = await openBotPullRequest(world, "U1");

    const again = await world.forge.createPullRequest({
      head: planBranch("U1"),
      base: "main",
      title: "Rebalance U1 (new prices)",
      body: "new body",
      labels: ["folioctl"],
    });

    expect(again.number).toBe(first.number);
    expect(world.repo.pulls).toHaveLength(1);
    expect(world.repo.pulls[0]).toMatchObject({ title: "Rebalance U1 (new prices)", body: "new body" });
  });

  it("adopts a pull request left unlabelled by a crashed run and labels it", async () => {
    await pushPlan(world, "U1", "{}\n");
    // A crash between opening and labelling: the pull request exists without the folioctl label.
    await world.bot.call("POST", "/repos/acme/ops/pulls", {
      head: planBranch("U1"),
      base: "main",
      title: "Rebalance U1",
      body: "b",
    });
    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();

    const pull = await world.forge.createPullRequest({
      head: planBranch("U1"),
      base: "main",
      title: "Rebalance U1",
      body: "b",
      labels: ["folioctl"],
    });

    expect(world.repo.pulls).toHaveLength(1);
    expect(pull.labels).toEqual(["folioctl"]);
    expect((await world.forge.findOpenRebalancePullRequest("U1"))?.number).toBe(pull.number);
  });

  it("never picks up someone else's pull request on the bot's branch, and says so when it blocks one", async () => {
    await pushPlan(world, "U1", "{}\n");
    const theirs = await world.alice.openPullRequest(world.repo, {
      head: planBranch("U1"),
      title: "Mine",
    });
    // Even with the label on it, a person's pull request is not the bot's.
    await world.alice.call("POST", `/repos/acme/ops/issues/${theirs.number}/labels`, {
      labels: ["folioctl"],
    });

    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();
    const attempt = world.forge.createPullRequest({
      head: planBranch("U1"),
      base: "main",
      title: "Rebalance U1",
      body: "b",
      labels: ["folioctl"],
    });
    await expect(attempt).rejects.toBeInstanceOf(ForgeError);
    await expect(attempt).rejects.toThrow(`alice's pull request #${theirs.number} is already open`);
    expect(world.repo.pulls).toHaveLength(1);
  });

  it("ignores the bot's pull requests on other branches", async () => {
    await world.bot.push(world.repo, { branch: "folioctl/rebalance/U1-old", files: { x: "1" } });
    await world.forge.createPullRequest({
      head: "folioctl/rebalance/U1-old",
      base: "main",
      title: "t",
      body: "b",
      labels: ["folioctl"],
    });

    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();
  });
});

describe("updating title and body", () => {
  it("sends nothing when title and body are already so", async () => {
    const pull = await openBotPullRequest(world, "U1");

    const changed = await world.forge.updatePullRequest(pull.number, { title: pull.title, body: pull.body });

    expect(changed).toBe(false);
    expect(world.github.requests({ method: "PATCH", login: "folioctl-bot" })).toEqual([]);
  });

  it("patches only what changed", async () => {
    const pull = await openBotPullRequest(world, "U1");

    const changed = await world.forge.updatePullRequest(pull.number, { title: pull.title, body: "new plan" });

    expect(changed).toBe(true);
    const patches = world.github.requests({ method: "PATCH", login: "folioctl-bot" });
    expect(patches.map((request) => request.body)).toEqual([{ body: "new plan" }]);
    expect((await world.forge.getPullRequest(pull.number)).body).toBe("new plan");
  });
});

describe("closing and reopening", () => {
  it("closes with a comment saying why; the closed one is found as the latest closed-unmerged", async () => {
    const pull = await openBotPullRequest(world, "U1");

    await world.forge.closePullRequest(pull.number, "Nothing to do: the account is within its bands.");

    expect(await world.forge.findOpenRebalancePullRequest("U1")).toBeUndefined();
    const closed = await world.forge.findClosedRebalancePullRequest("U1");
    expect(closed).toMatchObject({
      number: pull.number,
      state: "closed",
      merged: false,
      mergeCommitSha: null,
    });
    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      `<!-- folioctl:comment closing-${pull.headSha.slice(0, 12)} -->\nNothing to do: the account is within its bands.`,
    ]);
    // The comment went first, so it is on the pull request before the close.
    const writes = world.github
      .requests({ login: "folioctl-bot" })
      .filter((request) => request.method !== "GET");
    expect(writes.slice(-2).map((request) => request.operationId)).toEqual([
      "issues/create-comment",
      "pulls/update",
    ]);
  });

  it("says why once, also when the close is retried after GitHub wrote the comment but answered 502", async () => {
    const pull = await openBotPullRequest(world, "U1");
    world.github.failNext({
      operationId: "issues/create-comment",
      status: 502,
      message: "Server Error",
      afterWrite: true,
    });

    await world.forge.closePullRequest(pull.number, "Nothing to do.");
    await world.forge.closePullRequest(pull.number, "Nothing to do.");

    expect(world.repo.comments.map((comment) => comment.body)).toEqual([
      `<!-- folioctl:comment closing-${pull.headSha.slice(0, 12)} -->\nNothing to do.`,
    ]);
  });

  it("picks the most recently closed unmerged pull request and skips merged ones", async () => {
    const first = await openBotPullRequest(world, "U1", "1\n");
    await world.forge.closePullRequest(first.number, "superseded");
    const second = await openBotPullRequest(world, "U1", "2\n");
    await world.forge.closePullRequest(second.number, "superseded");
    const third = await openBotPullRequest(world, "U1", "3\n");
    await world.bob.merge(world.repo, third.number);

    expect((await world.forge.findClosedRebalancePullRequest("U1"))?.number).toBe(second.number);
  });

  it("reopens a closed pull request", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.closeWithoutMerge(world.repo, pull.number);

    const reopened = await world.forge.reopenPullRequest(pull.number);

    expect(reopened.state).toBe("open");
    expect((await world.forge.findOpenRebalancePullRequest("U1"))?.number).toBe(pull.number);
  });

  it("cannot reopen a merged pull request and says GitHub's reason", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.bob.merge(world.repo, pull.number);

    await expect(world.forge.reopenPullRequest(pull.number)).rejects.toThrow(/422.*has been merged/);
  });
});

describe("merged pull requests", () => {
  it("reads a merged pull request with its real merge commit", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const headSha = pull.headSha;

    const mergeSha = await world.bob.merge(world.repo, pull.number);

    const merged = await world.forge.getPullRequest(pull.number);
    expect(merged).toMatchObject({ state: "closed", merged: true, mergeCommitSha: mergeSha, headSha });
    // The merge is a real commit on main in the bare repository, with main and the branch as parents.
    const log = execFileSync(
      "git",
      ["--git-dir", world.repo.git.gitDir, "log", "--format=%H %P|%s", "-1", "main"],
      {
        encoding: "utf8",
      },
    ).trim();
    const mainBefore = (await world.repo.git.log(`${mergeSha}^1`, "%H"))[0];
    expect(log).toBe(
      `${mergeSha} ${mainBefore} ${headSha}|Merge pull request #${pull.number} from acme/folioctl/rebalance/U1`,
    );
  });

  it("finds the merged pull request that brought a commit to main", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const mergeSha = await world.bob.merge(world.repo, pull.number);

    expect((await world.forge.findMergedPullRequestForCommit(mergeSha))?.number).toBe(pull.number);
    // The plan commit itself came in through the same pull request.
    expect((await world.forge.findMergedPullRequestForCommit(pull.headSha))?.number).toBe(pull.number);
  });

  it("finds a squash-merged pull request by its squash commit", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const squashSha = await world.bob.merge(world.repo, pull.number, { method: "squash" });

    expect((await world.forge.findMergedPullRequestForCommit(squashSha))?.number).toBe(pull.number);
    // A squash commit has main as its only parent.
    const [parents] = await world.repo.git.log(squashSha, "%P");
    expect(parents?.split(" ")).toHaveLength(1);
  });

  it("finds nothing for a commit pushed straight to main or still only on an open pull request", async () => {
    const direct = await world.alice.push(world.repo, { branch: "main", files: { "notes.md": "hi\n" } });
    const open = await openBotPullRequest(world, "U1");

    expect(await world.forge.findMergedPullRequestForCommit(direct)).toBeUndefined();
    expect(await world.forge.findMergedPullRequestForCommit(open.headSha)).toBeUndefined();
  });

  it("sees a push to the branch of an open pull request as its new head", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const newHead = await pushPlan(world, "U1", `{"plan":2}\n`);

    expect((await forgeAs(world.github, world.alice).getPullRequest(pull.number)).headSha).toBe(newHead);
  });
});
