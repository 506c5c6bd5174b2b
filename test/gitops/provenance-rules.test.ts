// Each rule of provenance and approval on its own, end to end (propose, review, merge, apply --on-merge):
// a plan is applied only from the bot's pull request with the rebalance label, and never while someone's
// latest review asks for changes. Every other condition of each case is met, so that only the rule under
// test can refuse it. test/gitops/check-provenance.test.ts takes each rule alone at the function.
import { afterEach, describe, expect, it } from "vitest";
import { REBALANCE_LABEL } from "../../src/forge/forge.js";
import { BOT, BRANCH, EXAMPLE, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };

async function givenAProposal(): Promise<{ w: LoopWorld; number: number }> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number;
  if (number === undefined) throw new Error("propose opened no pull request");
  return { w, number };
}

describe("apply --on-merge refuses, each rule alone", () => {
  afterEach(stopLoopWorlds);

  it("a merge with enough approvals while someone's latest review asks for changes", async () => {
    const { w, number } = await givenAProposal();
    await w.alice.approve(w.repo, number);
    await w.bob.requestChanges(w.repo, number);
    const sha = await w.alice.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain("refused (unapproved): bob requested changes");
    expect(w.sim.orders()).toEqual([]);
  });

  it("the bot's pull request from its plan branch after a person took its label off", async () => {
    const { w, number } = await givenAProposal();
    await w.alice.call("DELETE", `/repos/acme/ops/issues/${number}/labels/${REBALANCE_LABEL}`);
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `refused (tampered): #${number} (by ${BOT}, from ${BRANCH}) is not folioctl's rebalance pull request`,
    );
    expect(w.sim.orders()).toEqual([]);
  });

  it("a person's labelled pull request of the bot's own plan commit, from the plan branch", async () => {
    const { w, number } = await givenAProposal();
    const bots = w.repo.pulls.find((pull) => pull.number === number)!;
    await w.alice.closeWithoutMerge(w.repo, number);
    const theirs = await w.alice.openPullRequest(w.repo, {
      head: BRANCH,
      title: bots.title,
      body: bots.body ?? "",
    });
    await w.alice.call("POST", `/repos/acme/ops/issues/${theirs.number}/labels`, {
      labels: [REBALANCE_LABEL],
    });
    await w.bob.approve(w.repo, theirs.number);
    const sha = await w.bob.merge(w.repo, theirs.number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `refused (tampered): #${theirs.number} (by alice, from ${BRANCH}) is not folioctl's rebalance pull request`,
    );
    expect(w.sim.orders()).toEqual([]);
  });
});
