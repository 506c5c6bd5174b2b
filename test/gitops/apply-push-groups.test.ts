// runApplyOnMerge (apply-push.ts) on an `accounts/` repository with two groups: a group's run applies
// only its own accounts' plans of the push, leaves the other group's to that group's run, and fails on
// a plan whose account has no file (no group can take it). One world: the plans are pushed to main by
// a person, so their applies are refused before the lock (no broker, no gateway), and the fresh
// proposal after the refusals fails at the gateway, each account with its own reason. Only the last
// test merges a plan from folioctl's own pull request (A's) and applies it on the simulator, which
// manages A: a run whose apply went through, next to a refusal or a plan no group takes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import type { ApplyOnMergeOptions } from "../../src/gitops/apply-on-merge.js";
import { runApplyOnMerge } from "../../src/gitops/apply-push.js";
import { runPropose } from "../../src/gitops/propose.js";
import { model } from "./support/two-account-world.js";
import { ACCOUNT, EXAMPLE, LoopWorld, stopLoopWorlds } from "./support/loop-world.js";
import { applyBrokerOnSim, applyOnMergeDeps } from "./support/apply-on-merge-deps.js";

/** In group `default` (its file names none): the simulator's account. */
const A = ACCOUNT;
/** In group `partner`. */
const B = "DU2000022";
/** A plan with no account file: no group. */
const C = "DU0000023";

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
let before: string;
/** The plan commits of A, B and C, pushed to main in that order. */
let shaA: string;
let shaB: string;
let shaC: string;

beforeAll(async () => {
  w = await LoopWorld.start({
    files: {
      "models/core.yaml": model(EXAMPLE),
      [`accounts/${A}.yaml`]: `account: ${A}\nmodel: core\n`,
      [`accounts/${B}.yaml`]: `account: ${B}\nmodel: core\ngroup: partner\n`,
    },
  });
  before = (await w.repo.git.branchSha("main")) ?? "";
  const plan = (account: string) => ({ [`plans/${account}.plan.json`]: "{}\n" });
  shaA = await w.alice.push(w.repo, { branch: "main", files: plan(A) });
  shaB = await w.alice.push(w.repo, { branch: "main", files: plan(B) });
  shaC = await w.alice.push(w.repo, { branch: "main", files: plan(C) });
  forge = createGitHubForge(w.env);
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
});
afterAll(stopLoopWorlds);

let example: Promise<Snapshot> | undefined;

/** The simulator's account, read once, as `account`. */
async function simulated(portfolio: Portfolio): Promise<Snapshot> {
  example ??= readGatewaySnapshot(
    { host: "127.0.0.1", port: w.sim.port, clientId: 53 },
    { ...portfolio, account: ACCOUNT },
    () => new Date(),
  );
  return { ...(await example), account: portfolio.account };
}

/**
 * `served`: the accounts the gateway can read; the others' snapshots fail. `trades`: applies reach the
 * simulator; otherwise none may reach a broker.
 */
function deps(served: readonly string[] = [], trades = false) {
  return applyOnMergeDeps(forge, repo, {
    snapshot: (portfolio) =>
      served.includes(portfolio.account)
        ? simulated(portfolio)
        : Promise.reject(new Error(`no gateway for ${portfolio.account}`)),
    ...(trades ? { broker: applyBrokerOnSim(w) } : {}),
  });
}

const options = (over: Partial<ApplyOnMergeOptions>): ApplyOnMergeOptions => ({
  sha: shaC,
  before,
  requireApprovals: 1,
  waveTimeoutMs: 1_000,
  identity: { holder: "test", runId: "run-1", url: "https://run/1" },
  ...over,
});

const left = (sha: string, account: string, group: string) =>
  `apply: ${sha.slice(0, 12)} (${account}) is in group ${group}: left to that group's run`;
const ungrouped = (sha: string, account: string) =>
  `apply: ${sha.slice(0, 12)} (${account}): the account's group cannot be read at that commit ` +
  `(no valid accounts/${account}.yaml); nothing was sent. Run \`folioctl apply --on-merge --sha ${sha}\` ` +
  `without --group on the account's runner to have it refused and reported`;

