// The GitOps loop end to end: folioctl's commands (in-process, as the runner runs them) against the fake
// GitHub over a real bare repository, people acting through the REST API, and the gateway simulator.
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/config/load-plan.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import type { Plan } from "../../src/core/plan.js";
import { readPlanHeader } from "../../src/gitops/plan-pull-request.js";
import { holdSells } from "../apply/support/hold-sells.js";
import {
  ACCOUNT,
  BOT,
  BRANCH,
  EXAMPLE,
  IN_BAND,
  LoopWorld,
  stopLoopWorlds,
  PLAN_FILE,
  portfolioYaml,
} from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };
const STATUS = `folioctl/apply (${ACCOUNT})`;

afterEach(stopLoopWorlds);

/** Given the example intent merged to main and propose's pull request open for it. */
async function givenAProposedPlan(): Promise<{ world: LoopWorld; number: number; plan: Plan }> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  const proposed = await w.run(["propose"]);
  expect(proposed.stderr).toContain("opened #");
  expect(proposed.code).toBe(0);
  const pull = w.openBotPull();
  if (!pull) throw new Error("propose opened no pull request");
  return { world: w, number: pull.number, plan: await planOnBranch(w) };
}

async function planOnBranch(w: LoopWorld): Promise<Plan> {
  const sha = await w.repo.git.branchSha(BRANCH);
  const entry = sha ? await w.repo.git.entryAt(sha, PLAN_FILE) : undefined;
  if (!entry) throw new Error(`no ${PLAN_FILE} on ${BRANCH}`);
  const parsed = parsePlan((await w.repo.git.readBlob(entry.sha)).toString("utf8"), PLAN_FILE);
  if (!parsed.ok) throw new Error(`${PLAN_FILE} on ${BRANCH} is not a plan`);
  return parsed.plan;
}

function labelsOf(w: LoopWorld, number: number): string[] {
  return w.repo.pulls.find((pull) => pull.number === number)?.labels ?? [];
}

function applyReport(w: LoopWorld, number: number): string | undefined {
  return w.repo.comments.find(
    (c) => c.issueNumber === number && c.body.startsWith("<!-- folioctl:comment apply-report -->"),
  )?.body;
}

