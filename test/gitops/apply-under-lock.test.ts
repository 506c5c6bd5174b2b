// applyMergedCommit from the lock on (apply-on-merge.ts): the lock is taken before the broker is opened
// and held until the record is on main, renewed by its heartbeat, never taken from another holder, and
// kept when orders went out without their record; the engine runs on the plan exactly as merged.
// One world for the file: the bot's plan, approved and merged. Each test that trades starts a simulator
// from the account as it was at the merge, and puts main back to the merge commit (dropping the records
// earlier tests committed), so that the same merge can be applied again from scratch.
import { execFile } from "node:child_process";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ApplyBroker } from "../../src/apply/apply-broker.js";
import { applyClientId } from "../../src/apply/apply-client-id.js";
import type { ProgressEvent } from "../../src/apply/execution-types.js";
import type { Broker } from "../../src/broker/broker.js";
import type { GatewaySim } from "../../src/gateway-sim/index.js";
import type { SimStateFile } from "../../src/gateway-sim/index.js";
import { createGitHubForge } from "../../src/forge/create-github-forge.js";
import type { Forge } from "../../src/forge/forge.js";
import type { LockInfo } from "../../src/git/git-repo.js";
import type { ScheduleBeat } from "../../src/git/lock-heartbeat.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { applyMergedCommit, type ApplyOnMergeOptions } from "../../src/gitops/apply-on-merge.js";
import { BrokerError } from "../../src/errors.js";
import { startTestSim, stopSims } from "../gateway-sim/support/start-test-sim.js";
import { ACCOUNT, EXAMPLE, LoopWorld, portfolioYaml, stopLoopWorlds } from "./support/loop-world.js";
import { applyOnMergeDeps } from "./support/apply-on-merge-deps.js";

const git = promisify(execFile);
const STATUS = `folioctl/apply (${ACCOUNT})`;
const LOCK_REF = `refs/folioctl/locks/${ACCOUNT}`;

let w: LoopWorld;
let forge: Forge;
let repo: SimpleGitRepo;
/** A second checkout, as an operator's: it reads and takes the lock on GitHub independently. */
let operator: SimpleGitRepo;
let number: number;
let sha: string;
let planHash: string;
let planOrders: number;
/** The simulator's account as it was when the plan was merged. */
let atMerge: SimStateFile;

beforeAll(async () => {
  w = await LoopWorld.start();
  const proposal = await w.mergeIntentAndPropose(portfolioYaml(EXAMPLE));
  number = proposal.number;
  planHash = proposal.plan.hash;
  planOrders = proposal.plan.orders.length;
  sha = await w.approveAndMerge(number);
  forge = createGitHubForge(w.env);
  repo = await SimpleGitRepo.open(w.clone, { clock: { now: () => new Date() } });
  operator = await SimpleGitRepo.open(await w.cloneAgain("operator"), { clock: { now: () => new Date() } });
  atMerge = w.sim.snapshotState();
});
afterAll(stopLoopWorlds);
afterEach(async () => {
  await stopSims();
  await w.repo.git.liftRuleset("refs/heads/main");
  await w.repo.git.liftRuleset(LOCK_REF);
  await operator.forceRemoveLock(ACCOUNT);
});

/** main on GitHub back at the merge commit: the records of earlier tests' applies are gone. */
async function mainAtMerge(): Promise<void> {
  await git("git", ["--git-dir", w.repo.git.gitDir, "update-ref", "refs/heads/main", sha], { env: w.env });
}

interface During {
  /** Runs as the broker connects, before anything is sent. */
  connect?: () => Promise<void>;
  /** Runs before each order reaches the broker. */
  placeOrder?: () => Promise<void>;
}

/** The account's apply broker on `sim`, with `during` run at its connection and before each order. */
function brokerOn(sim: GatewaySim, lines: string[], during: During): (account: string) => Broker {
  return (account) => {
    const broker = new ApplyBroker({
      host: "127.0.0.1",
      port: sim.port,
      clientId: applyClientId(account),
      now: () => new Date(),
      account,
      lockDir: w.env["FOLIOCTL_LOCK_DIR"]!,
      log: (line) => lines.push(line),
    });
    return new Proxy(broker, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        const hook =
          key === "connect" ? during.connect : key === "placeOrder" ? during.placeOrder : undefined;
        if (typeof value !== "function") return value;
        const method = (value as (...args: unknown[]) => Promise<unknown>).bind(target);
        if (hook === undefined) return method;
        return async (...args: unknown[]) => {
          await hook();
          return method(...args);
        };
      },
    });
  };
}

