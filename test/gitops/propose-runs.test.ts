// runPropose (propose.ts) account by account: opening the pull request with its attested plan, keeping
// a plan that is still good, replacing a stale one, closing when nothing is out of band or trading is
// suspended, reopening. One world for the file: an accounts/ repository with one account per test, so
// that each test's pull request is its own; every account is read from one snapshot of the simulator's
// example account, with the account's id, and varied where a test needs the market to move.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import type { GitOpsDeps } from "../../src/gitops/gitops-deps.js";
import { runPropose, type ProposeResult } from "../../src/gitops/propose.js";
import { TOOL_VERSION } from "../../src/version.js";
import { model } from "./support/two-account-world.js";
import {
  ACCOUNT,
  BOT,
  EXAMPLE,
  IN_BAND,
  LoopWorld,
  portfolioYaml,
  stopLoopWorlds,
} from "./support/loop-world.js";

const OPENS = "DU0000001";
const EDITED = "DU0000002";
const STALE = "DU0000003";
const SETTLES = "DU0000004";
const SUSPENDS = "DU0000005";
const UNPLANNABLE = "DU0000006";
const UNREADABLE = "DU0000007";
const REOPEN_FAILS = "DU0000008";
const accountFile = (account: string, modelName = "core") => `account: ${account}\nmodel: ${modelName}\n`;

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
/** The simulator's example account, out of band against the `core` model and in band against `inband`. */
let example: Promise<Snapshot> | undefined;
/** How a test moves an account's market or holdings. */
const moved = new Map<string, (snapshot: Snapshot) => Snapshot>();

beforeAll(async () => {
  w = await LoopWorld.start({
    files: {
      "models/core.yaml": model(EXAMPLE),
      "models/inband.yaml": model(IN_BAND),
      [`accounts/${OPENS}.yaml`]: accountFile(OPENS),
      [`accounts/${EDITED}.yaml`]: accountFile(EDITED),
      [`accounts/${STALE}.yaml`]: accountFile(STALE),
      [`accounts/${SETTLES}.yaml`]: accountFile(SETTLES, "inband"),
      [`accounts/${SUSPENDS}.yaml`]: accountFile(SUSPENDS),
      [`accounts/${UNPLANNABLE}.yaml`]: accountFile(UNPLANNABLE),
      [`accounts/${UNREADABLE}.yaml`]: accountFile(UNREADABLE),
      [`accounts/${REOPEN_FAILS}.yaml`]: accountFile(REOPEN_FAILS),
    },
  });
  forge = createGitHubForge(w.env);
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
});
afterAll(stopLoopWorlds);

function deps(): { deps: GitOpsDeps; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    deps: {
      forge,
      repo,
      log: (line) => lines.push(line),
      now: () => new Date(),
      toolVersion: TOOL_VERSION,
      sleep: async () => undefined,
      snapshot: async (portfolio) => {
        // Read once, on the first account's resolved portfolio (every account here trades the same contracts).
        example ??= readGatewaySnapshot(
          { host: "127.0.0.1", port: w.sim.port, clientId: 51 },
          { ...portfolio, account: ACCOUNT },
          () => new Date(),
        );
        const own = { ...(await example), account: portfolio.account };
        return moved.get(portfolio.account)?.(own) ?? own;
      },
    },
  };
}

async function propose(account: string): Promise<{ result: ProposeResult; lines: string[] }> {
  const { deps: d, lines } = deps();
  const run = await runPropose(d, { accounts: [account] });
  expect(run.results).toHaveLength(1);
  const [result] = run.results;
  if (result === undefined || result.action === "failed") throw new Error(`propose failed for ${account}`);
  return { result, lines };
}

const pullOf = (number: number | undefined) => w.repo.pulls.find((p) => p.number === number);
const planOn = async (account: string) =>
  JSON.parse((await w.branchFile(`plans/${account}.plan.json`, `folioctl/rebalance/${account}`)) ?? "{}") as {
    hash: string;
    account: string;
  };
const withQuote = (symbol: string, factor: number) => (s: Snapshot) => ({
  ...s,
  quotes: s.quotes.map((q) => {
    const contract = s.contracts.find((c) => c.conId === q.conId);
    if (contract?.symbol !== symbol) return q;
    const scale = (v: number | undefined) => (v === undefined ? v : Math.round(v * factor * 100) / 100);
    return { ...q, bid: scale(q.bid), ask: scale(q.ask), last: scale(q.last) } as typeof q;
  }),
});
const withPositions = (factor: number, symbol: string) => (s: Snapshot) => ({
  ...s,
  positions: s.positions.map((p) =>
    s.contracts.find((c) => c.conId === p.conId)?.symbol === symbol
      ? { ...p, quantity: Math.round(p.quantity * factor) }
      : p,
  ),
});

