import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
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
    // No heartbeat interval was asked for: the lock has none, not an undefined one.
    expect(lock).toStrictEqual({
      account: "DU1234567",
      holder: "apply on runner-1",
      runId: "run-77",
      acquiredAt: new Date("2026-11-24T15:30:00Z"),
      heartbeatAt: new Date("2026-11-24T15:30:00Z"),
      sha: lock.sha,
    });
    // A person reading the ref's log sees who holds it.
    expect((await sandbox.git(sandbox.origin, ["log", "-1", "--format=%B", LOCK])).trimEnd()).toBe(
      "folioctl lock DU1234567\n\nHeld by apply on runner-1 (run run-77) since 2026-11-24T15:30:00.000Z.",
    );
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
    expect((await sandbox.git(sandbox.origin, ["log", "-1", "--format=%B", LOCK])).trimEnd()).toBe(
      "folioctl lock DU1234567\n\nHeld by apply on runner-1 (run run-77) since 2026-11-24T15:30:00.000Z, " +
        "alive at 2026-11-24T15:45:00.000Z.",
    );
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

// The remote's side of each failure is made by a hook in the bare repository or a ref lock file, so every
// race happens at a known step of the push, never by timing. One sandbox for the whole block: each test
// leaves the remote without hooks, lock files or lock ref for the next.
describe("SimpleGitRepo: the account lock ref when the remote refuses or races", () => {
  let sandbox: GitSandbox;
  let restoreHome: () => void;
  let dirs: { a: string; b: string; c: string };
  const open = (name: keyof typeof dirs, iso = "2026-11-24T15:30:00Z") =>
    SimpleGitRepo.open(dirs[name], { clock: at(iso) });
  const refLockFile = () => join(sandbox.origin, `${LOCK}.lock`);
  /** A lock file of the remote's ref, as a concurrent update (or one that crashed) leaves it. */
  const lockTheRemoteRef = async () => {
    await mkdir(join(sandbox.origin, "refs/folioctl/locks"), { recursive: true });
    await writeFile(refLockFile(), "");
  };
  /** Counts the pushes that reach the remote (pre-receive runs before the remote locks the ref). */
  const countPushes = () => sandbox.preReceive(`echo push >> '${join(sandbox.root, "pushes")}'`);
  const pushes = async () =>
    (await readFile(join(sandbox.root, "pushes"), "utf8").catch(() => "")).split("\n").filter(Boolean).length;
  /** A shell command run from a hook of origin that updates origin's refs outside the push's quarantine. */
  const onOrigin = (args: string) =>
    `env -i PATH="$PATH" HOME='${sandbox.home}' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL='${sandbox.home}/.gitconfig' git --git-dir='${sandbox.origin}' ${args}`;

  beforeAll(async () => {
    sandbox = await createGitSandbox();
    restoreHome = useSandboxHome(sandbox);
    dirs = { a: await sandbox.clone("a"), b: await sandbox.clone("b"), c: await sandbox.clone("c") };
  });
  afterEach(async () => {
    for (const hook of ["pre-receive", "reference-transaction"]) {
      await rm(join(sandbox.origin, "hooks", hook), { force: true });
    }
    await rm(join(dirs.c, ".git", "hooks", "reference-transaction"), { force: true });
    await rm(refLockFile(), { force: true });
    await rm(join(sandbox.root, "pushes"), { force: true });
    await sandbox.git(sandbox.origin, ["update-ref", "-d", LOCK]);
  });
  afterAll(async () => {
    restoreHome();
    await sandbox.cleanup();
  });

  it("reports a push the remote declines for another reason than a moved ref, naming the lock and what to do", async () => {
    await sandbox.preReceive("echo 'rule: no new refs here' >&2; exit 1");
    const a = await open("a");

    const error = (await a
      .acquireLock({ account: "DU1234567", holder: "a", runId: "1" })
      .catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error).not.toBeInstanceOf(LockHeldError);
    expect(error.message).toBe(
      `taking the lock ${LOCK} on origin failed: the remote refused ${LOCK} (pre-receive hook declined); rule: no new refs here`,
    );
    expect(error.hint).toMatch(/bypass list/);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("names the holder when a push fails in other words because another run took the lock meanwhile", async () => {
    // The hook makes a lock (a person's, on main's commit) appear while our push is in flight, then declines.
    await sandbox.preReceive(`${onOrigin(`update-ref ${LOCK} refs/heads/main`)}\nexit 1`);
    const a = await open("a");

    const error = (await a
      .acquireLock({ account: "DU1234567", holder: "a", runId: "1" })
      .catch((e: unknown) => e)) as LockHeldError;

    expect(error).toBeInstanceOf(LockHeldError);
    expect(error.lock.holder).toMatch(/unknown holder/);
    expect(error.lock.sha).toBe(await sandbox.originRef("refs/heads/main"));
  });

  it("takes a lock whose push landed although git reported a failure, and can release it", async () => {
    // The remote dies right after it committed the new ref, before it could answer.
    await sandbox.hook(
      sandbox.origin,
      "reference-transaction",
      `[ "$1" = committed ] || exit 0\ngrep -q ' ${LOCK}$' && kill -9 $PPID\nexit 0`,
    );
    const a = await open("a");

    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });

    expect(lock).toMatchObject({ holder: "a", runId: "1" });
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
    await rm(join(sandbox.origin, "hooks", "reference-transaction"));
    expect(await a.releaseLock(lock)).toBe("released");
  });

  it("tries to take a lock that looks taken but reads as free three times, then says it kept appearing and disappearing", async () => {
    await lockTheRemoteRef();
    await countPushes();
    const a = await open("a");

    const error = (await a
      .acquireLock({ account: "DU1234567", holder: "a", runId: "1" })
      .catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error).not.toBeInstanceOf(LockHeldError);
    expect(error.message).toBe(
      `could not take the lock ${LOCK} on origin: it kept appearing and disappearing`,
    );
    expect(error.hint).toMatch(/run again in a minute/);
    expect(await pushes()).toBe(3);
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("takes the lock on the next attempt when it was free again after a refused push", async () => {
    // The first push finds the remote's ref locked (a concurrent update); the hook of the second push
    // removes that lock file, as the concurrent update ends.
    await lockTheRemoteRef();
    await sandbox.preReceive(
      `echo push >> '${join(sandbox.root, "pushes")}'\n[ "$(wc -l < '${join(sandbox.root, "pushes")}')" -ge 2 ] && rm -f '${refLockFile()}'\nexit 0`,
    );
    const a = await open("a");

    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });

    expect(await pushes()).toBe(2);
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  it("says when the remote refuses to delete a lock that is still ours, and how to delete it by hand", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    await lockTheRemoteRef();

    for (const attempt of [() => a.releaseLock(lock), () => a.forceRemoveLock("DU1234567")]) {
      const error = (await attempt().catch((e: unknown) => e)) as GitError;
      expect(error).toBeInstanceOf(GitError);
      expect(error.message).toBe(`the remote refused to delete the lock ${LOCK} although it is still ours`);
      expect(error.hint).toBe(`delete it by hand: git push origin :${LOCK}`);
    }
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  it("reports a heartbeat or a release the remote declines, and leaves the lock as it was", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    await sandbox.preReceive("exit 1");

    const beat = (await a.heartbeatLock(lock).catch((e: unknown) => e)) as GitError;
    expect(beat).toBeInstanceOf(GitError);
    expect(beat).not.toBeInstanceOf(LockLostError);
    expect(beat.message).toBe(
      `renewing the lock ${LOCK} on origin failed: the remote refused ${LOCK} (pre-receive hook declined)`,
    );
    const release = (await a.releaseLock(lock).catch((e: unknown) => e)) as GitError;
    expect(release).toBeInstanceOf(GitError);
    expect(release.message).toBe(
      `releasing the lock ${LOCK} on origin failed: the remote refused ${LOCK} (pre-receive hook declined)`,
    );
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  it("gives up renewing after three refused beats of a lock that is still ours", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    await lockTheRemoteRef();
    await countPushes();

    const error = (await a.heartbeatLock(lock).catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error).not.toBeInstanceOf(LockLostError);
    expect(error.message).toBe(
      `could not renew the lock ${LOCK} on origin: it kept moving under this holder`,
    );
    expect(error.hint).toMatch(/folioctl unlock/);
    expect(await pushes()).toBe(3);
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });

  it("stops the heartbeat of a lock another run took, naming that run", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    const b = await open("b", "2026-11-24T15:40:00Z");
    await b.forceRemoveLock("DU1234567");
    const theirs = await b.acquireLock({ account: "DU1234567", holder: "b", runId: "2" });

    const error = (await a.heartbeatLock(lock).catch((e: unknown) => e)) as LockLostError;

    expect(error).toBeInstanceOf(LockLostError);
    expect(error.message).toBe(`the lock ${LOCK} is no longer ours: it is now held by b (run 2)`);
    expect(error.now?.sha).toBe(theirs.sha);
    expect(await sandbox.originRef(LOCK)).toBe(theirs.sha);
  });

  it("never removes a lock a new run took between reading the old one and removing it", async () => {
    // Another holder, another run, another start: each alone is a different holding.
    const newcomers = [
      { name: "b", holder: "b", runId: "1", iso: "2026-11-24T15:30:00Z" },
      { name: "b", holder: "a", runId: "2", iso: "2026-11-24T15:30:00Z" },
      { name: "b", holder: "a", runId: "1", iso: "2026-11-24T15:40:00Z" },
    ] as const;
    for (const newcomer of newcomers) {
      const a = await open("a");
      const old = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
      const next = await open(newcomer.name, newcomer.iso);
      let taken: { sha: string } | undefined;
      const checked: string[] = [];

      const error = (await (
        await open("c")
      )
        .forceRemoveLock("DU1234567", async (read) => {
          checked.push(read.sha);
          // Right after the unlock read it: the old run ends and a new one starts.
          if (taken === undefined) {
            await a.releaseLock(old);
            taken = await next.acquireLock({
              account: "DU1234567",
              holder: newcomer.holder,
              runId: newcomer.runId,
            });
          }
        })
        .catch((e: unknown) => e)) as GitError;

      expect(error, JSON.stringify(newcomer)).toBeInstanceOf(GitError);
      expect(error.message).toBe(
        `the lock ${LOCK} changed while it was being removed: it is now held by ${newcomer.holder} (run ${newcomer.runId})`,
      );
      expect(error.hint).toMatch(/a new apply took the lock/);
      expect(checked).toEqual([old.sha]);
      expect(await sandbox.originRef(LOCK)).toBe(taken?.sha);
      await sandbox.git(sandbox.origin, ["update-ref", "-d", LOCK]);
    }
  });

  it("never removes a lock a new run took while the removal's push was in flight", async () => {
    const a = await open("a");
    await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    // The removal passed its own lease check; on the remote a person's lock replaces the old one first.
    await sandbox.preReceive(`${onOrigin(`update-ref ${LOCK} refs/heads/main`)}\nexit 0`);

    const error = (await (await open("c")).forceRemoveLock("DU1234567").catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toMatch(/changed while it was being removed: it is now held by an unknown holder/);
    expect(await sandbox.originRef(LOCK)).toBe(await sandbox.originRef("refs/heads/main"));
  });

  it("says which step failed when the remote cannot be reached, reading or taking the lock", async () => {
    const lost = await sandbox.clone("lost");
    const repo = await SimpleGitRepo.open(lost, { clock: at("2026-11-24T15:30:00Z") });
    await sandbox.git(lost, ["remote", "set-url", "origin", join(sandbox.root, "gone.git")]);

    const read = (await repo.readLock("DU1234567").catch((e: unknown) => e)) as GitError;
    expect(read).toBeInstanceOf(GitError);
    expect(read.message).toMatch(/^reading the locks on origin failed: .*gone\.git/);
    expect(read.hint).toMatch(/could not be reached|remote URL|clone/);
    const take = (await repo
      .acquireLock({ account: "DU1234567", holder: "a", runId: "1" })
      .catch((e: unknown) => e)) as GitError;
    expect(take).toBeInstanceOf(GitError);
    expect(take).not.toBeInstanceOf(LockHeldError);
    expect(take.message).toMatch(
      /^taking the lock refs\/folioctl\/locks\/DU1234567 on origin failed: .*gone\.git/,
    );
  });

  it("returns nothing when a new run took the lock during the removal and let it go again", async () => {
    const a = await open("a");
    await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    const main = (await sandbox.originRef("refs/heads/main"))!;
    // On the remote, the removal's push finds a person's lock in place of the old one; right after the
    // unlock read that new lock, its taker lets it go.
    await sandbox.preReceive(`${onOrigin(`update-ref ${LOCK} ${main}`)}\nexit 0`);
    await sandbox.hook(
      dirs.c,
      "reference-transaction",
      [
        '[ "$1" = committed ] || exit 0',
        `grep -q '^[0-9a-f]* ${main} refs/folioctl/remotes/origin/locks/DU1234567$' || exit 0`,
        onOrigin(`update-ref -d ${LOCK}`),
      ].join("\n"),
    );

    expect(await (await open("c")).forceRemoveLock("DU1234567")).toBeNull();
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("returns nothing when the lock was released between reading it and removing it", async () => {
    const a = await open("a");
    const lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });

    const removed = await (
      await open("c")
    ).forceRemoveLock("DU1234567", async () => {
      await a.releaseLock(lock);
    });

    expect(removed).toBeNull();
    expect(await sandbox.originRef(LOCK)).toBeNull();
  });

  it("gives up removing a lock its holder renews before every removal, three times", async () => {
    // Each beat a minute after the last, so that each writes a new record.
    let minute = 30;
    const a = await SimpleGitRepo.open(dirs.a, {
      clock: { now: () => new Date(Date.UTC(2026, 10, 24, 15, minute++)) },
    });
    let lock = await a.acquireLock({ account: "DU1234567", holder: "a", runId: "1" });
    const checked: string[] = [];

    const error = (await (
      await open("c")
    )
      .forceRemoveLock("DU1234567", async (read) => {
        checked.push(read.sha);
        lock = await a.heartbeatLock(lock);
      })
      .catch((e: unknown) => e)) as GitError;

    expect(error).toBeInstanceOf(GitError);
    expect(error.message).toBe(`the lock ${LOCK} kept changing while it was being removed`);
    expect(error.hint).toMatch(/it is running: wait for it to finish/);
    expect(checked).toHaveLength(3);
    expect(new Set(checked).size).toBe(3);
    expect(await sandbox.originRef(LOCK)).toBe(lock.sha);
  });
});
