// apply --on-merge after the engine ran: partial fills, a refusal of the engine's own, and commits that
// did not come from folioctl's pull request.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyClientId } from "../../src/apply/apply-client-id.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import {
  ACCOUNT,
  BOT,
  EXAMPLE,
  LoopWorld,
  stopLoopWorlds,
  PLAN_FILE,
  portfolioYaml,
} from "./support/loop-world.js";

const APPLY = { FOLIOCTL_CLIENT_ID: "23" };
const STATUS = `folioctl/apply (${ACCOUNT})`;
const VTI = 756733;

afterEach(async () => {
  await stopLoopWorlds();
  await stopSims();
});

async function givenAMergedPlan(): Promise<{ w: LoopWorld; number: number; sha: string }> {
  const w = await LoopWorld.start();
  await w.mergeIntent(portfolioYaml(EXAMPLE));
  await w.run(["propose"]);
  const number = w.openBotPull()?.number ?? 0;
  await w.alice.approve(w.repo, number);
  return { w, number, sha: await w.bob.merge(w.repo, number) };
}

async function ledgerRecords(w: LoopWorld): Promise<Array<Record<string, unknown>>> {
  const files = await w.filesOnMain(`ledger/${ACCOUNT}`);
  return Promise.all(
    files.map(async (f) => JSON.parse((await w.mainFile(f)) ?? "{}") as Record<string, unknown>),
  );
}

