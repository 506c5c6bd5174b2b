// The GitRepo port: everything folioctl does to the ops repository, in folioctl's own terms. Commands and
// the apply engine depend on this interface only; `SimpleGitRepo` is the one implementation.

/** Who commits: the bot's name and email as they appear in `git log`. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** A file changed by a commit, relative to its first parent. */
export interface FileChange {
  path: string;
  status: "added" | "modified" | "deleted" | "other";
}

/** The account's plan file committed on top of main, ready to be pushed to the bot branch. */
export interface PlanCommit {
  account: string;
  /** `folioctl/rebalance/<account>` */
  branch: string;
  /** The commit the branch should point to: the new commit, or the branch tip when nothing changed. */
  sha: string;
  /** Where the branch was on the remote when this was prepared; null when it did not exist. */
  remoteSha: string | null;
  /** False when the branch already holds exactly this plan on top of the current main: nothing to push. */
  changed: boolean;
}

export interface PlanCommitRequest {
  account: string;
  /** The canonical plan JSON, written byte for byte to `plans/<account>.plan.json`. */
  content: string | Uint8Array;
  message: string;
}

/** Who holds an account's apply lock, as recorded in the lock commit. */
export interface LockInfo {
  account: string;
  /** Free text naming the process: for example `apply by octocat on runner-1`. */
  holder: string;
  /** The CI run (id or URL) that took the lock, so a person can check whether it is still running. */
  runId: string;
  acquiredAt: Date;
  /** The holder's last sign of life: its last heartbeat, or `acquiredAt` before the first one. */
  heartbeatAt: Date;
  /** How often the holder rewrites the heartbeat; absent in locks taken by older folioctl versions. */
  heartbeatIntervalMs?: number;
  /** The lock commit; release deletes the ref only while it still points here. */
  sha: string;
}

export interface LockRequest {
  account: string;
  holder: string;
  runId: string;
  /** The heartbeat interval the holder promises to keep (recorded for `unlock`). */
  heartbeatIntervalMs?: number;
}

/** `released`: our lock is gone; `absent`: there was no lock; `held-by-other`: left alone, it is not ours. */
export type LockRelease = "released" | "absent" | "held-by-other";

export interface LedgerFile {
  /** File name inside `ledger/<account>/`, for example `2026-11-24T15-30-00Z-1a2b3c4d5e6f.json`. */
  name: string;
  content: string | Uint8Array;
}

export interface LedgerCommitRequest {
  account: string;
  files: LedgerFile[];
  message: string;
}

export interface LedgerCommit {
  /** The new commit on main, or main's head when it already held these files. */
  sha: string;
  /** False when main already had these exact files: nothing was committed. */
  committed: boolean;
  /** Pushes tried, 1 unless main moved in between. */
  attempts: number;
}

export interface GitRepo {
  /** The clone folioctl works in. */
  readonly dir: string;
  /** Name of the remote, `origin` unless configured. */
  readonly remote: string;
  /** Name of the main branch on the remote, `main` unless configured. */
  readonly mainBranch: string;
  /** The local ref tracking the remote main branch, usable as `ref` in readFile. */
  readonly mainRef: string;

  /** Fetches main and the bot branches from the remote; returns the sha of the remote main. */
  fetch(): Promise<string>;
  /** The sha of the remote main as of the last fetch. */
  mainHead(): Promise<string>;
  /**
   * The bytes of `path` at `ref` (a sha or a ref), or null when the file is not there (nor any object
   * git has: a submodule whose commit is elsewhere). A folder or a submodule whose commit is here throws
   * NotAFileError.
   */
  readFile(ref: string, path: string): Promise<Uint8Array | null>;
  /** Files a commit changed relative to its first parent (all files for a root commit). */
  changedFiles(sha: string): Promise<FileChange[]>;
  /**
   * The commits a push moved a branch through, from `before` (excluded) to `after`, oldest first, along
   * first parents: each merge, squash or rebased commit that landed, not the commits merged in. Fails when
   * `before` is not in the clone or not an ancestor of `after` (history rewritten).
   */
  firstParentRange(before: string, after: string): Promise<string[]>;
  /** Names of the files directly in `folder` at `ref` (no sub-folders), or [] when the folder is not there. */
  listFiles(ref: string, folder: string): Promise<string[]>;
  /**
   * The bytes of the files directly in `folder` at `ref` whose name `wanted` accepts, by name, read in a
   * few git processes however many there are (an ops repository of a thousand accounts); empty when the
   * folder is not there.
   */
  readFolder(
    ref: string,
    folder: string,
    wanted: (name: string) => boolean,
  ): Promise<Map<string, Uint8Array>>;

  /** Fetches, then commits the plan file on top of the remote main unless the bot branch already has it. */
  commitPlan(request: PlanCommitRequest): Promise<PlanCommit>;
  /** Pushes the bot branch with a lease on the sha seen by commitPlan: a concurrent push makes it fail. */
  pushPlan(commit: PlanCommit): Promise<void>;

  /** Creates the lock ref on the remote; fails with LockHeldError if it already exists. */
  acquireLock(request: LockRequest): Promise<LockInfo>;
  /** Who holds the account's lock on the remote right now, or null. */
  readLock(account: string): Promise<LockInfo | null>;
  /** Deletes the lock ref only while it still points to this lock's commit. */
  releaseLock(lock: LockInfo): Promise<LockRelease>;
  /**
   * Rewrites the lock's heartbeat time, only while the ref still points to `lock.sha`; returns the lock
   * as it is now (a new sha). Fails with LockLostError when the lock was removed or taken by another.
   */
  heartbeatLock(lock: LockInfo): Promise<LockInfo>;
  /**
   * Deletes the account's lock (for `folioctl unlock`); returns what it removed, or null. `check` sees
   * the lock before it is deleted and may throw to keep it; a heartbeat meanwhile is checked again.
   */
  forceRemoveLock(
    account: string,
    check?: (lock: LockInfo) => void | Promise<void>,
  ): Promise<LockInfo | null>;

  /** Commits files under `ledger/<account>/` to main and pushes, rebuilding on main when it moved. */
  commitLedger(request: LedgerCommitRequest): Promise<LedgerCommit>;
}
