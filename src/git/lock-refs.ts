// The apply lock is a ref on the remote, `refs/folioctl/locks/<account>`, pointing to a commit that records
// the holder. Creating it is one push with an empty lease ("must not exist yet"); the remote checks that
// expectation under its ref lock, so of two pushes racing for an absent lock exactly one succeeds.
import type { Clock } from "../core/clock.js";
import { GitError } from "../errors.js";
import type { GitCli } from "./git-cli.js";
import type { LockInfo, LockRelease, LockRequest } from "./git-repo.js";
import { LockHeldError } from "./lock-held-error.js";
import { sameHolding } from "./lock-liveness.js";
import { LockLostError } from "./lock-lost-error.js";
import { LOCK_FILE, decodeLockRecord, encodeLockRecord, type LockRecord } from "./lock-record.js";
import { lockRef } from "./ops-repo-layout.js";
import { isRefMoved, pushRejection, toGitError } from "./to-git-error.js";
import { commitTree, writeTree } from "./write-tree.js";

export class LockRefs {
  constructor(
    private readonly cli: GitCli,
    private readonly remote: string,
    private readonly clock: Clock,
  ) {}

  async acquire(request: LockRequest): Promise<LockInfo> {
    const { account, holder, runId } = request;
    const ref = lockRef(account);
    const acquiredAt = this.clock.now();
    const held: Omit<LockInfo, "sha"> = {
      account,
      holder,
      runId,
      acquiredAt,
      heartbeatAt: acquiredAt,
      ...(request.heartbeatIntervalMs === undefined
        ? {}
        : { heartbeatIntervalMs: request.heartbeatIntervalMs }),
    };
    const sha = await this.commitRecord(
      held,
      `Held by ${holder} (run ${runId}) since ${acquiredAt.toISOString()}.`,
    );
    // A lock released between our failed push and our read is simply free again: try once more.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.cli.runOrFail([
        "push",
        "--porcelain",
        `--force-with-lease=${ref}:`,
        this.remote,
        `${sha}:${ref}`,
      ]);
      if (result.ok) {
        await this.cli.run("recording the lock", ["update-ref", this.trackingRef(account), sha]);
        return { ...held, sha };
      }
      if (!isRefMoved(pushRejection(result.error))) {
        // Pushes racing for one ref can also fail in words no list has (a server's lock file taken by a
        // concurrent update): when another holder has the lock now, that is what happened.
        // A push that landed though git reported a failure left our own record: the lock is ours.
        const holder = await this.read(account).catch(() => null);
        if (holder?.sha === sha) {
          await this.cli.run("recording the lock", ["update-ref", this.trackingRef(account), sha]);
          return { ...held, sha };
        }
        if (holder !== null) throw new LockHeldError(holder);
        throw toGitError(result.error, `taking the lock ${ref} on ${this.remote}`);
      }
      const current = await this.read(account);
      if (current !== null) throw new LockHeldError(current);
    }
    throw new GitError(
      `could not take the lock ${ref} on ${this.remote}: it kept appearing and disappearing`,
      {
        hint: "another apply for this account is starting and stopping right now; run again in a minute",
      },
    );
  }

  /**
   * Moves the lock ref to a new record with the heartbeat time of now, with a lease on `lock.sha`: a
   * lock removed or taken meanwhile is never recreated or overwritten (LockLostError). A lease that
   * fails because the ref holds a newer record of this same holding (an earlier beat landed on the
   * remote but its answer, or our note of it, was lost) is renewed from that record: the holder is
   * still us, and giving up would stop the heartbeat of an apply that is still running.
   */
  async heartbeat(lock: LockInfo): Promise<LockInfo> {
    const ref = lockRef(lock.account);
    let held = lock;
    for (let attempt = 0; attempt < 3; attempt++) {
      const heartbeatAt = this.clock.now();
      const sha = await this.commitRecord(
        { ...held, heartbeatAt },
        `Held by ${held.holder} (run ${held.runId}) since ${held.acquiredAt.toISOString()}, ` +
          `alive at ${heartbeatAt.toISOString()}.`,
      );
      const result = await this.cli.runOrFail([
        "push",
        "--porcelain",
        `--force-with-lease=${ref}:${held.sha}`,
        this.remote,
        `${sha}:${ref}`,
      ]);
      if (result.ok) {
        // The remote has the new record: a failure to note it locally must not lose it (the next
        // beat's lease is on this sha).
        await this.cli.attempt(["update-ref", this.trackingRef(held.account), sha]);
        return { ...held, heartbeatAt, sha };
      }
      if (!isRefMoved(pushRejection(result.error))) {
        throw toGitError(result.error, `renewing the lock ${ref} on ${this.remote}`);
      }
      const current = await this.read(held.account);
      if (current === null || !sameHolding(current, lock)) throw new LockLostError(lock, current);
      held = current;
    }
    throw new GitError(
      `could not renew the lock ${ref} on ${this.remote}: it kept moving under this holder`,
      {
        hint: "something else is rewriting this apply's lock; check who holds it with `folioctl unlock`",
      },
    );
  }

  /** Reads the lock from the remote (a fetch of the lock refs), not from any local state. */
  async read(account: string): Promise<LockInfo | null> {
    lockRef(account);
    await this.cli.run(`reading the locks on ${this.remote}`, [
      "fetch",
      "--prune",
      "--no-tags",
      "--no-write-fetch-head",
      this.remote,
      `+refs/folioctl/locks/*:${this.trackingRef("*")}`,
    ]);
    const sha = await this.cli.attempt([
      "rev-parse",
      "--verify",
      "--quiet",
      `${this.trackingRef(account)}^{commit}`,
    ]);
    return sha === null ? null : this.describe(account, sha);
  }

  /** Deletes the lock ref only if it still points to `lock.sha`. */
  async release(lock: LockInfo): Promise<LockRelease> {
    const ref = lockRef(lock.account);
    const result = await this.cli.runOrFail([
      "push",
      "--porcelain",
      `--force-with-lease=${ref}:${lock.sha}`,
      this.remote,
      `:${ref}`,
    ]);
    if (result.ok) {
      await this.cli.attempt(["update-ref", "-d", this.trackingRef(lock.account)]);
      return "released";
    }
    if (!isRefMoved(pushRejection(result.error))) {
      throw toGitError(result.error, `releasing the lock ${ref} on ${this.remote}`);
    }
    const current = await this.read(lock.account);
    if (current === null) return "absent";
    if (current.sha === lock.sha) {
      throw new GitError(`the remote refused to delete the lock ${ref} although it is still ours`, {
        hint: `delete it by hand: git push ${this.remote} :${ref}`,
        cause: result.error,
      });
    }
    return "held-by-other";
  }

  /**
   * Removes whatever lock there is, but only the one it read (and `check` accepted): a lock taken
   * meanwhile is left alone. A heartbeat of the same lock meanwhile is read and checked again.
   */
  async forceRemove(
    account: string,
    check?: (lock: LockInfo) => void | Promise<void>,
  ): Promise<LockInfo | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const lock = await this.read(account);
      if (lock === null) return null;
      await check?.(lock);
      const outcome = await this.release(lock);
      if (outcome === "released") return lock;
      if (outcome === "absent") return null;
      const now = await this.read(account);
      if (now === null) return null;
      if (!sameHolding(now, lock)) {
        throw new GitError(
          `the lock ${lockRef(account)} changed while it was being removed: ` +
            `it is now held by ${now.holder} (run ${now.runId})`,
          { hint: "a new apply took the lock; check that run before unlocking again" },
        );
      }
    }
    throw new GitError(`the lock ${lockRef(account)} kept changing while it was being removed`, {
      hint: "its holder is renewing it right now, so it is running: wait for it to finish",
    });
  }

  private async commitRecord(lock: Omit<LockInfo, "sha">, body: string): Promise<string> {
    const record: LockRecord = {
      account: lock.account,
      holder: lock.holder,
      runId: lock.runId,
      acquiredAt: lock.acquiredAt.toISOString(),
      heartbeatAt: lock.heartbeatAt.toISOString(),
      ...(lock.heartbeatIntervalMs === undefined ? {} : { heartbeatIntervalMs: lock.heartbeatIntervalMs }),
    };
    const tree = await writeTree(this.cli, null, [{ path: LOCK_FILE, content: encodeLockRecord(record) }]);
    return commitTree(this.cli, tree, [], `folioctl lock ${lock.account}\n\n${body}`);
  }

  private async describe(account: string, sha: string): Promise<LockInfo> {
    const date = await this.cli.run("reading the lock commit", ["show", "-s", "--format=%cI", sha]);
    const type = await this.cli.attempt(["cat-file", "-t", `${sha}:${LOCK_FILE}`]);
    const text =
      type === "blob"
        ? (await this.cli.blob("reading the lock record", `${sha}:${LOCK_FILE}`)).toString("utf8")
        : null;
    return { account, sha, ...decodeLockRecord(text, new Date(date)) };
  }

  private trackingRef(account: string): string {
    return `refs/folioctl/remotes/${this.remote}/locks/${account}`;
  }
}
