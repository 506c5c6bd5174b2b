// apply --on-merge against GitHub's ways of landing a plan on main: the three merge methods, merge-queue
// groups that land several merges in one push, and the commit index that lags behind a merge.
import { afterEach, describe, expect, it } from "vitest";
import type { MergeMethod } from "../support/fake-github/index.js";
import { PULL_LOOKUP_DELAYS_MS } from "../../src/gitops/find-merged-pull.js";
import {
  ACCOUNT,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };
// Each test runs the loop up to an apply against the simulator: well over the default on a busy machine.
const LOOP_TIMEOUT = 90_000;
const STATUS = `folioctl/apply (${ACCOUNT})`;

afterEach(stopLoopWorlds);

/** The example intent on main, propose's pull request for it open and approved. */
async function givenAnApprovedPlan(): Promise<{ w: LoopWorld; number: number; hash: string }> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number ?? 0;
  await w.alice.approve(w.repo, number);
  const plan = JSON.parse((await w.branchFile(PLAN_FILE)) ?? "{}") as { hash: string };
  return { w, number, hash: plan.hash };
}

function labelsOf(w: LoopWorld, number: number): string[] {
  return w.repo.pulls.find((pull) => pull.number === number)?.labels ?? [];
}

function sentRefs(w: LoopWorld): string[] {
  return [...w.ordersPerRef().keys()];
}

describe("each merge method lands a plan that apply applies", () => {
  it.each<MergeMethod>(["merge", "squash", "rebase"])(
    "%s",
    async (method) => {
      const { w, number, hash } = await givenAnApprovedPlan();
      const sha = await w.bob.merge(w.repo, number, { method });

      const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

      expect(run.stderr).not.toContain("refused");
      expect(run.code).toBe(0);
      expect(sentRefs(w).length).toBeGreaterThan(0);
      expect(sentRefs(w).every((ref) => ref.startsWith(`folioctl:${hash.slice(0, 12)}:`))).toBe(true);
      expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
      expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
    },
    LOOP_TIMEOUT,
  );
});

describe("a push that lands several merges (a merge queue's group)", () => {
  it(
    "applies the plan merged below the push's last commit",
    async () => {
      const { w, number, hash } = await givenAnApprovedPlan();
      // A person's README change queued right behind the rebalance pull request
      await w.alice.push(w.repo, { branch: "docs", files: { "README.md": "# acme/ops\n\nMore words.\n" } });
      const docs = await w.alice.openPullRequest(w.repo, { head: "docs", title: "Docs" });
      await w.bob.approve(w.repo, docs.number);

      const group = await w.github.mergeQueueGroup(w.repo, [number, docs.number], { by: "bob" });
      const run = await w.run(["apply", "--on-merge", "--sha", group.after, "--before", group.before], APPLY);

      expect(run.stderr).not.toContain("refused");
      expect(run.code).toBe(0);
      expect(sentRefs(w).length).toBeGreaterThan(0);
      expect(sentRefs(w).every((ref) => ref.startsWith(`folioctl:${hash.slice(0, 12)}:`))).toBe(true);
      expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
      const planCommit = group.merged[0]?.sha ?? "";
      expect(w.repo.statuses.filter((s) => s.context === STATUS).at(-1)).toMatchObject({
        sha: planCommit,
        state: "success",
      });
    },
    LOOP_TIMEOUT,
  );

  it(
    "applies only the newest plan of an account in the push and reports the older one superseded",
    async () => {
      const { w, number: first } = await givenAnApprovedPlan();
      const before = (await w.repo.git.branchSha("main")) ?? "";
      const older = await w.bob.merge(w.repo, first);
      // The run for that merge never happened (a pending run replaced in its concurrency group); a fresh
      // plan is proposed, approved and merged, and the next push's range covers both.
      expect((await w.run(["propose"])).code).toBe(0);
      const second = w.openBotPull()?.number ?? 0;
      expect(second).toBe(first + 1);
      await w.alice.approve(w.repo, second);
      const newer = await w.bob.merge(w.repo, second);
      const newest = JSON.parse((await w.mainFile(PLAN_FILE)) ?? "{}") as { hash: string };

      const run = await w.run(["apply", "--on-merge", "--sha", newer, "--before", before], APPLY);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain(
        `folioctl: ${older.slice(0, 12)} (${ACCOUNT}) superseded by ${newer.slice(0, 12)} in the same push: nothing was sent`,
      );
      expect(sentRefs(w).every((ref) => ref.startsWith(`folioctl:${newest.hash.slice(0, 12)}:`))).toBe(true);
      expect(labelsOf(w, second)).toEqual(["folioctl", "folioctl: applied"]);
      expect(labelsOf(w, first)).toEqual(["folioctl", "folioctl: refused"]);
      const report = w.repo.comments.find((c) => c.issueNumber === first)?.body ?? "";
      expect(report).toContain(`Apply for ${ACCOUNT}: superseded: nothing was sent`);
      expect(w.repo.statuses.find((s) => s.sha === older && s.context === STATUS)).toMatchObject({
        state: "failure",
        description: `superseded by ${newer.slice(0, 12)} in the same push: nothing was sent`,
      });
    },
    LOOP_TIMEOUT,
  );

  it(
    "says nothing is to apply when no commit of the push changes a plan",
    async () => {
      const w = await LoopWorld.start();
      const before = (await w.repo.git.branchSha("main")) ?? "";
      await w.mergeIntent(portfolioYaml(EXAMPLE));
      const { sha } = await w.mergeIntent(
        portfolioYaml(EXAMPLE, (y) => `${y}# again\n`),
        "Again",
      );

      const run = await w.run(["apply", "--on-merge", "--sha", sha, "--before", before], APPLY);

      expect(run.code).toBe(0);
      expect(run.stderr).toContain("the push (2 commits up to");
      expect(run.stderr).toContain("changes no plans/<account>.plan.json; nothing to apply");
    },
    LOOP_TIMEOUT,
  );
});

