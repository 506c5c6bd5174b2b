import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitError } from "../../src/errors.js";
import { DEFAULT_BOT_IDENTITY, SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";

const clock = { now: () => new Date("2026-11-24T15:30:00Z") };
const BRANCH = "refs/heads/folioctl/rebalance/DU1234567";
const PLAN = "plans/DU1234567.plan.json";
const plan = (hash: string) => `{\n  "account": "DU1234567",\n  "hash": "${hash}"\n}\n`;

describe("SimpleGitRepo: the bot branch with the plan file", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let repo: SimpleGitRepo;
  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    repo = await SimpleGitRepo.open(await sandbox.clone("bot"), { clock });
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("creates the branch as one commit on main holding the plan, by the bot identity", async () => {
    const main = await sandbox.originRef("refs/heads/main");
    const commit = await repo.commitPlan({
      account: "DU1234567",
      content: plan("aaa"),
      message: "Rebalance DU1234567",
    });
    expect(commit).toMatchObject({ branch: "folioctl/rebalance/DU1234567", remoteSha: null, changed: true });
    expect(await sandbox.originRef(BRANCH)).toBeNull();

    await repo.pushPlan(commit);

    expect(await sandbox.originRef(BRANCH)).toBe(commit.sha);
    expect(await sandbox.originFile(BRANCH, PLAN)).toBe(plan("aaa").trimEnd());
    expect(await sandbox.originFile(BRANCH, "portfolio.yaml")).toBe(
      await sandbox.originFile("main", "portfolio.yaml"),
    );
    const log = await sandbox.git(sandbox.origin, [
      "log",
      "--format=%P|%an|%ae|%cn|%ce|%s",
      "-1",
      commit.sha,
    ]);
    const { name, email } = DEFAULT_BOT_IDENTITY;
    expect(log).toBe(`${main}|${name}|${email}|${name}|${email}|Rebalance DU1234567`);
  });

  it("commits nothing when the branch already holds the same plan on the current main", async () => {
    const first = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    await repo.pushPlan(first);

    const again = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    expect(again).toEqual({ ...first, remoteSha: first.sha, changed: false });
    await repo.pushPlan(again);
    expect(await sandbox.originRef(BRANCH)).toBe(first.sha);
    const objects = await sandbox.git(sandbox.origin, ["rev-list", "--count", "--all"]);
    expect(objects).toBe("2");
  });

  it("replaces the plan when it changed, with a lease on the branch it saw", async () => {
    const first = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    await repo.pushPlan(first);

    const second = await repo.commitPlan({
      account: "DU1234567",
      content: plan("bbb"),
      message: "Rebalance",
    });
    expect(second).toMatchObject({ remoteSha: first.sha, changed: true });
    await repo.pushPlan(second);
    expect(await sandbox.originFile(BRANCH, PLAN)).toBe(plan("bbb").trimEnd());
    // Always one commit on top of main, so the pull request shows exactly the plan file.
    expect(await sandbox.git(sandbox.origin, ["rev-list", "--count", `main..${BRANCH}`])).toBe("1");
  });

  it("rebuilds the branch on main when main moved, even with the same plan", async () => {
    const first = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    await repo.pushPlan(first);
    const human = await sandbox.clone("human");
    const moved = await sandbox.commitAndPush(human, { "notes.txt": "n\n" }, "Notes");

    const again = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    expect(again.changed).toBe(true);
    await repo.pushPlan(again);
    expect(await sandbox.git(sandbox.origin, ["rev-parse", `${BRANCH}^`])).toBe(moved);
  });

  it("refuses to overwrite a push to the branch made after it read the branch", async () => {
    const first = await repo.commitPlan({ account: "DU1234567", content: plan("aaa"), message: "Rebalance" });
    await repo.pushPlan(first);
    const next = await repo.commitPlan({ account: "DU1234567", content: plan("bbb"), message: "Rebalance" });
    const human = await sandbox.clone("human");
    const theirs = await sandbox.commitAndPush(
      human,
      { [PLAN]: "edited by hand\n" },
      "Hand edit",
      "folioctl/rebalance/DU1234567",
    );

    const error = (await repo.pushPlan(next).catch((e: unknown) => e)) as GitError;
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toMatch(/folioctl\/rebalance\/DU1234567 on origin changed since folioctl read it/);
    expect(error.message).toMatch(/nothing was overwritten/);
    expect(error.hint).toMatch(/run propose again/);
    expect(await sandbox.originRef(BRANCH)).toBe(theirs);
  });

  it("refuses to create the branch over one that appeared after it looked", async () => {
    const commit = await repo.commitPlan({
      account: "DU1234567",
      content: plan("aaa"),
      message: "Rebalance",
    });
    const human = await sandbox.clone("human");
    const theirs = await sandbox.commitAndPush(
      human,
      { [PLAN]: "{}\n" },
      "Mine",
      "folioctl/rebalance/DU1234567",
    );

    await expect(repo.pushPlan(commit)).rejects.toThrow(/changed since folioctl read it/);
    expect(await sandbox.originRef(BRANCH)).toBe(theirs);
  });

  it("uses a configured bot identity and leaves the clone's checkout alone", async () => {
    const dir = repo.dir;
    const custom = await SimpleGitRepo.open(dir, {
      clock,
      identity: { name: "ops-bot", email: "ops@example.test" },
    });
    const headBefore = await sandbox.git(dir, ["rev-parse", "HEAD"]);
    const commit = await custom.commitPlan({
      account: "DU1234567",
      content: plan("ccc"),
      message: "Rebalance",
    });
    await custom.pushPlan(commit);
    expect(await sandbox.git(sandbox.origin, ["log", "-1", "--format=%an <%ae>", commit.sha])).toBe(
      "ops-bot <ops@example.test>",
    );
    expect(await sandbox.git(dir, ["rev-parse", "HEAD"])).toBe(headBefore);
    expect(await sandbox.git(dir, ["status", "--porcelain"])).toBe("");
  });

  it("rejects an account id that cannot be a branch name", async () => {
    await expect(repo.commitPlan({ account: "../main", content: "{}", message: "x" })).rejects.toThrow(
      /not a usable account id/,
    );
  });
});
