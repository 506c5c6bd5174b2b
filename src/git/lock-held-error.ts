import { GitError } from "../errors.js";
import type { LockInfo } from "./git-repo.js";
import { lockRef } from "./ops-repo-layout.js";

/** Another process holds the account's lock. Apply turns this into its `locked` refusal. */
export class LockHeldError extends GitError {
  override name = "LockHeldError";
  constructor(readonly lock: LockInfo) {
    super(
      `the lock ${lockRef(lock.account)} is held by ${lock.holder} (run ${lock.runId}) ` +
        `since ${lock.acquiredAt.toISOString()}`,
      {
        hint:
          "wait for that run to finish; if it is no longer running, remove the stale lock with " +
          `\`folioctl unlock ${lock.account} --yes\``,
      },
    );
  }
}