describe("the merged pull request not yet listed for its commit", () => {
  it(
    "asks again with backoff until GitHub lists it, then applies",
    async () => {
      const { w, number } = await givenAnApprovedPlan();
      w.github.lagCommitPulls(20_000);
      const sha = await w.bob.merge(w.repo, number);

      const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

      expect(run.stderr).not.toContain("refused");
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`GitHub lists no merged pull request for ${sha.slice(0, 12)} yet`);
      expect(w.sleeps.length).toBeGreaterThan(0);
      expect(w.sleeps).toEqual(PULL_LOOKUP_DELAYS_MS.slice(0, w.sleeps.length));
      expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
    },
    LOOP_TIMEOUT,
  );

  it(
    "after a minute, finds it among the bot branch's merged pull requests by its merge commit",
    async () => {
      const { w, number } = await givenAnApprovedPlan();
      w.github.lagCommitPulls(10 * 60_000);
      const sha = await w.bob.merge(w.repo, number);

      const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

      expect(run.stderr).not.toContain("refused");
      expect(run.code).toBe(0);
      expect(w.sleeps).toEqual(PULL_LOOKUP_DELAYS_MS);
      expect(w.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(60_000);
      expect(run.stderr).toContain(
        `found #${number} by its merge commit among the merged pull requests from folioctl/rebalance/${ACCOUNT}`,
      );
      expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
    },
    LOOP_TIMEOUT,
  );
});

describe("a merge whose apply run GitHub cancelled", () => {
  it(
    "propose reports it, merged and never applied, with the command that applies it, until it is applied",
    async () => {
      const { w, number } = await givenAnApprovedPlan();
      const sha = await w.bob.merge(w.repo, number);
      // No apply ran: its pending run was replaced by a newer one in the workflow's concurrency group
      // (GitHub keeps "at most one running and one pending job in a concurrency group": docs.github.com,
      // Control the concurrency of workflows and jobs). The fake runs no workflows: leaving apply out is it.

      const run = await w.run(["propose"]);

      expect(run.code).toBe(0);
      const merged = w.repo.pulls.find((p) => p.number === number);
      expect(run.stdout).toContain(
        `Not applied: #${number} was merged at ${merged?.mergedAt} (merge commit ${sha.slice(0, 12)}), never applied:`,
      );
      expect(run.stdout).toContain(
        `gh run rerun $(gh run list --workflow apply.yml --commit ${sha} --json databaseId --jq '.[0].databaseId')`,
      );
      expect(run.stderr).toContain(`propose ${ACCOUNT}: #${number} was merged at`);

      // When the re-run applies it, propose has nothing more to say about it
      expect((await w.run(["apply", "--on-merge", "--sha", sha], APPLY)).code).toBe(0);
      const after = await w.run(["propose", "--json"]);
      expect(JSON.parse(after.stdout)).toMatchObject({ neverApplied: [] });
    },
    LOOP_TIMEOUT,
  );
});