describe("runPropose, one account at a time", () => {
  it("opens one pull request with the plan, attests its commit, and writes nothing on a second run", async () => {
    const { result, lines } = await propose(OPENS);

    expect(result).toMatchObject({ action: "opened", account: OPENS, unchanged: false });
    expect(result).not.toHaveProperty("reason");
    const pull = pullOf(result.pull?.number);
    expect(pull).toMatchObject({
      author: BOT,
      head: `folioctl/rebalance/${OPENS}`,
      base: "main",
      state: "open",
      labels: ["folioctl", "folioctl: pending"],
    });
    expect(pull?.title).toMatch(new RegExp(`^Rebalance ${OPENS}: `));
    const plan = await planOn(OPENS);
    expect(plan).toMatchObject({ account: OPENS, hash: result.plan?.hash });
    const head = await w.repo.git.branchSha(`folioctl/rebalance/${OPENS}`);
    expect(w.repo.statuses.filter((s) => s.sha === head)).toEqual([
      expect.objectContaining({ state: "success", context: expect.stringContaining(OPENS) }),
    ]);
    expect(lines).toContain(
      `propose ${OPENS}: opened #${pull?.number} with plan ${plan.hash.slice(0, 12)} (plans/${OPENS}.plan.json)`,
    );
    // The plan commit names the plan and the account.
    expect(await w.repo.git.log(`refs/heads/folioctl/rebalance/${OPENS}`, "%s")).toContain(
      `folioctl plan ${plan.hash.slice(0, 12)} for ${OPENS}`,
    );

    const writes = w.writes().length;
    const again = await propose(OPENS);
    expect(again.result).toMatchObject({ action: "kept", unchanged: true, plan: { hash: plan.hash } });
    expect(again.lines).toContain(
      `propose ${OPENS}: #${pull?.number} keeps plan ${plan.hash.slice(0, 12)}: it is still good`,
    );
    expect(w.writes().slice(writes)).toEqual([]);
  });

  it("keeps the plan under review, putting back a hand-edited title, body and state label", async () => {
    const { result } = await propose(EDITED);
    const number = result.pull?.number;
    const { title, body } = pullOf(number)!;
    const head = await w.repo.git.branchSha(`folioctl/rebalance/${EDITED}`);
    await w.alice.call("PATCH", `/repos/acme/ops/pulls/${number}`, { title: "mine now", body: "gone" });
    await w.alice.call("POST", `/repos/acme/ops/issues/${number}/labels`, { labels: ["folioctl: applied"] });

    const again = await propose(EDITED);

    expect(again.result).toMatchObject({ action: "kept", unchanged: false });
    expect(again.lines).toContainEqual(
      expect.stringMatching(/: it is still good \(title and body restored\)$/),
    );
    expect(pullOf(number)).toMatchObject({ title, body, labels: ["folioctl", "folioctl: pending"] });
    expect(await w.repo.git.branchSha(`folioctl/rebalance/${EDITED}`)).toBe(head);

    // The label alone: put back, though title and body were not touched.
    await w.alice.call("POST", `/repos/acme/ops/issues/${number}/labels`, { labels: ["folioctl: refused"] });
    const labelOnly = await propose(EDITED);
    expect(labelOnly.result).toMatchObject({ action: "kept", unchanged: false });
    expect(labelOnly.lines).toContainEqual(expect.stringMatching(/: it is still good$/));
    expect(pullOf(number)?.labels).toEqual(["folioctl", "folioctl: pending"]);
  });

  it("replaces a plan the market moved away from, on the same pull request, saying why", async () => {
    const { result } = await propose(STALE);
    const number = result.pull?.number;
    const first = await planOn(STALE);
    moved.set(STALE, withQuote("VNQ", 1.03));

    const again = await propose(STALE);

    expect(again.result).toMatchObject({ action: "updated", unchanged: false, pull: { number } });
    expect(again.result.reason).toContain("VNQ");
    const fresh = await planOn(STALE);
    expect(fresh.hash).not.toBe(first.hash);
    expect(fresh.hash).toBe(again.result.plan?.hash);
    expect(again.lines).toContain(`propose ${STALE}: replacing plan on #${number}: ${again.result.reason}`);
    expect(
      again.lines.some((l) =>
        l.startsWith(`propose ${STALE}: updated #${number} with plan ${fresh.hash.slice(0, 12)}`),
      ),
    ).toBe(true);
    // The title and body describe the fresh plan.
    expect(pullOf(number)?.body).toContain(fresh.hash.slice(0, 12));
    expect(pullOf(number)?.body).not.toContain(first.hash.slice(0, 12));
    expect(pullOf(number)?.labels).toEqual(["folioctl", "folioctl: pending"]);
    const head = await w.repo.git.branchSha(`folioctl/rebalance/${STALE}`);
    expect(w.repo.statuses.filter((s) => s.sha === head)).toHaveLength(1);
  });

  it("closes its pull request once nothing is out of band, and reopens the same one when something drifts again", async () => {
    const quiet = await propose(SETTLES);
    expect(quiet.result).toMatchObject({ action: "nothing-to-do", unchanged: true });
    expect(quiet.result).not.toHaveProperty("pull");
    expect(quiet.lines).toContain(`propose ${SETTLES}: ${quiet.result.reason}`);

    moved.set(SETTLES, withPositions(1.5, "VTI"));
    const opened = await propose(SETTLES);
    expect(opened.result.action).toBe("opened");
    const number = opened.result.pull?.number;

    moved.delete(SETTLES);
    const closed = await propose(SETTLES);
    expect(closed.result).toMatchObject({ action: "closed", unchanged: false, pull: { number } });
    expect(pullOf(number)?.state).toBe("closed");
    const comment = w.repo.comments.filter((c) => c.issueNumber === number).at(-1)?.body ?? "";
    expect(comment).toContain(`Closing: nothing to do for ${SETTLES} any more. ${closed.result.reason}.\n\n`);
    expect(comment).toContain(
      "folioctl opens this pull request again when a holding drifts out of its band.",
    );

    moved.set(SETTLES, withPositions(1.5, "VTI"));
    const reopened = await propose(SETTLES);
    expect(reopened.result).toMatchObject({ action: "reopened", pull: { number } });
    expect(pullOf(number)).toMatchObject({ state: "open", labels: ["folioctl", "folioctl: pending"] });
    expect(w.repo.pulls.filter((p) => p.head === `folioctl/rebalance/${SETTLES}`)).toHaveLength(1);
  });

  it("proposes nothing while the account is suspended, and closes its open pull request saying why", async () => {
    const { result } = await propose(SUSPENDS);
    const number = result.pull?.number;
    const stopped = model(EXAMPLE).replace("suspend: false", "suspend: true");
    await w.mergeIntentFiles({
      "models/stopped.yaml": stopped,
      [`accounts/${SUSPENDS}.yaml`]: accountFile(SUSPENDS, "stopped"),
    });
    const { deps: d, lines } = deps();
    const closing = await runPropose(
      { ...d, snapshot: () => Promise.reject(new Error("no snapshot")) },
      { accounts: [SUSPENDS] },
    );

    expect(closing.results).toEqual([
      expect.objectContaining({
        action: "closed",
        account: SUSPENDS,
        unchanged: false,
        pull: expect.objectContaining({ number }),
      }),
    ]);
    const reason = (closing.results[0] as ProposeResult).reason ?? "";
    expect(reason).toMatch(/^trading is suspended: .* on main \([0-9a-f]{12}\) has `suspend: true`$/);
    expect(lines).toContain(`propose ${SUSPENDS}: ${reason}; proposing nothing`);
    expect(pullOf(number)?.state).toBe("closed");
    expect(w.repo.comments.filter((c) => c.issueNumber === number).at(-1)?.body).toContain(
      `Closing: ${reason}. No plan is proposed while it is; set \`suspend: false\` in a reviewed pull request to trade again`,
    );

    const again = await propose(SUSPENDS);
    expect(again.result).toMatchObject({ action: "suspended", unchanged: true, reason });
    expect(again.result).not.toHaveProperty("pull");
  });

  it("reports an account it cannot plan as failed, with the first line of why", async () => {
    moved.set(UNPLANNABLE, (s) => ({ ...s, quotes: [] }));
    const { deps: d, lines } = deps();

    const run = await runPropose(d, { accounts: [UNPLANNABLE] });

    expect(run.results).toEqual([expect.objectContaining({ action: "failed", account: UNPLANNABLE })]);
    const error = (run.results[0] as { error: Error }).error;
    expect(error.message).toMatch(new RegExp(`^no plan can be made for ${UNPLANNABLE}:\n  `));
    expect(lines).toContain(`propose ${UNPLANNABLE}: failed: ${error.message.split("\n")[0]}`);
    expect(w.repo.pulls.filter((p) => p.head === `folioctl/rebalance/${UNPLANNABLE}`)).toEqual([]);
  });

  it("fails as a whole on a portfolio.yaml repository whose one account cannot be planned", async () => {
    // The same GitHub repository, seen by a runner whose main branch is `solo`: portfolio.yaml alone.
    await w.alice.push(w.repo, {
      branch: "solo",
      files: { accounts: null, models: null, "portfolio.yaml": portfolioYaml(EXAMPLE) },
    });
    const solo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() }, mainBranch: "solo" });
    moved.set(ACCOUNT, (s) => ({ ...s, quotes: [] }));
    const { deps: d, lines } = deps();

    // As apply's fresh proposal asks, for its one account (so that no other pull request is looked at).
    await expect(runPropose({ ...d, repo: solo }, { accounts: [ACCOUNT] })).rejects.toThrow(
      new RegExp(`^no plan can be made for ${ACCOUNT}:\n  `),
    );
    expect(lines.filter((l) => l.includes("failed"))).toEqual([]);
    expect(w.repo.pulls.filter((p) => p.head === `folioctl/rebalance/${ACCOUNT}`)).toEqual([]);
  });

  it("replaces a plan file made unreadable on the branch, saying why", async () => {
    const { result } = await propose(UNREADABLE);
    const number = result.pull?.number;
    await w.alice.push(w.repo, {
      branch: `folioctl/rebalance/${UNREADABLE}`,
      files: { [`plans/${UNREADABLE}.plan.json`]: "not a plan\n" },
    });

    const again = await propose(UNREADABLE);

    expect(again.result).toMatchObject({ action: "updated", pull: { number } });
    expect(again.result.reason).toMatch(
      /^the branch's head [0-9a-f]{12} is not a plan commit folioctl made /,
    );
    expect(again.lines).toContain(
      `propose ${UNREADABLE}: replacing plan on #${number}: ${again.result.reason}`,
    );
    expect((await planOn(UNREADABLE)).hash).toBe(again.result.plan?.hash);
  });

  it("opens a new pull request when GitHub will not reopen the closed one, and looks for none while one is open", async () => {
    const { result } = await propose(REOPEN_FAILS);
    const first = result.pull?.number ?? 0;
    await w.alice.closeWithoutMerge(w.repo, first);
    await w.deleteBranch(`folioctl/rebalance/${REOPEN_FAILS}`);
    const ofAccount = () => w.repo.pulls.filter((p) => p.head === `folioctl/rebalance/${REOPEN_FAILS}`);

    // An error that is not GitHub's answer (a defect of folioctl's own) is not taken for a refusal: the
    // account fails, and no second pull request is opened next to the closed one.
    const broken: Forge = Object.create(forge) as Forge;
    broken.reopenPullRequest = () => Promise.reject(new Error("internal: reopening broke"));
    const failing = deps();
    const failed = await runPropose({ ...failing.deps, forge: broken }, { accounts: [REOPEN_FAILS] });
    expect(failed.results).toEqual([expect.objectContaining({ action: "failed", account: REOPEN_FAILS })]);
    expect(failing.lines).toContain(`propose ${REOPEN_FAILS}: failed: internal: reopening broke`);
    expect(ofAccount().map((p) => [p.number, p.state])).toEqual([[first, "closed"]]);

    const again = await propose(REOPEN_FAILS);

    expect(again.result.action).toBe("opened");
    const second = again.result.pull?.number;
    expect(second).not.toBe(first);
    expect(again.lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^propose ${REOPEN_FAILS}: cannot reopen #${first} \\(.*head branch has been deleted.*\\); opening a new one$`,
        ),
      ),
    );
    expect(ofAccount().map((p) => [p.number, p.state])).toEqual([
      [first, "closed"],
      [second, "open"],
    ]);

    // The market moves: the open pull request is updated, and the closed one is left alone.
    moved.set(REOPEN_FAILS, withQuote("VNQ", 1.03));
    const updated = await propose(REOPEN_FAILS);
    expect(updated.result).toMatchObject({ action: "updated", pull: { number: second } });
    expect(updated.lines.filter((l) => l.includes("reopen"))).toEqual([]);
  });

  it("proposes all the same when the look-up for merged plans never applied fails, saying so", async () => {
    const { deps: d, lines } = deps();
    // GitHub failing on that one listing; every other call goes through.
    const failing: Forge = Object.create(forge) as Forge;
    failing.listMergedRebalancePullRequests = () => Promise.reject(new Error("listing failed"));

    const run = await runPropose({ ...d, forge: failing }, { accounts: [OPENS] });

    expect(run.results).toEqual([
      expect.objectContaining({ account: OPENS, action: expect.stringMatching(/^(opened|kept)$/) }),
    ]);
    expect(run.results[0]).not.toHaveProperty("neverApplied");
    expect(lines).toContain(
      `propose ${OPENS}: could not look for merged plans never applied: Error: listing failed`,
    );
  });
});
