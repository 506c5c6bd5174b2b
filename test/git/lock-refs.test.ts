import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GitError } from "../../src/errors.js";
import { LockHeldError } from "../../src/git/lock-held-error.js";
import { LockLostError } from "../../src/git/lock-lost-error.js";
import { SimpleGitRepo } from "../../src/git/simple-git-repo.js";
import { barrierHook, createGitSandbox, useSandboxHome } from "../support/git-fixtures.js";
import type { GitSandbox } from "../support/git-fixtures.js";

const LOCK = "refs/folioctl/locks/DU1234567";
const at = (iso: string) => ({ now: () => new Date(iso) });

describe("SimpleGitRepo: the account lock ref", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  const open = async (name: string, iso = "2026-11-24T15:30:00Z") =>
    SimpleGitRepo.open(await sandbox.clone(name), { clock: at(iso) });

  beforeEach(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
  });
  afterEach(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("creates the lock on the remote recording holder, run and time, readable from another clone", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "apply on runner-1", runId: "run-77" });

    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
    const b = await open("b");
    expect(await b.readLock("DU1234567")).toEqual({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "run-77",
      acquiredAt: new Date("2026-11-24T15:30:00Z"),
      heartbeatAt: new Date("2026-11-24T15:30:00Z"),
      sha: lock.sha,
    });
    expect(await b.readLock("DU7654321")).toBeNull();
    // The lock is not a branch: main is untouched.
    expect(await sandbox.git(sandbox.origin, ["rev-list", "--count", "main"])).toBe("1");
  });

  it("refuses a second lock and names the holder", async () => {
    const a = await open("a");
    await a.acquireLock({ account: "DU1234567", holder: "apply on runner-1", runId: "run-77" });
    const b = await open("b", "2026-11-24T15:31:00Z");

    const error = (await b
      .acquireLock({ account: "DU1234567", holder: "apply on runner-2", runId: "run-78" })
      .catch((e: unknown) => e)) as LockHeldError;
    expect(error).toBeInstanceOf(LockHeldError);
    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe(
      "the lock refs/folioctl/locks/DU1234567 is held by apply on runner-1 (run run-77) since 2026-11-24T15:30:00.000Z",
    );
    expect(error.hint).toMatch(/folioctl unlock DU1234567 --yes/);
    expect(error.lock.runId).toBe("run-77");
  });

  it("lets exactly one of two clones take the lock when both push at the same moment", async () => {
    // The hook holds both pushes on the remote until both are in flight: both passed their own
    // "does not exist yet" check, so only the remote's ref transaction can tell them apart.
    await sandbox.preReceive(barrierHook(join(sandbox.root, "barrier"), 2));
    const [a, b] = [await open("a"), await open("b")];

    const results = await Promise.allSettled([
      a.acquireLock({ account: "DU1234567", holder: "holder-a", runId: "run-a" }),
      b.acquireLock({ account: "DU1234567", holder: "holder-b", runId: "run-b" }),
    ]);

    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = (won[0] as PromiseFulfilledResult<{ holder: string; sha: string }>).value;
    expect(lost[0]?.reason).toBeInstanceOf(LockHeldError);
    expect((lost[0]?.reason as LockHeldError).message).toContain(`held by ${winner.holder}`);
    expect(await sandbox.originRef(LOCK)).toBe(winner.sha);
  });

  it("gives the lock to exactly one of five clones racing, round after round", async () => {
    const clones = await Promise.all(["c1", "c2", "c3", "c4", "c5"].map((name) => open(name)));
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(
        clones.map((repo, i) =>
          repo.acquireLock({ account: "DU1234567", holder: `c${i + 1}`, runId: `r${round}` }),
        ),
      );
      const won = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      expect(won).toHaveLength(1);
      for (const r of results) {
        if (r.status === "rejected") expect(r.reason, String(r.reason)).toBeInstanceOf(LockHeldError);
      }
      const winner = won[0]!;
      expect(await clones[0]!.readLock("DU1234567")).toMatchObject({
        holder: winner.holder,
        sha: winner.sha,
      });
      const owner = clones[Number(winner.holder.slice(1)) - 1]!;
      expect(await owner.releaseLock(winner)).toBe("released");
    }
  });

  it("releases only its own lock", async () => {
    const a = await open("a");
    const b = await open("b");
    const mine = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });

    expect(await a.releaseLock(mine)).toBe("released");
    expect(await sandbox.originRef(LOCK)).toBeNull();
    expect(await a.releaseLock(mine)).toBe("absent");

    const theirs = await b.acquireLock({ account: "DU1234567", holder: "b", runId: "2" });
    expect(await a.releaseLock(mine)).toBe("held-by-other");
    expect(await sandbox.originRef(LOCK)).toBe(theirs.sha);
  });

  it("can take the lock again after it was released", async () => {
    const a = await open("a");
    const first = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    await a.releaseLock(first);
    const second = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "2" });
    expect(await sandbox.originRef(LOCK)).toBe(second.sha);
  });

  it("force-removes whatever lock there is and says whose it was", async () => {
    const a = await open("a");
    const stale = await a.acquireLock({ account: "DU1234567", holder: "crashed apply", runId: "run-1" });
    const b = await open("b");

    expect(await b.forceRemoveLock("DU1234567")).toMatchObject({ holder: "crashed apply", sha: stale.sha });
    expect(await sandbox.originRef(LOCK)).toBeNull();
    expect(await b.forceRemoveLock("DU1234567")).toBeNull();
  });

  it("reads and removes a lock ref a person created by hand", async () => {
    const human = await sandbox.clone("human");
    await sandbox.git(human, ["push", "-q", "origin", `HEAD:${LOCK}`]);
    const a = await open("a");

    const lock = await a.readLock("DU1234567");
    expect(lock?.holder).toMatch(/unknown holder/);
    expect(lock?.runId).toBe("unknown");
    expect(Number.isNaN(lock?.acquiredAt.getTime())).toBe(false);
    expect(await a.forceRemoveLock("DU1234567")).not.toBeNull();
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("renews the heartbeat with a lease: other clones read the new time, a stale view of the same holding renews from it", async () => {
    const holder = await open("a", "2026-11-24T15:30:00Z");
    const lock = await holder.acquireLock({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "run-77",
      heartbeatIntervalMs: 30_000,
    });
    const later = await SimpleGitRepo.open(await sandbox.clone("a2"), { clock: at("2026-11-24T15:45:00Z") });

    const renewed = await later.heartbeatLock(lock);

    expect(renewed.sha).not.toBe(lock.sha);
    expect(await sandbox.originRef(LOCK)).toBe(renewed.sha);
    expect(await (await open("b")).readLock("DU1234567")).toEqual({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "run-77",
      acquiredAt: new Date("2026-11-24T15:30:00Z"),
      heartbeatAt: new Date("2026-11-24T15:45:00Z"),
      heartbeatIntervalMs: 30_000,
      sha: renewed.sha,
    });
    // The lease is on the sha it was given; a beat from a stale view of the same holding (its own
    // earlier beat went unnoticed) finds that on the remote and renews from there, never from nothing.
    const again = await holder.heartbeatLock(lock);
    expect(again.sha).not.toBe(renewed.sha);
    expect(await sandbox.originRef(LOCK)).toBe(again.sha);
    expect(await holder.releaseLock(renewed)).toBe("held-by-other");
    expect(await holder.releaseLock(again)).toBe("released");
  });

  it("never recreates a lock that was removed while its holder ran", async () => {
    const holder = await open("a");
    const lock = await holder.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    await (await open("b")).forceRemoveLock("DU1234567");

    const error = (await holder.heartbeatLock(lock).catch((e: unknown) => e)) as LockLostError;

    expect(error).toBeInstanceOf(LockLostError);
    expect(error.message).toBe("the lock refs/folioctl/locks/DU1234567 is no longer ours: it was removed");
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("counts a record written before heartbeats existed from the time it was taken", async () => {
    const human = await sandbox.clone("old");
    const record = {
      account: "DU1234567",
      holder: "old apply",
      runId: "run-5",
      acquiredAt: "2026-11-20T10:00:00.000Z",
    };
    await writeFile(join(human, "lock.json"), JSON.stringify(record));
    await sandbox.git(human, ["add", "lock.json"]);
    await sandbox.git(human, ["commit", "-q", "-m", "old lock"]);
    await sandbox.git(human, ["push", "-q", "origin", `HEAD:${LOCK}`]);

    const lock = await (await open("a")).readLock("DU1234567");

    expect(lock?.heartbeatAt).toEqual(new Date("2026-11-20T10:00:00.000Z"));
    expect(lock?.heartbeatIntervalMs).toBeUndefined();
  });

  it("lets the caller refuse a removal, and checks again a lock renewed between reading and removing it", async () => {
    const holder = await open("a");
    let lock = await holder.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    const b = await open("b");

    const refused = await b
      .forceRemoveLock("DU1234567", () => {
        throw new Error("still running");
      })
      .catch((e: unknown) => e);
    expect(refused).toEqual(new Error("still running"));
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);

    const seen: string[] = [];
    const removed = await b.forceRemoveLock("DU1234567", async (read) => {
      seen.push(read.sha);
      // The holder beats once, right after this read: the removal must see the new commit and check it.
      if (seen.length === 1) lock = await holder.heartbeatLock(lock);
    });
    expect(seen).toEqual([expect.any(String), lock.sha]);
    expect(seen[0]).not.toBe(lock.sha);
    expect(removed?.sha).toBe(lock.sha);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });
});