describe("runApplyOnMerge with --group", () => {
  it("applies its group's plan only, leaves the other group's, and keeps the refusal's exit code past a plan no group takes", async () => {
    const { deps: d, lines } = deps();

    const run = await runApplyOnMerge(d, options({ groups: ["partner"] }));

    expect(run.commits).toEqual([shaA, shaB, shaC]);
    expect(run.applies.map((a) => [a.sha, a.account, a.exitCode, a.refusal?.reason])).toEqual([
      [shaB, B, 3, "tampered"],
    ]);
    expect(run.superseded).toEqual([]);
    // The worst of the applies (refused), not the error of the plan no group takes.
    expect(run.exitCode).toBe(3);
    expect(lines.slice(0, 2)).toEqual([left(shaA, A, "default"), ungrouped(shaC, C)]);
    expect(run.repropose).toEqual({ error: `${B}: no gateway for ${B}` });

    const { deps: other, lines: otherLines } = deps();
    const theirs = await runApplyOnMerge(other, options({ groups: ["default"] }));
    expect(theirs.applies.map((a) => a.account)).toEqual([A]);
    expect(otherLines.slice(0, 2)).toEqual([left(shaB, B, "partner"), ungrouped(shaC, C)]);
  });

  it("fails a run whose only plan no group can take, having sent nothing", async () => {
    const { deps: d, lines } = deps();

    const run = await runApplyOnMerge(d, options({ sha: shaC, before: shaB, groups: ["default"] }));

    expect(run).toEqual({ exitCode: 1, commits: [shaC], applies: [], superseded: [] });
    expect(lines).toEqual([
      ungrouped(shaC, C),
      `apply: commit ${shaC.slice(0, 12)} changes no plans/<account>.plan.json of group default; nothing to apply`,
    ]);

    const { deps: both, lines: bothSaid } = deps();
    await runApplyOnMerge(both, options({ sha: shaC, before: shaB, groups: ["default", "partner"] }));
    expect(bothSaid.at(-1)).toBe(
      `apply: commit ${shaC.slice(0, 12)} changes no plans/<account>.plan.json of group default, partner; nothing to apply`,
    );
  });

  it("names every account whose fresh proposal failed, each with its reason", async () => {
    const { deps: d, lines } = deps();

    const run = await runApplyOnMerge(d, options({ sha: shaB }));

    expect(run.applies.map((a) => [a.account, a.exitCode])).toEqual([
      [A, 3],
      [B, 3],
    ]);
    const error = `${A}: no gateway for ${A}; ${B}: no gateway for ${B}`;
    expect(run.repropose).toEqual({ error });
    expect(lines).toContain(`apply: proposing a fresh plan for review (${A}, ${B})`);
    expect(lines.at(-1)).toBe(`apply: the fresh proposal failed: ${error}`);
  });

  it("says only the accounts whose fresh proposal failed when another's was proposed", async () => {
    const { deps: d, lines } = deps([A]);

    const run = await runApplyOnMerge(d, options({ sha: shaB }));

    expect(run.repropose).toEqual({ error: `${B}: no gateway for ${B}` });
    expect(lines).toContain(`propose ${B}: failed: no gateway for ${B}`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^propose ${A}: opened #\\d+ `)));
    expect(
      w.repo.pulls.filter((p) => p.head === `folioctl/rebalance/${A}` && p.state === "open"),
    ).toHaveLength(1);
  });

  it("fails a group's run that applied its plan past a plan no group takes, and keeps the worst code of several accounts", async () => {
    // A's plan from folioctl's own pull request, approved and merged; then a person's plan for C.
    const proposer = deps([A]);
    await runPropose(proposer.deps, { accounts: [A] });
    const pull = w.repo.pulls.find((p) => p.head === `folioctl/rebalance/${A}` && p.state === "open");
    expect(pull).toBeDefined();
    await w.alice.approve(w.repo, pull!.number);
    const start = (await w.repo.git.branchSha("main")) ?? "";
    const merged = await w.bob.merge(w.repo, pull!.number);
    const later = await w.alice.push(w.repo, {
      branch: "main",
      files: { [`plans/${C}.plan.json`]: "{ }\n" },
    });
    const push = options({ sha: later, before: start });

    const { deps: d, lines } = deps([], true);
    const run = await runApplyOnMerge(d, { ...push, groups: ["default"] });

    expect(run.applies.map((a) => [a.sha, a.account, a.exitCode, a.record?.outcome])).toEqual([
      [merged, A, 0, "applied"],
    ]);
    // Every plan it took went through, but one plan of the push is no group's: a person must look.
    expect(run.exitCode).toBe(1);
    expect(lines).toContain(ungrouped(later, C));
    expect(run).not.toHaveProperty("repropose");
    expect(w.sim.orders().length).toBeGreaterThan(0);

    // Without --group the same push is A's plan (applied before: nothing is sent) and C's (refused).
    const orders = w.sim.orders().length;
    const { deps: all } = deps([], true);
    const whole = await runApplyOnMerge(all, push);
    expect(whole.applies.map((a) => [a.account, a.exitCode, a.record?.outcome ?? a.refusal?.reason])).toEqual(
      [
        [A, 0, "already-applied"],
        [C, 3, "tampered"],
      ],
    );
    expect(whole.exitCode).toBe(3);
    expect(w.sim.orders()).toHaveLength(orders);
  });
});
