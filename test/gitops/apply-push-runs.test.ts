// runApplyOnMerge (apply-push.ts): which plan commits of a push are applied (the newest per account, the
// older ones reported superseded), what the run says when there is none, and when a fresh plan is
// proposed after it. One world for the file: two plain commits, then two plans of the account merged one
// after the other, as one push would bring them. The applies here stop before the broker (unapproved,
// locked), but for the last, partly filled on the simulator: which commits are taken, and which
// outcomes are proposed afresh, is what is tested, not the trading.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import type { ApplyOnMergeDeps, ApplyOnMergeOptions } from "../../src/gitops/apply-on-merge.js";
import { pushBefore, runApplyOnMerge } from "../../src/gitops/apply-push.js";
import {
  ACCOUNT,
  EXAMPLE,
  LoopWorld,
  PLAN_FILE,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";
import { applyBrokerOnSim, applyOnMergeDeps } from "./support/apply-on-merge-deps.js";

/** An account portfolio.yaml does not name. */
const OTHER = "DU7654321";
const OTHER_PLAN = `plans/${OTHER}.plan.json`;

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
let operator: SimpleGitRepo;
/** main before the push. */
let before: string;
/** Two commits that change no plan. */
let plain: [string, string];
/** The account's first plan merged, then its second. */
let older: string;
let newer: string;

beforeAll(async () => {
  w = await LoopWorld.start({ portfolio: portfolioYaml(EXAMPLE) });
  before = (await w.repo.git.branchSha("main")) ?? "";
  plain = [
    await w.alice.push(w.repo, { branch: "main", files: { "notes.md": "one\n" } }),
    await w.alice.push(w.repo, { branch: "main", files: { "notes.md": "two\n" } }),
  ];
  const merged: string[] = [];
  for (let i = 0; i < 2; i++) {
    expect((await w.run(["propose"])).code).toBe(0);
    const number = w.openBotPull()!.number;
    merged.push(await w.approveAndMerge(number));
  }
  [older, newer] = merged as [string, string];
  forge = createGitHubForge(w.env);
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
  operator = await SimpleGitRepo.open(await w.cloneAgain("operator"), { clock: { now: () => new Date() } });
});
afterAll(stopLoopWorlds);
afterEach(() => operator.forceRemoveLock(ACCOUNT));

/** `trades`: the apply reaches the simulator; otherwise no apply may reach a broker. */
function deps(snapshot?: ApplyOnMergeDeps["snapshot"], trades = false) {
  return applyOnMergeDeps(forge, repo, {
    snapshot:
      snapshot ??
      ((portfolio) =>
        readGatewaySnapshot(
          { host: "127.0.0.1", port: w.sim.port, clientId: 31 },
          portfolio,
          () => new Date(),
        )),
    ...(trades ? { broker: applyBrokerOnSim(w) } : {}),
  });
}

const options = (over: Partial<ApplyOnMergeOptions>): ApplyOnMergeOptions => ({
  sha: newer,
  // More than the one approval each plan has: every apply here is refused before the lock.
  requireApprovals: 2,
  waveTimeoutMs: 1_000,
  identity: { holder: "test", runId: "run-1", url: "https://run/1" },
  ...over,
});

describe("runApplyOnMerge", () => {
  it("takes an all-zero before (a new branch) or none as the pushed commit alone", () => {
    expect(pushBefore(undefined)).toBeUndefined();
    expect(pushBefore("0000000000000000000000000000000000000000")).toBeUndefined();
    expect(pushBefore("0")).toBeUndefined();
    expect(pushBefore("a0000000000000000000000000000000000000000")).toBe(
      "a0000000000000000000000000000000000000000",
    );
    expect(pushBefore("00000000000000000000000000000000000000f0")).toBe(
      "00000000000000000000000000000000000000f0",
    );
  });

  it("applies nothing for a push that changes no plan, naming its commits", async () => {
    const { deps: d, lines } = deps();
    const run = await runApplyOnMerge(d, options({ sha: plain[1], before }));
    expect(run).toEqual({ exitCode: 0, commits: plain, applies: [], superseded: [] });
    expect(lines).toEqual([
      `apply: the push (2 commits up to ${plain[1].slice(0, 12)}) changes no plans/<account>.plan.json; nothing to apply`,
    ]);

    const { deps: alone, lines: said } = deps();
    const one = await runApplyOnMerge(alone, options({ sha: plain[0], before: "0".repeat(40) }));
    expect(one.commits).toEqual([plain[0]]);
    expect(said).toEqual([
      `apply: commit ${plain[0].slice(0, 12)} changes no plans/<account>.plan.json; nothing to apply`,
    ]);

    // A group's run names its group.
    const { deps: grouped, lines: groupSaid } = deps();
    const inGroup = await runApplyOnMerge(grouped, options({ sha: plain[0], groups: ["default"] }));
    // No plan at all is no plan without a group: the run succeeds.
    expect(inGroup.exitCode).toBe(0);
    expect(groupSaid).toEqual([
      `apply: commit ${plain[0].slice(0, 12)} changes no plans/<account>.plan.json of group default; nothing to apply`,
    ]);
  });

  it("stops before any pull request is looked at when --group names a group main does not have", async () => {
    const { deps: d, lines } = deps();
    const requests = w.github.requests().length;
    await expect(runApplyOnMerge(d, options({ groups: ["nope"] }))).rejects.toThrow(
      /^there is no account in group `nope` on main \([0-9a-f]{12}\)$/,
    );
    expect(w.github.requests()).toHaveLength(requests);
    expect(lines).toEqual([]);
  });

  it("applies only the newest plan of the account in the push, reports the older one superseded, and proposes afresh", async () => {
    const { deps: d, lines } = deps();

    const run = await runApplyOnMerge(d, options({ before, groups: ["default"] }));

    expect(run.commits).toEqual([...plain, older, newer]);
    expect(run.superseded).toEqual([expect.objectContaining({ sha: older, account: ACCOUNT, by: newer })]);
    expect(run.applies.map((a) => [a.sha, a.account, a.exitCode])).toEqual([[newer, ACCOUNT, 3]]);
    expect(run.applies[0]?.record?.refusal?.reason).toBe("unapproved");
    expect(run.exitCode).toBe(3);
    expect(lines).toContain(
      `apply: ${older.slice(0, 12)} is superseded by ${newer.slice(0, 12)} in the same push: not applied`,
    );
    expect(lines).toContain(`apply: proposing a fresh plan for review (${ACCOUNT})`);
    expect(run.repropose).toEqual({
      results: [
        expect.objectContaining({ account: ACCOUNT, action: expect.stringMatching(/^(opened|kept)$/) }),
      ],
    });
  });

  it("proposes afresh after a plan refused before it could be read, and says when that fails", async () => {
    const pushed = await w.alice.push(w.repo, { branch: "main", files: { [PLAN_FILE]: "{}\n" } });
    const { deps: d, lines } = deps(() => Promise.reject(new Error("the gateway is down\nat 127.0.0.1")));

    const run = await runApplyOnMerge(d, options({ sha: pushed }));

    expect(run.applies).toEqual([
      expect.objectContaining({ exitCode: 3, refusal: expect.objectContaining({ reason: "tampered" }) }),
    ]);
    expect(run.applies[0]?.record).toBeUndefined();
    expect(run.exitCode).toBe(3);
    // A portfolio.yaml repository fails as a whole: the error is the gateway's, not one account's.
    expect(run.repropose).toEqual({ error: "the gateway is down\nat 127.0.0.1" });
    expect(lines.filter((l) => l.startsWith("propose "))).toEqual([]);
    expect(lines).toContain(
      `apply: the fresh proposal failed: ${(run.repropose as { error: string }).error}`,
    );
  });

  it("takes a plan named for another account into the group of portfolio.yaml's one account", async () => {
    // A person's push: portfolio.yaml has one account, so a plan of any name is that file's to judge.
    const pushed = await w.alice.push(w.repo, { branch: "main", files: { [OTHER_PLAN]: "{}\n" } });
    const { deps: d, lines } = deps(() => Promise.reject(new Error("no gateway here")));

    const run = await runApplyOnMerge(d, options({ sha: pushed, groups: ["default"] }));

    expect(run.applies.map((a) => [a.account, a.exitCode, a.refusal?.reason])).toEqual([
      [OTHER, 3, "tampered"],
    ]);
    expect(run.exitCode).toBe(3);
    expect(lines.filter((l) => l.includes("group"))).toEqual([]);
  });

  it("proposes nothing after a refusal as locked: the holder's run reports", async () => {
    await operator.acquireLock({ account: ACCOUNT, holder: "another run", runId: "run-0" });
    const { deps: d, lines } = deps(() => Promise.reject(new Error("no snapshot after a locked refusal")));

    const run = await runApplyOnMerge(d, options({ requireApprovals: 0 }));

    expect(run.exitCode).toBe(3);
    expect(run.applies).toEqual([
      expect.objectContaining({ refusal: expect.objectContaining({ reason: "locked" }) }),
    ]);
    expect(run).not.toHaveProperty("repropose");
    expect(lines.filter((l) => l.includes("propos"))).toEqual([]);
  });
  it("proposes afresh after a partial apply", async () => {
    w.sim.injectFault({ type: "reject", symbol: "VNQ", reason: "not enough buying power", times: 1 });
    const { deps: d, lines } = deps(() => Promise.reject(new Error("no snapshot for the fresh plan")), true);

    const run = await runApplyOnMerge(d, options({ requireApprovals: 1 }));

    expect(run.applies.map((a) => [a.sha, a.exitCode, a.record?.outcome])).toEqual([[newer, 4, "partial"]]);
    expect(run.exitCode).toBe(4);
    expect(lines).toContain(`apply: proposing a fresh plan for review (${ACCOUNT})`);
    expect(run.repropose).toEqual({ error: "no snapshot for the fresh plan" });
  });
});
