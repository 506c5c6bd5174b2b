// runPropose (propose.ts) over every account of the repository at once: the accounts read in one gateway
// session (each alone when that session fails), a suspended account left out of it, the pull request of
// an account whose file left main closed, and a merged plan no apply ran for named. One world, one story.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readGatewaySnapshot } from "../../src/broker/read-gateway-snapshot.js";
import type { Portfolio } from "../../src/core/portfolio.js";
import type { Snapshot } from "../../src/core/snapshot.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import type { GitOpsDeps } from "../../src/gitops/gitops-deps.js";
import { runPropose, type ProposeResult } from "../../src/gitops/propose.js";
import { TOOL_VERSION } from "../../src/version.js";
import { model } from "./support/two-account-world.js";
import { ACCOUNT, EXAMPLE, LoopWorld, stopLoopWorlds } from "./support/loop-world.js";

const A = "DU0000011";
const B = "DU0000012";
const C = "DU0000013";
/** Accounts main never had, each with a pull request of the bot's: D's head has no file for it. */
const D = "DU0000014";
const E = "DU0000015";
const accountFile = (account: string, modelName = "core") => `account: ${account}\nmodel: ${modelName}\n`;

let w: LoopWorld;
let example: Promise<Snapshot> | undefined;

beforeAll(async () => {
  w = await LoopWorld.start({
    files: {
      "models/core.yaml": model(EXAMPLE),
      "models/stopped.yaml": model(EXAMPLE).replace("suspend: false", "suspend: true"),
      [`accounts/${A}.yaml`]: accountFile(A),
      // B and C are one login's (group `partner`): C stays on main when B's file leaves it.
      [`accounts/${B}.yaml`]: `${accountFile(B)}group: partner\n`,
      [`accounts/${C}.yaml`]: `${accountFile(C, "stopped")}group: partner\n`,
    },
  });
});
afterAll(stopLoopWorlds);

async function deps(together: (portfolios: Portfolio[]) => Promise<Snapshot[]>) {
  const lines: string[] = [];
  const one = async (portfolio: Portfolio): Promise<Snapshot> => {
    example ??= readGatewaySnapshot(
      { host: "127.0.0.1", port: w.sim.port, clientId: 52 },
      { ...portfolio, account: ACCOUNT },
      () => new Date(),
    );
    return { ...(await example), account: portfolio.account };
  };
  const d: GitOpsDeps = {
    forge: createGitHubForge(w.env),
    repo: await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } }),
    log: (line) => lines.push(line),
    now: () => new Date(),
    toolVersion: TOOL_VERSION,
    sleep: async () => undefined,
    snapshot: one,
    snapshotAccounts: together,
  };
  return { d, lines, one };
}

/** A pull request of the bot for `account` whose head holds `files`, as an earlier run left it. */
async function botPull(account: string, files: Record<string, string>): Promise<number> {
  const head = `folioctl/rebalance/${account}`;
  await w.bot.push(w.repo, { branch: head, files });
  const { number } = await w.bot.openPullRequest(w.repo, { head, title: `Rebalance ${account}` });
  await w.bot.call("POST", `/repos/acme/ops/issues/${number}/labels`, { labels: ["folioctl"] });
  return number;
}

const results = (run: { results: Array<{ account: string; action: string }> }) =>
  run.results.map((r) => [r.account, r.action]);

