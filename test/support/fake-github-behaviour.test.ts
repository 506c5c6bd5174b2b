// The fake GitHub's switches for what GitHub does that a kind fake would not: rebase merges, merge-queue
// groups, the lag of the commit-to-pull-request index, writes answered with a 5xx, and pushes refused in
// GitHub's words (a lost race for a ref, a ruleset).
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeGitHub } from "./fake-github/index.js";
import type { FakeGitHubUser, FakeRepo } from "./fake-github/index.js";

const execFileAsync = promisify(execFile);

let github: FakeGitHub;
let repo: FakeRepo;
let alice: FakeGitHubUser;
let bob: FakeGitHubUser;
let skewMs = 0;
let scratch: string;

beforeEach(async () => {
  skewMs = 0;
  // A clock that moves only when a test moves it.
  github = await FakeGitHub.start({ now: () => new Date(Date.parse("2026-03-02T15:00:00Z") + skewMs) });
  repo = await github.createRepo("acme", "ops", { files: { "portfolio.yaml": "a: 1\n" } });
  alice = github.addUser("alice");
  bob = github.addUser("bob");
  scratch = await mkdtemp(join(tmpdir(), "fake-github-behaviour-"));
});

afterEach(async () => {
  await github.stop();
  await rm(scratch, { recursive: true, force: true });
  github.assertNoViolations();
});

async function openEdit(branch: string, files: Record<string, string>): Promise<number> {
  await alice.push(repo, { branch, files });
  return (await alice.openPullRequest(repo, { head: branch, title: `Edit ${branch}` })).number;
}

async function pullsOf(sha: string): Promise<number[]> {
  const json = (await alice.call("GET", `/repos/acme/ops/commits/${sha}/pulls`)) as Array<{ number: number }>;
  return json.map((pull) => pull.number);
}

