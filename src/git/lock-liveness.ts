// Whether the holder of an apply lock is still running, judged by its heartbeat moving, as this machine
// sees it. The times in the lock record come from the holder's clock, which may be minutes or hours off
// ours: a live holder behind us would look dead, a dead one ahead of us alive. So `unlock` never
// compares them with its own clock: it watches the lock ref for three of the holder's intervals,
// measured here, and a holder whose ref did not move in that time has missed three beats in a row.
import type { LockInfo } from "./git-repo.js";

/** How often `apply --on-merge` rewrites its lock's heartbeat unless told otherwise. */
export const DEFAULT_LOCK_HEARTBEAT_MS = 30_000;
/** Beats a holder may miss (a slow push, a busy remote) before it counts as dead. */
export const MISSED_BEATS_FOR_DEAD = 3;

/** How long a holder's lock must stand still to count as dead: three of its intervals. */
export function heartbeatWindowMs(lock: LockInfo): number {
  // A lock without a recorded interval (older folioctl) is judged by the default one.
  return MISSED_BEATS_FOR_DEAD * (lock.heartbeatIntervalMs ?? DEFAULT_LOCK_HEARTBEAT_MS);
}

/** The same holder's lock, perhaps with a newer heartbeat. */
export function sameHolding(a: LockInfo, b: LockInfo): boolean {
  return a.holder === b.holder && a.runId === b.runId && a.acquiredAt.getTime() === b.acquiredAt.getTime();
}

/**
 * What watching a lock showed: its heartbeat moved (`alive`), it stood still for the whole window
 * (`dead`), it was released, or another holder took it meanwhile (`replaced`).
 */
export type HeartbeatVerdict =
  | { kind: "alive"; lock: LockInfo }
  | { kind: "dead"; lock: LockInfo }
  | { kind: "released" }
  | { kind: "replaced"; lock: LockInfo };

export interface WatchHeartbeatOptions {
  /** Reads the lock from the remote now. */
  read: () => Promise<LockInfo | null>;
  /** Waits this long on this machine's clock (tests make it a holder's beat, or nothing). */
  sleep: (ms: number) => Promise<void>;
}

/**
 * Reads the lock again once per holder interval, for up to three intervals: the first move of its ref
 * answers `alive` at once; a ref that never moved answers `dead`. Only this machine's waiting is
 * measured, never a time written by the holder.
 */
export async function watchHeartbeat(
  first: LockInfo,
  options: WatchHeartbeatOptions,
): Promise<HeartbeatVerdict> {
  const intervalMs = first.heartbeatIntervalMs ?? DEFAULT_LOCK_HEARTBEAT_MS;
  const windowMs = heartbeatWindowMs(first);
  for (let waited = 0; waited < windowMs; waited += intervalMs) {
    await options.sleep(Math.min(intervalMs, windowMs - waited));
    const now = await options.read();
    if (now === null) return { kind: "released" };
    if (now.sha === first.sha) continue;
    return sameHolding(now, first) ? { kind: "alive", lock: now } : { kind: "replaced", lock: now };
  }
  return { kind: "dead", lock: first };
}
