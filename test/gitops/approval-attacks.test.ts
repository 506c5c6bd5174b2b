// Two people let orders go out, never one: a person with write access cannot make an approval of their
// own count by choosing what the bot's branch shows, even when what it shows is folioctl's own plan.
import { afterEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/config/load-plan.js";
import type { Plan } from "../../src/core/plan.js";
import {
  BOT,
  BRANCH,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };
const VTI = 756733;
const VTI_QUOTE = { bid: 249.95, ask: 250.05, last: 250 };

afterEach(stopLoopWorlds);

async function branchPlan(w: LoopWorld): Promise<{ sha: string; plan: Plan }> {
  const sha = await w.repo.git.branchSha(BRANCH);
  const parsed = parsePlan((await w.branchFile(PLAN_FILE)) ?? "", PLAN_FILE);
  if (sha === undefined || !parsed.ok) throw new Error(`${PLAN_FILE} on ${BRANCH} is not a plan`);
  return { sha, plan: parsed.plan };
}

/**
 * Given a plan propose replaced with a newer one (the market moved, then moved back, so that the first
 * plan would pass every check of apply again): the pull request, and the first plan's commit, which
 * still carries folioctl's `folioctl/plan` status.
 */
async function givenAReplacedPlan() {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number;
  if (number === undefined) throw new Error("propose opened no pull request");
  const first = await branchPlan(w);
  w.sim.setQuote(VTI, { bid: 251.95, ask: 252.05, last: 252 });
  const replaced = await w.run(["propose"]);
  expect(replaced.stderr).toContain(`replacing plan on #${number}`);
  const second = await branchPlan(w);
  expect(second.sha).not.toBe(first.sha);
  w.sim.setQuote(VTI, VTI_QUOTE);
  return { w, number, first, second };
}

/** What a person with write access can do to the bot's pull request: make its header show another plan. */
async function showPlanInHeader(w: LoopWorld, number: number, from: Plan, to: Plan): Promise<void> {
  const body = w.repo.pulls.find((pull) => pull.number === number)?.body ?? "";
  await w.alice.call("PATCH", `/repos/acme/ops/pulls/${number}`, {
    body: body.replaceAll(from.hash, to.hash),
  });
}

describe("a person who force-pushes the bot's branch back to an older plan of folioctl's", () => {
  it("cannot approve it: the merge is refused as unapproved and nothing is sent", async () => {
    const { w, number, first, second } = await givenAReplacedPlan();
    // Alice moves the branch back to folioctl's first commit (its author is the bot, its status the
    // bot's), makes the header show that plan, approves it, and Bob merges without reviewing.
    await w.alice.forcePush(w.repo, { branch: BRANCH, sha: first.sha });
    await showPlanInHeader(w, number, second.plan, first.plan);
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`refused (unapproved): #${number} was merged with 0 approvals`);
    expect(run.stderr).toContain(
      "alice's approval does not count (they force-pushed, deleted or restored its branch)",
    );
    expect(w.sim.orders()).toEqual([]);
    // GitHub's record of the branch: propose's replacement (over git, as the bot), then Alice's move.
    const events = (await w.bob.call("GET", `/repos/acme/ops/issues/${number}/events`)) as Array<{
      event: string;
      actor: { login: string };
    }>;
    expect(events.map((e) => [e.event, e.actor.login])).toEqual([
      ["head_ref_force_pushed", BOT],
      ["head_ref_force_pushed", "alice"],
    ]);
  }, 90_000);

  it("leaves it to someone else to approve: with Bob's approval the plan folioctl made is applied", async () => {
    const { w, number, first, second } = await givenAReplacedPlan();
    await w.alice.forcePush(w.repo, { branch: BRANCH, sha: first.sha });
    await showPlanInHeader(w, number, second.plan, first.plan);
    await w.bob.approve(w.repo, number);
    const sha = await w.alice.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code, run.stderr).toBe(0);
    expect(new Set(w.sim.orders().map((o) => o.orderRef)).size).toBe(first.plan.orders.length);
  }, 90_000);
});
