import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decideApproval } from "../../src/forge/decide-approval.js";
import type { Review } from "../../src/forge/forge.js";
import { planBranch } from "../../src/git/ops-repo-layout.js";
import { openBotPullRequest, pushPlan, startForgeWorld, stopForgeWorld } from "./forge-world.js";
import type { ForgeWorld } from "./forge-world.js";

describe("approval through the API", () => {
  let world: ForgeWorld;

  beforeEach(async () => {
    world = await startForgeWorld();
  });

  afterEach(async () => {
    await stopForgeWorld(world);
  });

  it("counts an approval by another person at the current head", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.approve(world.repo, pull.number);

    const approval = await world.forge.getApproval(pull.number);

    expect(approval).toEqual({
      headSha: pull.headSha,
      approvedBy: ["alice"],
      changesRequestedBy: [],
      ignored: [],
    });
  });

  it("does not count an approval given before the last push", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.approve(world.repo, pull.number);
    const newHead = await pushPlan(world, "U1", `{"plan":"changed after review"}\n`);

    const approval = await world.forge.getApproval(pull.number);

    expect(approval).toEqual({
      headSha: newHead,
      approvedBy: [],
      changesRequestedBy: [],
      ignored: [{ reviewer: "alice", reason: "stale" }],
    });
  });

  it("lets a later request for changes override an approval, and a later comment not", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.approve(world.repo, pull.number);
    await world.alice.requestChanges(world.repo, pull.number, "Sell less BND");
    await world.bob.approve(world.repo, pull.number);
    await world.bob.commentReview(world.repo, pull.number, "Looks fine to me");

    const approval = await world.forge.getApproval(pull.number);

    expect(approval.approvedBy).toEqual(["bob"]);
    expect(approval.changesRequestedBy).toEqual(["alice"]);
  });

  it("counts an approval that follows a request for changes", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.requestChanges(world.repo, pull.number, "Wait for the dividend");
    await world.alice.approve(world.repo, pull.number);

    expect(await world.forge.getApproval(pull.number)).toMatchObject({
      approvedBy: ["alice"],
      changesRequestedBy: [],
    });
  });

  it("lists reviews with who, what and at which commit", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.bob.approve(world.repo, pull.number);

    const reviews = await world.forge.listReviews(pull.number);

    expect(reviews).toEqual([
      {
        id: expect.any(Number),
        reviewer: "bob",
        reviewerType: "User",
        state: "APPROVED",
        commitSha: pull.headSha,
        submittedAt: expect.any(String),
      },
    ]);
  });

  it("still decides approval after the merge, at the head that was merged", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.bob.approve(world.repo, pull.number);
    await world.alice.merge(world.repo, pull.number);

    expect(await world.forge.getApproval(pull.number)).toMatchObject({
      headSha: pull.headSha,
      approvedBy: ["bob"],
    });
  });

  it("cannot approve its own pull request on GitHub (the fake refuses as GitHub does)", async () => {
    const pull = await openBotPullRequest(world, "U1");

    await expect(world.bot.approve(world.repo, pull.number)).rejects.toThrow(
      "Can not approve your own pull request",
    );
    expect((await world.forge.getApproval(pull.number)).approvedBy).toEqual([]);
  });
});