describe("apply --on-merge reports what the engine did", () => {
  it("a partial apply is labelled applied, fails its status, and proposes the rest", async () => {
    const { w, number, sha } = await givenAMergedPlan();
    w.sim.injectFault({ type: "reject", symbol: "VNQ", reason: "not enough buying power" });

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(4);
    expect(run.stdout).toContain("partly applied");
    expect(w.repo.pulls.find((p) => p.number === number)?.labels).toEqual(["folioctl", "folioctl: applied"]);
    expect(w.repo.statuses.filter((s) => s.context === STATUS).at(-1)).toMatchObject({
      sha,
      context: STATUS,
      state: "failure",
      description: "partly applied: 2/3 legs filled",
    });
    expect(await ledgerRecords(w)).toEqual([expect.objectContaining({ outcome: "partial" })]);
    // The fresh plan is for what is still out of band: VNQ.
    const fresh = w.openBotPull();
    expect(fresh?.number).toBe(number + 1);
    expect(fresh?.body).toMatch(/\| B1 \| BUY \| \d+ \| VNQ \|/);
    expect(run.stderr).toContain(`propose: Opened #${number + 1}`);
  });

  it("a re-run after IB forgot the day follows the ledger on main and sends nothing again", async () => {
    const { w, sha } = await givenAMergedPlan();
    // Once: the gateway of the next day (which copies the state) would take VNQ, so only the ledger
    // keeps it from being sent again.
    w.sim.injectFault({ type: "reject", symbol: "VNQ", reason: "not enough buying power", times: 1 });
    expect((await w.run(["apply", "--on-merge", "--sha", sha], APPLY)).code).toBe(4);
    // The same account on a gateway that remembers no orders and no executions (a new day).
    const forgetful = await startTestSim({ state: w.sim.snapshotState() });

    const rerun = await w.run(["apply", "--on-merge", "--sha", sha], {
      ...APPLY,
      FOLIOCTL_GATEWAY: `${forgetful.host}:${forgetful.port}`,
    });

    expect(forgetful.orders()).toEqual([]);
    expect(rerun.code).toBe(4);
    expect(rerun.stdout).toContain("already attempted: nothing was sent");
    expect((await ledgerRecords(w)).map((r) => r["outcome"])).toEqual(["partial", "partial"]);
  });

  it("keeps the lock when main refuses the ledger of sent orders, so a later run cannot send them again", async () => {
    const { w, number, sha } = await givenAMergedPlan();
    // main refuses every push from now on: a ruleset without the folioctl App as a bypass actor
    await w.repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    const summary = join(w.root, "step-summary.md");

    const run = await w.run(["apply", "--on-merge", "--sha", sha], {
      ...APPLY,
      GITHUB_STEP_SUMMARY: summary,
    });

    expect(run.code).toBe(1);
    expect(w.sim.orders().length).toBeGreaterThan(0);
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toEqual([]);
    expect(run.stderr).toContain(`the ledger record is not on main, so the lock on ${ACCOUNT} stays`);
    // The error names the setting that is missing
    expect(run.stderr).toMatch(
      /folioctl: error: main refused the ledger record ledger\/DU1234567\/\d{8}T\d{6}Z-[0-9a-f]{12}\.json \(.*push declined due to repository rule violations.*\)\. A ruleset on main does not let the folioctl GitHub App push: add the App to the bypass list \(Always allow\) of every ruleset that targets main/,
    );
    // The record is in the log, whole, to be committed by hand.
    const logged = run.stderr.split("\n").find((line) => line.startsWith('{"schemaVersion"')) ?? "{}";
    const record = JSON.parse(logged) as { planHash: string; outcome: string };
    expect(record).toMatchObject({ planHash: expect.any(String), outcome: "applied" });
    // And byte for byte in the job summary and in the pull request's report
    const file = `${JSON.stringify(record, null, 2)}\n`;
    expect(await readFile(summary, "utf8")).toContain(`\`\`\`json\n${file}\`\`\``);
    const report = w.repo.comments.find((c) => c.issueNumber === number && c.author === BOT)?.body ?? "";
    expect(report).toContain("**The ledger record is not on main**");
    expect(report).toContain(`\`\`\`json\n${file}\`\`\``);
    const operator = await SimpleGitRepo.open(await w.cloneAgain("operator"), {
      clock: { now: () => new Date() },
    });
    expect(await operator.readLock(ACCOUNT)).not.toBeNull();

    // A re-run on a gateway that forgot the day is refused as locked and sends nothing
    const forgetful = await startTestSim({ state: w.sim.snapshotState() });
    const rerun = await w.run(["apply", "--on-merge", "--sha", sha], {
      ...APPLY,
      FOLIOCTL_GATEWAY: `${forgetful.host}:${forgetful.port}`,
    });
    expect(rerun.code).toBe(3);
    expect(rerun.stderr).toContain("refused (locked)");
    // Said once, with its hint: not once by the run and again by the command's summary.
    expect(rerun.stderr.match(/refused \(locked\)/g)).toHaveLength(1);
    expect(forgetful.orders()).toEqual([]);
  });

  it("a plan gone stale between merge and apply is refused by the engine, recorded, and proposed afresh", async () => {
    const { w, number, sha } = await givenAMergedPlan();
    w.sim.setQuote(31230302, { bid: 90.0, ask: 90.1, last: 90.05 });

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      "refused (stale): the market changed since the plan was made (1 difference)",
    );
    // The difference is listed once in the log and once in the comment, with the loop's hint.
    const vnq = /VNQ price: planned 88\.40, now 90\.05 \(\+186\.7 bps\)/g;
    expect(run.stdout.match(vnq)).toHaveLength(1);
    expect(w.sim.orders()).toEqual([]);
    expect(w.repo.pulls.find((p) => p.number === number)?.labels).toEqual(["folioctl", "folioctl: refused"]);
    const report = w.repo.comments.find((c) => c.issueNumber === number && c.author === BOT)?.body ?? "";
    expect(report).toContain("refused: nothing was sent (stale)");
    expect(report.match(vnq)).toHaveLength(1);
    expect(report).toContain(
      "**What to do:** Nothing was sent. Run `folioctl propose` (or wait for the scheduled run) and review the new plan. If prices move this much routinely, raise `tolerances.priceMoveBps` in portfolio.yaml on main.",
    );
    expect(report).toMatch(/ledger: `ledger\/DU1234567\/\d{8}T\d{6}Z-[0-9a-f]{12}\.json`/);
    expect(await ledgerRecords(w)).toEqual([
      expect.objectContaining({ outcome: "refused", refusal: expect.objectContaining({ reason: "stale" }) }),
    ]);
    expect(w.openBotPull()?.number).toBe(number + 1);
  });

  it("the kill switch merged after the plan refuses it as suspended, and nothing new is proposed", async () => {
    const { w, number, sha } = await givenAMergedPlan();
    await w.mergeIntent(
      portfolioYaml(EXAMPLE, (y) => y.replace("suspend: false", "suspend: true")),
      "Stop",
    );

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /refused \(suspended\): trading is suspended: portfolio\.yaml on main \(at \w{12}\)/,
    );
    // A refusal before the plan is executed is logged once, like the engine's own.
    expect(run.stderr.match(/refused \(suspended\)/g)).toHaveLength(1);
    expect(w.sim.orders()).toEqual([]);
    expect(w.repo.pulls.find((p) => p.number === number)?.labels).toEqual(["folioctl", "folioctl: refused"]);
    expect(run.stderr).toContain("Nothing proposed for DU1234567: trading is suspended");
    expect(w.openBotPull()).toBeUndefined();
  });

  it("a plan merged from a person's pull request is refused as tampered, commented there but not labelled", async () => {
    const { w, sha: first } = await givenAMergedPlan();
    expect((await w.run(["apply", "--on-merge", "--sha", first], APPLY)).code).toBe(0);
    const planText = (await w.mainFile(PLAN_FILE)) ?? "";
    // A person copies the applied plan back in through their own pull request.
    await w.alice.push(w.repo, { branch: "again", files: { [PLAN_FILE]: planText.replace(/\n$/, "\n\n") } });
    const theirs = await w.alice.openPullRequest(w.repo, { head: "again", title: "Apply it again" });
    await w.bob.approve(w.repo, theirs.number);
    const sha = await w.bob.merge(w.repo, theirs.number);
    const orders = w.sim.orders().length;

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(3);
    expect(run.stderr).toContain(
      `refused (tampered): #${theirs.number} (by alice, from again) is not folioctl's rebalance pull request for ${ACCOUNT}`,
    );
    expect(run.stderr.match(/refused \(tampered\)/g)).toHaveLength(1);
    expect(w.sim.orders()).toHaveLength(orders);
    expect(w.repo.pulls.find((p) => p.number === theirs.number)?.labels).toEqual([]);
    expect(
      w.repo.comments.some((c) => c.issueNumber === theirs.number && c.body.includes("(tampered)")),
    ).toBe(true);
  });

  it("a commit that changes the plans of two accounts is applied for neither", async () => {
    const w = await LoopWorld.start();
    const sha = await w.alice.push(w.repo, {
      branch: "main",
      files: { "plans/DU1111111.plan.json": "{}\n", "plans/DU2222222.plan.json": "{}\n" },
    });

    const run = await w.run(["apply", "--on-merge", "--sha", sha], APPLY);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "changes the plans of several accounts (DU1111111, DU2222222); nothing was applied",
    );
    expect(w.sim.orders()).toEqual([]);
  });
});

