import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startLockHeartbeat, type ScheduleBeat } from "../../src/git/lock-heartbeat.js";
import { watchHeartbeat } from "../../src/git/lock-liveness.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { createGitSandbox, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";

const LOCK = "refs/folioctl/locks/DU1234567";

/** A schedule the test drives: `beat()` runs the pending beat now and waits for it to finish. */
function manualSchedule() {
  let pending: { run: () => void; ms: number } | undefined;
  let scheduled = 0;
  const schedule: ScheduleBeat = (run, ms) => {
    scheduled += 1;
    pending = { run, ms };
    return () => (pending = undefined);
  };
  return {
    schedule,
    get intervalMs() {
      return pending?.ms;
    },
    /** How many beats were scheduled: the next one is scheduled when a beat has finished. */
    get scheduled() {
      return scheduled;
    },
    beat() {
      const next = pending;
      pending = undefined;
      next?.run();
    },
  };
}

describe("the lock's heartbeat while apply runs", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let time: Date;
  const open = async (name: string) =>
    SimpleGitRepo.open(await sandbox.clone(name), { clock: { now: () => time } });

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    time = new Date("2026-11-24T15:30:00Z");
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("rewrites the heartbeat every interval, keeping the holder alive long after the window, and is released by its last sha", async () => {
    const repo = await open("runner");
    const lock = await repo.acquireLock({
      account: "DU1234567",
      holder: "apply",
      runId: "run-1",
      heartbeatIntervalMs: 30_000,
    });
    const timer = manualSchedule();
    const lines: string[] = [];
    const heartbeat = startLockHeartbeat({
      repo,
      lock,
      intervalMs: 30_000,
      schedule: timer.schedule,
      log: (l) => lines.push(l),
    });
    expect(timer.intervalMs).toBe(30_000);
    const reader = await open("operator");

    for (const minutes of [1, 2, 3]) {
      time = new Date(Date.parse("2026-11-24T15:30:00Z") + minutes * 60_000);
      const before = await sandbox.originRef(LOCK);
      const beats = timer.scheduled;
      timer.beat();
      await expect.poll(() => timer.scheduled, { timeout: 20_000 }).toBe(beats + 1);
      expect(await sandbox.originRef(LOCK)).not.toBe(before);
      const seen = await reader.readLock("DU1234567");
      expect(seen?.heartbeatAt).toEqual(time);
    }
    // Watched from another clone, a lock whose holder beats meanwhile is alive...
    const last = (await reader.readLock("DU1234567"))!;
    const watchedWhileBeating = await watchHeartbeat(last, {
      read: () => reader.readLock("DU1234567"),
      sleep: async (ms) => {
        time = new Date(time.getTime() + ms);
        const beats = timer.scheduled;
        timer.beat();
        await expect.poll(() => timer.scheduled, { timeout: 20_000 }).toBe(beats + 1);
      },
    });
    expect(watchedWhileBeating.kind).toBe("alive");
    // ...and without further beats it stands still for three intervals: dead.
    const current = await heartbeat.stop();
    const watchedStill = await watchHeartbeat(current, {
      read: () => reader.readLock("DU1234567"),
      sleep: async () => undefined,
    });
    expect(watchedStill).toEqual({ kind: "dead", lock: current });

    expect(timer.intervalMs).toBeUndefined();
    expect(current.sha).toBe(await sandbox.originRef(LOCK));
    expect(await repo.releaseLock(current)).toBe("released");
    expect(lines).toEqual([]);
  });

  it("stops beating and says so when the lock was removed under it, and never recreates it", async () => {
    const repo = await open("runner");
    const lock = await repo.acquireLock({ account: "DU1234567", holder: "apply", runId: "run-1" });
    const timer = manualSchedule();
    const lines: string[] = [];
    const heartbeat = startLockHeartbeat({
      repo,
      lock,
      intervalMs: 1000,
      schedule: timer.schedule,
      log: (l) => lines.push(l),
    });
    await (await open("operator")).forceRemoveLock("DU1234567");

    timer.beat();
    await expect.poll(() => lines.length, { timeout: 20_000 }).toBe(1);

    expect(lines[0]).toBe(
      "apply: the lock refs/folioctl/locks/DU1234567 is no longer ours: it was removed; " +
        "this apply goes on, but its lock no longer protects it",
    );
    expect(timer.intervalMs).toBeUndefined();
    expect(await sandbox.originRef(LOCK)).toBeNull();
    expect(await repo.releaseLock(await heartbeat.stop())).toBe("absent");
  });

  it("keeps beating when the runner could not note a beat that reached the remote", async () => {
    const runner = await sandbox.clone("runner");
    const repo = await SimpleGitRepo.open(runner, { clock: { now: () => time } });
    const lock = await repo.acquireLock({ account: "DU1234567", holder: "apply", runId: "run-1" });
    // From now on, the runner's first write of its own copy of the lock ref fails (a full disk, a
    // crash between the push and the note): the remote has the new heartbeat, the runner does not know.
    const marker = join(sandbox.root, "noted-once");
    await sandbox.hook(
      runner,
      "reference-transaction",
      [
        '[ "$1" = prepared ] || exit 0',
        "grep -q ' refs/folioctl/remotes/' || exit 0",
        `[ -e '${marker}' ] && exit 0`,
        `: > '${marker}'`,
        "exit 1",
      ].join("\n"),
    );
    const timer = manualSchedule();
    const lines: string[] = [];
    const heartbeat = startLockHeartbeat({
      repo,
      lock,
      intervalMs: 30_000,
      schedule: timer.schedule,
      log: (l) => lines.push(l),
    });

    for (const minutes of [1, 2]) {
      time = new Date(Date.parse("2026-11-24T15:30:00Z") + minutes * 60_000);
      const beats = timer.scheduled;
      timer.beat();
      await expect.poll(() => timer.scheduled, { timeout: 20_000 }).toBe(beats + 1);
      const seen = await (await open(`operator-${minutes}`)).readLock("DU1234567");
      expect(seen?.heartbeatAt).toEqual(time);
    }
    expect(lines).toEqual([]);
    const current = await heartbeat.stop();
    expect(current.sha).toBe(await sandbox.originRef(LOCK));
    expect(await repo.releaseLock(current)).toBe("released");
  });

  it("renews from the remote's record when an earlier beat of the same holder landed unnoticed", async () => {
    const repo = await open("runner");
    const lock = await repo.acquireLock({ account: "DU1234567", holder: "apply", runId: "run-1" });
    time = new Date("2026-11-24T15:31:00Z");
    // The first beat reached the remote, but the holder still holds the lock as it was before it.
    await repo.heartbeatLock(lock);
    time = new Date("2026-11-24T15:32:00Z");

    const renewed = await repo.heartbeatLock(lock);

    expect(renewed).toMatchObject({ holder: "apply", runId: "run-1", heartbeatAt: time });
    expect(renewed.sha).toBe(await sandbox.originRef(LOCK));
    expect(await repo.releaseLock(renewed)).toBe("released");
  });

  it("still takes a lock that another run holds now as lost", async () => {
    const repo = await open("runner");
    const lock = await repo.acquireLock({ account: "DU1234567", holder: "apply", runId: "run-1" });
    const operator = await open("operator");
    await operator.forceRemoveLock("DU1234567");
    const theirs = await operator.acquireLock({ account: "DU1234567", holder: "apply", runId: "run-2" });

    await expect(repo.heartbeatLock(lock)).rejects.toThrow(/is no longer ours/);
    expect(await sandbox.originRef(LOCK)).toBe(theirs.sha);
  });
});