describe("the demo's story", () => {
  it("intent merged, plan proposed once, approved and merged, applied with a ledger on main, then nothing to do", async () => {
    // Given an account in band with portfolio.yaml on main
    const w = await LoopWorld.start();
    const before = await w.run(["propose"]);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain("every holding is within its band");
    expect(w.botPulls()).toEqual([]);

    // When a person changes the allocation and it is merged, and propose runs
    await w.mergeIntent(portfolioYaml(EXAMPLE));
    const opened = await w.run(["propose"]);

    // Then one labelled pull request carries the plan file and shows its hash in the header
    expect(opened.code).toBe(0);
    const pull = w.openBotPull();
    expect(pull).toMatchObject({ title: "Rebalance DU1234567: 1 sell, 2 buys", base: "main" });
    expect(pull?.labels).toEqual(["folioctl", "folioctl: pending"]);
    const plan = await planOnBranch(w);
    expect(readPlanHeader(pull?.body ?? "")).toEqual({ account: ACCOUNT, hash: plan.hash });
    expect(pull?.body).toContain("| S1 | SELL | 10 | VTI | LMT |");
    expect(plan.portfolioHash).toBe(hashOf(portfolioYaml(EXAMPLE)));
    expect(opened.stdout).toContain(
      `Opened #${pull?.number} for ${ACCOUNT} with plan ${plan.hash.slice(0, 12)}`,
    );

    // When propose runs again on the unchanged world, Then it writes nothing at all
    const writes = w.writes().length;
    const branchSha = await w.repo.git.branchSha(BRANCH);
    const again = await w.run(["propose"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("it is still good; nothing changed");
    expect(w.writes().slice(writes)).toEqual([]);
    expect(await w.repo.git.branchSha(BRANCH)).toBe(branchSha);

    // When a person approves and merges it, and apply runs on the merge commit
    const number = pull?.number ?? 0;
    const mergeSha = await w.approveAndMerge(number);
    const applied = await w.run(["apply", "--on-merge", "--sha", mergeSha], APPLY);

    // Then exactly the planned orders went out, once each, and the record is on main
    expect(applied.stderr).not.toContain("refused");
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain(
      `Apply of plan ${plan.hash.slice(0, 12)} for ${ACCOUNT}: applied in full`,
    );
    expect([...w.ordersPerRef().entries()]).toEqual(
      plan.orders.map((o) => [`folioctl:${plan.hash.slice(0, 12)}:${o.leg}`, 1]),
    );
    const ledger = await w.filesOnMain(`ledger/${ACCOUNT}`);
    expect(ledger).toHaveLength(1);
    const record = JSON.parse((await w.mainFile(ledger[0] ?? "")) ?? "{}") as {
      outcome: string;
      planHash: string;
    };
    expect(record).toMatchObject({ outcome: "applied", planHash: plan.hash });
    expect((await w.mainLog())[0]).toMatch(
      new RegExp(
        `^\\w+ folioctl ledger: applied plan ${plan.hash.slice(0, 12)} for ${ACCOUNT} from #${number}$`,
      ),
    );
    expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
    expect(applyReport(w, number)).toContain(
      `Apply of plan ${plan.hash.slice(0, 12)} for ${ACCOUNT}: applied in full`,
    );
    expect(w.repo.statuses.filter((s) => s.sha === mergeSha).map((s) => [s.context, s.state])).toEqual([
      [STATUS, "pending"],
      [STATUS, "success"],
    ]);
    expect(await w.repo.git.resolveCommit(`refs/folioctl/locks/${ACCOUNT}`)).toBeUndefined();

    // When propose runs once more, Then there is nothing to do and no pull request is opened
    const after = await w.run(["propose"]);
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("every holding is within its band");
    expect(w.botPulls().filter((p) => p.state === "open")).toEqual([]);
  });
});

describe("keeping one pull request per account", () => {
  it("a price move beyond the tolerance between two proposes updates the same pull request", async () => {
    const { world: w, number, plan } = await givenAProposedPlan();
    await w.alice.approve(w.repo, number);
    const oldHead = await w.repo.git.branchSha(BRANCH);

    // When VTI moves 80 bps (the tolerance is 50) and propose runs
    w.sim.setQuote(756733, { bid: 251.95, ask: 252.05, last: 252 });
    const run = await w.run(["propose"]);

    // Then the same pull request carries a new plan on a new commit, and the old approval no longer counts
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`replacing plan on #${number}: the account or the market moved: VTI price`);
    expect(w.botPulls()).toHaveLength(1);
    const fresh = await planOnBranch(w);
    expect(fresh.hash).not.toBe(plan.hash);
    expect(readPlanHeader(w.openBotPull()?.body ?? "")?.hash).toBe(fresh.hash);
    expect(await w.repo.git.branchSha(BRANCH)).not.toBe(oldHead);
    expect(w.writes().filter((r) => r.operationId === "pulls/create" && r.login === BOT)).toHaveLength(1);
    const approval = await w.bob.call("GET", `/repos/acme/ops/pulls/${number}/reviews`);
    expect((approval as { commit_id: string }[]).map((r) => r.commit_id)).toEqual([oldHead]);
  });

  it("a price move within the tolerance keeps the plan under review untouched", async () => {
    const { world: w, plan } = await givenAProposedPlan();
    const writes = w.writes().length;

    w.sim.setQuote(756733, { bid: 250.15, ask: 250.25, last: 250.2 });
    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect((await planOnBranch(w)).hash).toBe(plan.hash);
    expect(w.writes().slice(writes)).toEqual([]);
  });

  it("a bot pull request closed without merging is reopened by the next propose, never duplicated", async () => {
    const { world: w, number, plan } = await givenAProposedPlan();
    await w.bob.closeWithoutMerge(w.repo, number);

    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Reopened #${number}`);
    expect(w.botPulls().map((p) => [p.number, p.state])).toEqual([[number, "open"]]);
    const fresh = await planOnBranch(w);
    expect(fresh.hash).not.toBe(plan.hash);
    expect(readPlanHeader(w.openBotPull()?.body ?? "")?.hash).toBe(fresh.hash);
  });

  it("when the closed pull request cannot be reopened (its branch was deleted), one new pull request replaces it", async () => {
    const { world: w, number } = await givenAProposedPlan();
    await w.bob.closeWithoutMerge(w.repo, number);
    await w.deleteBranch(BRANCH);

    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`cannot reopen #${number}`);
    const pulls = w.botPulls().map((p) => [p.number, p.state]);
    expect(pulls).toEqual([
      [number, "closed"],
      [number + 1, "open"],
    ]);
    // And the run after that keeps the new one.
    expect((await w.run(["propose"])).stdout).toContain(`#${number + 1} for ${ACCOUNT} keeps plan`);
  });
});