// `unlock` while an apply still runs: the lock's heartbeat says the holder is alive, so unlock refuses;
// forced anyway, a second apply is still kept out, by the runner's lock file and by the gateway.
describe("apply --on-merge while another apply for the account runs", () => {
  it("refuses to unlock a running apply, and after a forced unlock a second apply is refused and sends nothing", async () => {
    // Given a merged, approved plan whose apply is running: VTI's bid fell below the sell's limit (within
    // the price tolerance), so the sell rests unfilled and the apply waits for it
    const { w, sha } = await givenAMergedPlan();
    const plan = JSON.parse((await w.mainFile(PLAN_FILE)) ?? "{}") as {
      orders: unknown[];
    };
    w.sim.setQuote(VTI, { bid: 249.6, ask: 249.7, last: 249.65 });
    const first = w.run(["apply", "--on-merge", "--sha", sha], {
      GITHUB_RUN_ID: "3001",
      FOLIOCTL_LOCK_HEARTBEAT: "5s",
    });
    await expect.poll(() => w.sim.orders().length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);

    // Then its lock's heartbeat is renewed while it runs
    const operator = await SimpleGitRepo.open(await w.cloneAgain("operator"), {
      clock: { now: () => new Date() },
    });
    await expect
      .poll(
        async () => {
          const lock = await operator.readLock(ACCOUNT);
          return lock === null ? 0 : lock.heartbeatAt.getTime() - lock.acquiredAt.getTime();
        },
        { timeout: 30_000, interval: 200 },
      )
      .toBeGreaterThan(0);

    // And unlock --yes refuses, naming the holder and its run
    // (unlock's waits end when the running apply has renewed its heartbeat once more)
    const untilHeartbeatMoves = async () => {
      const seen = (await operator.readLock(ACCOUNT))?.heartbeatAt.getTime();
      await expect
        .poll(async () => (await operator.readLock(ACCOUNT))?.heartbeatAt.getTime(), {
          timeout: 30_000,
          interval: 200,
        })
        .not.toBe(seen);
    };
    const refused = await w.run(["unlock", ACCOUNT, "--yes"], {}, w.clone, untilHeartbeatMoves);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(
      /held by folioctl apply --on-merge on .* \(run https:\/\/github\.com\/acme\/ops\/actions\/runs\/3001\)/,
    );
    expect(refused.stderr).toContain("not removing the lock for DU1234567: its holder is still running");

    // When the operator forces it anyway, the warning says what can happen
    const forced = await w.run(["unlock", ACCOUNT, "--yes", "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain("can send its orders a second time");

    // Then a second apply on the same runner is refused by the lock file
    const second = await w.run(
      ["apply", "--on-merge", "--sha", sha],
      { GITHUB_RUN_ID: "3002" },
      await w.cloneAgain("ops-2"),
    );
    expect(second.code, second.stderr).toBe(3);
    expect(second.stderr).toMatch(
      /refused \(locked\): another apply for DU1234567 is running: process \d+ on /,
    );

    // And one on another runner (its own lock directory) is refused by the gateway
    const third = await w.run(
      ["apply", "--on-merge", "--sha", sha],
      { GITHUB_RUN_ID: "3003", FOLIOCTL_LOCK_DIR: join(w.root, "other-runner-locks") },
      await w.cloneAgain("ops-3"),
    );
    expect(third.code, third.stderr).toBe(3);
    expect(third.stderr).toMatch(
      /refused \(locked\): another apply for DU1234567 is connected to the IB Gateway \(FOLIOCTL_GATEWAY\) with client id 7\d{3}/,
    );
    // The refusal reached the merge commit's status: it must not carry the gateway's address.
    const address = `127.0.0.1:${w.sim.port}`;
    expect(third.stderr).not.toContain(address);
    expect(JSON.stringify(w.repo.statuses)).not.toContain(address);

    // When the first apply's connection drops, it reconnects with the same client id and finishes alone:
    // every leg was placed once and recorded once
    w.sim.disconnectClient(applyClientId(ACCOUNT));
    w.sim.setQuote(VTI, { bid: 249.95, ask: 250.05, last: 250.0 });
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain("reconnected");
    expect([...w.ordersPerRef().values()]).toEqual(plan.orders.map(() => 1));
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(1);
    expect(w.repo.statuses.filter((s) => s.context === STATUS).at(-1)).toMatchObject({
      sha,
      state: "success",
    });
  }, 120_000);
});