function deps(broker: (account: string) => Broker) {
  return applyOnMergeDeps(forge, repo, { broker: () => broker });
}

const noBroker = () => {
  throw new Error("no broker is opened here");
};

const options = (over: Partial<ApplyOnMergeOptions> = {}): ApplyOnMergeOptions => ({
  sha,
  requireApprovals: 1,
  waveTimeoutMs: 30_000,
  identity: { holder: "apply on runner-1", runId: "run-7", url: "https://run/7" },
  // No timer: a test beats on demand.
  heartbeat: { intervalMs: 4_321, schedule: () => () => undefined },
  ...over,
});
/** A heartbeat schedule that beats only when asked to. */
function beatsOnDemand() {
  const intervals: number[] = [];
  let beat = (): void => {
    throw new Error("no heartbeat was scheduled");
  };
  let rescheduled = (): void => undefined;
  const schedule: ScheduleBeat = (next, ms) => {
    intervals.push(ms);
    beat = next;
    rescheduled();
    return () => undefined;
  };
  // A beat is over when it schedules the next one.
  const beatOnce = () =>
    new Promise<void>((resolve) => {
      rescheduled = resolve;
      beat();
    });
  return { intervals, schedule, beatOnce };
}

const statuses = () => w.repo.statuses.filter((s) => s.sha === sha && s.context === STATUS);
const labels = () => w.repo.pulls.find((p) => p.number === number)?.labels ?? [];