describe("runPropose over every account", () => {
  it("stops before reading anything when --group names a group main does not have", async () => {
    const { d, lines } = await deps(() => Promise.reject(new Error("nothing is read")));
    const requests = w.github.requests().length;
    await expect(runPropose(d, { selection: { groups: ["nope"], accounts: [] } })).rejects.toThrow(
      /^there is no account in group `nope` on main \([0-9a-f]{12}\)$/,
    );
    expect(w.github.requests()).toHaveLength(requests);
    expect(lines).toEqual([]);
  });

  it("reads the accounts together, closes the pull request of an account that left main, and names a merged plan never applied", async () => {
    // The session for all accounts fails: each is read alone, and the run says why.
    const asked: string[][] = [];
    const failing = await deps((portfolios) => {
      asked.push(portfolios.map((p) => p.account));
      return Promise.reject(new Error("contract VTI is ambiguous\nat the gateway"));
    });
    const first = await runPropose(failing.d);
    expect(asked).toEqual([[A, B]]);
    expect(results(first)).toEqual([
      [A, "opened"],
      [B, "opened"],
      [C, "suspended"],
    ]);
    expect(failing.lines).toContain(
      "propose: reading 2 accounts in one session failed (contract VTI is ambiguous); reading each alone",
    );

    // Read together: one session for both, and nothing else read.
    const together = await deps(async (portfolios) => Promise.all(portfolios.map((p) => together.one(p))));
    const alone = { ...together.d, snapshot: () => Promise.reject(new Error("read alone")) };
    const second = await runPropose(alone);
    expect(results(second)).toEqual([
      [A, "kept"],
      [B, "kept"],
      [C, "suspended"],
    ]);

    // Without a gateway session for several accounts, each is read alone, and no session is tried.
    const single = await deps(() => Promise.reject(new Error("not together")));
    delete single.d.snapshotAccounts;
    const each = await runPropose({ ...single.d, snapshot: together.one });
    expect(results(each)).toEqual(results(second));
    expect(single.lines.filter((l) => l.includes("one session"))).toEqual([]);

    // B's file leaves main: its open pull request is closed, saying why.
    const bPull = (second.results[1] as ProposeResult).pull?.number;
    await w.mergeIntentFiles({ [`accounts/${B}.yaml`]: null });
    const dPull = await botPull(D, { "notes.md": "no account file\n" });
    const ePull = await botPull(E, { [`accounts/${E}.yaml`]: accountFile(E) });
    const stateOf = (number: number | undefined) => w.repo.pulls.find((p) => p.number === number)?.state;
    const stillOpen = () => stateOf(bPull);
    // Not by a run of some accounts.
    const ofA = await runPropose(together.d, { selection: { groups: [], accounts: [A] } });
    expect(results(ofA)).toEqual([[A, "kept"]]);
    // Nor by apply's fresh proposal of some accounts.
    const freshOfA = await runPropose(together.d, { accounts: [A] });
    expect(results(freshOfA)).toEqual([[A, "kept"]]);
    // A group's run closes only the orphans of its group, read at their heads; one whose group cannot be
    // read is left to a run of every group.
    const ofDefault = await runPropose(together.d, { selection: { groups: ["default"], accounts: [] } });
    expect(results(ofDefault)).toEqual([
      [A, "kept"],
      [E, "closed"],
    ]);
    expect(together.lines).toContain(
      `propose ${D}: no longer on main, and its group cannot be read at #${dPull}'s head; left open for \`folioctl propose\` without --group`,
    );
    expect([stillOpen(), stateOf(dPull), stateOf(ePull)]).toEqual(["open", "open", "closed"]);
    // One account left to read: read alone, not in a session of its own.
    const third = await runPropose(together.d);
    expect(results(third)).toEqual([
      [A, "kept"],
      [C, "suspended"],
      [B, "closed"],
      [D, "closed"],
    ]);
    const closed = third.results[2] as ProposeResult;
    expect(closed.unchanged).toBe(false);
    expect(closed.reason).toBe(
      `${B} is no longer an account on main (${third.mainSha.slice(0, 12)}): its files were removed or renamed`,
    );
    expect(together.lines).toContain(`propose ${B}: ${closed.reason}; closing #${bPull}`);
    expect(stillOpen()).toBe("closed");
    expect(w.repo.comments.filter((c) => c.issueNumber === bPull).at(-1)?.body).toContain(
      `Closing: ${closed.reason}. folioctl proposes no plan for it, and a plan merged from here would be refused (\`intent-changed\`). Add the account's file back in a reviewed pull request to trade it again.`,
    );

    // A's plan is merged, and no apply runs for it: the next proposal names it.
    const aPull = (third.results[0] as ProposeResult).pull?.number ?? 0;
    await w.approveAndMerge(aPull);
    const { d, lines } = await deps(() => Promise.reject(new Error("one account")));
    const fourth = await runPropose(d, { accounts: [A] });
    const [result] = fourth.results as ProposeResult[];
    expect(result?.neverApplied).toEqual([expect.objectContaining({ number: aPull })]);
    expect(
      lines.some((l) => l.startsWith(`propose ${A}: `) && l.includes(`#${aPull}`) && l.includes("never")),
    ).toBe(true);
  });
});