/** A clone that pushes to the fake's bare repository with plain git, as folioctl does. */
async function cloneRemote(): Promise<(args: string[]) => Promise<{ code: number; output: string }>> {
  const dir = join(scratch, "clone");
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", HOME: scratch };
  await execFileAsync("git", ["clone", "--quiet", repo.git.gitDir, dir], { env });
  return (args) =>
    new Promise((resolve) => {
      execFile(
        "git",
        ["-c", "user.name=Bot", "-c", "user.email=bot@example.test", ...args],
        { cwd: dir, env },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });
}

describe("rebase merges", () => {
  it("replays each commit on the base with a new sha, the last one being merge_commit_sha", async () => {
    await alice.push(repo, { branch: "edit", files: { "b.txt": "b\n" } });
    await alice.push(repo, { branch: "edit", files: { "c.txt": "c\n" } });
    const pull = (await alice.openPullRequest(repo, { head: "edit", title: "Two commits" })).number;
    // main moves on, so that the rebase is a real one
    const base = await alice.push(repo, { branch: "main", files: { "d.txt": "d\n" } });
    const heads = await repo.git.commitsBetween(base, "refs/heads/edit");

    const sha = await bob.merge(repo, pull, { method: "rebase" });

    expect(await repo.git.branchSha("main")).toBe(sha);
    const landed = await repo.git.log(`${base}..${sha}`, "%H|%P|%an|%cn|%s");
    expect(landed).toHaveLength(2);
    expect(landed.map((line) => line.split("|")[0])).not.toContain(heads[0]);
    expect(landed[1]).toMatch(new RegExp(`^\\w+\\|${base}\\|alice\\|bob\\|Update b\\.txt$`));
    expect(landed[0]).toMatch(/\|alice\|bob\|Update c\.txt$/);
    const json = (await alice.call("GET", `/repos/acme/ops/pulls/${pull}`)) as Record<string, unknown>;
    expect(json).toMatchObject({ merged: true, merge_commit_sha: sha, merged_by: { login: "bob" } });
    expect(await pullsOf(sha)).toEqual([pull]);
  });
});

describe("merge-queue groups", () => {
  it("land several pull requests, each with its own merge commit, in one move of main", async () => {
    const first = await openEdit("one", { "one.txt": "1\n" });
    const second = await openEdit("two", { "two.txt": "2\n" });
    const before = await repo.git.branchSha("main");

    const group = await github.mergeQueueGroup(repo, [first, second], { by: "bob" });

    expect(group.before).toBe(before);
    expect(await repo.git.branchSha("main")).toBe(group.after);
    expect(group.merged.map((m) => m.number)).toEqual([first, second]);
    expect(group.merged[1]?.sha).toBe(group.after);
    // main's first-parent history holds both merges, the first below the second
    const firstParents = await repo.git.log(`--first-parent`, "%H");
    expect(firstParents.slice(0, 3)).toEqual([group.after, group.merged[0]?.sha, before]);
    expect(await pullsOf(group.merged[0]?.sha ?? "")).toEqual([first]);
    expect(await pullsOf(group.after)).toEqual([second]);
  });
});

describe("the commit index's lag", () => {
  it("leaves a merged pull request out of GET /commits/{sha}/pulls until the lag has passed", async () => {
    github.lagCommitPulls(10_000);
    const pull = await openEdit("edit", { "portfolio.yaml": "a: 2\n" });
    const sha = await bob.merge(repo, pull);

    expect(await pullsOf(sha)).toEqual([]);
    skewMs = 9_000;
    expect(await pullsOf(sha)).toEqual([]);
    skewMs = 10_000;
    expect(await pullsOf(sha)).toEqual([pull]);
  });
});

describe("a write answered with a server error", () => {
  it("is carried out although the client sees a 502", async () => {
    const pull = await openEdit("edit", { "portfolio.yaml": "a: 2\n" });
    github.failNext({
      operationId: "issues/create-comment",
      status: 502,
      message: "Server Error",
      afterWrite: true,
    });

    await expect(alice.comment(repo, pull, "hello")).rejects.toThrow("502 Server Error");

    expect(repo.comments.map((c) => c.body)).toEqual(["hello"]);
  });
});

describe("pushes refused in GitHub's words", () => {
  it("a push that loses the race for main: the other push lands, ours gets `cannot lock ref`", async () => {
    const git = await cloneRemote();
    const old = (await repo.git.branchSha("main")) as string;
    const theirs = await repo.git.commitTree(await repo.git.treeOf(old), [old], "theirs\n", {
      name: "Bob",
      email: "bob@example.test",
    });
    await repo.git.loseNextPushRace("refs/heads/main", theirs);
    expect((await git(["commit", "--allow-empty", "-q", "-m", "ours"])).code).toBe(0);

    const push = await git(["push", "--porcelain", "origin", "HEAD:refs/heads/main"]);

    expect(push.code).not.toBe(0);
    expect(push.output).toContain(
      `refs/heads/main\t[remote rejected] (cannot lock ref 'refs/heads/main': is at ${theirs} but expected ${old})`,
    );
    expect(await repo.git.branchSha("main")).toBe(theirs);
    // The race is used up: the next push is an ordinary one (here refused by git as not a fast-forward).
    expect(await repo.git.pushRules()).toEqual([]);
    expect((await git(["push", "--porcelain", "origin", "HEAD:refs/heads/main"])).output).toContain(
      "[rejected] (fetch first)",
    );
  });

  it("a ref created by another push first: `reference already exists`", async () => {
    const git = await cloneRemote();
    const main = (await repo.git.branchSha("main")) as string;
    await repo.git.loseNextPushRace("refs/folioctl/locks/U1", main);

    const push = await git([
      "push",
      "--porcelain",
      "--force-with-lease=refs/folioctl/locks/U1:",
      "origin",
      "HEAD:refs/folioctl/locks/U1",
    ]);

    expect(push.output).toContain(
      "[remote rejected] (cannot lock ref 'refs/folioctl/locks/U1': reference already exists)",
    );
    expect(await repo.git.resolveCommit("refs/folioctl/locks/U1")).toBe(main);
  });

  it("a ruleset without the pusher as bypass actor: GH013, until it is lifted", async () => {
    const git = await cloneRemote();
    await repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    await git(["commit", "--allow-empty", "-q", "-m", "ours"]);

    const refused = await git(["push", "--porcelain", "origin", "HEAD:refs/heads/main"]);

    expect(refused.output).toContain(
      "remote: error: GH013: Repository rule violations found for refs/heads/main.",
    );
    expect(refused.output).toContain("[remote rejected] (push declined due to repository rule violations)");
    await repo.git.liftRuleset("refs/heads/main");
    expect((await git(["push", "--porcelain", "origin", "HEAD:refs/heads/main"])).code).toBe(0);
  });

  it("leaves pushes to other refs alone", async () => {
    const git = await cloneRemote();
    await repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    await git(["commit", "--allow-empty", "-q", "-m", "ours"]);

    expect((await git(["push", "--porcelain", "origin", "HEAD:refs/heads/other"])).code).toBe(0);
    expect(await repo.git.branchSha("other")).toBeDefined();
  });
});