describe("applyMergedCommit under the account's lock", () => {
  it("refuses as locked while another run holds the lock: no status, no report, no broker", async () => {
    const theirs = await operator.acquireLock({
      account: ACCOUNT,
      holder: "apply on runner-2",
      runId: "run-6",
    });
    const before = w.repo.statuses.length;
    const comments = w.repo.comments.length;
    const { deps: d } = deps(noBroker);

    const result = await applyMergedCommit(d, options(), sha, ACCOUNT);

    expect(result).toEqual({
      exitCode: 3,
      sha,
      account: ACCOUNT,
      pull: expect.objectContaining({ number }),
      refusal: {
        reason: "locked",
        message: `the lock ${LOCK_REF} is held by apply on runner-2 (run run-6) since ${theirs.acquiredAt.toISOString()}`,
        hint:
          "wait for that run to finish; if it is no longer running, remove the stale lock with " +
          `\`folioctl unlock ${ACCOUNT} --yes\``,
      },
    });
    expect(w.repo.statuses).toHaveLength(before);
    expect(w.repo.comments).toHaveLength(comments);
    expect((await operator.readLock(ACCOUNT))?.sha).toBe(theirs.sha);
  });

  it("fails, without a status or a broker, when the lock cannot be taken for another reason", async () => {
    await w.repo.git.refusePushesByRuleset(LOCK_REF, "https://github.com/acme/ops/rules");
    const before = w.repo.statuses.length;
    const { deps: d } = deps(noBroker);

    await expect(applyMergedCommit(d, options(), sha, ACCOUNT)).rejects.toThrow(
      /push declined due to repository rule violations/,
    );
    expect(w.repo.statuses).toHaveLength(before);
  });

  it("says a broker failure on the status in its first line, and releases the lock", async () => {
    // The pending status is lost: the apply goes on and says so.
    w.github.failNext({ operationId: "repos/create-commit-status", status: 422, message: "No commit found" });
    const { deps: d, lines } = deps(() => {
      throw new Error("cannot reach the gateway\nsecond line");
    });

    // Without a heartbeat option: the default schedule and interval.
    await expect(applyMergedCommit(d, options({ heartbeat: undefined }), sha, ACCOUNT)).rejects.toThrow(
      "cannot reach the gateway",
    );

    expect(lines.some((l) => l.startsWith("apply: could not set the pending status: "))).toBe(true);
    expect(statuses().at(-1)).toMatchObject({
      state: "error",
      description: "failed: cannot reach the gateway",
    });
    expect(await operator.readLock(ACCOUNT)).toBeNull();
  });

  it("applies the plan as merged with the lock held from before the broker opens to after the record is on main", async () => {
    await mainAtMerge();
    const sim = await startTestSim({ state: atMerge });
    const tmp = join(w.root, "tmp-apply");
    await mkdir(tmp, { recursive: true });
    const locks: Array<LockInfo | null> = [];
    const copies: string[][] = [];
    const pendingAtConnect: unknown[] = [];
    const lines: string[] = [];
    const during: During = {
      connect: async () => {
        locks.push(await operator.readLock(ACCOUNT));
        pendingAtConnect.push(statuses().at(-1));
        const [dir] = await readdir(tmp);
        copies.push([dir ?? "", ...(dir === undefined ? [] : await readdir(join(tmp, dir)))]);
      },
      placeOrder: async () => {
        // One heartbeat before the first order: the lock released at the end is the renewed one.
        if (locks.length === 1) await heartbeat.beatOnce();
        locks.push(await operator.readLock(ACCOUNT));
      },
    };
    const heartbeat = beatsOnDemand();
    const events: ProgressEvent[] = [];
    const { deps: d, lines: logged } = deps(brokerOn(sim, lines, during));
    const saved = process.env["TMPDIR"];
    process.env["TMPDIR"] = tmp;
    const result = await applyMergedCommit(
      d,
      options({
        onProgress: (e) => events.push(e),
        heartbeat: { intervalMs: 4_321, schedule: heartbeat.schedule },
      }),
      sha,
      ACCOUNT,
    ).finally(() => {
      if (saved === undefined) delete process.env["TMPDIR"];
      else process.env["TMPDIR"] = saved;
    });

    expect(result.record?.refusal ?? null).toBeNull();
    expect(result).toMatchObject({ exitCode: 0, sha, account: ACCOUNT, pull: { number } });
    expect(result.record).toMatchObject({ outcome: "applied", planHash });
    expect(result.report).toMatchObject({ problems: [], ledger: { committed: true } });
    expect(sim.orders()).toHaveLength(planOrders);
    expect(events.length).toBeGreaterThan(0);
    // The lock, this run's, at the connection and before every order.
    expect(locks).toHaveLength(planOrders + 1);
    for (const lock of locks) {
      expect(lock).toMatchObject({ holder: "apply on runner-1", runId: "run-7", heartbeatIntervalMs: 4_321 });
    }
    expect(locks[1]?.sha).not.toBe(locks[0]?.sha);
    expect(locks[1]!.heartbeatAt.getTime()).toBeGreaterThanOrEqual(locks[0]!.heartbeatAt.getTime());
    expect(heartbeat.intervals).toEqual([4_321, 4_321]);
    expect(pendingAtConnect).toEqual([
      expect.objectContaining({
        state: "pending",
        description: `applying plan ${planHash.slice(0, 12)}`,
        targetUrl: "https://run/7",
      }),
    ]);
    // The engine read a copy of the merged plan, which is gone after the run.
    expect(copies).toEqual([[expect.stringMatching(/^folioctl-apply-/), `${ACCOUNT}.plan.json`, "ledger"]]);
    expect(await readdir(tmp)).toEqual([]);
    // Released once the record is on main, labelled and reported on the pull request.
    expect(await operator.readLock(ACCOUNT)).toBeNull();
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toEqual([result.report?.ledger?.path]);
    expect(labels()).toContain("folioctl: applied");
    expect(statuses().at(-1)).toMatchObject({ state: "success", targetUrl: "https://run/7" });
    expect(logged.filter((l) => l.includes("lock"))).toEqual([]);
  });

  it("sends nothing for a merge it applied before, even on a gateway that forgot the day", async () => {
    await mainAtMerge();
    const first = await startTestSim({ state: atMerge });
    const applied = await applyMergedCommit(deps(brokerOn(first, [], {})).deps, options(), sha, ACCOUNT);
    expect(applied.record?.outcome).toBe("applied");
    const forgetful = await startTestSim({ state: atMerge });

    const again = await applyMergedCommit(deps(brokerOn(forgetful, [], {})).deps, options(), sha, ACCOUNT);

    expect(again).toMatchObject({ exitCode: 0, record: { outcome: "already-applied" } });
    expect(forgetful.orders()).toEqual([]);
    expect(await w.filesOnMain(`ledger/${ACCOUNT}`)).toHaveLength(2);
    expect(await operator.readLock(ACCOUNT)).toBeNull();
  });

  it("leaves alone a lock another run took while it applied", async () => {
    await mainAtMerge();
    const sim = await startTestSim({ state: atMerge });
    let theirs: LockInfo | undefined;
    const lines: string[] = [];
    const takeOver = async () => {
      await operator.forceRemoveLock(ACCOUNT);
      theirs = await operator.acquireLock({ account: ACCOUNT, holder: "apply on runner-2", runId: "run-8" });
    };
    const { deps: d, lines: logged } = deps(brokerOn(sim, lines, { connect: takeOver }));

    const result = await applyMergedCommit(d, options(), sha, ACCOUNT);

    expect(result).toMatchObject({ exitCode: 0, record: { outcome: "applied" } });
    expect(logged).toContain("apply: the lock was taken over by someone else; left alone");
    expect((await operator.readLock(ACCOUNT))?.sha).toBe(theirs?.sha);
  });

  it("says so when its lock cannot be released", async () => {
    await mainAtMerge();
    const sim = await startTestSim({ state: atMerge });
    const refuseLockPushes = () =>
      w.repo.git.refusePushesByRuleset(LOCK_REF, "https://github.com/acme/ops/rules");
    const { deps: d, lines } = deps(brokerOn(sim, [], { connect: refuseLockPushes }));

    const result = await applyMergedCommit(d, options(), sha, ACCOUNT);

    expect(result.exitCode).toBe(0);
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^apply: could not release ${ACCOUNT}'s lock: .*push declined due to repository rule violations`,
        ),
      ),
    );
    expect(await operator.readLock(ACCOUNT)).not.toBeNull();
  });

  it("keeps the lock when main refuses the record of orders it sent, and says how to put it there", async () => {
    await mainAtMerge();
    const sim = await startTestSim({ state: atMerge });
    await w.repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    const { deps: d, lines } = deps(brokerOn(sim, [], {}));

    const result = await applyMergedCommit(d, options(), sha, ACCOUNT);

    // Applied, but not recorded: the run fails.
    expect(result).toMatchObject({ exitCode: 1, record: { outcome: "applied" } });
    expect(sim.orders()).toHaveLength(planOrders);
    const path = result.report?.unrecorded?.path ?? "";
    expect(path).toMatch(new RegExp(`^ledger/${ACCOUNT}/\\d{8}T\\d{6}Z-${planHash.slice(0, 12)}\\.json$`));
    expect(lines).toContain(
      `apply: the ledger record is not on main, so the lock on ${ACCOUNT} stays: orders were sent, and ` +
        `without their record a later apply could send them again. Commit the record as ${path} ` +
        "on main (the job summary and the pull request's report hold it byte for byte, the log above " +
        `has it too), then run \`folioctl unlock ${ACCOUNT} --yes\``,
    );
    expect(await operator.readLock(ACCOUNT)).toMatchObject({ holder: "apply on runner-1", runId: "run-7" });

    // The same when only some of the orders went out: the last one is not acknowledged.
    await operator.forceRemoveLock(ACCOUNT);
    const again = await startTestSim({ state: atMerge });
    let placed = 0;
    const lastUnacknowledged = () =>
      ++placed === planOrders
        ? Promise.reject(new BrokerError("the gateway closed the socket"))
        : Promise.resolve();
    const partly = await applyMergedCommit(
      deps(brokerOn(again, [], { placeOrder: lastUnacknowledged })).deps,
      options(),
      sha,
      ACCOUNT,
    );
    expect(partly.record?.orders.map((o) => o.status === "not-sent")).toEqual([
      ...Array<boolean>(planOrders - 1).fill(false),
      true,
    ]);
    expect(await operator.readLock(ACCOUNT)).not.toBeNull();
  });

  it("releases the lock when main refuses the record of orders none of which went out", async () => {
    await mainAtMerge();
    const sim = await startTestSim({ state: atMerge });
    await w.repo.git.refusePushesByRuleset("refs/heads/main", "https://github.com/acme/ops/rules");
    const unacknowledged = () => Promise.reject(new BrokerError("the gateway closed the socket"));
    const { deps: d, lines } = deps(brokerOn(sim, [], { placeOrder: unacknowledged }));

    const result = await applyMergedCommit(d, options(), sha, ACCOUNT);

    expect(result.record?.orders.map((o) => o.status)).toEqual(Array(planOrders).fill("not-sent"));
    expect(sim.orders()).toEqual([]);
    // The engine's exit code stays, though the record is not on main.
    expect(result).toMatchObject({ exitCode: 4, record: { outcome: "partial" } });
    // Kept for committing by hand: this run's record.
    const unrecorded = result.report?.unrecorded;
    expect(unrecorded?.path).toMatch(
      new RegExp(`^ledger/${ACCOUNT}/\\d{8}T\\d{6}Z-${planHash.slice(0, 12)}\\.json$`),
    );
    expect(JSON.parse(unrecorded?.content ?? "{}")).toEqual(result.record);
    expect(lines.filter((l) => l.includes("stays"))).toEqual([]);
    expect(await operator.readLock(ACCOUNT)).toBeNull();
  });
});