describe("approvals that do not count", () => {
  let world: ForgeWorld;
  // GitHub's clock has whole seconds; the test moves it on so that "after the merge" is a later second.
  let offsetMs = 0;

  beforeEach(async () => {
    offsetMs = 0;
    world = await startForgeWorld({ now: () => new Date(Date.now() + offsetMs) });
  });

  afterEach(async () => {
    await stopForgeWorld(world);
  });

  it("does not count the approval of someone who pushed a commit to the pull request", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const head = await world.alice.push(world.repo, {
      branch: planBranch("U1"),
      from: planBranch("U1"),
      files: { "notes.txt": "mine\n" },
    });
    await world.alice.approve(world.repo, pull.number);
    await world.bob.approve(world.repo, pull.number);

    const approval = await world.forge.getApproval(pull.number);

    expect(approval).toEqual({
      headSha: head,
      approvedBy: ["bob"],
      changesRequestedBy: [],
      ignored: [{ reviewer: "alice", reason: "committer" }],
    });
  });

  it("does not count an approval by a bot account, or by someone who can only read the repository", async () => {
    const pull = await openBotPullRequest(world, "U1");
    const helper = world.github.addUser("helper[bot]", { type: "Bot" });
    const carol = world.github.addUser("carol");
    world.github.grant(world.repo, "carol", "triage");
    await helper.approve(world.repo, pull.number);
    await carol.approve(world.repo, pull.number);

    const approval = await world.forge.getApproval(pull.number);

    expect(approval.approvedBy).toEqual([]);
    expect(approval.ignored).toEqual([
      { reviewer: "helper[bot]", reason: "bot" },
      { reviewer: "carol", reason: "no-write-access" },
    ]);
  });

  it("does not count an approval given after the merge", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.merge(world.repo, pull.number);
    offsetMs = 5_000;
    await world.bob.approve(world.repo, pull.number, { commitId: pull.headSha });

    const approval = await world.forge.getApproval(pull.number);

    expect(approval.approvedBy).toEqual([]);
    expect(approval.ignored).toEqual([{ reviewer: "bob", reason: "after-merge" }]);
  });
});

describe("approvals and what happened to the branch", () => {
  let world: ForgeWorld;
  const PLAN = "plans/U1.plan.json";

  beforeEach(async () => {
    world = await startForgeWorld();
  });

  afterEach(async () => {
    await stopForgeWorld(world);
  });

  it("does not count the approval of someone who force-pushed the branch back to an older commit of the bot's", async () => {
    const pull = await openBotPullRequest(world, "U1", `{"plan":1}\n`);
    const older = pull.headSha;
    await pushPlan(world, "U1", `{"plan":2}\n`);
    // The older commit is the bot's own: its author fields say nothing about who moved the branch.
    await world.alice.forcePush(world.repo, { branch: planBranch("U1"), sha: older });
    await world.alice.approve(world.repo, pull.number);
    await world.bob.approve(world.repo, pull.number);

    const approval = await world.forge.getApproval(pull.number, { contentPath: PLAN });

    expect(approval).toEqual({
      headSha: older,
      approvedBy: ["bob"],
      changesRequestedBy: [],
      ignored: [{ reviewer: "alice", reason: "pusher" }],
    });
    expect(await world.forge.listPullRequestEvents(pull.number)).toEqual([
      { event: "head_ref_force_pushed", actor: "alice", createdAt: expect.any(String) },
    ]);
  });

  it("counts an approval given at an older head only when the file approved is byte for byte the same there", async () => {
    const pull = await openBotPullRequest(world, "U1", `{"plan":1}\n`);
    await world.alice.approve(world.repo, pull.number);
    // The bot commits again, the plan file unchanged (another file moves on).
    const sameHead = await world.bot.push(world.repo, {
      branch: planBranch("U1"),
      files: { "notes.txt": "unrelated\n" },
    });

    expect(await world.forge.getApproval(pull.number, { contentPath: PLAN })).toMatchObject({
      headSha: sameHead,
      approvedBy: ["alice"],
      ignored: [],
    });
    // Without saying which file matters, only an approval at the head counts.
    expect((await world.forge.getApproval(pull.number)).ignored).toEqual([
      { reviewer: "alice", reason: "stale" },
    ]);

    // One byte more in the plan, and the approval no longer covers what is at the head.
    await pushPlan(world, "U1", `{"plan":1} \n`);
    expect(await world.forge.getApproval(pull.number, { contentPath: PLAN })).toMatchObject({
      approvedBy: [],
      ignored: [{ reviewer: "alice", reason: "stale" }],
    });
  });

  it("does not count an approval a maintainer dismissed", async () => {
    const pull = await openBotPullRequest(world, "U1");
    await world.alice.approve(world.repo, pull.number);
    const [review] = await world.forge.listReviews(pull.number);
    await world.bob.dismissReview(world.repo, pull.number, review!.id, "Approved the wrong tab");

    expect((await world.forge.listReviews(pull.number)).map((r) => r.state)).toEqual(["DISMISSED"]);
    expect(await world.forge.getApproval(pull.number, { contentPath: PLAN })).toEqual({
      headSha: pull.headSha,
      approvedBy: [],
      changesRequestedBy: [],
      ignored: [],
    });
  });

  it("with stale-review dismissal on, a push dismisses the approval even when the plan file is unchanged", async () => {
    world.github.dismissStaleReviewsOnPush(world.repo);
    const pull = await openBotPullRequest(world, "U1", `{"plan":1}\n`);
    await world.alice.approve(world.repo, pull.number);
    await world.bot.push(world.repo, { branch: planBranch("U1"), files: { "notes.txt": "unrelated\n" } });

    expect((await world.forge.getApproval(pull.number, { contentPath: PLAN })).approvedBy).toEqual([]);
    expect((await world.forge.listReviews(pull.number)).map((r) => r.state)).toEqual(["DISMISSED"]);
    expect((await world.forge.listPullRequestEvents(pull.number)).map((e) => e.event)).toEqual([
      "review_dismissed",
    ]);
  });
});