describe("apply refuses what was not reviewed", () => {
  it("refuses as tampered a pull request whose plan file was edited by hand, and proposes afresh", async () => {
    const { world: w, number, plan } = await givenAProposedPlan();
    // Given a person doubled the first order in the plan file on the bot's branch, and it was approved
    const edited = JSON.parse(formatPlanFile(plan)) as Plan;
    edited.orders[0]!.quantity *= 2;
    await w.alice.push(w.repo, { branch: BRANCH, files: { [PLAN_FILE]: formatPlanFile(edited) } });
    await w.bob.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    // When apply runs on the merge
    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    // Then it refuses, sends nothing, says so on the pull request, and a fresh plan is up for review
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `refused \\(tampered\\): the head of #${number} \\(\\w{12}\\) is not a plan commit folioctl made`,
      ),
    );
    expect(w.sim.orders()).toEqual([]);
    expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: refused"]);
    expect(applyReport(w, number)).toContain("refused (tampered): nothing was sent");
    expect(w.repo.statuses.filter((s) => s.context === STATUS).at(-1)).toMatchObject({
      sha,
      context: STATUS,
      state: "failure",
    });
    const fresh = w.openBotPull();
    expect(fresh?.number).toBe(number + 1);
    expect(run.stderr).toContain(`propose: Opened #${number + 1}`);
  });

  it("refuses an unapproved merge", async () => {
    const { world: w, number } = await givenAProposedPlan();
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`refused (unapproved): #${number} was merged with 0 approvals at its head`);
    expect(w.sim.orders()).toEqual([]);
    expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: refused"]);
    expect(w.openBotPull()?.number).toBe(number + 1);
  });

  it("refuses an approval given before the last push to the pull request", async () => {
    const { world: w, number } = await givenAProposedPlan();
    await w.alice.approve(w.repo, number);
    w.sim.setQuote(756733, { bid: 251.95, ask: 252.05, last: 252 });
    await w.run(["propose"]);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha, "--require-approvals", "1"], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /refused \(unapproved\): .*alice's approval does not count \(given before the last push\)/,
    );
    expect(w.sim.orders()).toEqual([]);
  });

  it("refuses as intent-changed a plan whose portfolio.yaml changed on main before the merge", async () => {
    const { world: w, number, plan } = await givenAProposedPlan();
    // Given the allocation changed again on main while the plan waited for review
    const newer = portfolioYaml({ VTI: 42, BND: 33, VNQ: 20, cash: 5 });
    await w.mergeIntent(newer, "Shift two points to stocks");
    const sha = await w.approveAndMerge(number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /refused \(intent-changed\): portfolio\.yaml on main \(at \w{12}\) is not the one the plan was made from/,
    );
    expect(w.sim.orders()).toEqual([]);
    // And the fresh proposal is made from the new intent
    const fresh = await planOnBranch(w);
    expect(fresh.hash).not.toBe(plan.hash);
    expect(fresh.portfolioHash).toBe(hashOf(newer));
    expect(w.openBotPull()?.number).toBe(number + 2);
  });

  it("refuses as intent-changed when portfolio.yaml changed on main after the merge, before apply ran", async () => {
    const { world: w, number } = await givenAProposedPlan();
    const sha = await w.approveAndMerge(number);
    await w.mergeIntent(portfolioYaml(IN_BAND), "Back to the old allocation");

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /refused \(intent-changed\): portfolio\.yaml on main \(at \w{12}\) is not the one/,
    );
    expect(w.sim.orders()).toEqual([]);
    // The account is in band for the intent now on main: nothing new is proposed.
    expect(run.stderr).toContain("every holding is within its band");
    expect(w.openBotPull()).toBeUndefined();
  });

  it("of two applies at once, one applies and the other is refused as locked and touches nothing", async () => {
    const { world: w, number, plan } = await givenAProposedPlan();
    const sha = await w.approveAndMerge(number);
    // The simulator holds the sells, so that whichever apply takes the lock is still running when the
    // other one ends; they are let fill only then (had the lock been let go before the orders, neither
    // apply would end).
    const release = holdSells(w.sim, plan);

    // Two runners, each with its own checkout.
    const other = await w.cloneAgain("ops-2");
    const started = [
      w.run(["apply", "--on-merge", "--sha", sha], { FOLIOCTL_CLIENT_ID: "23", GITHUB_RUN_ID: "1001" }),
      w.run(
        ["apply", "--on-merge", "--sha", sha],
        { FOLIOCTL_CLIENT_ID: "24", GITHUB_RUN_ID: "1002" },
        other,
      ),
    ];
    const first = await Promise.race(started);
    release();
    const runs = await Promise.all(started);

    expect(first.code, first.stderr).toBe(3);
    expect(runs.map((r) => r.code).sort(), runs.map((r) => r.stderr).join("\n----\n")).toEqual([0, 3]);
    const loser = runs.find((r) => r.code === 3);
    expect(loser?.stderr).toMatch(
      /refused \(locked\): the lock refs\/folioctl\/locks\/DU1234567 is held by folioctl apply --on-merge on .* \(run https:\/\/github\.com\/acme\/ops\/actions\/runs\/100[12]\) since /,
    );
    expect([...w.ordersPerRef().values()]).toEqual(plan.orders.map(() => 1));
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
    expect(labelsOf(w, number)).toEqual(["folioctl", "folioctl: applied"]);
    expect(applyReport(w, number)).toContain("applied in full");
    expect(w.repo.statuses.filter((s) => s.context === STATUS).at(-1)).toMatchObject({
      context: STATUS,
      state: "success",
    });
  }, 90_000);
});

describe("a commit that brings no plan", () => {
  it("is nothing to apply", async () => {
    const w = await LoopWorld.start();
    const { sha } = await w.mergeIntent(portfolioYaml(EXAMPLE));

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(0);
    expect(run.stderr).toContain("changes no plans/<account>.plan.json; nothing to apply");
    expect(w.sim.orders()).toEqual([]);
  });
});

function hashOf(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
