// Only the plan folioctl committed, reviewed by people who may and did not write it, reaches the broker:
// a person with write access pushing to the bot's branch, editing the header and approving their own
// push, and approvals that must not count (read-only, bots).
import { afterEach, describe, expect, it } from "vitest";
import { parsePlan } from "../../src/config/load-plan.js";
import { formatPlanFile } from "../../src/core/format-plan-file.js";
import { hashPlan } from "../../src/core/hash-plan.js";
import type { Plan } from "../../src/core/plan.js";
import { readPlanHeader } from "../../src/gitops/plan-pull-request.js";
import {
  ACCOUNT,
  BRANCH,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };

afterEach(stopLoopWorlds);

async function givenAProposal(): Promise<{ w: LoopWorld; number: number; plan: Plan }> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  expect((await w.run(["propose"])).code).toBe(0);
  const number = w.openBotPull()?.number;
  if (number === undefined) throw new Error("propose opened no pull request");
  return { w, number, plan: await branchPlan(w) };
}

async function branchPlan(w: LoopWorld): Promise<Plan> {
  const parsed = parsePlan((await w.branchFile(PLAN_FILE)) ?? "", PLAN_FILE);
  if (!parsed.ok) throw new Error(`${PLAN_FILE} on ${BRANCH} is not a plan`);
  return parsed.plan;
}

/** A plan a person made from the bot's, self-consistent: its hash is recomputed. */
function rehashed(plan: Plan, change: (copy: Plan) => void): Plan {
  const copy = JSON.parse(formatPlanFile(plan)) as Plan;
  change(copy);
  copy.hash = hashPlan(copy);
  return copy;
}

/** What a person with write access can do to the bot's pull request: edit its header to their plan. */
async function editHeader(w: LoopWorld, number: number, from: string, to: string): Promise<void> {
  const body = w.repo.pulls.find((pull) => pull.number === number)?.body ?? "";
  await w.alice.call("PATCH", `/repos/acme/ops/pulls/${number}`, { body: body.replaceAll(from, to) });
}

describe("a pull request whose header a person edited", () => {
  it("is refused on merge when the header shows another plan than the one folioctl committed", async () => {
    // folioctl's own commit untouched; only the description's hidden header names another plan
    const { w, number, plan } = await givenAProposal();
    const other = "f".repeat(64);
    await editHeader(w, number, plan.hash, other);
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `refused (tampered): #${number} shows plan ${other.slice(0, 12)}, but folioctl committed plan ` +
        `${plan.hash.slice(0, 12)} at its head: the description was edited`,
    );
    expect(w.sim.orders()).toEqual([]);
  });
});

describe("a plan a person pushed to the bot's branch", () => {
  it("is refused on merge though re-hashed, shown in the header and approved by the person who pushed it", async () => {
    const { w, number, plan } = await givenAProposal();
    const forged = rehashed(plan, (copy) => {
      copy.orders[0]!.quantity *= 2;
    });
    await w.alice.push(w.repo, { branch: BRANCH, files: { [PLAN_FILE]: formatPlanFile(forged) } });
    await editHeader(w, number, plan.hash, forged.hash);
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      new RegExp(
        `refused \\(tampered\\): the head of #${number} \\(\\w{12}\\) is not a plan commit folioctl made: ` +
          `it has no \`folioctl/plan \\(${ACCOUNT}\\)\` status by folioctl-ops\\[bot\\]`,
      ),
    );
    expect(w.sim.orders()).toEqual([]);
  });

  it("is never kept by propose, even when its orders are the fresh plan's", async () => {
    const { w, number, plan } = await givenAProposal();
    // The same orders, so that it passes every test of a plan still good; only its author differs.
    const theirs = rehashed(plan, (copy) => {
      copy.toolVersion = "0.0.0-person";
    });
    await w.alice.push(w.repo, { branch: BRANCH, files: { [PLAN_FILE]: formatPlanFile(theirs) } });
    await editHeader(w, number, plan.hash, theirs.hash);

    const run = await w.run(["propose"]);

    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        `replacing plan on #${number}: the branch's head \\w{12} is not a plan commit folioctl made`,
      ),
    );
    const now = await branchPlan(w);
    expect(now.toolVersion).not.toBe("0.0.0-person");
    const header = readPlanHeader(w.openBotPull()?.body ?? "");
    expect(header?.hash).toBe(now.hash);
    expect(header?.hash).not.toBe(theirs.hash);
  });

  it("is refused on merge before it is parsed, however many broken orders it holds", async () => {
    const { w, number, plan } = await givenAProposal();
    const broken = {
      ...JSON.parse(formatPlanFile(plan)),
      orders: Array.from({ length: 1000 }, () => ({ side: "X" })),
    };
    await w.alice.push(w.repo, { branch: BRANCH, files: { [PLAN_FILE]: `${JSON.stringify(broken)}\n` } });
    await w.bob.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`is not a plan commit folioctl made`);
    // Who wrote it was decided first: not one of its problems was looked for.
    expect(run.stderr).not.toContain("orders[0]");
    expect(w.sim.orders()).toEqual([]);
  });
});

describe("approvals that do not count", () => {
  it("a read-only collaborator's and a bot's approval leave the merge unapproved", async () => {
    const { w, number } = await givenAProposal();
    const carol = w.github.addUser("carol");
    w.github.grant(w.repo, "carol", "read");
    const helper = w.github.addUser("helper[bot]", { type: "Bot" });
    await carol.approve(w.repo, number);
    await helper.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`refused (unapproved): #${number} was merged with 0 approvals`);
    expect(run.stderr).toContain("carol's approval does not count (they cannot write to the repository)");
    expect(run.stderr).toContain("helper[bot]'s approval does not count (a bot)");
    expect(w.sim.orders()).toEqual([]);
  });
});

describe("apply acting as the account every workflow shares", () => {
  it("trusts no plan attested by github-actions[bot]: exit 1, nothing sent, the App's token named", async () => {
    // Any workflow a writer adds can set a commit status as github-actions[bot], so an attestation by
    // that account proves nothing about who made the plan, even on folioctl's own, approved pull request.
    const { w, number } = await givenAProposal();
    await w.alice.approve(w.repo, number);
    const sha = await w.bob.merge(w.repo, number);

    const run = await w.run(["apply", "--on-merge", "--sha", sha], {
      ...APPLY,
      FOLIOCTL_BOT_LOGIN: "github-actions[bot]",
    });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "apply --on-merge runs as github-actions[bot], the account every workflow's GITHUB_TOKEN shares",
    );
    expect(run.stderr).toContain("installation token as FOLIOCTL_GITHUB_TOKEN");
    expect(w.sim.orders()).toEqual([]);
  });
});
