import { GitError } from "../errors.js";
import type { LockInfo } from "./git-repo.js";
import { lockRef } from "./ops-repo-layout.js";

/** Our lock ref was deleted (`unlock --force`) or replaced while we held it: its heartbeat stops. */
export class LockLostError extends GitError {
  override name = "LockLostError";
  constructor(
    readonly lock: LockInfo,
    readonly now: LockInfo | null,
  ) {
    super(
      `the lock ${lockRef(lock.account)} is no longer ours: ` +
        (now === null ? "it was removed" : `it is now held by ${now.holder} (run ${now.runId})`),
      { hint: "someone ran `folioctl unlock --force` while this apply was running" },
    );
  }
}