describe("decideApproval", () => {
  const head = "a".repeat(40);
  const old = "b".repeat(40);
  let id = 0;
  const review = (
    reviewer: string | undefined,
    state: Review["state"],
    commitSha = head,
    at = `2026-01-01T00:00:${String(++id).padStart(2, "0")}Z`,
  ): Review => ({
    id,
    reviewer,
    reviewerType: "User",
    state,
    commitSha,
    submittedAt: at,
  });

  it("does not count the author's own approval, whatever the forge allowed", () => {
    const approval = decideApproval([review("folioctl-bot", "APPROVED")], {
      author: "folioctl-bot",
      headSha: head,
    });

    expect(approval).toEqual({
      headSha: head,
      approvedBy: [],
      changesRequestedBy: [],
      ignored: [{ reviewer: "folioctl-bot", reason: "author" }],
    });
  });

  it("compares logins without case, as GitHub does", () => {
    const approval = decideApproval([review("Folioctl-Bot", "APPROVED"), review("Alice", "APPROVED")], {
      author: "folioctl-bot",
      headSha: head,
    });

    expect(approval.approvedBy).toEqual(["Alice"]);
  });

  it("takes each person's latest verdict by time, whatever order the list came in", () => {
    const reviews = [
      review("alice", "CHANGES_REQUESTED", head, "2026-01-01T10:00:00Z"),
      review("alice", "APPROVED", head, "2026-01-01T09:00:00Z"),
    ];

    expect(decideApproval(reviews, { author: "bot", headSha: head })).toMatchObject({
      approvedBy: [],
      changesRequestedBy: ["alice"],
    });
  });

  it("treats a dismissed review as no verdict", () => {
    const reviews = [review("alice", "APPROVED"), review("alice", "DISMISSED")];

    expect(decideApproval(reviews, { author: "bot", headSha: head })).toMatchObject({
      approvedBy: [],
      ignored: [],
    });
  });

  it("ignores reviews of deleted accounts and pending drafts", () => {
    const reviews = [review(undefined, "APPROVED"), review("alice", "PENDING")];

    expect(decideApproval(reviews, { author: "bot", headSha: head })).toMatchObject({
      approvedBy: [],
      changesRequestedBy: [],
    });
  });

  it("does not count an approval by someone who moved the branch, whatever commit it now shows", () => {
    const approval = decideApproval(
      [review("alice", "APPROVED"), review("bob", "APPROVED")],
      {
        author: "bot",
        headSha: head,
      },
      { pushers: ["Alice"] },
    );

    expect(approval.approvedBy).toEqual(["bob"]);
    expect(approval.ignored).toEqual([{ reviewer: "alice", reason: "pusher" }]);
  });

  it("counts an approval at an older head known to have the same content", () => {
    const approval = decideApproval(
      [review("alice", "APPROVED", old)],
      { author: "bot", headSha: head },
      { sameContentAt: new Set([old]) },
    );

    expect(approval.approvedBy).toEqual(["alice"]);
  });

  it("marks an approval at an older head as stale", () => {
    expect(
      decideApproval([review("alice", "APPROVED", old)], { author: "bot", headSha: head }).ignored,
    ).toEqual([{ reviewer: "alice", reason: "stale" }]);
  });
});
